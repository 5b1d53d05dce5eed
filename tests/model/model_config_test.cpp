// config.json parsing: each architecture's keys and transformers' defaults, and every inconsistent or
// mistyped config (robustness M9) refused with the key named.
#include "core/model/model_config.h"

#include <gtest/gtest.h>

#include <string>

namespace attnviz::model {
namespace {

ModelConfig parse_ok(const std::string& json) {
    Expected<ModelConfig> c = parse_model_config(json, "config.json");
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error());
    return c.ok() ? c.value() : ModelConfig{};
}

std::string parse_error(const std::string& json) {
    Expected<ModelConfig> c = parse_model_config(json, "/models/m/config.json");
    EXPECT_FALSE(c.ok()) << json;
    return c.ok() ? "" : c.error();
}

#define EXPECT_HAS(haystack, needle) \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

TEST(ModelConfigGpt2, DefaultsAreGpt2Small) {
    const ModelConfig c = parse_ok(R"({"model_type": "gpt2"})");
    EXPECT_EQ(c.architecture, Architecture::kGpt2);
    EXPECT_EQ(c.n_layers, 12);
    EXPECT_EQ(c.d_model, 768);
    EXPECT_EQ(c.n_heads, 12);
    EXPECT_EQ(c.n_kv_heads, 12);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_EQ(c.d_ff, 3072);  // n_inner null: 4 x n_embd
    EXPECT_EQ(c.vocab_size, 50257);
    EXPECT_EQ(c.n_ctx, 1024);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
    EXPECT_TRUE(c.layer_norm);
    EXPECT_EQ(c.activation, Activation::kGeluTanh);
    EXPECT_TRUE(c.tie_word_embeddings);
    EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias);
    EXPECT_FALSE(c.qk_norm);
    EXPECT_EQ(c.bos_token_id, 50256);
    EXPECT_EQ(c.eos_token_id, 50256);
    EXPECT_STREQ(architecture_name(c.architecture), "GPT-2");
}

TEST(ModelConfigGpt2, ReadsItsKeysAndActivation) {
    const ModelConfig c =
        parse_ok(R"({"model_type": "gpt2", "n_layer": 6, "n_embd": 96, "n_head": 4, "n_inner": 200,
        "n_positions": 64, "vocab_size": 300, "layer_norm_epsilon": 1e-6, "activation_function": "gelu",
        "bos_token_id": 7, "eos_token_id": 8, "n_ctx": 64})");
    EXPECT_EQ(c.n_layers, 6);
    EXPECT_EQ(c.d_model, 96);
    EXPECT_EQ(c.head_dim, 24);
    EXPECT_EQ(c.d_ff, 200);
    EXPECT_EQ(c.n_ctx, 64);
    EXPECT_EQ(c.vocab_size, 300);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
    EXPECT_EQ(c.activation, Activation::kGeluExact);
    EXPECT_EQ(c.bos_token_id, 7);
    for (const char* tanh_form : {"gelu_new", "gelu_pytorch_tanh"}) {
        const ModelConfig t =
            parse_ok(std::string(R"({"model_type": "gpt2", "activation_function": ")") + tanh_form + "\"}");
        EXPECT_EQ(t.activation, Activation::kGeluTanh) << tanh_form;
    }
    EXPECT_HAS(parse_error(R"({"model_type": "gpt2", "activation_function": "relu"})"),
               "activation_function \"relu\"");
    EXPECT_HAS(parse_error(R"({"model_type": "gpt2", "n_embd": 100, "n_head": 12})"),
               "n_embd (100) must be a multiple of n_head (12)");
    EXPECT_HAS(parse_error(R"({"model_type": "gpt2", "scale_attn_by_inverse_layer_idx": true})"),
               "scale_attn_by_inverse_layer_idx");
}

