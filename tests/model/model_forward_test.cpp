// The forward pass on tiny random models of every architecture: against a float64 forward written from
// the formulas in this file, interventions exact (bitwise where the issue says so), recomputation from a
// layer, the flash path, the KV cache, determinism over thread counts, and bad input.
#include "core/model/forward.h"
#include "tests/support/tiny_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using attnviz::Expected;
using attnviz::MatrixRM;
using attnviz::Tensor3;
using attnviz::testing::edit_tiny_model;
using attnviz::testing::make_tiny_model;
using attnviz::testing::tiny_config;
using attnviz::testing::TinyModelStorage;
using namespace attnviz::model;

// ---- an independent float64 forward, straight from the Hugging Face modules' formulas ----

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;  // [rows][cols]

double at(const float* p, std::size_t i) {
    return static_cast<double>(p[i]);
}

double weight_at(const Linear& l, int out, int in) {
    const WeightView& w = l.weight;
    return l.stored_in_out ? at(w.data, static_cast<std::size_t>(in) * w.row_stride + out)
                           : at(w.data, static_cast<std::size_t>(out) * w.row_stride + in);
}

Mat f64_linear(const Mat& x, const Linear& l) {
    Mat y(x.size(), Vec(static_cast<std::size_t>(l.n_out()), 0.0));
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (int o = 0; o < l.n_out(); ++o) {
            double s = l.bias.empty() ? 0.0 : at(l.bias.data, static_cast<std::size_t>(o));
            for (int k = 0; k < l.n_in(); ++k) s += x[i][static_cast<std::size_t>(k)] * weight_at(l, o, k);
            y[i][static_cast<std::size_t>(o)] = s;
        }
    }
    return y;
}

Vec f64_norm(const Vec& x, const Norm& n, double eps) {
    const double width = static_cast<double>(x.size());
    Vec y(x.size());
    if (n.bias.empty()) {
        double ms = 0.0;
        for (double v : x) ms += v * v;
        ms /= width;
        for (std::size_t i = 0; i < x.size(); ++i) y[i] = at(n.weight.data, i) * x[i] / std::sqrt(ms + eps);
    } else {
        double mean = 0.0;
        for (double v : x) mean += v;
        mean /= width;
        double var = 0.0;
        for (double v : x) var += (v - mean) * (v - mean);
        var /= width;
        for (std::size_t i = 0; i < x.size(); ++i) {
            y[i] = (x[i] - mean) / std::sqrt(var + eps) * at(n.weight.data, i) + at(n.bias.data, i);
        }
    }
    return y;
}

struct F64Result {
    Mat logits;                  // [n][vocab]
    std::vector<Mat> attention;  // [layer * n_heads + head][i][j]
};

