// The loader against the independent checkpoint writer: every architecture x dtype x single/sharded
// checkpoint loads with the config the file says and every weight, read through the loader's views with
// Hugging Face's meaning (nn.Linear [out, in], Conv1D [in, out], GPT-2's fused c_attn), equal to the value
// the file holds (F16 and BF16 widen to float32 exactly).
#include "core/model/checkpoint.h"
#include "tests/support/checkpoint_variants.h"
#include "tests/support/hf_checkpoint_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace hf = attnviz::testing::hf;
using attnviz::model::Activation;
using attnviz::model::Architecture;
using attnviz::model::Checkpoint;
using attnviz::model::Linear;
using attnviz::model::Norm;
using attnviz::model::WeightView;

using hf::Variant;

std::vector<Variant> variants() {
    return hf::checkpoint_variants(21);
}

/// W(o, i) of a projection y_o = sum_i x_i W(o, i) + b_o, read through the loader's view.
double linear_at(const Linear& l, int o, int i) {
    return static_cast<double>(l.stored_in_out ? l.weight.map()(i, o) : l.weight.map()(o, i));
}

/// Expects the loader's projection to be `w` (nn.Linear [out, in]) or the columns [col0, col0 + n_out) of a
/// Conv1D [in, out] tensor; bias likewise (empty when the file has none).
void expect_linear(const Linear& l, const hf::Tensor64& w, const hf::Tensor64* b, bool conv1d, int col0,
                   int n_out, const std::string& what) {
    const int n_in = static_cast<int>(conv1d ? w.shape.at(0) : w.shape.at(1));
    ASSERT_EQ(l.n_in(), n_in) << what;
    ASSERT_EQ(l.n_out(), n_out) << what;
    const int stride = static_cast<int>(w.shape.at(1));
    int mismatches = 0;
    for (int o = 0; o < n_out; ++o) {
        for (int i = 0; i < n_in; ++i) {
            const double want = conv1d ? w.values[static_cast<std::size_t>(i * stride + col0 + o)]
                                       : w.values[static_cast<std::size_t>(o * n_in + i)];
            if (linear_at(l, o, i) != want) ++mismatches;
        }
    }
    EXPECT_EQ(mismatches, 0) << what << ".weight";
    if (!b) {
        EXPECT_TRUE(l.bias.empty()) << what << ": a bias the file does not have";
        return;
    }
    ASSERT_FALSE(l.bias.empty()) << what << ": the file's bias is missing";
    ASSERT_EQ(l.bias.rows * l.bias.cols, n_out) << what;
    for (int o = 0; o < n_out; ++o)
        EXPECT_EQ(static_cast<double>(l.bias.data[o]), b->values[static_cast<std::size_t>(col0 + o)])
            << what << ".bias " << o;
}

void expect_vector(const WeightView& v, const hf::Tensor64& t, const std::string& what) {
    ASSERT_FALSE(v.empty()) << what;
    ASSERT_EQ(static_cast<std::int64_t>(v.rows) * v.cols, t.numel()) << what;
    for (std::size_t k = 0; k < t.values.size(); ++k)
        ASSERT_EQ(static_cast<double>(v.data[k]), t.values[k]) << what << " [" << k << "]";
}

void expect_matrix(const WeightView& v, const hf::Tensor64& t, const std::string& what) {
    ASSERT_EQ(v.rows, t.shape.at(0)) << what;
    ASSERT_EQ(v.cols, t.shape.at(1)) << what;
    int mismatches = 0;
    for (int r = 0; r < v.rows; ++r)
        for (int c = 0; c < v.cols; ++c)
            if (static_cast<double>(v.map()(r, c)) != t.values[static_cast<std::size_t>(r * v.cols + c)])
                ++mismatches;
    EXPECT_EQ(mismatches, 0) << what;
}

void expect_norm(const Norm& n, const hf::TensorMap& t, const std::string& name, bool with_bias) {
    expect_vector(n.weight, t.at(name + ".weight"), name + ".weight");
    if (with_bias)
        expect_vector(n.bias, t.at(name + ".bias"), name + ".bias");
    else
        EXPECT_TRUE(n.bias.empty()) << name;
}

