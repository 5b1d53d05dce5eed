// Head means and attention rollout: a 2-layer, 3-token rollout worked by hand, renormalisation, switched-off
// heads, and invariants over a grid of random causal inputs and the real stories260K.
#include "core/model/aggregates.h"

#include "core/base/seeded_random.h"
#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using attnviz::MatrixRM;
using attnviz::SeededRandom;
using attnviz::Tensor3;
using namespace attnviz::model;

MatrixRM rows_of(int n_rows, int n_cols, std::initializer_list<float> values) {
    MatrixRM m(n_rows, n_cols);
    int k = 0;
    for (float v : values) {
        m(k / n_cols, k % n_cols) = v;
        ++k;
    }
    EXPECT_EQ(k, n_rows * n_cols);
    return m;
}

/// Fills matrix h of a stack element by element (a 2 x 2 Eigen assignment into a Tensor3 trips g++ 12's
/// -Warray-bounds with AVX-512 on).
void set_mat(Tensor3& t, int h, std::initializer_list<float> values) {
    float* p = t.data() + static_cast<std::size_t>(h) * static_cast<std::size_t>(t.n_rows() * t.n_cols());
    for (float v : values) *p++ = v;
}

void expect_matrix_near(const MatrixRM& got, const MatrixRM& want, double tol) {
    ASSERT_EQ(got.rows(), want.rows());
    ASSERT_EQ(got.cols(), want.cols());
    for (int i = 0; i < got.rows(); ++i) {
        for (int j = 0; j < got.cols(); ++j) {
            EXPECT_NEAR(got(i, j), want(i, j), tol) << "at [" << i << "][" << j << "]";
        }
    }
}

TEST(MeanOverHeads, AveragesTheIncludedHeads) {
    Tensor3 w(3, 2, 2);
    set_mat(w, 0, {1.0f, 0.0f, 0.5f, 0.5f});
    set_mat(w, 1, {1.0f, 0.0f, 0.1f, 0.9f});
    set_mat(w, 2, {1.0f, 0.0f, 1.0f, 0.0f});
    expect_matrix_near(mean_over_heads(w), rows_of(2, 2, {1.0f, 0.0f, 1.6f / 3, 1.4f / 3}), 1e-7);
    expect_matrix_near(mean_over_heads(w, {true, false, true}), rows_of(2, 2, {1.0f, 0.0f, 0.75f, 0.25f}),
                       1e-7);
    expect_matrix_near(mean_over_heads(w, {false, false, false}), MatrixRM::Zero(2, 2), 0.0);
}

TEST(AttentionRollout, TwoLayersThreeTokensByHand) {
    const MatrixRM a0 = rows_of(3, 3, {1.0f, 0.0f, 0.0f, 0.5f, 0.5f, 0.0f, 0.2f, 0.2f, 0.6f});
    const MatrixRM a1 = rows_of(3, 3, {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.5f, 0.5f});
    const auto r = attention_rollout({a0, a1});
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->size(), 2u);
    // A'_0 = 0.5 A_0 + 0.5 I (rows already sum to 1).
    expect_matrix_near((*r)[0], rows_of(3, 3, {1.0f, 0.0f, 0.0f, 0.25f, 0.75f, 0.0f, 0.1f, 0.1f, 0.8f}),
                       1e-7);
    // A'_1 = [[1, 0, 0], [0.5, 0.5, 0], [0, 0.25, 0.75]]; R_1 = A'_1 A'_0.
    expect_matrix_near((*r)[1],
                       rows_of(3, 3, {1.0f, 0.0f, 0.0f, 0.625f, 0.375f, 0.0f, 0.1375f, 0.2625f, 0.6f}), 1e-7);
}

TEST(AttentionRollout, RowsAreRenormalisedAfterAddingTheIdentity) {
    // Rows summing to 0.5 (half the heads switched off): [[0.75, 0], [0.25, 0.5]] renormalised.
    const MatrixRM a = rows_of(2, 2, {0.5f, 0.0f, 0.5f, 0.0f});
    const auto r = attention_rollout({a});
    ASSERT_TRUE(r.ok()) << r.error();
    expect_matrix_near((*r)[0], rows_of(2, 2, {1.0f, 0.0f, 1.0f / 3, 2.0f / 3}), 1e-7);
}

TEST(AttentionRollout, AZeroLayerPassesTheRolloutThrough) {
    const MatrixRM a0 = rows_of(3, 3, {1.0f, 0.0f, 0.0f, 0.5f, 0.5f, 0.0f, 0.2f, 0.2f, 0.6f});
    const auto r = attention_rollout({a0, MatrixRM::Zero(3, 3)});
    ASSERT_TRUE(r.ok()) << r.error();
    expect_matrix_near((*r)[1], (*r)[0], 1e-7);
}

TEST(AttentionRollout, BadShapesAreErrors) {
    EXPECT_FALSE(attention_rollout({}).ok());
    const auto mismatch = attention_rollout({MatrixRM::Identity(3, 3), MatrixRM::Identity(2, 2)});
    ASSERT_FALSE(mismatch.ok());
    EXPECT_NE(mismatch.error().find("layer 1"), std::string::npos) << mismatch.error();
    EXPECT_FALSE(attention_rollout({MatrixRM::Zero(2, 3)}).ok());
}

