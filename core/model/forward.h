// The forward pass of a real model on attnviz's own attention engine, with exact interventions on the
// attention (temperature, mask, window, heads switched off) and a KV cache for decode after prefill.
#pragma once

#include "core/attention/attention_config.h"
#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/model/checkpoint.h"

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace attnviz::model {

/// One query head of one layer.
struct HeadRef {
    int layer = 0;
    int head = 0;
};

/// A temperature for one layer's heads (head = -1: every head of the layer; layer = -1: every layer).
struct HeadTemperature {
    int layer = -1;
    int head = -1;
    double temperature = 1.0;
};

/// Changes to the model's attention. The default is the model as trained; every field is exact (no
/// approximation): the forward with the defaults is bitwise the plain forward.
struct Interventions {
    double temperature = 1.0;                   ///< every head, in [0, +inf] (0 = argmax, inf = uniform)
    std::vector<HeadTemperature> temperatures;  ///< overrides of `temperature`, later entries win
    bool causal = true;                         ///< false: every position sees the future too
    int window = -1;               ///< -1: the model's own (sliding_window or none); 0: none; W >= 1
    std::vector<HeadRef> ablated;  ///< heads whose output is zeroed before o_proj

    /// The temperature head (layer, head) runs at.
    double temperature_for(int layer, int head) const;
    /// The first layer whose computation differs between *this and other (n_layers when none does).
    int first_changed_layer(const Interventions& other, int n_layers) const;
};

/// Checks interventions against a model: temperatures valid, window >= -1, ablated heads in range
/// (robustness N4-N6). Empty Status when valid.
Status validate_interventions(const Interventions& interventions, const ModelConfig& config);

/// What to keep of a forward pass. Attention weights are what the views show; q/k/v and scores feed the
/// glass-box views of one head and cost n x head_dim (n x n for scores) per head.
struct ForwardOptions {
    bool keep_attention =
        true;                   ///< weights [n_heads, n, n] per layer (the reference path); false: flash path
    bool keep_qkv = false;      ///< q, k, v per layer after RoPE (and q_norm / k_norm)
    bool keep_scores = false;   ///< scaled scores Q K^T * s per layer and head (runs the reference path)
    bool keep_residual = true;  ///< the residual stream entering each layer (needed by rerun_from_layer)
    bool all_logits = false;    ///< logits of every position; false: the last position only
    int n_threads = 0;          ///< 0 = default_thread_count()
    /// Checked before each layer: once set, the pass stops and returns an error ("cancelled"); a KV
    /// cache session stays as it was. nullptr: not cancellable.
    const std::atomic<bool>* cancel = nullptr;
    /// Called after each layer with the fraction of this pass's layers done, in (0, 1].
    std::function<void(double)> progress;
};

/// What one layer's attention computed.
struct LayerAttention {
    attention::AttentionConfig
        config;            ///< what the engine ran with (mask, window, head layout; temperature of head 0)
    Tensor3 weights;       ///< [n_heads, n, n] when kept: rows are queries, columns keys
    Tensor3 scores;        ///< [n_heads, n, n] when kept
    Tensor3 q;             ///< [n_heads, n, head_dim] when kept (after RoPE)
    Tensor3 k;             ///< [n_kv_heads, n, head_dim] when kept (after RoPE)
    Tensor3 v;             ///< [n_kv_heads, n, head_dim] when kept
    MatrixRM residual_in;  ///< [n, d_model] the stream entering the layer, when kept
};

struct ForwardResult {
    std::vector<int> token_ids;          ///< [n]
    Interventions interventions;         ///< what it ran with
    std::vector<LayerAttention> layers;  ///< [n_layers]
    MatrixRM logits;                     ///< [n, vocab] (all_logits) or [1, vocab] (last position)
};

/// Runs the model on token ids (each in [0, vocab_size), 1 <= n <= n_ctx). Identical results from run to
/// run and for every thread count. Errors: an id out of range, too many tokens ("12 tokens, the model's
/// context is 8"), invalid interventions, memory.
Expected<ForwardResult> run_forward(const Checkpoint& model, const std::vector<int>& token_ids,
                                    const Interventions& interventions, const ForwardOptions& options = {});

/// Bytes a forward pass of n_new tokens after n_cached earlier ones needs beyond the weights: what it keeps
/// (per layer attention weights / scores [n_heads, n_new, n_cached + n_new], q/k/v, residual), the
/// largest temporaries and the logits. run_forward and KvCacheSession::append refuse a pass that needs
/// more than the machine's available memory, with this estimate in the message.
std::int64_t forward_memory_bytes(const ModelConfig& config, int n_new, int n_cached,
                                  const ForwardOptions& options);

/// Re-runs `previous` (same tokens, kept residuals, same options) with new interventions, recomputing only
/// the layers from interventions.first_changed_layer(previous.interventions) on. Bitwise equal to
/// run_forward with the new interventions.
Expected<ForwardResult> rerun_forward(const Checkpoint& model, const ForwardResult& previous,
                                      const Interventions& interventions, const ForwardOptions& options = {});

/// One next-token candidate.
struct TokenProbability {
    int id = 0;
    float probability = 0.0f;
    float logit = 0.0f;
};

/// The k most probable next tokens from one row of logits [vocab] (softmax in float64, ties by lower id).
std::vector<TokenProbability> top_k(const float* logits, int vocab_size, int k);

/// A KV cache for incremental decoding: prefill a prompt, then append tokens one at a time; each step
/// computes only the new positions, reusing the cached K and V (after RoPE) of earlier ones. Results equal
/// run_forward on the whole sequence (with the same interventions) to float rounding.
class KvCacheSession {
  public:
    KvCacheSession(std::shared_ptr<const Checkpoint> model, Interventions interventions);
    /// Appends tokens (the prompt, then one or more generated ones) and returns the logits of the
    /// appended positions [n_new, vocab] (all_logits; else the last one, [1, vocab]) and, when kept, their
    /// attention rows [n_heads, n_new, n_total], residual_in [n_new, d_model], q [n_heads, n_new, head_dim]
    /// and k, v [n_kv_heads, n_total, head_dim]. token_ids of the result: every position so far.
    /// Needs the causal mask (an error otherwise); on an error the cache is unchanged.
    Expected<ForwardResult> append(const std::vector<int>& token_ids, const ForwardOptions& options = {});
    int n_cached() const;
    /// Bytes held by the cached K and V.
    std::int64_t cache_bytes() const;

  private:
    struct State;
    std::shared_ptr<const Checkpoint> m_model;
    Interventions m_interventions;
    std::shared_ptr<State> m_state;
};

/// The run of a sequence from the run of its first positions and a KvCacheSession::append of the rest:
/// per layer, attention weights [n_heads, n_total, n_total] (the prefix's rows, zero in the new key
/// columns, which the causal mask hides from them, then the decoded rows), q, k, v and residual_in when
/// both have them, and the logits of every position when both kept them all (else the decoded run's).
/// Equal to run_forward on the whole sequence to float rounding. Errors on mismatched layer counts or
/// shapes.
Expected<ForwardResult> extend_with_decoded(const ForwardResult& prefix, const ForwardResult& decoded);

}  // namespace attnviz::model
