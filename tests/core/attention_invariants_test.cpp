// Invariant battery for the reference path over a grid of shapes, head layouts, masks and temperatures,
// plus agreement with an independent float64 implementation.
#include "core/attention/attention.h"
#include "tests/support/random_inputs.h"
#include "tests/support/reference_f64.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace attnviz {
namespace {

using testing::random_inputs;
using testing::reference_f64;

// fp32 rows of up to a few hundred keys sum to 1 within a few ulps of 1; 1e-6 leaves margin.
constexpr double kRowSumTol = 1e-6;
// fp32 scores/exp against float64 for unit-scale inputs: errors are ~1e-7 relative; numerics.md's
// contract is 1e-5.
constexpr double kF64Tol = 1e-5;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct MaskCase {
    const char* name;
    bool causal;
    int window;
    bool padding;
};

const MaskCase kMasks[] = {
    {"none", false, 0, false},    {"causal", true, 0, false},
    {"window2", false, 2, false}, {"causal_window3", true, 3, false},
    {"padding", false, 0, true},  {"causal_padding", true, 0, true},
    {"all", true, 2, true},
};
const double kTemperatures[] = {0.0, 0.3, 1.0, 5.0, kInf};
struct Shape {
    int n_q, n_k;
};
const Shape kShapes[] = {{1, 1}, {1, 5}, {3, 3}, {7, 7}, {5, 9}, {9, 5}, {16, 16}, {33, 20}};
struct Heads {
    int n_heads, n_kv_heads;
};
const Heads kHeads[] = {{1, 1}, {4, 4}, {4, 2}, {4, 1}, {6, 3}};
const int kDims[] = {1, 4, 16};

std::vector<std::uint8_t> padding_for(int n_k) {
    // Every third key is padding, and always the last one (a trailing pad, as batches have).
    std::vector<std::uint8_t> v(static_cast<std::size_t>(n_k), 1);
    for (int j = 0; j < n_k; ++j) {
        if (j % 3 == 2 || j == n_k - 1) v[static_cast<std::size_t>(j)] = 0;
    }
    if (n_k == 1) v[0] = 1;
    return v;
}

std::string case_name(const MaskCase& m, double t, Shape s, Heads h, int d) {
    return std::string("mask=") + m.name + " T=" + std::to_string(t) + " n_q=" + std::to_string(s.n_q) +
           " n_k=" + std::to_string(s.n_k) + " heads=" + std::to_string(h.n_heads) + "/" +
           std::to_string(h.n_kv_heads) + " d=" + std::to_string(d);
}

class AttentionGrid : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(AttentionGrid, MatchesFloat64AndHoldsInvariants) {
    const MaskCase& mc = kMasks[std::get<0>(GetParam())];
    const double t = kTemperatures[std::get<1>(GetParam())];
    unsigned seed = 1;
    for (Shape s : kShapes) {
        for (Heads hd : kHeads) {
            for (int d : kDims) {
                SCOPED_TRACE(case_name(mc, t, s, hd, d));
                attention::AttentionConfig c;
                c.n_heads = hd.n_heads;
                c.n_kv_heads = hd.n_kv_heads;
                c.head_dim = d;
                c.temperature = t;
                c.mask.causal = mc.causal;
                c.mask.window = mc.window;
                if (mc.padding) c.mask.key_valid = padding_for(s.n_k);
                const attention::AttentionInputs in =
                    random_inputs(hd.n_heads, hd.n_kv_heads, s.n_q, s.n_k, d, 3, seed++);
                Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
                ASSERT_TRUE(r.ok()) << r.error();
                const testing::ReferenceF64 ref = reference_f64(c, in);
                const attention::Mask mask(c.mask, s.n_q, s.n_k);

                for (int h = 0; h < hd.n_heads; ++h) {
                    const attention::HeadResult& hr = r->heads[static_cast<std::size_t>(h)];
                    EXPECT_EQ(hr.kv_head, h / (hd.n_heads / hd.n_kv_heads));
                    for (int i = 0; i < s.n_q; ++i) {
                        const int k = mask.count_visible(i);
                        EXPECT_EQ(hr.rows.n_visible[static_cast<std::size_t>(i)], k);
                        double sum = 0.0;
                        for (int j = 0; j < s.n_k; ++j) {
                            const float w = hr.weights(i, j);
                            sum += static_cast<double>(w);
                            if (!mask.visible(i, j)) {
                                EXPECT_EQ(w, 0.0f) << "masked weight at " << i << "," << j;
                            }
                            EXPECT_NEAR(w, ref.weights[h][i][j], kF64Tol) << i << "," << j;
                            if (t == kInf && mask.visible(i, j)) {
                                EXPECT_FLOAT_EQ(w, 1.0f / static_cast<float>(k));
                            }
                        }
                        if (k == 0) {
                            EXPECT_EQ(sum, 0.0);
                            EXPECT_TRUE(hr.output.row(i).isZero(0.0)) << "empty row output must be exactly 0";
                            EXPECT_EQ(hr.rows.lse[static_cast<std::size_t>(i)],
                                      -std::numeric_limits<float>::infinity());
                        } else {
                            EXPECT_NEAR(sum, 1.0, kRowSumTol);
                            EXPECT_NEAR(hr.rows.lse[static_cast<std::size_t>(i)], ref.lse[h][i],
                                        kF64Tol * 10);
                            EXPECT_NEAR(hr.rows.entropy[static_cast<std::size_t>(i)], ref.entropy[h][i],
                                        1e-4);
                        }
                        for (int col = 0; col < 3; ++col) {
                            EXPECT_NEAR(hr.output(i, col), ref.output[h][i][col], kF64Tol);
                        }
                    }
                }
            }
        }
    }
}

std::string grid_name(const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
    const double t = kTemperatures[std::get<1>(info.param)];
    std::string tn = std::isinf(t) ? "inf" : std::to_string(static_cast<int>(t * 10)) + "tenths";
    return std::string(kMasks[std::get<0>(info.param)].name) + "_T" + tn;
}

INSTANTIATE_TEST_SUITE_P(MaskByTemperature, AttentionGrid,
                         ::testing::Combine(::testing::Range(0, 7), ::testing::Range(0, 5)), grid_name);

attention::AttentionConfig config_for(int n_heads, int n_kv_heads, int d) {
    attention::AttentionConfig c;
    c.n_heads = n_heads;
    c.n_kv_heads = n_kv_heads;
    c.head_dim = d;
    return c;
}

TEST(AttentionInvariants, GqaEqualsMhaOnRepeatInterleavedKv) {
    for (auto [n_heads, n_kv] : {std::pair{8, 2}, {8, 4}, {6, 2}, {4, 1}}) {
        for (bool causal : {false, true}) {
            SCOPED_TRACE("heads=" + std::to_string(n_heads) + "/" + std::to_string(n_kv) +
                         " causal=" + std::to_string(causal));
            attention::AttentionConfig gqa = config_for(n_heads, n_kv, 8);
            gqa.mask.causal = causal;
            const attention::AttentionInputs in = random_inputs(n_heads, n_kv, 11, 11, 8, 5, 42);
            attention::AttentionInputs mha_in{in.q, Tensor3(n_heads, 11, 8), Tensor3(n_heads, 11, 5)};
            const int r = n_heads / n_kv;
            for (int h = 0; h < n_heads; ++h) {
                mha_in.k.mat(h) = in.k.mat(h / r);  // repeat_interleave: h reads KV head h / r
                mha_in.v.mat(h) = in.v.mat(h / r);
            }
            attention::AttentionConfig mha = gqa;
            mha.n_kv_heads = n_heads;
            Expected<attention::AttentionResult> a = attention::compute_attention(gqa, in);
            Expected<attention::AttentionResult> b = attention::compute_attention(mha, mha_in);
            ASSERT_TRUE(a.ok() && b.ok());
            for (int h = 0; h < n_heads; ++h) {
                EXPECT_EQ(a->heads[h].weights, b->heads[h].weights) << "head " << h;
                EXPECT_EQ(a->heads[h].output, b->heads[h].output) << "head " << h;
            }
        }
    }
}

TEST(AttentionInvariants, CausalIsBottomRightAlignedWhenFewerQueriesThanKeys) {
    attention::AttentionConfig c = config_for(1, 1, 4);
    c.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(1, 1, 3, 8, 4, 2, 7);
    Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
    ASSERT_TRUE(r.ok());
    for (int i = 0; i < 3; ++i) {
        // query i sits at p_i = i + 5 and sees keys 0..p_i (KV-cache decode)
        EXPECT_EQ(r->heads[0].rows.n_visible[i], i + 6);
        for (int j = 0; j < 8; ++j) EXPECT_EQ(r->visible(i, j), j <= i + 5 ? 1 : 0);
    }
}

TEST(AttentionInvariants, MoreQueriesThanKeysLeavesEarlyCausalRowsEmpty) {
    attention::AttentionConfig c = config_for(1, 1, 4);
    c.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(1, 1, 6, 3, 4, 2, 8);
    Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->empty_rows, (std::vector<int>{0, 1, 2}));
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(r->heads[0].weights.row(i).isZero(0.0));
        EXPECT_TRUE(r->heads[0].output.row(i).isZero(0.0));
        EXPECT_FALSE(std::isnan(r->heads[0].rows.entropy[i]));
    }
}