TEST(ModelConfigLlama, DefaultsAreLlamaConfigs) {
    const ModelConfig c = parse_ok(R"({"model_type": "llama"})");
    EXPECT_EQ(c.architecture, Architecture::kLlama);
    EXPECT_EQ(c.n_layers, 32);
    EXPECT_EQ(c.d_model, 4096);
    EXPECT_EQ(c.n_heads, 32);
    EXPECT_EQ(c.n_kv_heads, 32);
    EXPECT_EQ(c.head_dim, 128);
    EXPECT_EQ(c.d_ff, 11008);
    EXPECT_EQ(c.vocab_size, 32000);
    EXPECT_EQ(c.n_ctx, 2048);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
    EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
    EXPECT_FALSE(c.rope_scaling.llama3);
    EXPECT_FALSE(c.tie_word_embeddings);
    EXPECT_FALSE(c.layer_norm);
    EXPECT_EQ(c.activation, Activation::kSilu);
    EXPECT_FALSE(c.qkv_bias || c.o_bias || c.mlp_bias || c.qk_norm);
    EXPECT_EQ(c.sliding_window, 0);
    EXPECT_EQ(c.bos_token_id, 1);
    EXPECT_EQ(c.eos_token_id, 2);
}

TEST(ModelConfigLlama, Llama3RopeScalingBiasesAndEosList) {
    // Llama 3.2 1B's config, abridged.
    const ModelConfig c = parse_ok(R"({"model_type": "llama", "hidden_size": 2048, "num_hidden_layers": 16,
        "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 8192,
        "vocab_size": 128256, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
        "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                         "original_max_position_embeddings": 8192, "rope_type": "llama3"},
        "tie_word_embeddings": true, "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009],
        "attention_bias": true, "mlp_bias": true})");
    EXPECT_EQ(c.n_kv_heads, 8);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
    EXPECT_TRUE(c.rope_scaling.llama3);
    EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 32.0);
    EXPECT_DOUBLE_EQ(c.rope_scaling.low_freq_factor, 1.0);
    EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, 4.0);
    EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 8192);
    EXPECT_TRUE(c.tie_word_embeddings);
    EXPECT_EQ(c.bos_token_id, 128000);
    EXPECT_EQ(c.eos_token_id, 128001);
    EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias);

    // The older spelling "type", and transformers 5's rope_parameters carrying rope_theta.
    const ModelConfig old =
        parse_ok(R"({"model_type": "llama", "rope_scaling": {"type": "llama3", "factor": 8.0}})");
    EXPECT_TRUE(old.rope_scaling.llama3);
    EXPECT_DOUBLE_EQ(old.rope_scaling.factor, 8.0);
    const ModelConfig v5 = parse_ok(
        R"({"model_type": "llama", "rope_parameters": {"rope_type": "default", "rope_theta": 250000.0}})");
    EXPECT_FALSE(v5.rope_scaling.llama3);
    EXPECT_DOUBLE_EQ(v5.rope_theta, 250000.0);
    const ModelConfig none = parse_ok(R"({"model_type": "llama", "rope_scaling": null})");
    EXPECT_FALSE(none.rope_scaling.llama3);

    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rope_scaling": {"type": "yarn", "factor": 4.0}})"),
               "rope_scaling.type \"yarn\"");
    EXPECT_HAS(
        parse_error(R"({"model_type": "llama", "rope_scaling": {"rope_type": "llama3", "factor": 0}})"),
        "rope_scaling.factor must be a positive number");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "hidden_act": "gelu"})"), "hidden_act \"gelu\"");
}

TEST(ModelConfigMistral, SlidingWindowDefaultNullAndValue) {
    EXPECT_EQ(parse_ok(R"({"model_type": "mistral"})").sliding_window, 4096);
    EXPECT_EQ(parse_ok(R"({"model_type": "mistral", "sliding_window": null})").sliding_window, 0);
    const ModelConfig c = parse_ok(R"({"model_type": "mistral", "sliding_window": 1024})");
    EXPECT_EQ(c.sliding_window, 1024);
    EXPECT_EQ(c.architecture, Architecture::kMistral);
    EXPECT_EQ(c.n_kv_heads, 8);
    EXPECT_EQ(c.d_ff, 14336);
    EXPECT_EQ(c.n_ctx, 4096 * 32);
    EXPECT_HAS(parse_error(R"({"model_type": "mistral", "sliding_window": 0})"), "sliding_window is 0");
}

