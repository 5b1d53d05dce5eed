// The flash-attention lesson's state and its derived numbers: tile sizes, the step on screen, the
// flash path's own result for the focused head, and how far it is from the reference.
#pragma once

#include "core/attention/flash_attention.h"
#include "core/base/types.h"

#include <optional>
#include <string>

namespace attnviz::gui {

struct FlashPlayback {
    int block_q = 2;  ///< B_q, query rows per tile
    int block_k = 3;  ///< B_k, key rows per tile
    int step = 0;     ///< tiles [0, step) are done; tile `step` is the current one
    bool playing = false;
    float steps_per_second = 2.0f;
    double last_step_time = 0.0;  ///< ImGui time of the last automatic step
    // The IO comparison's inputs (the A100 lesson by default).
    int io_log2_tokens = 14;  ///< N = 2^io_log2_tokens
    int io_head_dim = 128;
    float io_sram_mb = 20.0f;
};

/// What update() derives for the flash view (only while it is shown).
struct FlashDerived {
    std::optional<attention::FlashResult> result;  ///< with the focused head's trace and the rebuilt weights
    int head = -1;                                 ///< the traced head
    MatrixRM weight_diff;                          ///< [n_q, n_k] |P_flash - P_reference| of the traced head
    float max_weight_diff = 0.0f;                  ///< over every head
    float max_output_diff = 0.0f;                  ///< over every head
    double reference_bytes = 0.0;                  ///< the n_q x n_k matrices the reference keeps, all heads
    double flash_scratch_bytes = 0.0;              ///< one tile of scores and weights, per worker
    double flash_packed_key_bytes = 0.0;           ///< the keys' packed copy (n_kv_heads x n_k x d floats)
    std::string status;                            ///< why there is no result
    std::uint64_t version = 0;                     ///< Derived::run_version it was computed for
    int block_q = 0;
    int block_k = 0;
};

}  // namespace attnviz::gui