TEST(AttentionInvariants, WindowRowsSeeMinOfPositionPlusOneAndW) {
    for (int w : {1, 2, 3, 5, 100}) {
        attention::AttentionConfig c = config_for(1, 1, 4);
        c.mask.causal = true;
        c.mask.window = w;
        const attention::AttentionInputs in = random_inputs(1, 1, 9, 9, 4, 2, 9);
        Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
        ASSERT_TRUE(r.ok());
        for (int i = 0; i < 9; ++i)
            EXPECT_EQ(r->heads[0].rows.n_visible[i], std::min(i + 1, w)) << "W=" << w << " i=" << i;
    }
}

TEST(AttentionInvariants, MaskedKeysAndValuesCannotChangeAnything) {
    // Padding key 2 and, under the causal mask, key 5 for rows < 5: set them to NaN / inf / huge.
    attention::AttentionConfig c = config_for(2, 1, 4);
    c.mask.causal = true;
    c.mask.key_valid = {1, 1, 0, 1, 1, 1};
    attention::AttentionInputs in = random_inputs(2, 1, 6, 6, 4, 3, 10);
    Expected<attention::AttentionResult> base = attention::compute_attention(c, in);
    ASSERT_TRUE(base.ok());

    for (float poison :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), 1e30f}) {
        attention::AttentionInputs bad = in;
        bad.k.mat(0).row(2).setConstant(poison);
        bad.v.mat(0).row(2).setConstant(poison);
        Expected<attention::AttentionResult> r = attention::compute_attention(c, bad);
        ASSERT_TRUE(r.ok()) << r.error();
        for (int h = 0; h < 2; ++h) {
            EXPECT_EQ(r->heads[h].weights, base->heads[h].weights);
            EXPECT_EQ(r->heads[h].output, base->heads[h].output);
        }
    }
    // A finite change to a causally masked key changes only the rows that can see it.
    attention::AttentionInputs later = in;
    later.k.mat(0).row(5).setConstant(3.0f);
    later.v.mat(0).row(5).setConstant(-7.0f);
    Expected<attention::AttentionResult> r = attention::compute_attention(c, later);
    ASSERT_TRUE(r.ok());
    for (int h = 0; h < 2; ++h) {
        EXPECT_EQ(r->heads[h].weights.topRows(5), base->heads[h].weights.topRows(5));
        EXPECT_EQ(r->heads[h].output.topRows(5), base->heads[h].output.topRows(5));
    }
}

