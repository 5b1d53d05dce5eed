// An independent float64 forward pass of GPT-2 and the Llama family (Llama, Mistral, Qwen2, Qwen3), written
// from the formulas of transformers' modeling files with plain loops, and the attention interventions the
// engine offers. Test support only: it reads the float64 tensors the checkpoint writer kept (or a test's
// own safetensors reader), never anything core/ computed.
#pragma once

#include "tests/support/hf_checkpoint_writer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::testing::hf {

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;  // [rows][cols]

/// A temperature for one head (head = -1: every head of the layer; layer = -1: every layer).
struct RefHeadTemperature {
    int layer = -1;
    int head = -1;
    double temperature = 1.0;
};

/// The engine's interventions, restated: softmax(scores / T) per head (T = 0: the maximal visible scores
/// share the weight; T = inf: uniform over visible keys), the causal mask on or off, a sliding window
/// (-1: the model's own, 0: none, W >= 1), heads whose output is zeroed before o_proj.
struct RefInterventions {
    double temperature = 1.0;
    std::vector<RefHeadTemperature> temperatures;  ///< overrides, later entries win
    bool causal = true;
    int window = -1;
    std::vector<std::pair<int, int>> ablated;  ///< (layer, head)

    double temperature_for(int layer, int head) const {
        double t = temperature;
        for (const RefHeadTemperature& o : temperatures) {
            if ((o.layer == -1 || o.layer == layer) && (o.head == -1 || o.head == head)) t = o.temperature;
        }
        return t;
    }
    bool is_ablated(int layer, int head) const {
        return std::find(ablated.begin(), ablated.end(), std::make_pair(layer, head)) != ablated.end();
    }
};

struct RefResult {
    Mat logits;                               ///< [n][vocab]
    std::vector<std::vector<Mat>> attention;  ///< [layer][head][query][key]
    std::vector<Mat> residual_in;             ///< [layer][n][d_model]: the stream entering each layer
    std::vector<std::vector<Mat>>
        scores;                       ///< [layer][head][query][key]: q.k / sqrt(head_dim), 0 where masked
    std::vector<std::vector<Mat>> q;  ///< [layer][head][n][head_dim] after q_norm and RoPE
    std::vector<std::vector<Mat>> k;  ///< [layer][kv_head][n][head_dim] after k_norm and RoPE
    std::vector<std::vector<Mat>> v;  ///< [layer][kv_head][n][head_dim]
};

/// Splits [n][heads * head_dim] into [heads][n][head_dim].
inline std::vector<Mat> split_heads(const Mat& x, int n_heads, int head_dim) {
    std::vector<Mat> out(static_cast<std::size_t>(n_heads),
                         Mat(x.size(), Vec(static_cast<std::size_t>(head_dim))));
    for (std::size_t i = 0; i < x.size(); ++i)
        for (int h = 0; h < n_heads; ++h)
            for (int c = 0; c < head_dim; ++c)
                out[static_cast<std::size_t>(h)][i][static_cast<std::size_t>(c)] =
                    x[i][static_cast<std::size_t>(h * head_dim + c)];
    return out;
}

// ---------------------------------------------------------------------------------------------------
// Building blocks, each a transformers formula.

inline const Tensor64& ref_tensor(const TensorMap& t, const std::string& name) {
    const auto it = t.find(name);
    if (it == t.end()) throw std::runtime_error("reference_model_f64: no tensor " + name);
    return it->second;
}

/// y = x W^T (+ b): nn.Linear with W stored [out, in].
inline Mat linear(const Mat& x, const Tensor64& w, const Tensor64* b) {
    const std::size_t n_out = static_cast<std::size_t>(w.shape.at(0)),
                      n_in = static_cast<std::size_t>(w.shape.at(1));
    Mat y(x.size(), Vec(n_out, 0.0));
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].size() != n_in) throw std::runtime_error("reference_model_f64: linear width mismatch");
        for (std::size_t o = 0; o < n_out; ++o) {
            double acc = b ? b->values[o] : 0.0;
            for (std::size_t k = 0; k < n_in; ++k) acc += x[i][k] * w.values[o * n_in + k];
            y[i][o] = acc;
        }
    }
    return y;
}

