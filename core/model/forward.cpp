// The forward pass: embeddings, every block (norm, projections, RoPE, attention on attnviz's engine,
// o_proj, MLP), the final norm and the logits; run_forward and rerun_forward on top of the layer loop.
//
// Hugging Face semantics followed (transformers' modeling_gpt2 / llama / mistral / qwen2 / qwen3):
// - GPT-2: h = wte[id] + wpe[position]; a = ln_1(h); q, k, v = split(a c_attn + b); h += c_proj(attn);
//   h += c_proj(act(c_fc(ln_2(h)))); logits = ln_f(h) wte^T.
// - Llama family: h = embed[id]; q, k, v = projections of input_layernorm(h); Qwen3 applies q_norm /
//   k_norm (RMSNorm over each head's head_dim) before RoPE; RoPE in the rotate-half convention; query head
//   h reads KV head h / (n_heads / n_kv_heads) (repeat_kv); h += o_proj(attn);
//   h += down(silu(gate(x)) * up(x)) with x = post_attention_layernorm(h); logits = lm_head(norm(h)).
// - Scores are Q K^T / sqrt(head_dim) (the engine's default scale) and the softmax runs at the
//   intervention's temperature (1 = the model as trained).
// - Mistral's sliding window: transformers' sliding_window_overlay keeps key j for query i when
//   j > i - sliding_window (and j <= i), i.e. W keys including the query's own position. The engine's
//   MaskConfig::window has exactly these semantics (p - W < j <= p), so sliding_window maps onto it as it
//   is. (Some older transformers releases passed window_size = (W, W) to flash-attn, i.e. W + 1 keys; the
//   eager / sdpa mask has always been W keys.)
#include "core/model/forward.h"

#include "core/base/system_memory.h"

#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"
#include "core/base/parallel.h"
#include "core/model/forward_pass.h"
#include "core/model/layers.h"
#include "core/model/linear.h"

#include <algorithm>
#include <fstream>
#include <new>
#include <sstream>
#include <string>

