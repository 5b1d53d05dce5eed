// The tiny checkpoints the real-model tests run over: one per architecture and per config feature the
// loader and the forward pass must get right (GPT-2's hub names and activations, Llama 3 rope scaling
// with MQA and tied embeddings, Mistral's window or none, Qwen2's biases, Qwen3's q/k norms and a
// head_dim that is not d_model / n_heads). The loader's and the forward pass's tests share the list.
#pragma once

#include "tests/support/hf_checkpoint_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::testing::hf {

/// A named tiny checkpoint.
struct Variant {
    std::string name;
    WriteOptions options;
};

/// 2 layers, d_model 16, 4 heads (2 KV heads except GPT-2), vocab 40, 16 positions.
inline WriteOptions tiny_options(Arch arch, std::uint64_t seed) {
    WriteOptions o;
    o.arch = arch;
    o.n_layers = 2;
    o.d_model = 16;
    o.n_heads = 4;
    o.n_kv_heads = arch == Arch::kGpt2 ? 0 : 2;
    o.vocab = 40;
    o.n_ctx = 16;
    o.seed = seed;
    return o;
}

/// Every variant, variant k with weights from seed + k.
inline std::vector<Variant> checkpoint_variants(std::uint64_t seed) {
    std::vector<Variant> v;
    const auto add = [&](std::string name, WriteOptions o) {
        o.seed = seed + v.size();
        v.push_back({std::move(name), o});
    };
    add("gpt2", tiny_options(Arch::kGpt2, seed));
    {
        WriteOptions o = tiny_options(Arch::kGpt2, seed);
        o.gpt2_prefix = false;
        o.gpt2_activation = "gelu";
        o.gpt2_attn_bias_buffer = true;
        add("gpt2_hub_names_exact_gelu_bias_buffer", o);
    }
    {
        WriteOptions o = tiny_options(Arch::kGpt2, seed);
        o.gpt2_activation = "gelu_pytorch_tanh";
        o.tie = 0;
        o.d_ff = 24;
        add("gpt2_untied_n_inner", o);
    }
    add("llama", tiny_options(Arch::kLlama, seed));
    {
        WriteOptions o = tiny_options(Arch::kLlama, seed);
        o.llama3_scaling = true;
        o.rope_theta = 100.0;  // wavelengths 6.3, 19.9, 62.8, 199: every regime of the rescaling
        o.rope_factor = 32.0;
        o.original_max_position_embeddings = 64;
        o.head_dim = 8;
        o.tie = 1;
        o.n_kv_heads = 1;
        add("llama3_scaling_tied_mqa_head_dim8", o);
    }
    {
        WriteOptions o = tiny_options(Arch::kMistral, seed);
        o.sliding_window = 3;
        add("mistral_window3", o);
    }
    {
        WriteOptions o = tiny_options(Arch::kMistral, seed);
        o.sliding_window = 0;  // "sliding_window": null (Mistral 7B v0.2 and later)
        add("mistral_no_window", o);
    }
    add("qwen2_biases", tiny_options(Arch::kQwen2, seed));
    {
        WriteOptions o = tiny_options(Arch::kQwen3, seed);
        o.head_dim = 8;  // != d_model / n_heads
        add("qwen3_qk_norm_head_dim8", o);
    }
    return v;
}

/// Writes every variant in every dtype (F32, F16, BF16), as one file and as three shards, each into a fresh
/// scratch folder, and calls fn(written, dtype, what) with a name for messages ("llama BF16 sharded"); the
/// folder is written.dir.
/// Stops at the first fatal test failure.
template <class Fn>
void for_each_written_checkpoint(const std::vector<Variant>& variants, const std::string& tag, Fn fn) {
    for (const Variant& variant : variants) {
        for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16}) {
            for (int shards : {1, 3}) {
                ScratchDir dir(tag);
                WriteOptions o = variant.options;
                o.dtype = dtype;
                o.shards = shards;
                const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
                const std::string what =
                    variant.name + " " + dtype_name(dtype) + (shards > 1 ? " sharded" : " single");
                fn(w, dtype, what);
                if (::testing::Test::HasFatalFailure()) return;
            }
        }
    }
}

}  // namespace attnviz::testing::hf
