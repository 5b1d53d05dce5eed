// Published attention shapes of real models (and the lessons' own examples) for KV-cache sizing,
// each with the source its numbers come from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::lab {

struct ModelPreset {
    std::string name;                     ///< for --preset: lower case, no spaces ("llama-3-8b")
    std::string title;                    ///< for menus: "Llama-3 8B"
    std::int64_t n_layers = 1;            ///< every transformer layer
    std::int64_t n_attention_layers = 1;  ///< layers with a KV cache (< n_layers in a hybrid)
    std::int64_t n_heads = 1;             ///< query heads per attention layer
    std::int64_t n_kv_heads = 1;          ///< key/value heads per attention layer
    std::int64_t head_dim = 1;
    std::int64_t hidden = 0;  ///< d_model, 0 = not given
    std::int64_t window = 0;  ///< sliding window (tokens kept in the cache), 0 = none
    std::string note;         ///< one line on what is special ("hybrid: full attention every 4th layer")
    std::string source;       ///< where the numbers come from, for citing
};

/// Every preset: the lessons' own first, then published models.
const std::vector<ModelPreset>& model_presets();

/// The preset named `name` (exact match), or nullptr.
const ModelPreset* find_model_preset(const std::string& name);

/// "lesson-4096, qwen3.6, ...", for messages.
std::string model_preset_names();

}  // namespace attnviz::lab