namespace attnviz::model {

namespace detail {

namespace {

/// Temporaries of one pass, reused from layer to layer (their buffers keep their size).
struct Workspace {
    MatrixRM normed;
    MatrixRM q, k, v;
    MatrixRM attn_out;  ///< [n, n_heads * head_dim], o_proj's input
    MatrixRM proj;
    MatrixRM mlp_a, mlp_b;
};

bool is_ablated(const Interventions& iv, int layer, int head) {
    return std::any_of(iv.ablated.begin(), iv.ablated.end(),
                       [&](const HeadRef& r) { return r.layer == layer && r.head == head; });
}

bool uses_rope(const ModelConfig& config) {
    return config.architecture != Architecture::kGpt2;
}

/// One head's attention alone (for layers whose heads run at different temperatures): Q of head h and
/// K / V of its KV head, copied into a one-head problem. The engine computes each head by the same code
/// whether it runs alone or with the others, so the result is bitwise the one of a joint call.
struct SingleHead {
    attention::AttentionConfig config;
    attention::AttentionInputs inputs;
};

SingleHead single_head(const attention::AttentionConfig& config, const attention::AttentionInputs& in, int h,
                       double temperature) {
    SingleHead s;
    s.config = config;
    s.config.n_heads = 1;
    s.config.n_kv_heads = 1;
    s.config.temperature = temperature;
    const int g = config.kv_head_for(h);
    s.inputs.q = Tensor3(1, in.q.n_rows(), in.q.n_cols());
    s.inputs.k = Tensor3(1, in.k.n_rows(), in.k.n_cols());
    s.inputs.v = Tensor3(1, in.v.n_rows(), in.v.n_cols());
    s.inputs.q.mat(0) = in.q.mat(h);
    s.inputs.k.mat(0) = in.k.mat(g);
    s.inputs.v.mat(0) = in.v.mat(g);
    return s;
}

/// What the attention of one layer produced, per query head: its output rows and (reference path) its
/// weights and scores.
struct HeadOutputs {
    std::vector<MatrixRM> output;   ///< [n_heads] of [n_q, head_dim]
    std::vector<MatrixRM> weights;  ///< [n_heads] of [n_q, n_k] (reference path)
    std::vector<MatrixRM> scores;   ///< [n_heads] of [n_q, n_k] (when kept)
};

Status run_reference(const attention::AttentionConfig& config, const attention::AttentionInputs& in,
                     bool keep_scores, int n_threads, int head_offset, HeadOutputs& out) {
    attention::AttentionOptions options;
    options.keep_raw_scores = false;
    options.keep_scores = keep_scores;
    options.keep_weights = true;
    options.keep_entropy = false;
    options.n_threads = n_threads;
    Expected<attention::AttentionResult> r = attention::compute_attention(config, in, options);
    if (!r) return r.error();
    for (int h = 0; h < config.n_heads; ++h) {
        attention::HeadResult& head = r->heads[static_cast<std::size_t>(h)];
        const auto dst = static_cast<std::size_t>(head_offset + h);
        out.output[dst] = std::move(head.output);
        out.weights[dst] = std::move(head.weights);
        if (keep_scores) out.scores[dst] = std::move(head.scores);
    }
    return {};
}

Status run_flash(const attention::AttentionConfig& config, const attention::AttentionInputs& in,
                 int n_threads, int head_offset, HeadOutputs& out) {
    attention::FlashOptions options;
    options.n_threads = n_threads;
    Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, options);
    if (!r) return r.error();
    for (int h = 0; h < config.n_heads; ++h) {
        out.output[static_cast<std::size_t>(head_offset + h)] = r->output.mat(h);
    }
    return {};
}

/// The attention of one layer on the engine, every head at its own temperature.
Status run_attention(const PassContext& pass, int layer, const attention::AttentionConfig& config,
                     const attention::AttentionInputs& inputs, HeadOutputs& out) {
    const int n_heads = config.n_heads;
    const bool reference = pass.options.keep_attention || pass.options.keep_scores;
    out.output.assign(static_cast<std::size_t>(n_heads), MatrixRM());
    if (reference) out.weights.assign(static_cast<std::size_t>(n_heads), MatrixRM());
    if (pass.options.keep_scores) out.scores.assign(static_cast<std::size_t>(n_heads), MatrixRM());

    std::vector<double> temperatures(static_cast<std::size_t>(n_heads));
    for (int h = 0; h < n_heads; ++h) {
        temperatures[static_cast<std::size_t>(h)] = pass.interventions.temperature_for(layer, h);
    }
    const bool shared = std::all_of(temperatures.begin(), temperatures.end(),
                                    [&](double t) { return t == temperatures.front(); });
    if (shared) {
        attention::AttentionConfig joint = config;
        joint.temperature = temperatures.front();
        return reference ? run_reference(joint, inputs, pass.options.keep_scores, pass.n_threads, 0, out)
                         : run_flash(joint, inputs, pass.n_threads, 0, out);
    }
    // Heads at different temperatures run one by one, spread over the threads.
    std::vector<Status> errors(static_cast<std::size_t>(n_heads));
    const double work = static_cast<double>(n_heads) * inputs.n_q() * inputs.n_k() * (2.0 * config.head_dim);
    parallel_for(n_heads, work < kParallelWorkThreshold ? 1 : pass.n_threads, [&](int h) {
        const SingleHead s = single_head(config, inputs, h, temperatures[static_cast<std::size_t>(h)]);
        errors[static_cast<std::size_t>(h)] =
            reference ? run_reference(s.config, s.inputs, pass.options.keep_scores, 1, h, out)
                      : run_flash(s.config, s.inputs, 1, h, out);
    });
    for (int h = 0; h < n_heads; ++h) {
        const Status& e = errors[static_cast<std::size_t>(h)];
        // A one-head problem calls its head 0: name the real one.
        if (!e.empty()) return "query head " + std::to_string(h) + ": " + e;
    }
    return {};
}

/// Copies the head rows of a projection [n, n_mats * head_dim] into rows [row0, row0 + n) of a
/// [n_mats, n_rows, head_dim] stack, rotating each with RoPE when a table is given.
void scatter_heads(const MatrixRM& projected, Tensor3& stack, int row0, const RopeTable* rope) {
    const int n = static_cast<int>(projected.rows());
    const int head_dim = stack.n_cols();
    for (int m = 0; m < stack.n_mats(); ++m) {
        MapRM dst = stack.mat(m);
        for (int i = 0; i < n; ++i) {
            float* row = dst.row(row0 + i).data();
            const float* src = projected.row(i).data() + static_cast<std::ptrdiff_t>(m) * head_dim;
            std::copy(src, src + head_dim, row);
            if (rope != nullptr) apply_rope(row, head_dim, rope->cos.row(i).data(), rope->sin.row(i).data());
        }
    }
}

/// One block on h [n, d_model] in place. cached: K/V of the earlier positions (or nullptr); extended: where
/// K/V of every position go (or nullptr when nothing is cached).
Status run_layer(const PassContext& pass, int l, MatrixRM& h, const RopeTable* rope, const LayerKv* cached,
                 LayerKv* extended, LayerAttention& out, Workspace& ws) {
    const ModelConfig& c = pass.model.config;
    const LayerWeights& w = pass.model.weights.layers[static_cast<std::size_t>(l)];
    const int threads = pass.n_threads;
    const int n = static_cast<int>(h.rows());
    const int n_old = cached != nullptr ? cached->k.n_rows() : 0;
    const int n_k = n_old + n;
    const int head_dim = c.head_dim;

    out = LayerAttention();
    if (pass.options.keep_residual) out.residual_in = h;

    // Attention: projections of the normed stream, per-head q_norm / k_norm, RoPE, then the engine.
    apply_norm(h, w.attn_norm, c.norm_eps, ws.normed, threads);
    matmul_linear(ws.normed, w.q, ws.q, threads);
    matmul_linear(ws.normed, w.k, ws.k, threads);
    matmul_linear(ws.normed, w.v, ws.v, threads);
    if (c.qk_norm) {
        rms_norm_segments(ws.q, head_dim, w.q_norm.weight, c.norm_eps);
        rms_norm_segments(ws.k, head_dim, w.k_norm.weight, c.norm_eps);
    }
    attention::AttentionInputs inputs;
    inputs.q = Tensor3(c.n_heads, n, head_dim);
    inputs.k = Tensor3(c.n_kv_heads, n_k, head_dim);
    inputs.v = Tensor3(c.n_kv_heads, n_k, head_dim);
    if (n_old > 0) {
        for (int g = 0; g < c.n_kv_heads; ++g) {
            inputs.k.mat(g).topRows(n_old) = cached->k.mat(g);
            inputs.v.mat(g).topRows(n_old) = cached->v.mat(g);
        }
    }
    scatter_heads(ws.q, inputs.q, 0, rope);
    scatter_heads(ws.k, inputs.k, n_old, rope);
    scatter_heads(ws.v, inputs.v, n_old, nullptr);

    attention::AttentionConfig config;
    config.n_heads = c.n_heads;
    config.n_kv_heads = c.n_kv_heads;
    config.head_dim = head_dim;
    config.scale_mode = attention::ScaleMode::kInvSqrtHeadDim;
    config.temperature = pass.interventions.temperature_for(l, 0);
    config.mask.causal = pass.interventions.causal;
    config.mask.window = effective_window(pass.interventions, c);

    HeadOutputs heads;
    if (Status s = run_attention(pass, l, config, inputs, heads); !s.empty()) {
        return "layer " + std::to_string(l) + ": attention: " + s;
    }

    // o_proj's input: the heads side by side, a switched-off head's slice exactly zero.
    ws.attn_out.resize(n, static_cast<Eigen::Index>(c.n_heads) * head_dim);
    for (int hd = 0; hd < c.n_heads; ++hd) {
        auto slice = ws.attn_out.middleCols(static_cast<Eigen::Index>(hd) * head_dim, head_dim);
        if (is_ablated(pass.interventions, l, hd)) {
            slice.setZero();
        } else {
            slice = heads.output[static_cast<std::size_t>(hd)];
        }
    }
    matmul_linear(ws.attn_out, w.o, ws.proj, threads);
    h += ws.proj;

    // MLP.
    apply_norm(h, w.mlp_norm, c.norm_eps, ws.normed, threads);
    if (!w.gate.weight.empty()) {
        matmul_linear(ws.normed, w.gate, ws.mlp_a, threads);
        matmul_linear(ws.normed, w.up, ws.mlp_b, threads);
        if (c.activation == Activation::kSilu) {
            silu_mul_rows(ws.mlp_a, ws.mlp_b, threads);
        } else {
            activation_rows(ws.mlp_a, c.activation, threads);
            ws.mlp_a.array() *= ws.mlp_b.array();
        }
    } else {
        matmul_linear(ws.normed, w.up, ws.mlp_a, threads);
        activation_rows(ws.mlp_a, c.activation, threads);
    }
    matmul_linear(ws.mlp_a, w.down, ws.proj, threads);
    h += ws.proj;

    // What the layer keeps.
    out.config = config;
    // The engine's per-head matrices into the layer's stacks, heads spread over the threads.
    const auto stack = [&](std::vector<MatrixRM>& per_head, Tensor3& into) {
        if (per_head.empty()) return;
        into = Tensor3(c.n_heads, n, n_k);
        const double elements = static_cast<double>(c.n_heads) * n * n_k;
        parallel_for(c.n_heads, elements < kParallelWorkThreshold ? 1 : threads, [&](int hd) {
            MatrixRM& m = per_head[static_cast<std::size_t>(hd)];
            into.mat(hd) = m;
            m = MatrixRM();
        });
    };
    stack(heads.weights, out.weights);
    stack(heads.scores, out.scores);
    if (pass.options.keep_qkv) {
        out.q = std::move(inputs.q);
        out.k = inputs.k;
        out.v = inputs.v;
    }
    if (extended != nullptr) {
        extended->k = std::move(inputs.k);
        extended->v = std::move(inputs.v);
    }
    return {};
}

}  // namespace

int effective_window(const Interventions& interventions, const ModelConfig& config) {
    if (interventions.window == -1) return std::max(0, config.sliding_window);
    return interventions.window;
}

Status check_model(const Checkpoint& model) {
    const ModelConfig& c = model.config;
    const ModelWeights& w = model.weights;
    if (static_cast<int>(w.layers.size()) != c.n_layers || w.token_embedding.empty() ||
        w.lm_head.weight.empty()) {
        return "the checkpoint in '" + model.dir + "' is incomplete (" + std::to_string(w.layers.size()) +
               " of " + std::to_string(c.n_layers) + " layers loaded); load it again";
    }
    if (w.token_embedding.cols != c.d_model || c.head_dim < 1 || c.n_kv_heads < 1 ||
        c.n_heads % c.n_kv_heads != 0) {
        return "the checkpoint in '" + model.dir + "' does not match its config (d_model " +
               std::to_string(c.d_model) + ", embedding width " + std::to_string(w.token_embedding.cols) +
               ")";
    }
    if (uses_rope(c) && c.head_dim % 2 != 0) {
        return "head_dim " + std::to_string(c.head_dim) +
               " is odd; rotary position embedding needs an even head_dim";
    }
    if (c.architecture == Architecture::kGpt2 && w.position_embedding.empty()) {
        return "the GPT-2 checkpoint in '" + model.dir + "' has no position embedding (wpe)";
    }
    // Every product reads exactly the shape it is given: check each against the config once, so that no
    // view is ever read past its end whatever the loader built.
    const int q_width = c.n_heads * c.head_dim;
    const int kv_width = c.n_kv_heads * c.head_dim;
    std::string bad;
    const auto linear = [&](const Linear& l, int n_in, int n_out, const std::string& name) {
        if (bad.empty() && (l.weight.empty() || l.n_in() != n_in || l.n_out() != n_out ||
                            (!l.bias.empty() && l.bias.cols < n_out))) {
            bad = name + " is [" + std::to_string(l.n_in()) + " -> " + std::to_string(l.n_out()) +
                  "], the config says [" + std::to_string(n_in) + " -> " + std::to_string(n_out) + "]";
        }
    };
    const auto norm = [&](const Norm& n, int width, const std::string& name) {
        if (bad.empty() &&
            (n.weight.empty() || n.weight.cols != width || (!n.bias.empty() && n.bias.cols != width))) {
            bad = name + " has width " + std::to_string(n.weight.cols) + ", the config says " +
                  std::to_string(width);
        }
    };
    for (int l = 0; l < c.n_layers && bad.empty(); ++l) {
        const LayerWeights& lw = w.layers[static_cast<std::size_t>(l)];
        const std::string at = "layer " + std::to_string(l) + " ";
        norm(lw.attn_norm, c.d_model, at + "attention norm");
        linear(lw.q, c.d_model, q_width, at + "q projection");
        linear(lw.k, c.d_model, kv_width, at + "k projection");
        linear(lw.v, c.d_model, kv_width, at + "v projection");
        linear(lw.o, q_width, c.d_model, at + "o projection");
        if (c.qk_norm) {
            norm(lw.q_norm, c.head_dim, at + "q_norm");
            norm(lw.k_norm, c.head_dim, at + "k_norm");
        }
        norm(lw.mlp_norm, c.d_model, at + "MLP norm");
        if (!lw.gate.weight.empty()) linear(lw.gate, c.d_model, c.d_ff, at + "gate projection");
        linear(lw.up, c.d_model, c.d_ff, at + "up projection");
        linear(lw.down, c.d_ff, c.d_model, at + "down projection");
    }
    norm(w.final_norm, c.d_model, "the final norm");
    linear(w.lm_head, c.d_model, w.lm_head.n_out(), "lm_head");
    if (bad.empty() && (w.lm_head.n_out() < c.vocab_size || w.token_embedding.rows < c.vocab_size)) {
        bad = "the vocabulary (" + std::to_string(c.vocab_size) + ") is larger than the embedding (" +
              std::to_string(w.token_embedding.rows) + " rows) or lm_head (" +
              std::to_string(w.lm_head.n_out()) + " outputs)";
    }
    if (bad.empty() && !w.position_embedding.empty() && w.position_embedding.cols != c.d_model) {
        bad = "the position embedding has width " + std::to_string(w.position_embedding.cols);
    }
    if (!bad.empty()) return "the checkpoint in '" + model.dir + "' does not match its config: " + bad;
    return {};
}

Status check_tokens(const Checkpoint& model, const std::vector<int>& token_ids, int n_before) {
    const ModelConfig& c = model.config;
    if (token_ids.empty()) return "no tokens to run; give at least one token id";
    const long long total = static_cast<long long>(n_before) + static_cast<long long>(token_ids.size());
    long long context = c.n_ctx;
    if (c.architecture == Architecture::kGpt2)
        context = std::min<long long>(context, model.weights.position_embedding.rows);
    if (total > context) {
        return std::to_string(total) + " tokens, the model's context is " + std::to_string(context) +
               "; use at most " + std::to_string(context) + " tokens";
    }
    const int vocab = std::min(c.vocab_size, model.weights.token_embedding.rows);
    for (std::size_t i = 0; i < token_ids.size(); ++i) {
        const int id = token_ids[i];
        if (id < 0 || id >= vocab) {
            return "token id " + std::to_string(id) + " at position " +
                   std::to_string(n_before + static_cast<long long>(i)) +
                   " is outside the vocabulary (ids 0.." + std::to_string(vocab - 1) + ")";
        }
    }
    return {};
}

MatrixRM embed_tokens(const Checkpoint& model, const std::vector<int>& token_ids, int first_position) {
    const WeightView::Map wte = model.weights.token_embedding.map();
    const int n = static_cast<int>(token_ids.size());
    MatrixRM h(n, model.config.d_model);
    for (int i = 0; i < n; ++i) h.row(i) = wte.row(token_ids[static_cast<std::size_t>(i)]);
    if (!model.weights.position_embedding.empty()) {
        const WeightView::Map wpe = model.weights.position_embedding.map();
        h += wpe.middleRows(first_position, n);
    }
    return h;
}

Status run_layers(const PassContext& pass, MatrixRM& h, int first_layer, int first_position,
                  std::vector<LayerKv>* cache, std::vector<LayerAttention>& layers) {
    const ModelConfig& c = pass.model.config;
    RopeTable rope;
    if (uses_rope(c)) {
        rope = make_rope_table(rope_inverse_frequencies(c.head_dim, c.rope_theta, c.rope_scaling),
                               first_position, static_cast<int>(h.rows()));
    }
    // A failed pass leaves the cache as it was: the extended K/V go to new tensors, swapped in at the end.
    std::vector<LayerKv> next;
    if (cache != nullptr) next.resize(cache->size());
    Workspace ws;
    for (int l = first_layer; l < c.n_layers; ++l) {
        if (pass.options.cancel != nullptr && pass.options.cancel->load(std::memory_order_relaxed)) {
            return "cancelled before layer " + std::to_string(l);
        }
        const auto lu = static_cast<std::size_t>(l);
        const LayerKv* cached = cache != nullptr ? &(*cache)[lu] : nullptr;
        LayerKv* extended = cache != nullptr ? &next[lu] : nullptr;
        if (Status s =
                run_layer(pass, l, h, uses_rope(c) ? &rope : nullptr, cached, extended, layers[lu], ws);
            !s.empty()) {
            return s;
        }
        if (pass.options.progress) {
            pass.options.progress(static_cast<double>(l + 1 - first_layer) /
                                  static_cast<double>(c.n_layers - first_layer));
        }
    }
    if (cache != nullptr) cache->swap(next);
    return {};
}

void compute_logits(const PassContext& pass, const MatrixRM& h, MatrixRM& logits) {
    const ModelConfig& c = pass.model.config;
    MatrixRM normed;
    if (pass.options.all_logits) {
        apply_norm(h, pass.model.weights.final_norm, c.norm_eps, normed, pass.n_threads);
    } else {
        const MatrixRM last = h.bottomRows(1);
        apply_norm(last, pass.model.weights.final_norm, c.norm_eps, normed, pass.n_threads);
    }
    matmul_linear(normed, pass.model.weights.lm_head, logits, pass.n_threads);
}

}  // namespace detail