F64Result f64_forward(const Checkpoint& m, const std::vector<int>& ids, double temperature = 1.0,
                      bool causal = true, int window = 0, int ablated_layer = -1, int ablated_head = -1) {
    const ModelConfig& c = m.config;
    const int n = static_cast<int>(ids.size());
    const int hd = c.head_dim;
    const bool gpt2 = c.architecture == Architecture::kGpt2;
    Mat h(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(c.d_model)));
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < c.d_model; ++k) {
            double v = at(m.weights.token_embedding.data,
                          static_cast<std::size_t>(ids[static_cast<std::size_t>(i)]) * c.d_model + k);
            if (gpt2) v += at(m.weights.position_embedding.data, static_cast<std::size_t>(i) * c.d_model + k);
            h[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] = v;
        }
    }
    const auto rope = [&](Vec& x, int offset, int pos) {
        for (int i = 0; i < hd / 2; ++i) {
            const double angle = pos / std::pow(c.rope_theta, 2.0 * i / hd);
            const double a = x[static_cast<std::size_t>(offset + i)];
            const double b = x[static_cast<std::size_t>(offset + i + hd / 2)];
            x[static_cast<std::size_t>(offset + i)] = a * std::cos(angle) - b * std::sin(angle);
            x[static_cast<std::size_t>(offset + i + hd / 2)] = b * std::cos(angle) + a * std::sin(angle);
        }
    };
    F64Result r;
    for (int l = 0; l < c.n_layers; ++l) {
        const LayerWeights& w = m.weights.layers[static_cast<std::size_t>(l)];
        Mat a(h.size());
        for (std::size_t i = 0; i < h.size(); ++i) a[i] = f64_norm(h[i], w.attn_norm, c.norm_eps);
        Mat q = f64_linear(a, w.q), k = f64_linear(a, w.k), v = f64_linear(a, w.v);
        for (int i = 0; i < n; ++i) {
            const auto iu = static_cast<std::size_t>(i);
            if (c.qk_norm) {
                for (int hh = 0; hh < c.n_heads; ++hh) {
                    const Vec seg(q[iu].begin() + hh * hd, q[iu].begin() + (hh + 1) * hd);
                    const Vec normed = f64_norm(seg, w.q_norm, c.norm_eps);
                    std::copy(normed.begin(), normed.end(), q[iu].begin() + hh * hd);
                }
                for (int g = 0; g < c.n_kv_heads; ++g) {
                    const Vec seg(k[iu].begin() + g * hd, k[iu].begin() + (g + 1) * hd);
                    const Vec normed = f64_norm(seg, w.k_norm, c.norm_eps);
                    std::copy(normed.begin(), normed.end(), k[iu].begin() + g * hd);
                }
            }
            if (!gpt2) {
                for (int hh = 0; hh < c.n_heads; ++hh) rope(q[iu], hh * hd, i);
                for (int g = 0; g < c.n_kv_heads; ++g) rope(k[iu], g * hd, i);
            }
        }
        Mat att(h.size(), Vec(static_cast<std::size_t>(c.n_heads * hd), 0.0));
        for (int hh = 0; hh < c.n_heads; ++hh) {
            const int g = hh / (c.n_heads / c.n_kv_heads);
            Mat p(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(n), 0.0));
            for (int i = 0; i < n; ++i) {
                const auto iu = static_cast<std::size_t>(i);
                std::vector<double> s(static_cast<std::size_t>(n), -std::numeric_limits<double>::infinity());
                double mx = -std::numeric_limits<double>::infinity();
                for (int j = 0; j < n; ++j) {
                    const bool visible =
                        (!causal || j <= i) &&
                        (window == 0 || (causal ? j > i - window : std::abs(i - j) < window));
                    if (!visible) continue;
                    double dot = 0.0;
                    for (int d = 0; d < hd; ++d)
                        dot += q[iu][static_cast<std::size_t>(hh * hd + d)] *
                               k[static_cast<std::size_t>(j)][static_cast<std::size_t>(g * hd + d)];
                    s[static_cast<std::size_t>(j)] = dot / std::sqrt(static_cast<double>(hd)) / temperature;
                    mx = std::max(mx, s[static_cast<std::size_t>(j)]);
                }
                double sum = 0.0;
                for (int j = 0; j < n; ++j)
                    sum += std::isinf(s[static_cast<std::size_t>(j)])
                               ? 0.0
                               : std::exp(s[static_cast<std::size_t>(j)] - mx);
                for (int j = 0; j < n; ++j) {
                    const auto ju = static_cast<std::size_t>(j);
                    p[iu][ju] = std::isinf(s[ju]) ? 0.0 : std::exp(s[ju] - mx) / sum;
                    if (l == ablated_layer && hh == ablated_head) continue;
                    for (int d = 0; d < hd; ++d)
                        att[iu][static_cast<std::size_t>(hh * hd + d)] +=
                            p[iu][ju] * v[ju][static_cast<std::size_t>(g * hd + d)];
                }
            }
            r.attention.push_back(p);
        }
        const Mat o = f64_linear(att, w.o);
        for (std::size_t i = 0; i < h.size(); ++i) {
            for (std::size_t k2 = 0; k2 < h[i].size(); ++k2) h[i][k2] += o[i][k2];
        }
        Mat x(h.size());
        for (std::size_t i = 0; i < h.size(); ++i) x[i] = f64_norm(h[i], w.mlp_norm, c.norm_eps);
        Mat mid;
        if (gpt2) {
            mid = f64_linear(x, w.up);
            for (Vec& row : mid) {
                for (double& u : row)
                    u = 0.5 * u * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (u + 0.044715 * u * u * u)));
            }
        } else {
            mid = f64_linear(x, w.gate);
            const Mat up = f64_linear(x, w.up);
            for (std::size_t i = 0; i < mid.size(); ++i) {
                for (std::size_t k2 = 0; k2 < mid[i].size(); ++k2) {
                    const double gt = mid[i][k2];
                    mid[i][k2] = gt / (1.0 + std::exp(-gt)) * up[i][k2];
                }
            }
        }
        const Mat down = f64_linear(mid, w.down);
        for (std::size_t i = 0; i < h.size(); ++i) {
            for (std::size_t k2 = 0; k2 < h[i].size(); ++k2) h[i][k2] += down[i][k2];
        }
    }
    Mat f(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) f[i] = f64_norm(h[i], m.weights.final_norm, c.norm_eps);
    r.logits = f64_linear(f, m.weights.lm_head);
    return r;
}