TEST(ModelConfigQwen, Qwen2BiasesAndWindowOnlyWhenUsed) {
    // Qwen2.5-0.5B, abridged: 14 query heads, 2 KV heads.
    const ModelConfig c = parse_ok(R"({"model_type": "qwen2", "hidden_size": 896, "num_hidden_layers": 24,
        "num_attention_heads": 14, "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936,
        "max_position_embeddings": 32768, "rope_theta": 1000000.0, "rms_norm_eps": 1e-06,
        "sliding_window": 32768, "use_sliding_window": false, "max_window_layers": 21, "tie_word_embeddings": true,
        "bos_token_id": 151643, "eos_token_id": 151643})");
    EXPECT_EQ(c.architecture, Architecture::kQwen2);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_TRUE(c.qkv_bias);
    EXPECT_FALSE(c.o_bias);
    EXPECT_FALSE(c.mlp_bias);
    EXPECT_EQ(c.sliding_window, 0);
    EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);
    EXPECT_EQ(c.bos_token_id, 151643);
    EXPECT_EQ(parse_ok(R"({"model_type": "qwen2", "num_hidden_layers": 4, "use_sliding_window": true,
                           "sliding_window": 256, "max_window_layers": 0})")
                  .sliding_window,
              256);
    EXPECT_EQ(parse_ok(R"({"model_type": "qwen2", "num_hidden_layers": 4, "use_sliding_window": true,
                           "sliding_window": 256, "max_window_layers": 4})")
                  .sliding_window,
              0);
    EXPECT_HAS(parse_error(R"({"model_type": "qwen2", "num_hidden_layers": 4, "use_sliding_window": true,
                                "max_window_layers": 2})"),
               "max_window_layers 2");
}

TEST(ModelConfigQwen, Qwen3HeadDimDiffersFromWidthOverHeads) {
    // Qwen3-0.6B: hidden 1024, 16 heads of 128 (2048 wide), 8 KV heads.
    const ModelConfig c = parse_ok(R"({"model_type": "qwen3", "hidden_size": 1024, "num_hidden_layers": 28,
        "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 3072,
        "vocab_size": 151936, "max_position_embeddings": 40960, "attention_bias": false, "tie_word_embeddings": true,
        "rope_theta": 1000000, "eos_token_id": 151645})");
    EXPECT_EQ(c.architecture, Architecture::kQwen3);
    EXPECT_EQ(c.head_dim, 128);
    EXPECT_EQ(c.d_model, 1024);
    EXPECT_TRUE(c.qk_norm);
    EXPECT_FALSE(c.qkv_bias);
    EXPECT_FALSE(c.o_bias);
    EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);  // an integer in the file is fine for a number
    EXPECT_EQ(c.eos_token_id, 151645);
    EXPECT_EQ(
        parse_ok(
            R"({"model_type": "qwen3", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4})")
            .head_dim,
        128);
    EXPECT_TRUE(parse_ok(R"({"model_type": "qwen3", "attention_bias": true})").qkv_bias);
}

TEST(ModelConfigMiniMind, OwnModelTypeLoadsAsLlamaWithItsDefaults) {
    // MiniMind2-Small's config as MiniMindConfig writes it.
    const ModelConfig c = parse_ok(R"({"model_type": "minimind", "hidden_size": 512, "num_hidden_layers": 8,
        "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 6400, "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "use_moe": false, "flash_attn": true, "dropout": 0.0})");
    EXPECT_EQ(c.architecture, Architecture::kLlama);
    EXPECT_EQ(c.model_type, "minimind");
    EXPECT_EQ(c.n_kv_heads, 2);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_EQ(c.d_ff, 1664);  // ceil(512 pi / 64) * 64
    EXPECT_TRUE(c.tie_word_embeddings);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
    EXPECT_EQ(parse_ok(R"({"model_type": "minimind"})").d_ff, 2432);  // hidden 768 by default
    EXPECT_HAS(parse_error(R"({"model_type": "minimind", "use_moe": true})"), "use_moe");
}