std::int64_t forward_memory_bytes(const ModelConfig& c, int n_new, int n_cached,
                                  const ForwardOptions& options) {
    const double n = n_new;
    const double n_k = static_cast<double>(n_cached) + n_new;
    const double matrices =
        (options.keep_attention || options.keep_scores ? 1.0 : 0.0) + (options.keep_scores ? 1.0 : 0.0);
    const double attention = static_cast<double>(c.n_heads) * n * n_k * matrices;
    const double qkv =
        options.keep_qkv ? (static_cast<double>(c.n_heads) * n + 2.0 * c.n_kv_heads * n_k) * c.head_dim : 0.0;
    const double residual = options.keep_residual ? n * c.d_model : 0.0;
    // Per pass: the engine's own copy of one layer's weights, the layer's projections and the MLP.
    const double transient = attention + n * (4.0 * c.d_model + 3.0 * c.n_heads * c.head_dim + 2.0 * c.d_ff);
    const double logits = (options.all_logits ? n : 1.0) * c.vocab_size;
    const double floats = c.n_layers * (attention + qkv + residual) + transient + logits;
    return static_cast<std::int64_t>(floats * sizeof(float));
}

namespace {

std::string gib_text(std::int64_t bytes) {
    std::ostringstream os;
    os.precision(1);
    os << std::fixed << static_cast<double>(bytes) / static_cast<double>(std::int64_t{1} << 30) << " GB";
    return os.str();
}

}  // namespace