// ---- helpers ----

const char* arch_name(Architecture a) {
    switch (a) {
        case Architecture::kGpt2:
            return "Gpt2";
        case Architecture::kLlama:
            return "Llama";
        case Architecture::kMistral:
            return "Mistral";
        case Architecture::kQwen2:
            return "Qwen2";
        case Architecture::kQwen3:
            return "Qwen3";
    }
    return "?";
}

std::vector<int> some_ids(int n, int vocab, int seed = 3) {
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) ids.push_back((i * 7 + seed * 13 + i * i) % vocab);
    return ids;
}

ForwardResult run(const Checkpoint& m, const std::vector<int>& ids, const Interventions& iv = {},
                  ForwardOptions options = {}) {
    Expected<ForwardResult> r = run_forward(m, ids, iv, options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? std::move(r).value() : ForwardResult{};
}

bool same_tensor(const Tensor3& a, const Tensor3& b) {
    return a.n_mats() == b.n_mats() && a.n_rows() == b.n_rows() && a.n_cols() == b.n_cols() &&
           std::equal(a.data(), a.data() + a.size(), b.data());
}

/// Bitwise equality of everything two results kept.
void expect_bitwise_equal(const ForwardResult& a, const ForwardResult& b) {
    ASSERT_EQ(a.layers.size(), b.layers.size());
    EXPECT_TRUE(a.logits == b.logits);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        EXPECT_TRUE(same_tensor(a.layers[l].weights, b.layers[l].weights)) << "layer " << l;
        EXPECT_TRUE(a.layers[l].residual_in == b.layers[l].residual_in) << "layer " << l;
    }
}

double max_rel_diff(const MatrixRM& got, const Mat& want, int want_row0 = 0) {
    double scale = 1e-6, diff = 0.0;
    for (int i = 0; i < got.rows(); ++i) {
        for (int j = 0; j < got.cols(); ++j) {
            const double w = want[static_cast<std::size_t>(want_row0 + i)][static_cast<std::size_t>(j)];
            scale = std::max(scale, std::abs(w));
            diff = std::max(diff, std::abs(static_cast<double>(got(i, j)) - w));
        }
    }
    return diff / scale;
}

class ForwardEveryArchitecture : public ::testing::TestWithParam<Architecture> {};

