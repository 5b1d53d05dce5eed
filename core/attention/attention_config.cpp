// Validation of AttentionConfig: every invalid combination gets a sentence, nothing is computed then.
#include "core/attention/attention_config.h"

#include <cmath>
#include <string>

namespace attnviz::attention {

float AttentionConfig::scale() const {
    switch (scale_mode) {
        case ScaleMode::kInvSqrtHeadDim:
            return head_dim > 0 ? static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim))) : 1.0f;
        case ScaleMode::kNone:
            return 1.0f;
        case ScaleMode::kCustom:
            return static_cast<float>(custom_scale);
    }
    return 1.0f;
}

Status validate_temperature(double temperature) {
    if (std::isnan(temperature)) return "temperature is NaN; use a number >= 0 (0 = argmax, inf = uniform)";
    if (temperature < 0.0) {
        return "temperature " + std::to_string(temperature) +
               " is negative; use a number >= 0 (0 = argmax, inf = uniform)";
    }
    return {};
}

Status validate_config(const AttentionConfig& c) {
    if (c.n_heads < 1) return "n_heads is " + std::to_string(c.n_heads) + "; need at least 1 query head";
    if (c.n_kv_heads < 1) {
        return "n_kv_heads is " + std::to_string(c.n_kv_heads) + "; need at least 1 key/value head";
    }
    if (c.n_kv_heads > c.n_heads) {
        return "n_kv_heads (" + std::to_string(c.n_kv_heads) + ") is larger than n_heads (" +
               std::to_string(c.n_heads) + "); key/value heads can only be shared, not split";
    }
    if (c.n_heads % c.n_kv_heads != 0) {
        return "number of query heads (" + std::to_string(c.n_heads) +
               ") must be divisible by number of key/value heads (" + std::to_string(c.n_kv_heads) +
               "); pick n_kv_heads among the divisors of n_heads";
    }
    if (c.head_dim < 1) return "head_dim is " + std::to_string(c.head_dim) + "; need at least 1";
    if (c.scale_mode == ScaleMode::kCustom && (!std::isfinite(c.custom_scale) || c.custom_scale <= 0.0)) {
        return "scale " + std::to_string(c.custom_scale) + " is not a finite number > 0";
    }
    if (Status t = validate_temperature(c.temperature); !t.empty()) return t;
    if (c.mask.window < 0) {
        return "sliding window " + std::to_string(c.mask.window) +
               " is negative; use 0 for no window or W >= 1";
    }
    return {};
}

const char* attention_kind_name(int n_heads, int n_kv_heads) {
    if (n_kv_heads == n_heads) return "MHA";
    if (n_kv_heads == 1) return "MQA";
    return "GQA";
}

}  // namespace attnviz::attention
