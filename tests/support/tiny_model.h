// Small random checkpoints held in memory (no files), in the layouts the loader produces: GPT-2 with
// Conv1D weights [in, out] and the fused c_attn viewed by column, or the Llama family with nn.Linear [out,
// in].
#pragma once

#include "core/model/checkpoint.h"

#include <cmath>
#include <memory>
#include <random>
#include <vector>

namespace attnviz::testing {

/// Owns the buffers the checkpoint's views point into; the checkpoint is an aliasing shared_ptr of it.
struct TinyModelStorage {
    std::vector<std::unique_ptr<std::vector<float>>> buffers;
    model::Checkpoint checkpoint;

    float* allocate(std::size_t n) {
        buffers.push_back(std::make_unique<std::vector<float>>(n, 0.0f));
        return buffers.back()->data();
    }
};

inline model::WeightView tiny_view(const float* data, int rows, int cols, int row_stride = 0) {
    return model::WeightView{data, rows, cols, row_stride > 0 ? row_stride : cols};
}

/// A config for a tiny model of the given architecture (every size small; n_ctx 64).
inline model::ModelConfig tiny_config(model::Architecture arch, int d_model = 32, int n_heads = 4,
                                      int n_kv_heads = 2, int n_layers = 2, int d_ff = 48, int vocab = 50) {
    model::ModelConfig c;
    c.architecture = arch;
    c.n_layers = n_layers;
    c.d_model = d_model;
    c.n_heads = n_heads;
    c.n_kv_heads = arch == model::Architecture::kGpt2 ? n_heads : n_kv_heads;
    c.head_dim = d_model / n_heads;
    c.d_ff = d_ff;
    c.vocab_size = vocab;
    c.n_ctx = 64;
    c.norm_eps = 1e-5;
    switch (arch) {
        case model::Architecture::kGpt2:
            c.model_type = "gpt2";
            c.layer_norm = true;
            c.activation = model::Activation::kGeluTanh;
            c.tie_word_embeddings = true;
            c.qkv_bias = c.o_bias = c.mlp_bias = true;
            break;
        case model::Architecture::kLlama:
            c.model_type = "llama";
            break;
        case model::Architecture::kMistral:
            c.model_type = "mistral";
            break;
        case model::Architecture::kQwen2:
            c.model_type = "qwen2";
            c.qkv_bias = true;
            break;
        case model::Architecture::kQwen3:
            c.model_type = "qwen3";
            c.qk_norm = true;
            break;
    }
    return c;
}

/// Random weights (normal, sigma 0.2 for matrices; norms around 1) for a config from tiny_config.
inline std::shared_ptr<const model::Checkpoint> make_tiny_model(const model::ModelConfig& c,
                                                                unsigned seed = 7) {
    auto storage = std::make_shared<TinyModelStorage>();
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const auto random = [&](int rows, int cols, float sigma, float mean = 0.0f) {
        float* p = storage->allocate(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
        for (int i = 0; i < rows * cols; ++i) p[i] = mean + sigma * normal(rng);
        return p;
    };
    model::Checkpoint& ck = storage->checkpoint;
    ck.dir = "tiny-random";
    ck.config = c;
    ck.dtype = "F32";
    model::ModelWeights& w = ck.weights;
    const int d = c.d_model;
    const int q_width = c.n_heads * c.head_dim;
    const int kv_width = c.n_kv_heads * c.head_dim;
    w.token_embedding = tiny_view(random(c.vocab_size, d, 0.5f), c.vocab_size, d);
    const auto norm = [&](int width, bool bias) {
        model::Norm n;
        n.weight = tiny_view(random(1, width, 0.1f, 1.0f), 1, width);
        if (bias) n.bias = tiny_view(random(1, width, 0.1f), 1, width);
        return n;
    };
    const auto linear = [&](int n_out, int n_in, bool bias) {  // nn.Linear, [out, in]
        model::Linear l;
        l.weight =
            tiny_view(random(n_out, n_in, 0.6f / std::sqrt(static_cast<float>(n_in)) * 2.0f), n_out, n_in);
        if (bias) l.bias = tiny_view(random(1, n_out, 0.1f), 1, n_out);
        return l;
    };
    const auto conv1d = [&](int n_in, int n_out) {  // GPT-2's Conv1D, [in, out]
        model::Linear l;
        l.stored_in_out = true;
        l.weight = tiny_view(random(n_in, n_out, 1.2f / std::sqrt(static_cast<float>(n_in))), n_in, n_out);
        l.bias = tiny_view(random(1, n_out, 0.1f), 1, n_out);
        return l;
    };
    if (c.architecture == model::Architecture::kGpt2) {
        w.position_embedding = tiny_view(random(c.n_ctx, d, 0.3f), c.n_ctx, d);
        for (int l = 0; l < c.n_layers; ++l) {
            model::LayerWeights lw;
            lw.attn_norm = norm(d, true);
            // c_attn [d, 3d] and its bias [3d]; q, k, v are column views of it.
            const float* attn = random(d, 3 * d, 1.2f / std::sqrt(static_cast<float>(d)));
            const float* attn_bias = random(1, 3 * d, 0.1f);
            model::Linear* parts[3] = {&lw.q, &lw.k, &lw.v};
            for (int p = 0; p < 3; ++p) {
                parts[p]->stored_in_out = true;
                parts[p]->weight = tiny_view(attn + p * d, d, d, 3 * d);
                parts[p]->bias = tiny_view(attn_bias + p * d, 1, d);
            }
            lw.o = conv1d(d, d);
            lw.mlp_norm = norm(d, true);
            lw.up = conv1d(d, c.d_ff);
            lw.down = conv1d(c.d_ff, d);
            w.layers.push_back(lw);
        }
        w.final_norm = norm(d, true);
    } else {
        for (int l = 0; l < c.n_layers; ++l) {
            model::LayerWeights lw;
            lw.attn_norm = norm(d, false);
            lw.q = linear(q_width, d, c.qkv_bias);
            lw.k = linear(kv_width, d, c.qkv_bias);
            lw.v = linear(kv_width, d, c.qkv_bias);
            lw.o = linear(d, q_width, c.o_bias);
            if (c.qk_norm) {
                lw.q_norm = norm(c.head_dim, false);
                lw.k_norm = norm(c.head_dim, false);
            }
            lw.mlp_norm = norm(d, false);
            lw.gate = linear(c.d_ff, d, c.mlp_bias);
            lw.up = linear(c.d_ff, d, c.mlp_bias);
            lw.down = linear(d, c.d_ff, c.mlp_bias);
            w.layers.push_back(lw);
        }
        w.final_norm = norm(d, false);
    }
    if (c.tie_word_embeddings) {
        w.lm_head.weight = w.token_embedding;
    } else {
        w.lm_head = linear(c.vocab_size, d, false);
    }
    return std::shared_ptr<const model::Checkpoint>(storage, &storage->checkpoint);
}

/// A copy of a tiny model's checkpoint whose views are the same except that `edit` may replace some
/// with new buffers (kept alive by the returned pointer, together with the original).
template <class Edit>
std::shared_ptr<const model::Checkpoint> edit_tiny_model(std::shared_ptr<const model::Checkpoint> base,
                                                         Edit edit) {
    auto storage = std::make_shared<TinyModelStorage>();
    storage->checkpoint = *base;
    edit(*storage);
    struct Both {
        std::shared_ptr<TinyModelStorage> storage;
        std::shared_ptr<const model::Checkpoint> base;
    };
    auto both = std::make_shared<Both>(Both{storage, std::move(base)});
    return std::shared_ptr<const model::Checkpoint>(both, &both->storage->checkpoint);
}

}  // namespace attnviz::testing