TEST(AttentionInvariants, NonFiniteValuesThatCanBeSeenAreRejected) {
    attention::AttentionConfig c = config_for(1, 1, 4);
    c.mask.causal = true;
    attention::AttentionInputs in = random_inputs(1, 1, 4, 4, 4, 2, 11);
    in.v.mat(0)(3, 1) = std::numeric_limits<float>::quiet_NaN();  // key 3 is seen by query 3
    Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("V has a non-finite value"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("key row 3"), std::string::npos) << r.error();
}

TEST(AttentionInvariants, PermutingKeysPermutesWeightColumns) {
    attention::AttentionConfig c = config_for(2, 2, 8);
    const attention::AttentionInputs in = random_inputs(2, 2, 5, 7, 8, 3, 12);
    const int perm[7] = {3, 0, 6, 1, 5, 2, 4};
    attention::AttentionInputs p = in;
    for (int g = 0; g < 2; ++g) {
        for (int j = 0; j < 7; ++j) {
            p.k.mat(g).row(j) = in.k.mat(g).row(perm[j]);
            p.v.mat(g).row(j) = in.v.mat(g).row(perm[j]);
        }
    }
    Expected<attention::AttentionResult> a = attention::compute_attention(c, in);
    Expected<attention::AttentionResult> b = attention::compute_attention(c, p);
    ASSERT_TRUE(a.ok() && b.ok());
    for (int h = 0; h < 2; ++h) {
        for (int i = 0; i < 5; ++i) {
            for (int j = 0; j < 7; ++j)
                EXPECT_NEAR(b->heads[h].weights(i, j), a->heads[h].weights(i, perm[j]), 1e-6);
        }
        EXPECT_TRUE(b->heads[h].output.isApprox(a->heads[h].output, 1e-5f));
    }
}