namespace detail {

Status check_memory(const ModelConfig& config, int n_new, int n_cached, const ForwardOptions& options) {
    const std::int64_t need = forward_memory_bytes(config, n_new, n_cached, options);
    const std::int64_t available = available_memory_bytes();
    if (available < 0 || need <= available) return {};
    return "the forward pass of " + std::to_string(n_new + n_cached) + " tokens needs about " +
           gib_text(need) + " (attention weights of " + std::to_string(config.n_layers) + " layers x " +
           std::to_string(config.n_heads) + " heads), only " + gib_text(available) +
           " are available; use fewer tokens or turn off keeping the attention weights";
}

}  // namespace detail

namespace {

int resolve_threads(const ForwardOptions& options) {
    return options.n_threads > 0 ? options.n_threads : default_thread_count();
}

std::string memory_error(std::size_t n_tokens, const ForwardOptions& options) {
    return "not enough memory for the forward pass of " + std::to_string(n_tokens) + " tokens" +
           (options.keep_attention ? "; use fewer tokens or turn off keeping the attention weights"
                                   : "; use fewer tokens");
}

}  // namespace

Expected<ForwardResult> run_forward(const Checkpoint& model, const std::vector<int>& token_ids,
                                    const Interventions& interventions, const ForwardOptions& options) {
    if (Status s = detail::check_model(model); !s.empty()) return Error{s};
    if (Status s = detail::check_tokens(model, token_ids, 0); !s.empty()) return Error{s};
    if (Status s = validate_interventions(interventions, model.config); !s.empty()) return Error{s};
    if (options.n_threads < 0) return Error{"n_threads is negative; use 0 for the default or a count >= 1"};
    if (Status s = detail::check_memory(model.config, static_cast<int>(token_ids.size()), 0, options);
        !s.empty()) {
        return Error{s};
    }
    try {
        const detail::PassContext pass{model, interventions, options, resolve_threads(options)};
        ForwardResult result;
        result.token_ids = token_ids;
        result.interventions = interventions;
        result.layers.resize(static_cast<std::size_t>(model.config.n_layers));
        MatrixRM h = detail::embed_tokens(model, token_ids, 0);
        if (Status s = detail::run_layers(pass, h, 0, 0, nullptr, result.layers); !s.empty()) return Error{s};
        detail::compute_logits(pass, h, result.logits);
        return result;
    } catch (const std::bad_alloc&) {
        return Error{memory_error(token_ids.size(), options)};
    }
}

