// An independent float64 forward of an in-memory checkpoint (tests/support/tiny_model.h), straight from the
// Hugging Face modules' formulas, with the temperature, mask, window and head ablation the forward tests
// check the engine against. Reads the checkpoint's float weights only, never anything core/ computed.
#pragma once

#include "core/model/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace attnviz::testing::tiny_forward {

using namespace attnviz::model;

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;  // [rows][cols]

inline double at(const float* p, std::size_t i) {
    return static_cast<double>(p[i]);
}

inline double weight_at(const Linear& l, int out, int in) {
    const WeightView& w = l.weight;
    return l.stored_in_out ? at(w.data, static_cast<std::size_t>(in) * w.row_stride + out)
                           : at(w.data, static_cast<std::size_t>(out) * w.row_stride + in);
}

inline Mat f64_linear(const Mat& x, const Linear& l) {
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

inline Vec f64_norm(const Vec& x, const Norm& n, double eps) {
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

inline F64Result f64_forward(const Checkpoint& m, const std::vector<int>& ids, double temperature = 1.0,
                             bool causal = true, int window = 0, int ablated_layer = -1,
                             int ablated_head = -1) {
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
    // Inverse frequencies, with Llama 3's rescaling written from the Llama 3.1 reference code's formula.
    std::vector<double> inv_freq;
    for (int i = 0; i < hd / 2; ++i) {
        double f = 1.0 / std::pow(c.rope_theta, 2.0 * i / hd);
        if (c.rope_scaling.llama3) {
            const RopeScaling& rs = c.rope_scaling;
            const double wavelen = 2.0 * M_PI / f;
            const double old_len = rs.original_max_position_embeddings;
            if (wavelen > old_len / rs.low_freq_factor) {
                f /= rs.factor;
            } else if (wavelen >= old_len / rs.high_freq_factor) {
                const double smooth =
                    (old_len / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
                f = (1.0 - smooth) * f / rs.factor + smooth * f;
            }
        }
        inv_freq.push_back(f);
    }
    const auto rope = [&](Vec& x, int offset, int pos) {
        for (int i = 0; i < hd / 2; ++i) {
            const double angle = pos * inv_freq[static_cast<std::size_t>(i)];
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
                for (double& u : row) {
                    u = c.activation == Activation::kGeluExact
                            ? 0.5 * u * (1.0 + std::erf(u / std::sqrt(2.0)))
                            : 0.5 * u * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (u + 0.044715 * u * u * u)));
                }
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

}  // namespace attnviz::testing::tiny_forward