TEST_P(ForwardEveryArchitecture, MatchesTheFloat64ForwardWrittenFromTheFormulas) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(9, c.vocab_size);
    ForwardOptions options;
    options.all_logits = true;
    const ForwardResult r = run(*model, ids, {}, options);
    const F64Result ref = f64_forward(*model, ids);
    ASSERT_EQ(r.logits.rows(), 9);
    ASSERT_EQ(r.logits.cols(), c.vocab_size);
    EXPECT_LT(max_rel_diff(r.logits, ref.logits), 1e-5);
    for (int l = 0; l < c.n_layers; ++l) {
        const Tensor3& w = r.layers[static_cast<std::size_t>(l)].weights;
        ASSERT_EQ(w.n_mats(), c.n_heads);
        for (int h = 0; h < c.n_heads; ++h) {
            EXPECT_LT(max_rel_diff(w.mat(h), ref.attention[static_cast<std::size_t>(l * c.n_heads + h)]),
                      1e-5)
                << "layer " << l << " head " << h;
        }
    }
    // The last position alone is the last row of all the logits (a one-row product rounds differently).
    const ForwardResult last = run(*model, ids);
    ASSERT_EQ(last.logits.rows(), 1);
    EXPECT_LT((last.logits.row(0) - r.logits.row(8)).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST_P(ForwardEveryArchitecture, FlashPathAgreesWithTheReferencePath) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(20, c.vocab_size);
    ForwardOptions flash;
    flash.keep_attention = false;
    flash.all_logits = true;
    ForwardOptions ref = flash;
    ref.keep_attention = true;
    const ForwardResult a = run(*model, ids, {}, flash);
    const ForwardResult b = run(*model, ids, {}, ref);
    EXPECT_TRUE(a.layers[0].weights.empty());
    EXPECT_LT((a.logits - b.logits).cwiseAbs().maxCoeff(),
              1e-4f * std::max(1.0f, b.logits.cwiseAbs().maxCoeff()));
}

TEST_P(ForwardEveryArchitecture, KvCacheEqualsAFullRecompute) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(12, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult full = run(*model, ids, {}, all);

    KvCacheSession session(model, {});
    const std::vector<int> prompt(ids.begin(), ids.begin() + 5);
    Expected<ForwardResult> pre = session.append(prompt, all);
    ASSERT_TRUE(pre.ok()) << pre.error();
    ASSERT_EQ(pre->logits.rows(), 5);
    EXPECT_LT((pre->logits - full.logits.topRows(5)).cwiseAbs().maxCoeff(), 1e-5f);
    for (std::size_t i = 5; i < ids.size(); ++i) {
        Expected<ForwardResult> step = session.append({ids[i]});
        ASSERT_TRUE(step.ok()) << step.error();
        ASSERT_EQ(step->logits.rows(), 1);
        EXPECT_LT((step->logits.row(0) - full.logits.row(static_cast<Eigen::Index>(i))).cwiseAbs().maxCoeff(),
                  1e-5f)
            << "position " << i;
        // The new row of attention of every head: [n_heads, 1, i + 1].
        const Tensor3& w = step->layers[1].weights;
        ASSERT_EQ(w.n_rows(), 1);
        ASSERT_EQ(w.n_cols(), static_cast<int>(i) + 1);
        for (int h = 0; h < c.n_heads; ++h) {
            const auto want = full.layers[1]
                                  .weights.mat(h)
                                  .row(static_cast<Eigen::Index>(i))
                                  .head(static_cast<Eigen::Index>(i) + 1);
            EXPECT_LT((w.mat(h).row(0) - want).cwiseAbs().maxCoeff(), 1e-5f);
        }
        EXPECT_EQ(step->token_ids.size(), i + 1);
    }
    EXPECT_EQ(session.n_cached(), 12);
    EXPECT_EQ(session.cache_bytes(),
              static_cast<std::int64_t>(2 * c.n_layers * c.n_kv_heads * 12 * c.head_dim * sizeof(float)));
}

INSTANTIATE_TEST_SUITE_P(Architectures, ForwardEveryArchitecture,
                         ::testing::Values(Architecture::kGpt2, Architecture::kLlama, Architecture::kMistral,
                                           Architecture::kQwen2, Architecture::kQwen3),
                         [](const ::testing::TestParamInfo<Architecture>& param_info) {
                             return std::string(arch_name(param_info.param));
                         });

