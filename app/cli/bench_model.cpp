// GPT-2 small in memory for the bench: config.json text and a float32 safetensors image written here
// (random weights, no file), loaded through the same validation as a downloaded checkpoint.
#include "app/cli/bench_model.h"

#include "core/io/json.h"
#include "core/model/checkpoint.h"
#include "core/model/forward.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace attnviz::cli {

namespace {

struct TensorSpec {
    std::string name;
    std::vector<std::int64_t> shape;
    float fill = 0.0f;  ///< 0: random in [-0.02, 0.02]; else this constant (norm weights 1)
};

std::vector<TensorSpec> gpt2_tensors(const ModelShape& shape) {
    const std::int64_t d = shape.width;
    std::vector<TensorSpec> t;
    t.push_back({"wte.weight", {shape.vocab, d}});
    t.push_back({"wpe.weight", {shape.context, d}});
    for (int l = 0; l < shape.n_layers; ++l) {
        const std::string p = "h." + std::to_string(l) + ".";
        t.push_back({p + "ln_1.weight", {d}, 1.0f});
        t.push_back({p + "ln_1.bias", {d}});
        t.push_back({p + "attn.c_attn.weight", {d, 3 * d}});
        t.push_back({p + "attn.c_attn.bias", {3 * d}});
        t.push_back({p + "attn.c_proj.weight", {d, d}});
        t.push_back({p + "attn.c_proj.bias", {d}});
        t.push_back({p + "ln_2.weight", {d}, 1.0f});
        t.push_back({p + "ln_2.bias", {d}});
        t.push_back({p + "mlp.c_fc.weight", {d, 4 * d}});
        t.push_back({p + "mlp.c_fc.bias", {4 * d}});
        t.push_back({p + "mlp.c_proj.weight", {4 * d, d}});
        t.push_back({p + "mlp.c_proj.bias", {d}});
    }
    t.push_back({"ln_f.weight", {d}, 1.0f});
    t.push_back({"ln_f.bias", {d}});
    return t;
}

/// A float32 safetensors file image of the tensors, filled from a xorshift generator.
std::string safetensors_image(const std::vector<TensorSpec>& tensors) {
    io::JsonValue header = io::JsonValue::object();
    std::int64_t offset = 0;
    for (const TensorSpec& t : tensors) {
        std::int64_t numel = 1;
        io::JsonValue shape = io::JsonValue::array();
        for (std::int64_t s : t.shape) {
            numel *= s;
            shape.push(io::JsonValue::integer(s));
        }
        io::JsonValue entry = io::JsonValue::object();
        entry.set("dtype", io::JsonValue::string("F32"));
        entry.set("shape", std::move(shape));
        entry.set("data_offsets", io::JsonValue::array()
                                      .push(io::JsonValue::integer(offset))
                                      .push(io::JsonValue::integer(offset + 4 * numel)));
        header.set(t.name, std::move(entry));
        offset += 4 * numel;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string image(8 + json.size() + static_cast<std::size_t>(offset), '\0');
    const std::uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) image[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    std::memcpy(&image[8], json.data(), json.size());
    char* data = &image[8 + json.size()];
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    std::size_t at = 0;
    for (const TensorSpec& t : tensors) {
        std::int64_t numel = 1;
        for (std::int64_t s : t.shape) numel *= s;
        for (std::int64_t i = 0; i < numel; ++i) {
            float v = t.fill;
            if (v == 0.0f) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                v = (static_cast<float>(state >> 40) / static_cast<float>(1 << 24) - 0.5f) * 0.04f;
            }
            std::memcpy(data + at, &v, 4);
            at += 4;
        }
    }
    return image;
}

std::string gpt2_config(const ModelShape& shape) {
    io::JsonValue c = io::JsonValue::object();
    c.set("model_type", io::JsonValue::string("gpt2"));
    c.set("n_layer", io::JsonValue::integer(shape.n_layers));
    c.set("n_head", io::JsonValue::integer(shape.n_heads));
    c.set("n_embd", io::JsonValue::integer(shape.width));
    c.set("n_positions", io::JsonValue::integer(shape.context));
    c.set("vocab_size", io::JsonValue::integer(shape.vocab));
    c.set("activation_function", io::JsonValue::string("gelu_new"));
    c.set("layer_norm_epsilon", io::JsonValue::number(1e-5));
    return c.dump();
}

/// Useful FLOP of one forward with the last position's logits: the projections, the causal attention
/// (the visible half of Q K^T and P V) and the lm_head row.
double model_forward_flops(const ModelShape& shape, int n) {
    const double d = shape.width;
    const double per_layer = 2.0 * n * d * (3 * d) + 2.0 * n * d * d + 2.0 * 2.0 * n * d * (4 * d) +
                             4.0 * n * static_cast<double>(n) * d * 0.5;
    return shape.n_layers * per_layer + 2.0 * d * shape.vocab;
}

using Clock = std::chrono::steady_clock;

}  // namespace

Expected<std::vector<ModelBenchResult>> run_model_bench(const ModelShape& shape,
                                                        const std::vector<int>& sizes, int max_runs) {
    const std::string image = safetensors_image(gpt2_tensors(shape));
    const std::string config = gpt2_config(shape);
    model::InMemoryModel source;
    source.name = std::string("bench ") + shape.name;
    source.config_json = config;
    source.weight_files.emplace_back("model.safetensors", image);
    Expected<std::shared_ptr<const model::Checkpoint>> m = model::load_checkpoint_from_memory(source);
    if (!m) return Error{m.error()};

    std::vector<ModelBenchResult> results;
    for (int n : sizes) {
        std::vector<int> ids(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = (i * 7919) % shape.vocab;
        for (bool keep : {true, false}) {
            model::ForwardOptions options;
            options.keep_attention = keep;
            options.keep_residual = false;
            std::vector<double> times;
            for (int run = 0; run < max_runs + 1; ++run) {  // the first run warms the heap, untimed
                const Clock::time_point t0 = Clock::now();
                Expected<model::ForwardResult> r = model::run_forward(**m, ids, {}, options);
                if (!r) return Error{r.error()};
                if (run > 0) times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            }
            std::sort(times.begin(), times.end());
            const double median = times[times.size() / 2];
            ModelBenchResult res;
            res.shape = shape.name;
            res.n = n;
            res.keep_attention = keep;
            res.ms = median * 1e3;
            res.gflops = model_forward_flops(shape, n) / median * 1e-9;
            res.tokens_per_s = n / median;
            results.push_back(res);
        }
    }
    return results;
}

}  // namespace attnviz::cli