Expected<ForwardResult> rerun_forward(const Checkpoint& model, const ForwardResult& previous,
                                      const Interventions& interventions, const ForwardOptions& options) {
    if (Status s = detail::check_model(model); !s.empty()) return Error{s};
    if (Status s = detail::check_tokens(model, previous.token_ids, 0); !s.empty()) return Error{s};
    if (Status s = validate_interventions(interventions, model.config); !s.empty()) return Error{s};
    if (options.n_threads < 0) return Error{"n_threads is negative; use 0 for the default or a count >= 1"};
    const int n_layers = model.config.n_layers;
    const auto n = static_cast<Eigen::Index>(previous.token_ids.size());
    if (static_cast<int>(previous.layers.size()) != n_layers) {
        return Error{"the previous result has " + std::to_string(previous.layers.size()) +
                     " layers, the model " + std::to_string(n_layers) +
                     "; run_forward it on this model first"};
    }
    const int first = interventions.first_changed_layer(previous.interventions, n_layers);
    if (Status s = detail::check_memory(model.config, static_cast<int>(n), 0, options); !s.empty())
        return Error{s};
    try {
        ForwardResult result;
        if (first == n_layers) {
            result = previous;
            result.interventions = interventions;
            return result;
        }
        const MatrixRM& start = previous.layers[static_cast<std::size_t>(first)].residual_in;
        if (start.rows() != n || start.cols() != model.config.d_model) {
            return Error{"the previous result holds no residual stream of its " + std::to_string(n) +
                         " positions for layer " + std::to_string(first) +
                         "; run the whole sequence with keep_residual to recompute from a layer"};
        }
        const detail::PassContext pass{model, interventions, options, resolve_threads(options)};
        result.token_ids = previous.token_ids;
        result.interventions = interventions;
        result.layers.resize(static_cast<std::size_t>(n_layers));
        std::copy(previous.layers.begin(), previous.layers.begin() + first, result.layers.begin());
        MatrixRM h = start;
        if (Status s = detail::run_layers(pass, h, first, 0, nullptr, result.layers); !s.empty())
            return Error{s};
        detail::compute_logits(pass, h, result.logits);
        return result;
    } catch (const std::bad_alloc&) {
        return Error{memory_error(previous.token_ids.size(), options)};
    }
}

}  // namespace attnviz::model