void expect_config(const Checkpoint& ck, const hf::ModelSpec& s, const std::string& what) {
    const auto& c = ck.config;
    const Architecture arch[] = {Architecture::kGpt2, Architecture::kLlama, Architecture::kMistral,
                                 Architecture::kQwen2, Architecture::kQwen3};
    EXPECT_EQ(c.architecture, arch[static_cast<int>(s.arch)]) << what;
    EXPECT_EQ(c.model_type, hf::arch_name(s.arch)) << what;
    EXPECT_EQ(c.n_layers, s.n_layers) << what;
    EXPECT_EQ(c.d_model, s.d_model) << what;
    EXPECT_EQ(c.n_heads, s.n_heads) << what;
    EXPECT_EQ(c.n_kv_heads, s.n_kv_heads) << what;
    EXPECT_EQ(c.head_dim, s.head_dim) << what;
    EXPECT_EQ(c.d_ff, s.d_ff) << what;
    EXPECT_EQ(c.vocab_size, s.vocab) << what;
    EXPECT_EQ(c.n_ctx, s.n_ctx) << what;
    EXPECT_DOUBLE_EQ(c.norm_eps, s.norm_eps) << what;
    EXPECT_EQ(c.layer_norm, s.arch == hf::Arch::kGpt2) << what;
    EXPECT_EQ(c.tie_word_embeddings, s.tie) << what;
    EXPECT_EQ(c.sliding_window, s.sliding_window)
        << what << " (qwen2 writes 4096 with use_sliding_window false)";
    EXPECT_EQ(c.qk_norm, s.arch == hf::Arch::kQwen3) << what;
    if (s.arch == hf::Arch::kGpt2) {
        EXPECT_EQ(c.activation, s.gelu_exact ? Activation::kGeluExact : Activation::kGeluTanh) << what;
        EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias) << what;
    } else {
        EXPECT_EQ(c.activation, Activation::kSilu) << what;
        EXPECT_DOUBLE_EQ(c.rope_theta, s.rope_theta) << what;
        EXPECT_EQ(c.qkv_bias, s.arch == hf::Arch::kQwen2) << what;
        EXPECT_FALSE(c.o_bias) << what;
        EXPECT_FALSE(c.mlp_bias) << what;
        EXPECT_EQ(c.rope_scaling.llama3, s.llama3_scaling) << what;
        if (s.llama3_scaling) {
            EXPECT_DOUBLE_EQ(c.rope_scaling.factor, s.rope_factor) << what;
            EXPECT_DOUBLE_EQ(c.rope_scaling.low_freq_factor, s.low_freq_factor) << what;
            EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, s.high_freq_factor) << what;
            EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, s.original_max_position_embeddings)
                << what;
        }
    }
}