// ---- interventions ----

TEST(ForwardInterventions, DefaultsAndNeutralInterventionsAreThePlainForwardBitwise) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    const ForwardResult plain = run(*model, ids);
    Interventions neutral;
    neutral.temperature = 1.0;
    neutral.temperatures = {{1, 2, 1.0}, {-1, 3, 1.0}};  // explicit T = 1 on some heads: per-head path
    neutral.causal = true;
    neutral.window = -1;
    expect_bitwise_equal(plain, run(*model, ids, neutral));
    Interventions none_window;
    none_window.window = 0;  // the model has no sliding window: 0 (none) is the same computation
    expect_bitwise_equal(plain, run(*model, ids, none_window));
    // Run to run.
    expect_bitwise_equal(plain, run(*model, ids));
}

TEST(ForwardInterventions, TemperatureMatchesTheFloat64Forward) {
    const ModelConfig c = tiny_config(Architecture::kQwen2);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(8, c.vocab_size);
    Interventions hot;
    hot.temperature = 2.5;
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult r = run(*model, ids, hot, all);
    EXPECT_LT(max_rel_diff(r.logits, f64_forward(*model, ids, 2.5).logits), 1e-5);
    EXPECT_EQ(r.layers[0].config.temperature, 2.5);
}

TEST(ForwardInterventions, MaskOffLetsEarlierPositionsSeeTheFuture) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(8, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    Interventions open;
    open.causal = false;
    const ForwardResult causal = run(*model, ids, {}, all);
    const ForwardResult bidir = run(*model, ids, open, all);
    // Position 0 sees 8 keys instead of 1: its attention row and its logits change.
    EXPECT_GT(bidir.layers[0].weights.mat(0)(0, 7), 0.0f);
    EXPECT_EQ(causal.layers[0].weights.mat(0)(0, 7), 0.0f);
    EXPECT_GT((bidir.logits.row(0) - causal.logits.row(0)).cwiseAbs().maxCoeff(), 1e-3f);
    EXPECT_LT(max_rel_diff(bidir.logits, f64_forward(*model, ids, 1.0, false).logits), 1e-5);
}