/// y = x W + b: GPT-2's Conv1D with W stored [in, out].
inline Mat conv1d(const Mat& x, const Tensor64& w, const Tensor64& b) {
    const std::size_t n_in = static_cast<std::size_t>(w.shape.at(0)),
                      n_out = static_cast<std::size_t>(w.shape.at(1));
    Mat y(x.size(), Vec(n_out, 0.0));
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].size() != n_in) throw std::runtime_error("reference_model_f64: conv1d width mismatch");
        for (std::size_t o = 0; o < n_out; ++o) {
            double acc = b.values[o];
            for (std::size_t k = 0; k < n_in; ++k) acc += x[i][k] * w.values[k * n_out + o];
            y[i][o] = acc;
        }
    }
    return y;
}

/// nn.LayerNorm: (x - mean) / sqrt(var + eps) * weight + bias, var the biased variance (divide by width).
inline Vec layer_norm(const Vec& x, const Tensor64& w, const Tensor64& b, double eps) {
    const double n = static_cast<double>(x.size());
    double mean = 0.0;
    for (double v : x) mean += v;
    mean /= n;
    double var = 0.0;
    for (double v : x) var += (v - mean) * (v - mean);
    var /= n;
    Vec y(x.size());
    for (std::size_t k = 0; k < x.size(); ++k)
        y[k] = (x[k] - mean) / std::sqrt(var + eps) * w.values[k] + b.values[k];
    return y;
}

/// LlamaRMSNorm: weight * x / sqrt(mean(x^2) + eps).
inline Vec rms_norm(const Vec& x, const double* w, double eps) {
    double ms = 0.0;
    for (double v : x) ms += v * v;
    ms /= static_cast<double>(x.size());
    const double r = 1.0 / std::sqrt(ms + eps);
    Vec y(x.size());
    for (std::size_t k = 0; k < x.size(); ++k) y[k] = w[k] * (x[k] * r);
    return y;
}

/// GELU: "gelu_new" / "gelu_pytorch_tanh" 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); "gelu"
/// 0.5 x (1 + erf(x / sqrt(2))).
inline double gelu(double x, bool exact) {
    if (exact) return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    const double pi = 3.14159265358979323846;
    return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / pi) * (x + 0.044715 * x * x * x)));
}

inline double silu(double x) {
    return x / (1.0 + std::exp(-x));
}

/// RoPE frequencies: inv_freq[i] = theta^(-2i/d) for i < d/2, with Llama 3's rescaling when asked:
/// wavelength 2 pi / f below original / high_freq_factor kept, above original / low_freq_factor divided by
/// factor, in between interpolated with smooth = (original / wavelength - low) / (high - low).
inline Vec rope_inv_freq(const ModelSpec& s) {
    const int d = s.head_dim;
    Vec f(static_cast<std::size_t>(d / 2));
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < d / 2; ++i) {
        double inv = 1.0 / std::pow(s.rope_theta, static_cast<double>(2 * i) / d);
        if (s.llama3_scaling) {
            const double old_len = s.original_max_position_embeddings;
            const double low_wavelen = old_len / s.low_freq_factor;
            const double high_wavelen = old_len / s.high_freq_factor;
            const double wavelen = 2.0 * pi / inv;
            if (wavelen > low_wavelen) {
                inv = inv / s.rope_factor;
            } else if (wavelen >= high_wavelen) {  // medium: neither < high nor > low
                const double smooth =
                    (old_len / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
                inv = (1.0 - smooth) * inv / s.rope_factor + smooth * inv;
            }
        }
        f[static_cast<std::size_t>(i)] = inv;
    }
    return f;
}

/// rotate_half convention: x * cos + rotate_half(x) * sin with rotate_half(x) = [-x2, x1] and the angle
/// pos * inv_freq[i] shared by dimensions i and i + d/2.
inline void apply_rope(double* x, int d, int pos, const Vec& inv_freq) {
    const int half = d / 2;
    for (int i = 0; i < half; ++i) {
        const double angle = pos * inv_freq[static_cast<std::size_t>(i)];
        const double c = std::cos(angle), s = std::sin(angle);
        const double x1 = x[i], x2 = x[i + half];
        x[i] = x1 * c - x2 * s;
        x[i + half] = x2 * c + x1 * s;
    }
}