void expect_weights(const Checkpoint& ck, const hf::WrittenCheckpoint& w, const std::string& what) {
    const hf::ModelSpec& s = w.spec;
    const hf::TensorMap& t = w.tensors;
    const auto& m = ck.weights;
    ASSERT_EQ(static_cast<int>(m.layers.size()), s.n_layers) << what;
    const int d = s.d_model, q_out = s.n_heads * s.head_dim, kv_out = s.n_kv_heads * s.head_dim;
    auto opt = [&](const std::string& name) -> const hf::Tensor64* {
        const auto it = t.find(name);
        return it == t.end() ? nullptr : &it->second;
    };
    if (s.arch == hf::Arch::kGpt2) {
        const std::string p = s.prefix;
        expect_matrix(m.token_embedding, t.at(p + "wte.weight"), what + " wte");
        expect_matrix(m.position_embedding, t.at(p + "wpe.weight"), what + " wpe");
        for (int l = 0; l < s.n_layers; ++l) {
            const std::string h = p + "h." + std::to_string(l) + ".";
            const auto& L = m.layers[static_cast<std::size_t>(l)];
            const std::string at = what + " " + h;
            expect_norm(L.attn_norm, t, h + "ln_1", true);
            expect_norm(L.mlp_norm, t, h + "ln_2", true);
            const hf::Tensor64& qkv = t.at(h + "attn.c_attn.weight");
            const hf::Tensor64* qkv_b = &t.at(h + "attn.c_attn.bias");
            expect_linear(L.q, qkv, qkv_b, true, 0, d, at + "q (c_attn columns 0..d)");
            expect_linear(L.k, qkv, qkv_b, true, d, d, at + "k (c_attn columns d..2d)");
            expect_linear(L.v, qkv, qkv_b, true, 2 * d, d, at + "v (c_attn columns 2d..3d)");
            expect_linear(L.o, t.at(h + "attn.c_proj.weight"), &t.at(h + "attn.c_proj.bias"), true, 0, d,
                          at + "attn.c_proj");
            EXPECT_TRUE(L.gate.weight.empty()) << at;
            expect_linear(L.up, t.at(h + "mlp.c_fc.weight"), &t.at(h + "mlp.c_fc.bias"), true, 0, s.d_ff,
                          at + "mlp.c_fc");
            expect_linear(L.down, t.at(h + "mlp.c_proj.weight"), &t.at(h + "mlp.c_proj.bias"), true, 0, d,
                          at + "mlp.c_proj");
            EXPECT_TRUE(L.q_norm.weight.empty()) << at;
        }
        expect_norm(m.final_norm, t, p + "ln_f", true);
    } else {
        EXPECT_TRUE(m.position_embedding.empty()) << what;
        expect_matrix(m.token_embedding, t.at("model.embed_tokens.weight"), what + " embed_tokens");
        for (int l = 0; l < s.n_layers; ++l) {
            const std::string h = "model.layers." + std::to_string(l) + ".";
            const auto& L = m.layers[static_cast<std::size_t>(l)];
            const std::string at = what + " " + h;
            expect_norm(L.attn_norm, t, h + "input_layernorm", false);
            expect_norm(L.mlp_norm, t, h + "post_attention_layernorm", false);
            const std::string a = h + "self_attn.";
            expect_linear(L.q, t.at(a + "q_proj.weight"), opt(a + "q_proj.bias"), false, 0, q_out,
                          at + "q_proj");
            expect_linear(L.k, t.at(a + "k_proj.weight"), opt(a + "k_proj.bias"), false, 0, kv_out,
                          at + "k_proj");
            expect_linear(L.v, t.at(a + "v_proj.weight"), opt(a + "v_proj.bias"), false, 0, kv_out,
                          at + "v_proj");
            expect_linear(L.o, t.at(a + "o_proj.weight"), nullptr, false, 0, d, at + "o_proj");
            if (s.arch == hf::Arch::kQwen3) {
                expect_vector(L.q_norm.weight, t.at(a + "q_norm.weight"), at + "q_norm");
                expect_vector(L.k_norm.weight, t.at(a + "k_norm.weight"), at + "k_norm");
            } else {
                EXPECT_TRUE(L.q_norm.weight.empty() && L.k_norm.weight.empty()) << at;
            }
            expect_linear(L.gate, t.at(h + "mlp.gate_proj.weight"), nullptr, false, 0, s.d_ff,
                          at + "gate_proj");
            expect_linear(L.up, t.at(h + "mlp.up_proj.weight"), nullptr, false, 0, s.d_ff, at + "up_proj");
            expect_linear(L.down, t.at(h + "mlp.down_proj.weight"), nullptr, false, 0, d, at + "down_proj");
        }
        expect_norm(m.final_norm, t, "model.norm", false);
    }
    // lm_head: [vocab, d_model] as nn.Linear; the token embedding itself when tied.
    const hf::Tensor64& head =
        s.tie ? t.at(s.arch == hf::Arch::kGpt2 ? s.prefix + "wte.weight" : "model.embed_tokens.weight")
              : t.at("lm_head.weight");
    expect_linear(m.lm_head, head, nullptr, false, 0, s.vocab, what + " lm_head");
}

TEST(CheckpointVsWriter, EveryArchitectureDtypeAndShardingLoadsWhatTheFilesHold) {
    hf::for_each_written_checkpoint(
        variants(), "ckpt", [](const hf::WrittenCheckpoint& w, hf::DType dtype, const std::string& what) {
            const auto loaded = attnviz::model::load_checkpoint(w.dir);
            ASSERT_TRUE(loaded.ok()) << what << ": " << loaded.error() << "\nconfig.json:\n" << w.config_json;
            const Checkpoint& ck = **loaded;
            EXPECT_EQ(ck.dtype, hf::dtype_name(dtype)) << what;
            expect_config(ck, w.spec, what);
            expect_weights(ck, w, what);
            std::int64_t n_parameters = 0;
            for (const auto& [name, t] : w.tensors)
                if (name.size() < 10 || name.compare(name.size() - 10, 10, ".attn.bias") != 0)
                    n_parameters += t.numel();
            EXPECT_EQ(ck.n_parameters, n_parameters) << what << " (GPT-2's causal buffer is not a parameter)";
        });
}

}  // namespace
