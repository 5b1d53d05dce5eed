// The reference multi-head / GQA attention: the one obviously correct path every other is checked against.
#pragma once

#include "core/attention/attention_config.h"
#include "core/attention/attention_inputs.h"
#include "core/base/expected.h"
#include "core/base/types.h"

#include <vector>

namespace attnviz::attention {

/// Which intermediate stages to keep. The GUI shows every stage, so all are kept by default; a caller
/// that only needs outputs (a benchmark) turns them off and the n_q x n_k matrices become per-thread
/// scratch. Outputs and the row max / sum / lse are always produced.
struct AttentionOptions {
    bool keep_raw_scores = true;  ///< Q K^T before the scale
    bool keep_scores = true;      ///< Q K^T * s
    bool keep_weights = true;     ///< P
    bool keep_entropy = true;     ///< per-row entropy and effective number of keys
    int n_threads = 0;            ///< 0 = default_thread_count(); heads run in parallel on large inputs
};

/// Per query row statistics of one head, each [n_q].
struct RowStats {
    std::vector<float> max;             ///< m_i, max visible scaled score; -inf for an empty row
    std::vector<float> sum;             ///< S_i (see SoftmaxRowStats::sum); 0 for an empty row
    std::vector<float> lse;             ///< see SoftmaxRowStats::lse; -inf for an empty row
    std::vector<int> n_visible;         ///< visible keys k_i; 0 marks a row with no visible key
    std::vector<float> entropy;         ///< H_i in nats (if kept)
    std::vector<float> effective_keys;  ///< exp(H_i) (if kept)
};

/// Everything one query head produced. Matrices not kept (AttentionOptions) are empty.
struct HeadResult {
    int kv_head = 0;      ///< g = h / (n_heads / n_kv_heads), the KV head this query head read
    MatrixRM raw_scores;  ///< [n_q, n_k] Q_h K_g^T
    MatrixRM scores;      ///< [n_q, n_k] Q_h K_g^T * s
    MatrixRM weights;     ///< [n_q, n_k] P_h: rows with keys sum to 1, invisible keys exactly 0
    MatrixRM output;      ///< [n_q, d_v] P_h V_g; exactly 0 for a row with no visible key
    RowStats rows;
};

/// The result of compute_attention.
struct AttentionResult {
    int n_q = 0;
    int n_k = 0;
    float scale = 1.0f;  ///< s actually applied
    double temperature = 1.0;
    MaskMatrix visible;             ///< [n_q, n_k], the same for every head
    std::vector<HeadResult> heads;  ///< [n_heads]
    std::vector<int> empty_rows;    ///< query rows that see no key (weights and output all 0)
};

/// Reference attention for every query head:
///   S_h = Q_h K_g^T * s,  P_h = softmax_T(mask(S_h)),  O_h = P_h V_g,  g = h / (n_heads / n_kv_heads).
/// Inputs: Q [n_heads, n_q, d], K [n_kv_heads, n_k, d], V [n_kv_heads, n_k, d_v] (rows = tokens).
/// Returns an error (and computes nothing) when validate_inputs fails, when a visible score overflows
/// float, or when memory runs out. Results are identical for every thread count.
Expected<AttentionResult> compute_attention(const AttentionConfig& config, const AttentionInputs& inputs,
                                            const AttentionOptions& options = {});

/// Bytes the reference path needs for the kept n_q x n_k matrices of all heads (for "too long" notices).
double reference_matrix_bytes(int n_heads, int n_q, int n_k, const AttentionOptions& options);

}  // namespace attnviz::attention