TEST(ForwardInterventions, WindowKeepsTheLastWKeysIncludingItself) {
    ModelConfig c = tiny_config(Architecture::kMistral);
    c.sliding_window = 3;  // the model's own window
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(9, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult r = run(*model, ids, {}, all);
    EXPECT_EQ(r.layers[0].config.mask.window, 3);
    // Query 5 sees keys 3, 4, 5 (j > 5 - 3).
    const auto row = r.layers[1].weights.mat(2).row(5);
    EXPECT_EQ(row(2), 0.0f);
    EXPECT_GT(row(3), 0.0f);
    EXPECT_GT(row(5), 0.0f);
    EXPECT_EQ(row(6), 0.0f);
    EXPECT_LT(max_rel_diff(r.logits, f64_forward(*model, ids, 1.0, true, 3).logits), 1e-5);
    // window = 0 turns the model's window off; window = 5 replaces it.
    Interventions off;
    off.window = 0;
    EXPECT_LT(max_rel_diff(run(*model, ids, off, all).logits, f64_forward(*model, ids).logits), 1e-5);
    Interventions five;
    five.window = 5;
    EXPECT_LT(max_rel_diff(run(*model, ids, five, all).logits, f64_forward(*model, ids, 1.0, true, 5).logits),
              1e-5);
}

TEST(ForwardInterventions, AblatingAHeadIsZeroingItsSliceOfTheOutputProjection) {
    for (const Architecture arch : {Architecture::kLlama, Architecture::kGpt2}) {
        const ModelConfig c = tiny_config(arch);
        const auto model = make_tiny_model(c);
        const std::vector<int> ids = some_ids(10, c.vocab_size);
        Interventions off;
        off.ablated = {{1, 2}};
        ForwardOptions all;
        all.all_logits = true;
        const ForwardResult ablated = run(*model, ids, off, all);
        // The same model with o_proj's input columns of head 2 in layer 1 zeroed (rows for Conv1D).
        const auto zeroed = edit_tiny_model(model, [&](TinyModelStorage& s) {
            Linear& o = s.checkpoint.weights.layers[1].o;
            float* copy = s.allocate(static_cast<std::size_t>(o.weight.rows) * o.weight.cols);
            for (int r = 0; r < o.weight.rows; ++r) {
                for (int k = 0; k < o.weight.cols; ++k) {
                    const int in = o.stored_in_out ? r : k;
                    const bool head2 = in / c.head_dim == 2;
                    copy[r * o.weight.cols + k] = head2 ? 0.0f : o.weight.data[r * o.weight.row_stride + k];
                }
            }
            o.weight = WeightView{copy, o.weight.rows, o.weight.cols, o.weight.cols};
        });
        const ForwardResult by_weights = run(*zeroed, ids, {}, all);
        EXPECT_TRUE(ablated.logits == by_weights.logits) << arch_name(arch);
        EXPECT_GT((ablated.logits - run(*model, ids, {}, all).logits).cwiseAbs().maxCoeff(), 1e-4f);
        EXPECT_LT(max_rel_diff(ablated.logits, f64_forward(*model, ids, 1.0, true, 0, 1, 2).logits), 1e-5);
        // The ablated head's own attention weights are still shown.
        EXPECT_GT(ablated.layers[1].weights.mat(2)(5, 0), 0.0f);
    }
}

TEST(ForwardInterventions, RerunFromTheFirstChangedLayerIsAFullRunBitwise) {
    const ModelConfig c = tiny_config(Architecture::kQwen3, 32, 4, 2, 4);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(11, c.vocab_size);
    const ForwardResult plain = run(*model, ids);
    Interventions changed;
    changed.temperatures = {{2, 1, 0.5}};
    changed.ablated = {{3, 0}};
    EXPECT_EQ(changed.first_changed_layer(Interventions{}, c.n_layers), 2);
    Expected<ForwardResult> rerun = rerun_forward(*model, plain, changed);
    ASSERT_TRUE(rerun.ok()) << rerun.error();
    expect_bitwise_equal(*rerun, run(*model, ids, changed));
    EXPECT_FALSE(rerun->logits == plain.logits);
    // Layers before the change are the previous ones.
    EXPECT_TRUE(same_tensor(rerun->layers[1].weights, plain.layers[1].weights));
    // Back to the defaults from there: the plain run again, bitwise.
    Expected<ForwardResult> back = rerun_forward(*model, *rerun, Interventions{});
    ASSERT_TRUE(back.ok());
    expect_bitwise_equal(*back, plain);
    // The mask changes every layer.
    Interventions open;
    open.causal = false;
    EXPECT_EQ(open.first_changed_layer(Interventions{}, c.n_layers), 0);
    Expected<ForwardResult> open_rerun = rerun_forward(*model, plain, open);
    ASSERT_TRUE(open_rerun.ok());
    expect_bitwise_equal(*open_rerun, run(*model, ids, open));
    // Without kept residuals there is nothing to start from.
    ForwardOptions bare;
    bare.keep_residual = false;
    const ForwardResult no_residual = run(*model, ids, {}, bare);
    Expected<ForwardResult> refused = rerun_forward(*model, no_residual, changed, bare);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("keep_residual"), std::string::npos);
}