TEST(ModelConfigErrors, UnknownOrMissingModelTypeListsTheSupportedOnes) {
    const std::string e = parse_error(R"({"model_type": "bert", "hidden_size": 768})");
    EXPECT_HAS(e, "/models/m/config.json");
    EXPECT_HAS(e, "model_type \"bert\"");
    EXPECT_HAS(e, "gpt2, llama, mistral, qwen2, qwen3");
    EXPECT_HAS(parse_error(R"({"hidden_size": 768})"), "no \"model_type\"");
    EXPECT_HAS(parse_error(R"({"model_type": 5})"), "model_type must be a string, found an integer");
}

TEST(ModelConfigErrors, BrokenJsonNamesFileLineAndColumn) {
    EXPECT_HAS(parse_error("{\"model_type\": \"llama\",\n \"hidden_size\": 64,\n}"),
               "/models/m/config.json:3:1");
    EXPECT_HAS(parse_error(""), "empty");
    EXPECT_HAS(parse_error("[1, 2]"), "top level must be a JSON object, found an array");
}

TEST(ModelConfigErrors, WrongTypesAreNamedByKey) {
    EXPECT_HAS(parse_error("{\"model_type\": \"llama\",\n\"num_hidden_layers\": \"5\"}"),
               "num_hidden_layers must be an integer, found a string (line 2)");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "hidden_size": 64.5})"),
               "hidden_size must be an integer, found a number");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "tie_word_embeddings": "yes"})"),
               "tie_word_embeddings must be true or false");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rms_norm_eps": "1e-5"})"),
               "rms_norm_eps must be a number");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rope_scaling": 2})"),
               "rope_scaling must be an object");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "eos_token_id": ["a"]})"),
               "eos_token_id must be an integer");
}

TEST(ModelConfigErrors, InconsistentCountsAreRefusedByKey) {
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "num_hidden_layers": 0})"),
               "num_hidden_layers is 0 (line 1); it must be at least 1");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "num_attention_heads": -4})"),
               "num_attention_heads is -4");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "num_hidden_layers": 100000})"), "at most 1024");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "vocab_size": 99999999999})"),
               "vocab_size is 99999999999");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 8,
                                "num_key_value_heads": 3})"),
               "num_key_value_heads (3) must divide num_attention_heads (8)");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "hidden_size": 100, "num_attention_heads": 8})"),
               "hidden_size (100) must be a multiple of num_attention_heads (8) when head_dim is not given");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rms_norm_eps": 0})"),
               "rms_norm_eps must be a positive");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rms_norm_eps": -1e-5})"),
               "rms_norm_eps must be a positive");
    EXPECT_HAS(parse_error(R"({"model_type": "gpt2", "layer_norm_epsilon": 0.0})"), "layer_norm_epsilon");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "rope_theta": 0})"), "rope_theta must be a positive");
    EXPECT_HAS(parse_error(R"({"model_type": "llama", "head_dim": 0})"), "head_dim is 0");
}

TEST(ModelConfig, TokenIdsOutsideTheVocabularyCountAsAbsent) {
    const ModelConfig c = parse_ok(R"({"model_type": "llama", "vocab_size": 100, "bos_token_id": 50256,
                                       "eos_token_id": null})");
    EXPECT_EQ(c.bos_token_id, -1);
    EXPECT_EQ(c.eos_token_id, 2);  // null: the default
    EXPECT_EQ(parse_ok(R"({"model_type": "llama", "eos_token_id": []})").eos_token_id, 2);
}

}  // namespace
}  // namespace attnviz::model