MatrixRM random_causal(int n, SeededRandom& rng) {
    MatrixRM m = MatrixRM::Zero(n, n);
    for (int i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int j = 0; j <= i; ++j) {
            m(i, j) = static_cast<float>(rng.uniform());
            sum += static_cast<double>(m(i, j));
        }
        for (int j = 0; j <= i; ++j) m(i, j) = static_cast<float>(static_cast<double>(m(i, j)) / sum);
    }
    return m;
}

TEST(AttentionRollout, RowsSumToOneAndCausalStaysLowerTriangularOverAGrid) {
    SeededRandom rng(7);
    for (int n : {1, 2, 5, 17, 40}) {
        for (int n_layers : {1, 2, 4, 8}) {
            std::vector<MatrixRM> layers;
            for (int l = 0; l < n_layers; ++l) layers.push_back(random_causal(n, rng));
            const auto r = attention_rollout(layers);
            ASSERT_TRUE(r.ok()) << r.error();
            ASSERT_EQ(r->size(), static_cast<std::size_t>(n_layers));
            for (const MatrixRM& m : *r) {
                for (int i = 0; i < n; ++i) {
                    EXPECT_NEAR(m.row(i).cast<double>().sum(), 1.0, 1e-6) << "n " << n << " row " << i;
                    for (int j = 0; j < n; ++j) {
                        EXPECT_GE(m(i, j), 0.0f);
                        if (j > i) {
                            EXPECT_EQ(m(i, j), 0.0f) << "n " << n << " [" << i << "][" << j << "]";
                        }
                    }
                }
            }
            // Each layer's diagonal keeps at least half of what the previous rollout held on it.
            for (int l = 1; l < n_layers; ++l) {
                for (int i = 0; i < n; ++i) {
                    EXPECT_GE((*r)[static_cast<std::size_t>(l)](i, 0),
                              0.5f * (*r)[static_cast<std::size_t>(l - 1)](i, 0) - 1e-6f);
                }
            }
        }
    }
}

TEST(LayerMeans, SwitchedOffHeadsAreLeftOut) {
    ForwardResult r;
    r.token_ids = {1, 2};
    for (int l = 0; l < 2; ++l) {
        LayerAttention la;
        la.weights = Tensor3(2, 2, 2);
        set_mat(la.weights, 0, {1.0f, 0.0f, 1.0f, 0.0f});
        set_mat(la.weights, 1, {1.0f, 0.0f, 0.0f, 1.0f});
        r.layers.push_back(std::move(la));
    }
    r.interventions.ablated = {HeadRef{0, 1}, HeadRef{1, 0}, HeadRef{1, 1}};
    const auto kept = layer_means(r);
    ASSERT_TRUE(kept.ok()) << kept.error();
    expect_matrix_near((*kept)[0], rows_of(2, 2, {1.0f, 0.0f, 1.0f, 0.0f}), 0.0);
    expect_matrix_near((*kept)[1], MatrixRM::Zero(2, 2), 0.0);
    const auto all = layer_means(r, false);
    ASSERT_TRUE(all.ok());
    expect_matrix_near((*all)[0], rows_of(2, 2, {1.0f, 0.0f, 0.5f, 0.5f}), 0.0);

    r.layers[1].weights = Tensor3();
    const auto missing = layer_means(r);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().find("layer 1"), std::string::npos) << missing.error();
}

TEST(AggregatesStories260K, RolloutOfARealRunAndALayerSwitchedOff) {
    auto model = load_builtin_model();
    ASSERT_TRUE(model.ok()) << model.error();
    const std::vector<int> ids = {1, 400, 300, 45, 260, 270, 280, 290};
    Interventions off;
    for (int h = 0; h < 8; ++h) off.ablated.push_back(HeadRef{2, h});
    const auto run = run_forward(**model, ids, off);
    ASSERT_TRUE(run.ok()) << run.error();
    const auto means = layer_means(*run);
    ASSERT_TRUE(means.ok()) << means.error();
    ASSERT_EQ(means->size(), 5u);
    const auto r = attention_rollout(*means);
    ASSERT_TRUE(r.ok()) << r.error();
    for (std::size_t l = 0; l < r->size(); ++l) {
        for (int i = 0; i < 8; ++i) {
            if (l != 2) {
                EXPECT_NEAR((*means)[l].row(i).cast<double>().sum(), 1.0, 1e-5);
            }
            EXPECT_NEAR((*r)[l].row(i).cast<double>().sum(), 1.0, 1e-5);
            for (int j = i + 1; j < 8; ++j) EXPECT_EQ((*r)[l](i, j), 0.0f);
        }
    }
    // Layer 2 passes nothing through attention: its rollout is layer 1's.
    expect_matrix_near((*r)[2], (*r)[1], 1e-6);
}

}  // namespace