TEST(ForwardInterventions, FirstChangedLayer) {
    Interventions a;
    Interventions b;
    EXPECT_EQ(a.first_changed_layer(b, 6), 6);
    b.temperatures = {{4, -1, 2.0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 4);
    b.temperatures = {{-1, 3, 2.0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 0);
    b = {};
    b.ablated = {{5, 1}, {3, 0}};
    EXPECT_EQ(b.first_changed_layer(a, 6), 3);
    b = {};
    b.window = 4;
    EXPECT_EQ(a.first_changed_layer(b, 6), 0);
    // The same heads in another order change nothing.
    a.ablated = {{1, 0}, {2, 3}};
    b = {};
    b.ablated = {{2, 3}, {1, 0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 6);
    EXPECT_EQ(b.temperature_for(1, 1), 1.0);
}

TEST(ForwardInterventions, TemperatureOverridesLaterEntriesWin) {
    Interventions iv;
    iv.temperature = 2.0;
    iv.temperatures = {{-1, -1, 3.0}, {1, -1, 4.0}, {1, 2, 0.0}};
    EXPECT_EQ(iv.temperature_for(0, 0), 3.0);
    EXPECT_EQ(iv.temperature_for(1, 0), 4.0);
    EXPECT_EQ(iv.temperature_for(1, 2), 0.0);
}

TEST(ForwardInterventions, PerHeadTemperaturesMatchTheJointCallAndTheLimitsAreFinite) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    Interventions all_zero;
    all_zero.temperature = 0.0;
    Interventions per_head;  // every head at 0, but through per-head overrides (one call per head)
    per_head.temperature = 0.0;
    per_head.temperatures = {{0, 1, 0.0}};
    per_head.temperatures.push_back({0, 0, 1.0});
    per_head.temperatures.push_back({0, 0, 0.0});
    expect_bitwise_equal(run(*model, ids, all_zero), run(*model, ids, per_head));
    Interventions uniform;
    uniform.temperature = std::numeric_limits<double>::infinity();
    const ForwardResult u = run(*model, ids, uniform);
    EXPECT_FLOAT_EQ(u.layers[0].weights.mat(1)(3, 0), 0.25f);
    EXPECT_TRUE(u.logits.allFinite());
}

TEST(ForwardInterventions, BadInterventionsAreRefusedWithAMessage) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(4, c.vocab_size);
    Interventions iv;
    iv.temperature = -1.0;
    Expected<ForwardResult> r = run_forward(*model, ids, iv);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("negative"), std::string::npos);
    iv = {};
    iv.temperatures = {{0, 0, std::nan("")}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.ablated = {{2, 0}};
    r = run_forward(*model, ids, iv);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("2.0"), std::string::npos);
    iv = {};
    iv.ablated = {{0, 4}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.temperatures = {{5, 0, 1.0}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.window = -2;
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
}

// ---- bad input, determinism ----

TEST(ForwardInput, TooManyTokensNamesBothNumbers) {
    for (const Architecture arch : {Architecture::kGpt2, Architecture::kLlama}) {
        const ModelConfig c = tiny_config(arch);
        const auto model = make_tiny_model(c);
        Expected<ForwardResult> r = run_forward(*model, some_ids(65, c.vocab_size), {});
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().find("65 tokens"), std::string::npos) << r.error();
        EXPECT_NE(r.error().find("64"), std::string::npos) << r.error();
        EXPECT_TRUE(run_forward(*model, some_ids(64, c.vocab_size), {}).ok());
    }
}

TEST(ForwardInput, TokenIdsOutOfRangeAndNoTokens) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    Expected<ForwardResult> r = run_forward(*model, {1, 50, 2}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("token id 50 at position 1"), std::string::npos) << r.error();
    EXPECT_FALSE(run_forward(*model, {-1}, {}).ok());
    EXPECT_FALSE(run_forward(*model, {}, {}).ok());
    KvCacheSession session(model, {});
    ASSERT_TRUE(session.append(some_ids(60, c.vocab_size)).ok());
    Expected<ForwardResult> over = session.append(some_ids(5, c.vocab_size));
    ASSERT_FALSE(over.ok());
    EXPECT_NE(over.error().find("65 tokens"), std::string::npos);
    EXPECT_EQ(session.n_cached(), 60);  // unchanged by the refused append
    KvCacheSession open(model, Interventions{1.0, {}, false, -1, {}});
    EXPECT_FALSE(open.append({1, 2}).ok());
}

