// Internal to core/model: the layer loop shared by run_forward, rerun_forward and KvCacheSession.
#pragma once

#include "core/model/forward.h"

#include <vector>

namespace attnviz::model::detail {

/// K and V of one layer (after RoPE and k_norm) for every position computed so far:
/// [n_kv_heads, n_cached, head_dim].
struct LayerKv {
    Tensor3 k;
    Tensor3 v;
};

/// What a pass runs with. n_threads is resolved (>= 1).
struct PassContext {
    const Checkpoint& model;
    const Interventions& interventions;
    const ForwardOptions& options;
    int n_threads = 1;
};

/// Checks a checkpoint's weights against its config enough that the pass cannot read outside them.
Status check_model(const Checkpoint& model);

/// Checks token ids appended after n_before earlier positions: at least one, each in the vocabulary, and
/// n_before + n within the model's context (and the position table of GPT-2).
Status check_tokens(const Checkpoint& model, const std::vector<int>& token_ids, int n_before);

/// Refuses a pass that needs more than the machine's available memory (forward_memory_bytes), with the
/// estimate in the message.
Status check_memory(const ModelConfig& config, int n_new, int n_cached, const ForwardOptions& options);

/// The stream entering layer 0: token embeddings, plus GPT-2's position embeddings of the positions
/// [first_position, first_position + n). [n, d_model].
MatrixRM embed_tokens(const Checkpoint& model, const std::vector<int>& token_ids, int first_position);

/// Runs layers [first_layer, n_layers) on h: [n, d_model], the stream of positions
/// [first_position, first_position + n), in place. cache: nullptr for a pass over the whole sequence; else
/// [n_layers] K/V of the first_position earlier positions, extended by the new ones when the pass succeeds.
/// layers[l] receives what layer l kept (layers must hold n_layers entries).
Status run_layers(const PassContext& pass, MatrixRM& h, int first_layer, int first_position,
                  std::vector<LayerKv>* cache, std::vector<LayerAttention>& layers);

/// The final norm and lm_head over the last row of h (or every row with options.all_logits).
void compute_logits(const PassContext& pass, const MatrixRM& h, MatrixRM& logits);

/// The sliding window the engine runs with: the model's own for -1, else the intervention's (0 = none).
int effective_window(const Interventions& interventions, const ModelConfig& config);

}  // namespace attnviz::model::detail