/// Key j visible to query i: causal i - W < j <= i; non-causal |i - j| < W; W = 0 no window.
inline bool ref_visible(bool causal, int window, int i, int j) {
    if (causal && j > i) return false;
    if (window > 0) {
        if (causal) return i - window < j;
        return std::abs(i - j) < window;
    }
    return true;
}

/// Softmax of one row of scaled scores over the visible keys, at temperature t.
inline Vec ref_softmax(const Vec& scores, const std::vector<bool>& visible, double t) {
    Vec p(scores.size(), 0.0);
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < scores.size(); ++j)
        if (visible[j]) m = std::max(m, scores[j]);
    if (!(m > -std::numeric_limits<double>::infinity())) return p;
    double sum = 0.0;
    for (std::size_t j = 0; j < scores.size(); ++j) {
        if (!visible[j]) continue;
        if (t == 0.0)
            p[j] = scores[j] == m ? 1.0 : 0.0;
        else if (std::isinf(t))
            p[j] = 1.0;
        else
            p[j] = std::exp((scores[j] - m) / t);
        sum += p[j];
    }
    for (double& v : p) v /= sum;
    return p;
}

// ---------------------------------------------------------------------------------------------------
// The forward pass.

/// Runs the model on token ids. q, k, v are [n][heads * head_dim] (after norms and RoPE); returns the
/// attention weights of every head and the merged head outputs [n][n_heads * head_dim].
inline Mat ref_attention(const ModelSpec& s, int layer, const Mat& q, const Mat& k, const Mat& v,
                         const RefInterventions& iv, std::vector<Mat>& weights_out,
                         std::vector<Mat>& scores_out) {
    const int n = static_cast<int>(q.size()), hd = s.head_dim;
    const int group = s.n_heads / s.n_kv_heads;
    const int window = iv.window < 0 ? s.sliding_window : iv.window;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    Mat out(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(s.n_heads * hd), 0.0));
    weights_out.assign(static_cast<std::size_t>(s.n_heads), Mat());
    scores_out.assign(static_cast<std::size_t>(s.n_heads),
                      Mat(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(n), 0.0)));
    for (int h = 0; h < s.n_heads; ++h) {
        const int g = h / group;
        const double t = iv.temperature_for(layer, h);
        Mat& w = weights_out[static_cast<std::size_t>(h)];
        w.assign(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(n), 0.0));
        for (int i = 0; i < n; ++i) {
            Vec scores(static_cast<std::size_t>(n), 0.0);
            std::vector<bool> visible(static_cast<std::size_t>(n));
            for (int j = 0; j < n; ++j) {
                visible[static_cast<std::size_t>(j)] = ref_visible(iv.causal, window, i, j);
                double dot = 0.0;
                for (int c = 0; c < hd; ++c)
                    dot += q[static_cast<std::size_t>(i)][static_cast<std::size_t>(h * hd + c)] *
                           k[static_cast<std::size_t>(j)][static_cast<std::size_t>(g * hd + c)];
                scores[static_cast<std::size_t>(j)] = dot * scale;
            }
            w[static_cast<std::size_t>(i)] = ref_softmax(scores, visible, t);
            for (int j = 0; j < n; ++j)
                if (visible[static_cast<std::size_t>(j)])
                    scores_out[static_cast<std::size_t>(h)][static_cast<std::size_t>(i)]
                              [static_cast<std::size_t>(j)] = scores[static_cast<std::size_t>(j)];
            if (iv.is_ablated(layer, h)) continue;  // its output zeroed before o_proj
            for (int j = 0; j < n; ++j) {
                const double p = w[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
                for (int c = 0; c < hd; ++c)
                    out[static_cast<std::size_t>(i)][static_cast<std::size_t>(h * hd + c)] +=
                        p * v[static_cast<std::size_t>(j)][static_cast<std::size_t>(g * hd + c)];
            }
        }
    }
    return out;
}

