// Views of attention summed up over heads and layers: the mean over a layer's heads and attention rollout
// across layers (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers").
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/model/forward.h"

#include <vector>

namespace attnviz::model {

/// The mean over heads of one layer's weights: weights [n_heads, n_q, n_k] -> [n_q, n_k] (rows = queries).
/// include: [n_heads] flags of the heads to average (empty = every head). When no head is included the
/// result is the zero matrix. Summed in float64.
MatrixRM mean_over_heads(const Tensor3& weights, const std::vector<bool>& include = {});

/// mean_over_heads of every layer of a run, [n_layers] x [n, n]. skip_ablated: leave the heads the run
/// switched off (result.interventions.ablated) out of their layer's mean, since they pass nothing on; a
/// layer with every head off gives the zero matrix. Errors when a layer has no weights (keep_attention).
Expected<std::vector<MatrixRM>> layer_means(const ForwardResult& result, bool skip_ablated = true);

/// Attention rollout. For each layer l the head-mean A_l [n, n] becomes A'_l = 0.5 * A_l + 0.5 * I (the
/// residual connection carries the token itself), each row renormalised to sum 1 (a zero row becomes the
/// identity row); then R_0 = A'_0 and R_l = A'_l * R_{l-1}. R_l[i][j] is how much of what position i
/// holds after layer l came, through every path, from input token j. Rows sum to 1; a causal model's
/// R_l stays lower-triangular. Input: [n_layers] square matrices of one size; output: [n_layers] x [n, n]
/// (R_l for every l), computed in float64. Errors on an empty list or mismatched shapes.
Expected<std::vector<MatrixRM>> attention_rollout(const std::vector<MatrixRM>& layer_attention);

}  // namespace attnviz::model