TEST(AttentionInvariants, EntropyNeverDecreasesAsTemperatureGrows) {
    attention::AttentionConfig c = config_for(1, 1, 16);
    const attention::AttentionInputs in = random_inputs(1, 1, 6, 10, 16, 2, 13);
    std::vector<float> prev(6, -1.0f);
    for (double t : {0.0, 0.01, 0.1, 0.3, 1.0, 2.0, 5.0, 20.0, 1e3, kInf}) {
        c.temperature = t;
        Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
        ASSERT_TRUE(r.ok());
        for (int i = 0; i < 6; ++i) {
            EXPECT_GE(r->heads[0].rows.entropy[i], prev[i] - 1e-5f) << "T=" << t << " row " << i;
            prev[i] = r->heads[0].rows.entropy[i];
        }
    }
    for (int i = 0; i < 6; ++i) EXPECT_NEAR(prev[i], std::log(10.0), 1e-5);  // T = inf: uniform over 10
}

TEST(AttentionInvariants, ResultsAreIdenticalForEveryThreadCount) {
    attention::AttentionConfig c = config_for(8, 2, 32);
    c.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(8, 2, 300, 300, 32, 32, 14);
    attention::AttentionOptions one;
    one.n_threads = 1;
    attention::AttentionOptions two;
    two.n_threads = 2;
    attention::AttentionOptions four;
    four.n_threads = 4;
    Expected<attention::AttentionResult> a = attention::compute_attention(c, in, one);
    Expected<attention::AttentionResult> b = attention::compute_attention(c, in, two);
    Expected<attention::AttentionResult> d = attention::compute_attention(c, in, four);
    ASSERT_TRUE(a.ok() && b.ok() && d.ok());
    for (int h = 0; h < 8; ++h) {
        EXPECT_EQ(a->heads[h].weights, b->heads[h].weights);
        EXPECT_EQ(a->heads[h].output, b->heads[h].output);
        EXPECT_EQ(a->heads[h].output, d->heads[h].output);
    }
}

TEST(AttentionInvariants, SkippedStagesLeaveOutputsUnchanged) {
    attention::AttentionConfig c = config_for(2, 1, 8);
    c.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(2, 1, 9, 9, 8, 4, 15);
    attention::AttentionOptions lean;
    lean.keep_raw_scores = lean.keep_scores = lean.keep_weights = lean.keep_entropy = false;
    Expected<attention::AttentionResult> full = attention::compute_attention(c, in);
    Expected<attention::AttentionResult> thin = attention::compute_attention(c, in, lean);
    ASSERT_TRUE(full.ok() && thin.ok());
    for (int h = 0; h < 2; ++h) {
        EXPECT_EQ(thin->heads[h].weights.size(), 0);
        EXPECT_EQ(thin->heads[h].scores.size(), 0);
        EXPECT_EQ(thin->heads[h].output, full->heads[h].output);
        EXPECT_EQ(thin->heads[h].rows.lse, full->heads[h].rows.lse);
        EXPECT_TRUE(full->heads[h].raw_scores.isApprox(full->heads[h].scores / full->scale));
    }
}

TEST(AttentionInvariants, OneTokenIsWeightOneForAnyTemperatureAndMask) {
    for (double t : {0.0, 1e-39, 0.5, 1.0, 1e30, kInf}) {
        for (bool causal : {false, true}) {
            attention::AttentionConfig c = config_for(1, 1, 3);
            c.temperature = t;
            c.mask.causal = causal;
            Expected<attention::AttentionResult> r =
                attention::compute_attention(c, random_inputs(1, 1, 1, 1, 3, 2, 16));
            ASSERT_TRUE(r.ok());
            EXPECT_EQ(r->heads[0].weights(0, 0), 1.0f) << "T=" << t;
        }
    }
}

TEST(AttentionInvariants, OverflowingScoresAreAnErrorNotNaN) {
    attention::AttentionConfig c = config_for(1, 1, 2);
    attention::AttentionInputs in = random_inputs(1, 1, 2, 2, 2, 2, 17);
    in.q.mat(0).setConstant(3e38f);
    in.k.mat(0).setConstant(3e38f);
    Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("overflowed"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace attnviz