TEST(ForwardInput, APassThatCannotFitInMemoryIsRefusedWithTheEstimate) {
    // 64 layers x 4 heads x 60000^2 attention weights: about 3.4 TB, on no machine.
    ModelConfig c = tiny_config(Architecture::kLlama, 32, 4, 2, 64);
    c.n_ctx = 100000;
    const auto model = make_tiny_model(c);
    EXPECT_GT(forward_memory_bytes(c, 60000, 0, {}), std::int64_t{3} << 40);
    Expected<ForwardResult> r = run_forward(*model, std::vector<int>(60000, 1), {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("needs about"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("available"), std::string::npos) << r.error();
    // The same sequence without the attention weights kept needs a few MB.
    ForwardOptions lean;
    lean.keep_attention = false;
    lean.keep_residual = false;
    EXPECT_LT(forward_memory_bytes(c, 60000, 0, lean), std::int64_t{100} << 20);
    // GPT-2 small at 512 tokens keeping every attention matrix: 12 x 12 x 512 x 512 floats = 151 MB of them.
    const ModelConfig gpt2 = tiny_config(Architecture::kGpt2, 768, 12, 12, 12, 3072, 50257);
    const std::int64_t bytes = forward_memory_bytes(gpt2, 512, 0, {});
    EXPECT_GT(bytes, std::int64_t{12} * 12 * 512 * 512 * 4);
    EXPECT_LT(bytes, std::int64_t{300} << 20);
}

TEST(ForwardDeterminism, OneAndTwoThreadsGiveBitwiseTheSameResult) {
    // Large enough that the products, norms and attention really split over threads.
    for (const Architecture arch : {Architecture::kGpt2, Architecture::kLlama}) {
        const ModelConfig c = tiny_config(arch, 256, 8, 4, 2, 1024, 300);
        ModelConfig big = c;
        const auto model = make_tiny_model(big);
        const std::vector<int> ids = some_ids(60, c.vocab_size);
        ForwardOptions one;
        one.n_threads = 1;
        one.all_logits = true;
        ForwardOptions two = one;
        two.n_threads = 2;
        expect_bitwise_equal(run(*model, ids, {}, one), run(*model, ids, {}, two));
        one.keep_attention = two.keep_attention = false;
        expect_bitwise_equal(run(*model, ids, {}, one), run(*model, ids, {}, two));
        Interventions mixed;
        mixed.temperatures = {{0, 3, 0.7}};
        expect_bitwise_equal(run(*model, ids, mixed, one), run(*model, ids, mixed, two));
    }
}

TEST(ForwardOptionsKept, QkvScoresAndResidualShapes) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    ForwardOptions o;
    o.keep_qkv = true;
    o.keep_scores = true;
    const ForwardResult r = run(*model, some_ids(6, c.vocab_size), {}, o);
    const LayerAttention& l = r.layers[1];
    EXPECT_EQ(l.q.n_mats(), 4);
    EXPECT_EQ(l.q.n_rows(), 6);
    EXPECT_EQ(l.q.n_cols(), 8);
    EXPECT_EQ(l.k.n_mats(), 2);
    EXPECT_EQ(l.v.n_mats(), 2);
    EXPECT_EQ(l.scores.n_mats(), 4);
    EXPECT_EQ(l.residual_in.rows(), 6);
    EXPECT_EQ(l.residual_in.cols(), 32);
    // Scores are Q K^T / sqrt(head_dim) of the kept q and k; head 3 reads KV head 1.
    const float s = l.q.mat(3).row(4).dot(l.k.mat(1).row(2)) / std::sqrt(8.0f);
    EXPECT_NEAR(l.scores.mat(3)(4, 2), s, 1e-5f);
    ForwardOptions bare;
    bare.keep_residual = false;
    EXPECT_EQ(run(*model, some_ids(6, c.vocab_size), {}, bare).layers[0].residual_in.size(), 0);
}

}  // namespace
