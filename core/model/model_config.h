// What a Hugging Face config.json says about a model, checked: architecture, sizes, norms, RoPE, masks.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <string>

namespace attnviz::model {

/// The model families attnviz runs. MiniMind's llama-style checkpoints load as kLlama.
enum class Architecture { kGpt2, kLlama, kMistral, kQwen2, kQwen3 };

/// The MLP's nonlinearity: GPT-2's GELU (tanh approximation for gelu_new / gelu_pytorch_tanh, exact
/// erf form for gelu) or the Llama family's SiLU-gated MLP.
enum class Activation { kGeluTanh, kGeluExact, kSilu };

/// Llama 3's frequency-dependent RoPE rescaling (rope_scaling.rope_type == "llama3").
struct RopeScaling {
    bool llama3 = false;
    double factor = 1.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    int original_max_position_embeddings = 8192;
};

/// Everything the loader and the forward pass need from config.json. Valid after parse_model_config:
/// every count >= 1, d_model == n_heads * head_dim for GPT-2, n_heads % n_kv_heads == 0, norm_eps > 0.
struct ModelConfig {
    Architecture architecture = Architecture::kLlama;
    std::string model_type;  ///< as written in config.json ("gpt2", "llama", "mistral", "qwen2", "qwen3")
    int n_layers = 0;        ///< num_hidden_layers / n_layer
    int d_model = 0;         ///< hidden_size / n_embd
    int n_heads = 0;         ///< num_attention_heads / n_head: query heads
    int n_kv_heads = 0;      ///< num_key_value_heads (defaults to n_heads)
    int head_dim = 0;        ///< head_dim when given, else d_model / n_heads
    int d_ff = 0;            ///< intermediate_size / n_inner (GPT-2 default 4 * d_model)
    int vocab_size = 0;
    int n_ctx = 0;                ///< max_position_embeddings / n_positions: longest input accepted
    double norm_eps = 1e-5;       ///< layer_norm_epsilon / rms_norm_eps
    bool layer_norm = false;      ///< true: LayerNorm with bias (GPT-2); false: RMSNorm (Llama family)
    double rope_theta = 10000.0;  ///< unused for GPT-2 (learned positions)
    RopeScaling rope_scaling;
    int sliding_window = 0;  ///< Mistral (and Qwen2 with use_sliding_window): keys per query; 0 = none
    Activation activation = Activation::kSilu;
    bool tie_word_embeddings = false;  ///< lm_head reuses the token embedding
    bool qkv_bias = false;             ///< q/k/v projections have biases (GPT-2, Qwen2, attention_bias)
    bool o_bias = false;               ///< output projection has a bias (GPT-2, attention_bias)
    bool mlp_bias = false;             ///< MLP projections have biases (GPT-2, mlp_bias)
    bool qk_norm = false;   ///< Qwen3: RMSNorm over each head's q and k (weights [head_dim]) before RoPE
    int bos_token_id = -1;  ///< -1 when the config names none
    int eos_token_id = -1;
};

/// Largest config values accepted (robustness M9): beyond them a file is refused before any allocation.
constexpr int kMaxLayers = 1024;
constexpr int kMaxHeads = 1024;
constexpr int kMaxModelWidth = 1 << 16;
constexpr int kMaxVocab = 1 << 22;
constexpr int kMaxContext = 1 << 22;

/// Parses and validates config.json text. `file_name` is used in errors ("config.json: num_key_value_heads
/// (3) must divide num_attention_heads (8)"). An unsupported model_type gets a message listing the
/// supported ones.
Expected<ModelConfig> parse_model_config(const std::string& json_text, const std::string& file_name);

/// "gpt2", "llama", ...: the supported model_type values, comma separated, for messages and --help.
const char* supported_model_types();

/// Human-readable architecture name: "GPT-2", "Llama", "Mistral", "Qwen2", "Qwen3".
const char* architecture_name(Architecture architecture);

}  // namespace attnviz::model