inline void add_into(Mat& h, const Mat& x) {
    for (std::size_t i = 0; i < h.size(); ++i)
        for (std::size_t k = 0; k < h[i].size(); ++k) h[i][k] += x[i][k];
}

/// The forward pass on token ids (each < vocab, at most n_ctx of them): logits of every position, the
/// attention of every layer and head, the residual stream entering each layer.
inline RefResult reference_forward(const ModelSpec& s, const TensorMap& t, const std::vector<int>& ids,
                                   const RefInterventions& iv = {}) {
    const int n = static_cast<int>(ids.size()), d = s.d_model, hd = s.head_dim;
    if (n < 1 || n > s.n_ctx) throw std::runtime_error("reference_model_f64: bad token count");
    for (int id : ids)
        if (id < 0 || id >= s.vocab) throw std::runtime_error("reference_model_f64: bad token id");
    const bool gpt2 = s.arch == Arch::kGpt2;
    const std::string p = s.prefix;
    const Tensor64& wte = ref_tensor(t, gpt2 ? p + "wte.weight" : "model.embed_tokens.weight");

    RefResult r;
    Mat h(static_cast<std::size_t>(n), Vec(static_cast<std::size_t>(d), 0.0));
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < d; ++k) {
            double x = wte.values[static_cast<std::size_t>(ids[static_cast<std::size_t>(i)]) *
                                      static_cast<std::size_t>(d) +
                                  static_cast<std::size_t>(k)];
            if (gpt2) x += ref_tensor(t, p + "wpe.weight").values[static_cast<std::size_t>(i * d + k)];
            h[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] = x;
        }
    }
    const Vec inv_freq = gpt2 ? Vec() : rope_inv_freq(s);

    for (int l = 0; l < s.n_layers; ++l) {
        r.residual_in.push_back(h);
        Mat q, k, v;
        std::vector<Mat> weights, scores;
        if (gpt2) {
            const std::string L = p + "h." + std::to_string(l) + ".";
            Mat x(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i)
                x[static_cast<std::size_t>(i)] =
                    layer_norm(h[static_cast<std::size_t>(i)], ref_tensor(t, L + "ln_1.weight"),
                               ref_tensor(t, L + "ln_1.bias"), s.norm_eps);
            const Mat qkv =
                conv1d(x, ref_tensor(t, L + "attn.c_attn.weight"), ref_tensor(t, L + "attn.c_attn.bias"));
            for (const Vec& row : qkv) {  // split(n_embd, dim=2): q, k, v
                q.emplace_back(row.begin(), row.begin() + d);
                k.emplace_back(row.begin() + d, row.begin() + 2 * d);
                v.emplace_back(row.begin() + 2 * d, row.end());
            }
            const Mat a = ref_attention(s, l, q, k, v, iv, weights, scores);
            add_into(
                h, conv1d(a, ref_tensor(t, L + "attn.c_proj.weight"), ref_tensor(t, L + "attn.c_proj.bias")));
            for (int i = 0; i < n; ++i)
                x[static_cast<std::size_t>(i)] =
                    layer_norm(h[static_cast<std::size_t>(i)], ref_tensor(t, L + "ln_2.weight"),
                               ref_tensor(t, L + "ln_2.bias"), s.norm_eps);
            Mat u = conv1d(x, ref_tensor(t, L + "mlp.c_fc.weight"), ref_tensor(t, L + "mlp.c_fc.bias"));
            for (Vec& row : u)
                for (double& e : row) e = gelu(e, s.gelu_exact);
            add_into(h,
                     conv1d(u, ref_tensor(t, L + "mlp.c_proj.weight"), ref_tensor(t, L + "mlp.c_proj.bias")));
        } else {
            const std::string L = "model.layers." + std::to_string(l) + ".";
            auto bias = [&](const std::string& name) -> const Tensor64* {
                const auto it = t.find(name);
                return it == t.end() ? nullptr : &it->second;
            };
            Mat x(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i)
                x[static_cast<std::size_t>(i)] =
                    rms_norm(h[static_cast<std::size_t>(i)],
                             ref_tensor(t, L + "input_layernorm.weight").values.data(), s.norm_eps);
            q = linear(x, ref_tensor(t, L + "self_attn.q_proj.weight"), bias(L + "self_attn.q_proj.bias"));
            k = linear(x, ref_tensor(t, L + "self_attn.k_proj.weight"), bias(L + "self_attn.k_proj.bias"));
            v = linear(x, ref_tensor(t, L + "self_attn.v_proj.weight"), bias(L + "self_attn.v_proj.bias"));
            const Tensor64* q_norm = bias(L + "self_attn.q_norm.weight");
            const Tensor64* k_norm = bias(L + "self_attn.k_norm.weight");
            for (int i = 0; i < n; ++i) {
                for (int head = 0; head < s.n_heads; ++head) {
                    double* qh = q[static_cast<std::size_t>(i)].data() + head * hd;
                    if (q_norm) {  // Qwen3: RMSNorm over each head's vector, before RoPE
                        const Vec y = rms_norm(Vec(qh, qh + hd), q_norm->values.data(), s.norm_eps);
                        std::copy(y.begin(), y.end(), qh);
                    }
                    apply_rope(qh, hd, i, inv_freq);
                }
                for (int head = 0; head < s.n_kv_heads; ++head) {
                    double* kh = k[static_cast<std::size_t>(i)].data() + head * hd;
                    if (k_norm) {
                        const Vec y = rms_norm(Vec(kh, kh + hd), k_norm->values.data(), s.norm_eps);
                        std::copy(y.begin(), y.end(), kh);
                    }
                    apply_rope(kh, hd, i, inv_freq);
                }
            }
            const Mat a = ref_attention(s, l, q, k, v, iv, weights, scores);
            add_into(h, linear(a, ref_tensor(t, L + "self_attn.o_proj.weight"), nullptr));
            for (int i = 0; i < n; ++i)
                x[static_cast<std::size_t>(i)] =
                    rms_norm(h[static_cast<std::size_t>(i)],
                             ref_tensor(t, L + "post_attention_layernorm.weight").values.data(), s.norm_eps);
            const Mat gate = linear(x, ref_tensor(t, L + "mlp.gate_proj.weight"), nullptr);
            Mat up = linear(x, ref_tensor(t, L + "mlp.up_proj.weight"), nullptr);
            for (std::size_t i = 0; i < up.size(); ++i)
                for (std::size_t c = 0; c < up[i].size(); ++c) up[i][c] *= silu(gate[i][c]);
            add_into(h, linear(up, ref_tensor(t, L + "mlp.down_proj.weight"), nullptr));
        }
        r.attention.push_back(std::move(weights));
        r.scores.push_back(std::move(scores));
        r.q.push_back(split_heads(q, s.n_heads, hd));
        r.k.push_back(split_heads(k, s.n_kv_heads, hd));
        r.v.push_back(split_heads(v, s.n_kv_heads, hd));
    }
    for (int i = 0; i < n; ++i) {
        Vec& row = h[static_cast<std::size_t>(i)];
        row = gpt2 ? layer_norm(row, ref_tensor(t, p + "ln_f.weight"), ref_tensor(t, p + "ln_f.bias"),
                                s.norm_eps)
                   : rms_norm(row, ref_tensor(t, "model.norm.weight").values.data(), s.norm_eps);
    }
    const Tensor64& head = s.tie ? wte : ref_tensor(t, "lm_head.weight");
    r.logits = linear(h, head, nullptr);
    return r;
}

/// Greedy decoding: appends argmax(logits of the last position) (lowest id on a tie) n_new times.
inline std::vector<int> reference_greedy(const ModelSpec& s, const TensorMap& t, std::vector<int> ids,
                                         int n_new) {
    for (int step = 0; step < n_new; ++step) {
        const RefResult r = reference_forward(s, t, ids);
        const Vec& last = r.logits.back();
        ids.push_back(static_cast<int>(std::max_element(last.begin(), last.end()) - last.begin()));
    }
    return ids;
}

}  // namespace attnviz::testing::hf
