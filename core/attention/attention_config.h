// What attention to compute: head layout, scale, temperature and masks, and their validation.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <vector>

namespace attnviz::attention {

/// How scores are scaled before the softmax: S = Q K^T * s.
enum class ScaleMode {
    kInvSqrtHeadDim,  ///< s = 1 / sqrt(head_dim) (the default, "scaled dot-product")
    kNone,            ///< s = 1 (the "scale" switch off)
    kCustom,          ///< s = AttentionConfig::custom_scale, finite and > 0
};

/// Which keys a query may see. All masks combine by AND (see numerics.md).
struct MaskConfig {
    /// Bottom-right aligned causal mask: query i sits at p_i = i + (n_k - n_q) and sees keys j <= p_i.
    bool causal = false;
    /// Sliding window of W keys; 0 means no window. With causal: p_i - W < j <= p_i (W keys, itself
    /// included); without causal: |p_i - j| < W.
    int window = 0;
    /// Key padding, [n_k] or empty: nonzero = a real key, 0 = padding invisible to every query.
    std::vector<std::uint8_t> key_valid;
};

/// The complete description of one attention computation (everything but the Q/K/V numbers).
struct AttentionConfig {
    int n_heads = 1;     ///< query heads
    int n_kv_heads = 1;  ///< key/value heads; n_heads % n_kv_heads == 0 (MHA: equal, MQA: 1)
    int head_dim = 0;    ///< d, the width of Q and K rows
    ScaleMode scale_mode = ScaleMode::kInvSqrtHeadDim;
    double custom_scale = 1.0;
    /// Softmax temperature in [0, +inf]: 0 is the argmax limit (ties share), +inf the uniform limit.
    double temperature = 1.0;
    MaskConfig mask;

    /// Query heads per KV head, r = n_heads / n_kv_heads. Valid only after validate_config().
    int group_size() const { return n_heads / n_kv_heads; }
    /// The KV head that query head h reads: g = h / r (consecutive query heads share, as
    /// repeat_interleave does; never h % n_kv_heads).
    int kv_head_for(int h) const { return h / group_size(); }
    /// The score scale s actually applied; finite and > 0 for a valid config.
    float scale() const;
};

/// Checks the config on its own (no shapes): head counts, head_dim, scale, temperature, window.
/// Returns an empty Status when valid, else one sentence saying what is wrong and what to do.
Status validate_config(const AttentionConfig& config);

/// Checks that a temperature typed by a person is usable: not NaN, not negative (0 and +inf are fine).
Status validate_temperature(double temperature);

/// The name of the head layout: "MHA" (n_kv_heads == n_heads), "MQA" (1 KV head) or "GQA".
const char* attention_kind_name(int n_heads, int n_kv_heads);

}  // namespace attnviz::attention
