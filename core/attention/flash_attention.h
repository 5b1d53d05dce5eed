// The tiled ("flash") attention: the reference's exact result by online softmax over Q/K/V blocks,
// never holding the n_q x n_k matrix, plus an optional trace of its tile visits for teaching.
#pragma once

#include "core/attention/attention_config.h"
#include "core/attention/attention_inputs.h"
#include "core/base/expected.h"
#include "core/base/types.h"

#include <optional>
#include <vector>

namespace attnviz::attention {

/// Tile sizes measured on the project's machine (2 cores, AVX2/FMA, d = 64): see attnviz-cli bench.
constexpr int kDefaultFlashBlockQ = 128;
constexpr int kDefaultFlashBlockK = 256;
/// The largest block size accepted: larger blocks only cost memory (B_q x B_k scratch per worker).
constexpr int kMaxFlashBlock = 1 << 16;

struct FlashOptions {
    int block_q = kDefaultFlashBlockQ;  ///< B_q, query rows per tile, in [1, kMaxFlashBlock]
    /// B_k, key rows per tile, in [1, kMaxFlashBlock]. Tiles are computed in panels of 32 keys with
    /// AVX-512 (16 with AVX, 8 with SSE): a B_k below that costs proportionally more memory and work (see
    /// flash_kernels.h).
    int block_k = kDefaultFlashBlockK;
    /// Also rebuild the weights [n_heads, n_q, n_k] block by block from the final M and S
    /// (P = exp((s - M) / T) / S), for views of the flash path's own weights. Costs n_q x n_k memory.
    bool rebuild_weights = false;
    /// Record the tile visits of this query head (-1 = no trace, which costs nothing).
    int trace_head = -1;
    int n_threads = 0;  ///< 0 = default_thread_count(); work is split over (head x query block)
};

/// One tile of the trace: queries [q_begin, q_end) against keys [k_begin, k_end).
struct FlashTraceStep {
    int q_begin = 0;
    int q_end = 0;
    int k_begin = 0;
    int k_end = 0;
    bool skipped = false;  ///< no query of the block sees any key of the tile: nothing was computed
    /// After this tile, for every query row of the block, [q_end - q_begin]: the running max M (in the
    /// units of the reference's row max: scaled scores Q K^T * s, -inf while nothing was seen) and the
    /// running sum S = sum of exp((s_ij - M) / T) over the keys seen so far (at T = 0 the count of keys
    /// tied at M, at T = inf the count of visible keys seen).
    std::vector<float> row_max;
    std::vector<float> row_sum;
    /// After this tile, [q_end - q_begin, d_v] row-major: each row's output so far, accumulator / S,
    /// the attention output as if the keys seen so far were all there is (0 for a row that has seen
    /// no key yet). After the block's last tile it is the row's final output.
    std::vector<float> partial_output;
};

/// The tile visits of one head: query blocks in increasing order, each with its key blocks in increasing
/// order (the order in which one worker visits them).
struct FlashTrace {
    int head = 0;
    int block_q = 0;
    int block_k = 0;
    std::vector<FlashTraceStep> steps;
};

struct FlashResult {
    Tensor3 output;  ///< [n_heads, n_q, d_v]; exactly 0 for a row with no visible key
    MatrixRM lse;    ///< [n_heads, n_q], as RowStats::lse of the reference; -inf for a row with no key
    std::optional<Tensor3> weights;   ///< [n_heads, n_q, n_k] when FlashOptions::rebuild_weights
    std::optional<FlashTrace> trace;  ///< when FlashOptions::trace_head names a head
};

/// Checks the options on their own: block sizes in [1, kMaxFlashBlock], trace_head -1 or a query head
/// of a config with n_heads heads, n_threads >= 0. Empty Status when valid.
Status validate_flash_options(const FlashOptions& options, int n_heads);

/// Tiled attention for every query head, equal to compute_attention's outputs and lse (within fp32
/// rounding, 1e-5 for unit-scale inputs):
///   O_h = softmax_T(mask(Q_h K_g^T * s)) V_g,  g = h / (n_heads / n_kv_heads),
/// computed over tiles of B_q queries x B_k keys with a running max M, sum S and output accumulator per
/// query row. Tiles no query of the block can see are skipped; masks are applied on boundary tiles only.
/// Inputs: Q [n_heads, n_q, d], K [n_kv_heads, n_k, d], V [n_kv_heads, n_k, d_v] (rows = tokens).
/// Memory: O(B_q x B_k) scratch per worker besides the outputs (and the weights when asked for).
/// Returns an error (and computes nothing) when validate_inputs or validate_flash_options fails, when a
/// visible score overflows float, or when memory runs out. Results are bitwise identical for every
/// thread count.
Expected<FlashResult> compute_flash_attention(const AttentionConfig& config, const AttentionInputs& inputs,
                                              const FlashOptions& options = {});

}  // namespace attnviz::attention
