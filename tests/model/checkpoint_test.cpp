// Loading checkpoints: the shipped stories260K, every dtype, GPT-2's fused projections, shards, cache
// folders, and every bad file (robustness M1-M5, M9-M11) refused with a message naming file and tensor.
#include "core/model/checkpoint.h"
#include "core/model/model_folder.h"
#include "tests/support/safetensors_bytes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

namespace attnviz::model {
namespace {

namespace fs = std::filesystem;
using test::RawTensor;
using test::TempDir;
using test::TinyDims;

const fs::path kStories = fs::path(ATTNVIZ_SOURCE_DIR) / "assets" / "models" / "stories260K";

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Floats at an absolute byte offset of a file, read with plain memcpy (independent of the loader).
std::vector<float> floats_at(const std::string& bytes, std::size_t offset, std::size_t n) {
    std::vector<float> v(n);
    std::memcpy(v.data(), bytes.data() + offset, n * 4);
    return v;
}

std::vector<float> view_values(const WeightView& w) {
    std::vector<float> v;
    for (int r = 0; r < w.rows; ++r) {
        for (int c = 0; c < w.cols; ++c) v.push_back(w.map()(r, c));
    }
    return v;
}

#define EXPECT_HAS(haystack, needle) \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

const RawTensor& find(const std::vector<RawTensor>& tensors, const std::string& name) {
    for (const RawTensor& t : tensors) {
        if (t.name == name) return t;
    }
    throw std::runtime_error("no tensor " + name);
}

// A model folder with config.json and one model.safetensors.
void write_model(const fs::path& dir, const std::string& config, const std::vector<RawTensor>& tensors) {
    test::write_file(dir / "config.json", config);
    test::write_file(dir / "model.safetensors", test::safetensors_bytes(tensors));
}

// ---------------------------------------------------------------------------------------------------
// stories260K, the shipped real model

TEST(Stories260K, LoadsWithItsConfigAndTiedEmbedding) {
    auto loaded = load_checkpoint(kStories.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    const ModelConfig& c = ck.config;
    EXPECT_EQ(c.architecture, Architecture::kLlama);
    EXPECT_EQ(c.n_layers, 5);
    EXPECT_EQ(c.d_model, 64);
    EXPECT_EQ(c.n_heads, 8);
    EXPECT_EQ(c.n_kv_heads, 4);
    EXPECT_EQ(c.head_dim, 8);
    EXPECT_EQ(c.d_ff, 172);
    EXPECT_EQ(c.vocab_size, 512);
    EXPECT_EQ(c.n_ctx, 512);
    EXPECT_TRUE(c.tie_word_embeddings);
    EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
    EXPECT_EQ(c.bos_token_id, 1);
    EXPECT_EQ(c.eos_token_id, 2);
    EXPECT_EQ(ck.dtype, "F32");
    // 512*64 + 5 * (2*64 + 64*64*2 + 32*64*2 + 3*172*64) + 64, counted from the header by hand.
    EXPECT_EQ(ck.n_parameters, 512 * 64 + 5 * (2 * 64 + 2 * 64 * 64 + 2 * 32 * 64 + 3 * 172 * 64) + 64);
    EXPECT_EQ(ck.mapped_bytes, ck.n_parameters * 4);  // F32, aligned: used in place, nothing copied
    EXPECT_EQ(ck.resident_bytes, 0);
    ASSERT_EQ(ck.weights.layers.size(), 5u);
    EXPECT_EQ(ck.weights.lm_head.weight.data, ck.weights.token_embedding.data);
    EXPECT_TRUE(ck.weights.position_embedding.empty());
    EXPECT_TRUE(ck.weights.layers[0].q_norm.weight.empty());
    EXPECT_TRUE(ck.weights.layers[0].gate.weight.data != nullptr);
}

TEST(Stories260K, WeightsAreTheFileBytes) {
    auto loaded = load_checkpoint(kStories.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    const std::string file = read_all(kStories / "model.safetensors");
    // Offsets from the header, read with Python's json module: header length 4856, so data starts at 4864.
    const std::size_t data = 8 + 4856;
    EXPECT_EQ(view_values(ck.weights.final_norm.weight),
              floats_at(file, data + 1039872, 64));       // model.norm.weight
    const WeightView& k = ck.weights.layers[4].k.weight;  // model.layers.4.self_attn.k_proj.weight [32, 64]
    EXPECT_EQ(k.rows, 32);
    EXPECT_EQ(k.cols, 64);
    EXPECT_EQ(view_values(k), floats_at(file, data + 990720, 32 * 64));
    const WeightView& down = ck.weights.layers[2].down.weight;  // [64, 172] at 494848
    EXPECT_EQ(down.rows, 64);
    EXPECT_EQ(down.cols, 172);
    EXPECT_EQ(view_values(down), floats_at(file, data + 494848, 64 * 172));
    const WeightView& emb = ck.weights.token_embedding;
    EXPECT_EQ(emb.rows, 512);
    EXPECT_EQ(emb.cols, 64);
    EXPECT_EQ(view_values(emb), floats_at(file, data, 512 * 64));
}

TEST(Stories260K, LoadsFromMemoryIdenticallyEvenMisaligned) {
    const std::string config = read_all(kStories / "config.json");
    const std::string file = read_all(kStories / "model.safetensors");
    // One byte of offset makes every F32 tensor misaligned: they must be copied, with the same values.
    std::string shifted = " " + file;
    InMemoryModel m{
        "builtin:stories260K", config, {{"model.safetensors", std::string_view(shifted).substr(1)}}};
    auto from_memory = load_checkpoint_from_memory(m);
    ASSERT_TRUE(from_memory.ok()) << from_memory.error();
    auto from_disk = load_checkpoint(kStories.string());
    ASSERT_TRUE(from_disk.ok()) << from_disk.error();
    EXPECT_EQ(from_memory.value()->mapped_bytes, 0);
    EXPECT_EQ(from_memory.value()->resident_bytes, from_disk.value()->n_parameters * 4);
    EXPECT_EQ(view_values(from_memory.value()->weights.layers[3].o.weight),
              view_values(from_disk.value()->weights.layers[3].o.weight));
    EXPECT_EQ(view_values(from_memory.value()->weights.final_norm.weight),
              view_values(from_disk.value()->weights.final_norm.weight));
}

TEST(Stories260K, InMemoryErrorsNameTheModelAndFile) {
    const std::string config = read_all(kStories / "config.json");
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');
    InMemoryModel m{"built-in stories260K", config, {{"model.safetensors", png}}};
    auto refused = load_checkpoint_from_memory(m);
    ASSERT_FALSE(refused.ok());
    EXPECT_HAS(refused.error(), "built-in stories260K/model.safetensors: not a safetensors file");
    InMemoryModel bad_config{"built-in stories260K", "{", {{"model.safetensors", png}}};
    EXPECT_HAS(load_checkpoint_from_memory(bad_config).error(), "built-in stories260K/config.json:1:2");
    InMemoryModel no_files{"x", config, {}};
    EXPECT_HAS(load_checkpoint_from_memory(no_files).error(), "x: no weight files");
}

TEST(Stories260K, ProgressRisesToOneAndCancelStops) {
    std::vector<double> seen;
    LoadOptions options;
    options.progress = [&](double f) { seen.push_back(f); };
    auto loaded = load_checkpoint(kStories.string(), options);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen.front(), 0.0);
    EXPECT_EQ(seen.back(), 1.0);
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);

    std::atomic<bool> cancel{true};
    LoadOptions cancelled;
    cancelled.cancel = &cancel;
    auto refused = load_checkpoint(kStories.string(), cancelled);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), "cancelled");
}

TEST(Stories260K, RefusedWithAnEstimateOverTheMemoryLimit) {
    LoadOptions options;
    options.memory_limit_bytes = 1 << 20;  // the model needs 1,040,128 bytes + nothing converted
    auto fits = load_checkpoint(kStories.string(), options);
    EXPECT_TRUE(fits.ok()) << fits.error();
    options.memory_limit_bytes = 512 << 10;
    auto refused = load_checkpoint(kStories.string(), options);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("needs about 1.0 MB"), std::string::npos) << refused.error();
    EXPECT_NE(refused.error().find("memory limit is 0.5 MB"), std::string::npos) << refused.error();
}

// M11: a small F32 model is copied at load, so a file truncated on disk while it is open cannot fault
// (were the views still in the file's mapping, reading them below would raise SIGBUS and kill the test).
TEST(Stories260K, ASmallModelIsOwnedSoTruncatingItsFileLaterIsHarmless) {
    TempDir dir("owned_weights");
    for (const char* f : {"config.json", "model.safetensors"}) fs::copy_file(kStories / f, dir.path() / f);
    LoadOptions options;
    options.own_f32_up_to_bytes = kOwnedF32UpToBytes;
    auto loaded = load_checkpoint(dir.path().string(), options);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    EXPECT_EQ(ck.mapped_bytes, 0);
    EXPECT_EQ(ck.resident_bytes, ck.n_parameters * 4);  // 1,040,128 bytes: far below 256 MiB
    const std::string file = read_all(dir.path() / "model.safetensors");
    const std::vector<float> embedding = floats_at(file, 8 + 4856, 512 * 64);
    fs::resize_file(dir.path() / "model.safetensors", 0);
    EXPECT_EQ(view_values(ck.weights.token_embedding), embedding);
    EXPECT_EQ(view_values(ck.weights.final_norm.weight), floats_at(file, 8 + 4856 + 1039872, 64));
    // Over the limit the weights stay in place, as before (the default for the CLI's short runs).
    options.own_f32_up_to_bytes = 512 << 10;
    auto fresh = load_checkpoint(kStories.string(), options);
    ASSERT_TRUE(fresh.ok()) << fresh.error();
    EXPECT_EQ(fresh.value()->mapped_bytes, fresh.value()->n_parameters * 4);
    EXPECT_EQ(fresh.value()->resident_bytes, 0);
}

// ---------------------------------------------------------------------------------------------------
// Dtypes: F16 and BF16 become float32 exactly; a mixed checkpoint says so

TEST(CheckpointDtypes, F16AndBf16ConvertExactlyOnChosenValues) {
    TempDir dir("dtypes");
    const TinyDims d;
    // Hand-picked bit patterns: 1.0, -2.0, 0.5, the largest F16 (65504), the smallest F16 subnormal (2^-24),
    // a subnormal with several bits (0x03FF = 1023 * 2^-24), -0.0, and BF16's 1.0 / -3.0 / 2^-133 subnormal.
    const std::vector<std::uint16_t> f16 = {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x3555};
    const std::vector<float> f16_expected = {1.0f,     -2.0f,           0.5f,  65504.0f,
                                             0x1p-24f, 1023 * 0x1p-24f, -0.0f, 0x1.554p-2f};
    const std::vector<std::uint16_t> bf16 = {0x3F80, 0xC040, 0x0001, 0x4049, 0x8000, 0x7F7F, 0x3E80, 0xBF00};
    const std::vector<float> bf16_expected = {1.0f,  -3.0f,       0x1p-133f, 3.140625f,
                                              -0.0f, 0x1.FEp127f, 0.25f,     -0.5f};
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "F32");
    tensors[1] = {"model.layers.0.input_layernorm.weight", "F16", {8}, test::u16_bytes(f16)};
    tensors.back() = {"model.norm.weight", "BF16", {8}, test::u16_bytes(bf16)};
    write_model(dir.path(), test::tiny_llama_config(d), tensors);
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    const std::vector<float> got16 = view_values(ck.weights.layers[0].attn_norm.weight);
    const std::vector<float> got_bf = view_values(ck.weights.final_norm.weight);
    for (std::size_t i = 0; i < 8; ++i) {
        EXPECT_EQ(got16[i], f16_expected[i]) << i;
        EXPECT_EQ(std::signbit(got16[i]), std::signbit(f16_expected[i])) << i;
        EXPECT_EQ(got_bf[i], bf16_expected[i]) << i;
        EXPECT_EQ(std::signbit(got_bf[i]), std::signbit(bf16_expected[i])) << i;
    }
    EXPECT_EQ(ck.dtype, "mixed");
    EXPECT_EQ(ck.resident_bytes, 2 * 8 * 4);  // the two converted vectors
    EXPECT_EQ(ck.mapped_bytes, (ck.n_parameters - 16) * 4);
}

// Every finite 16-bit pattern, converted by the loader and by the format's formula in double precision.
TEST(CheckpointDtypes, EveryFiniteF16AndBf16PatternConvertsExactly) {
    struct Format {
        const char* dtype;
        int mantissa_bits, bias;
    };
    for (const Format f : {Format{"F16", 10, 15}, Format{"BF16", 7, 127}}) {
        const int exponent_bits = 15 - f.mantissa_bits;
        const unsigned max_exponent = (1u << exponent_bits) - 1;
        std::vector<std::uint16_t> patterns;
        std::vector<float> expected;
        for (unsigned bits = 0; bits < 65536; ++bits) {
            const unsigned exponent = (bits >> f.mantissa_bits) & max_exponent;
            const unsigned mantissa = bits & ((1u << f.mantissa_bits) - 1);
            if (exponent == max_exponent) continue;  // infinities and NaN: refused, tested below
            const double scale = std::ldexp(1.0, -f.mantissa_bits);
            const double magnitude =
                exponent == 0 ? std::ldexp(mantissa * scale, 1 - f.bias)
                              : std::ldexp(1.0 + mantissa * scale, static_cast<int>(exponent) - f.bias);
            patterns.push_back(static_cast<std::uint16_t>(bits));
            expected.push_back(static_cast<float>((bits & 0x8000u) ? -magnitude : magnitude));
        }
        ASSERT_EQ(patterns.size() % 8, 0u);
        TinyDims d;
        d.vocab = static_cast<int>(patterns.size() / 8);
        TempDir dir(std::string("all_") + f.dtype);
        std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "F32");
        tensors.front() = {"model.embed_tokens.weight", f.dtype, {d.vocab, 8}, test::u16_bytes(patterns)};
        write_model(dir.path(), test::tiny_llama_config(d), tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error();
        const std::vector<float> got = view_values(loaded.value()->weights.token_embedding);
        ASSERT_EQ(got.size(), expected.size());
        int n_wrong = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            std::uint32_t a = 0, b = 0;
            std::memcpy(&a, &got[i], 4);
            std::memcpy(&b, &expected[i], 4);
            if (a != b && ++n_wrong < 5) ADD_FAILURE() << f.dtype << " pattern " << std::hex << patterns[i];
        }
        EXPECT_EQ(n_wrong, 0) << f.dtype;
    }
}

TEST(CheckpointDtypes, MisalignedF32InAFileIsCopied) {
    // An F16 vector of 3 elements (6 bytes) first: every F32 tensor after it starts 2 bytes off alignment.
    const TinyDims d;
    TempDir dir("misaligned");
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "F32");
    tensors.insert(tensors.begin(), {"unused.odd", "F16", {3}, test::u16_bytes({0x3C00, 0x3C00, 0x3C00})});
    const auto [header, data] = test::header_and_data(tensors);
    std::string padded = header;
    while ((padded.size() + 8) % 8 != 0) padded += ' ';
    write_model(dir.path(), test::tiny_llama_config(d), {});
    test::write_file(dir.path() / "model.safetensors", test::file_from(padded, data, false));
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    EXPECT_EQ(ck.mapped_bytes, 0);
    EXPECT_EQ(ck.resident_bytes, ck.n_parameters * 4);
    EXPECT_EQ(view_values(ck.weights.layers[1].up.weight),
              find(tensors, "model.layers.1.mlp.up_proj.weight").values);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(ck.weights.layers[1].up.weight.data) % 64, 0u);
}

TEST(CheckpointDtypes, WholeModelInF16AndBf16EqualsItsValues) {
    const TinyDims d;
    for (const char* dtype : {"F32", "F16", "BF16"}) {
        TempDir dir(std::string("whole_") + dtype);
        const std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, dtype, /*lm_head=*/true);
        write_model(dir.path(), test::tiny_llama_config(d, "llama", "\"tie_word_embeddings\": false"),
                    tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error();
        const Checkpoint& ck = *loaded.value();
        EXPECT_EQ(ck.dtype, dtype);
        EXPECT_EQ(view_values(ck.weights.token_embedding), tensors[0].values) << dtype;
        EXPECT_EQ(view_values(ck.weights.layers[1].gate.weight),
                  find(tensors, "model.layers.1.mlp.gate_proj.weight").values)
            << dtype;
        EXPECT_EQ(view_values(ck.weights.layers[0].v.weight),
                  find(tensors, "model.layers.0.self_attn.v_proj.weight").values)
            << dtype;
        EXPECT_EQ(view_values(ck.weights.lm_head.weight), tensors.back().values) << dtype;
        EXPECT_NE(ck.weights.lm_head.weight.data, ck.weights.token_embedding.data);
        if (std::string(dtype) == "F32") {
            EXPECT_EQ(ck.resident_bytes, 0);
        } else {
            EXPECT_EQ(ck.mapped_bytes, 0);
            EXPECT_EQ(ck.resident_bytes, ck.n_parameters * 4);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// GPT-2: Conv1D weights [in, out], the fused c_attn split into column views

TEST(CheckpointGpt2, FusedQkvViewsSelectTheirColumns) {
    const TinyDims d;  // d_model 8, 2 heads
    for (const std::string prefix : {"", "transformer."}) {
        TempDir dir("gpt2");
        const std::vector<RawTensor> tensors = test::tiny_gpt2_tensors(d, "F32", prefix);
        write_model(dir.path(), test::tiny_gpt2_config(d), tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << prefix << loaded.error();
        const Checkpoint& ck = *loaded.value();
        EXPECT_EQ(ck.config.architecture, Architecture::kGpt2);
        const RawTensor& c_attn = tensors[2 + 12 + 2];  // layer 1's attn.c_attn.weight [8, 24]
        ASSERT_EQ(c_attn.name, prefix + "h.1.attn.c_attn.weight");
        const RawTensor& c_attn_bias = tensors[2 + 12 + 3];
        const LayerWeights& L = ck.weights.layers[1];
        const Linear* parts[3] = {&L.q, &L.k, &L.v};
        for (int p = 0; p < 3; ++p) {
            const Linear& lin = *parts[p];
            EXPECT_TRUE(lin.stored_in_out);
            EXPECT_EQ(lin.n_in(), 8);
            EXPECT_EQ(lin.n_out(), 8);
            EXPECT_EQ(lin.weight.row_stride, 24);
            for (int r = 0; r < 8; ++r) {
                for (int c = 0; c < 8; ++c) {
                    EXPECT_EQ(lin.weight.map()(r, c),
                              c_attn.values[static_cast<std::size_t>(r * 24 + p * 8 + c)]);
                }
                EXPECT_EQ(lin.bias.map()(0, r), c_attn_bias.values[static_cast<std::size_t>(p * 8 + r)]);
            }
        }
        EXPECT_TRUE(L.o.stored_in_out);
        EXPECT_EQ(L.up.n_in(), 8);
        EXPECT_EQ(L.up.n_out(), 12);
        EXPECT_EQ(L.down.n_in(), 12);
        EXPECT_EQ(L.down.n_out(), 8);
        EXPECT_TRUE(L.gate.weight.empty());
        EXPECT_EQ(view_values(ck.weights.position_embedding), tensors[1].values);
        EXPECT_EQ(ck.weights.position_embedding.rows, 32);
        EXPECT_EQ(ck.weights.lm_head.weight.data, ck.weights.token_embedding.data);
        EXPECT_FALSE(ck.weights.final_norm.bias.empty());
    }
}

TEST(CheckpointGpt2, ExtraBuffersAreIgnored) {
    const TinyDims d;
    TempDir dir("gpt2_extra");
    std::vector<RawTensor> tensors = test::tiny_gpt2_tensors(d, "F32", "");
    // Old GPT-2 files carry the causal mask as a buffer; unused tensors of any dtype are not refused.
    tensors.push_back(test::make_tensor("h.0.attn.bias", {1, 1, 32, 32}, "F32", 7));
    tensors.push_back({"h.0.attn.masked_bias", "I64", {}, std::string(8, '\0')});
    write_model(dir.path(), test::tiny_gpt2_config(d), tensors);
    auto loaded = load_checkpoint(dir.str());
    EXPECT_TRUE(loaded.ok()) << loaded.error();
}

// ---------------------------------------------------------------------------------------------------
// The rest of the Llama family: biases, q_norm / k_norm, MiniMind's own model_type

TEST(CheckpointLlamaFamily, Qwen2BiasesAndQwen3HeadNorms) {
    TinyDims d;
    d.n_heads = 4;
    d.n_kv_heads = 2;
    d.head_dim = 4;  // 4 heads of 4 = 16 wide, d_model 8: head_dim is not d_model / n_heads
    {
        TempDir dir("qwen2");
        const auto tensors = test::tiny_llama_tensors(d, "F16", false, /*qkv_bias=*/true);
        write_model(dir.path(), test::tiny_llama_config(d, "qwen2"), tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error();
        const LayerWeights& L = loaded.value()->weights.layers[1];
        EXPECT_EQ(L.q.n_out(), 16);
        EXPECT_EQ(L.q.n_in(), 8);
        EXPECT_EQ(L.k.n_out(), 8);
        EXPECT_EQ(view_values(L.k.bias), find(tensors, "model.layers.1.self_attn.k_proj.bias").values);
        EXPECT_EQ(L.k.bias.rows, 1);
        EXPECT_EQ(L.k.bias.cols, 8);
        EXPECT_TRUE(L.o.bias.empty());
        EXPECT_TRUE(L.q_norm.weight.empty());
        EXPECT_EQ(L.o.n_in(), 16);
        EXPECT_EQ(L.o.n_out(), 8);
    }
    {
        TempDir dir("qwen3");
        const auto tensors = test::tiny_llama_tensors(d, "BF16", false, false, /*qk_norm=*/true);
        write_model(dir.path(), test::tiny_llama_config(d, "qwen3"), tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error();
        const LayerWeights& L = loaded.value()->weights.layers[0];
        EXPECT_EQ(view_values(L.q_norm.weight),
                  find(tensors, "model.layers.0.self_attn.q_norm.weight").values);
        EXPECT_EQ(view_values(L.k_norm.weight),
                  find(tensors, "model.layers.0.self_attn.k_norm.weight").values);
        EXPECT_EQ(L.q_norm.weight.cols, 4);
        EXPECT_TRUE(L.q.bias.empty());
        // Without the head norms, a Qwen3 checkpoint is incomplete.
        TempDir bad("qwen3_nonorm");
        write_model(bad.path(), test::tiny_llama_config(d, "qwen3"), test::tiny_llama_tensors(d, "BF16"));
        EXPECT_HAS(load_checkpoint(bad.str()).error(),
                   "tensor model.layers.0.self_attn.q_norm.weight is missing");
    }
}

TEST(CheckpointLlamaFamily, LlamaAttentionAndMlpBiasesAndUntiedGpt2Head) {
    const TinyDims d;
    TempDir dir("llama_bias");
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "F32", false, /*qkv_bias=*/true);
    for (int l = 0; l < d.n_layers; ++l) {
        const std::string b = "model.layers." + std::to_string(l) + ".";
        tensors.push_back(test::make_tensor(b + "self_attn.o_proj.bias", {8}, "F32", 900u + l));
        tensors.push_back(test::make_tensor(b + "mlp.gate_proj.bias", {12}, "F32", 910u + l));
        tensors.push_back(test::make_tensor(b + "mlp.up_proj.bias", {12}, "F32", 920u + l));
        tensors.push_back(test::make_tensor(b + "mlp.down_proj.bias", {8}, "F32", 930u + l));
    }
    write_model(dir.path(),
                test::tiny_llama_config(
                    d, "llama", R"("tie_word_embeddings": true, "attention_bias": true, "mlp_bias": true)"),
                tensors);
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const LayerWeights& L = loaded.value()->weights.layers[1];
    EXPECT_EQ(view_values(L.o.bias), find(tensors, "model.layers.1.self_attn.o_proj.bias").values);
    EXPECT_EQ(view_values(L.gate.bias), find(tensors, "model.layers.1.mlp.gate_proj.bias").values);
    EXPECT_EQ(view_values(L.down.bias), find(tensors, "model.layers.1.mlp.down_proj.bias").values);
    EXPECT_EQ(view_values(L.q.bias), find(tensors, "model.layers.1.self_attn.q_proj.bias").values);

    // A GPT-2 whose config unties the head reads lm_head.weight as nn.Linear [vocab, d].
    TempDir gpt2("gpt2_untied");
    std::vector<RawTensor> g = test::tiny_gpt2_tensors(d, "F32", "transformer.");
    g.push_back(test::make_tensor("lm_head.weight", {16, 8}, "F32", 77));
    std::string config = test::tiny_gpt2_config(d);
    config.insert(config.size() - 1, R"(, "tie_word_embeddings": false)");
    write_model(gpt2.path(), config, g);
    auto untied = load_checkpoint(gpt2.str());
    ASSERT_TRUE(untied.ok()) << untied.error();
    EXPECT_FALSE(untied.value()->weights.lm_head.stored_in_out);
    EXPECT_EQ(view_values(untied.value()->weights.lm_head.weight), g.back().values);
}

TEST(CheckpointLlamaFamily, MistralLoadsWithItsWindow) {
    const TinyDims d;
    TempDir dir("mistral");
    write_model(dir.path(), test::tiny_llama_config(d, "mistral", R"("sliding_window": 4)"),
                test::tiny_llama_tensors(d, "BF16", /*lm_head=*/true));
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_EQ(loaded.value()->config.architecture, Architecture::kMistral);
    EXPECT_EQ(loaded.value()->config.sliding_window, 4);
    EXPECT_FALSE(loaded.value()->config.tie_word_embeddings);  // MistralConfig's default
    EXPECT_NE(loaded.value()->weights.lm_head.weight.data, loaded.value()->weights.token_embedding.data);
}

TEST(CheckpointLlamaFamily, MiniMindMlpWidthComesFromTheWeightsWhenTheConfigSaysNull) {
    const TinyDims d;  // d_ff 12; MiniMind's current default for hidden 8 would be 64
    TempDir dir("minimind_ff");
    write_model(
        dir.path(),
        R"({"model_type": "minimind", "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
                    "num_key_value_heads": 1, "head_dim": 4, "intermediate_size": null, "vocab_size": 16,
                    "max_position_embeddings": 32})",
        test::tiny_llama_tensors(d, "F32"));
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_EQ(loaded.value()->config.d_ff, 12);
    EXPECT_EQ(loaded.value()->weights.layers[1].down.n_in(), 12);
}

TEST(CheckpointLlamaFamily, MiniMindHeadNormsAreDetectedFromTheWeights) {
    const TinyDims d;
    for (const bool qk_norm : {false, true}) {
        TempDir dir("minimind");
        const auto tensors = test::tiny_llama_tensors(d, "F32", false, false, qk_norm);
        write_model(dir.path(), test::tiny_llama_config(d, "minimind"), tensors);
        auto loaded = load_checkpoint(dir.str());
        ASSERT_TRUE(loaded.ok()) << loaded.error();
        EXPECT_EQ(loaded.value()->config.architecture, Architecture::kLlama);
        EXPECT_EQ(loaded.value()->config.qk_norm, qk_norm);
        EXPECT_EQ(loaded.value()->weights.layers[1].k_norm.weight.empty(), !qk_norm);
    }
}

// ---------------------------------------------------------------------------------------------------
// Bad files through the loader: every refusal names the file (or folder), the tensor and the problem

class CheckpointErrors : public ::testing::Test {
  protected:
    std::string load_error(const std::string& config, const std::vector<RawTensor>& tensors,
                           const LoadOptions& options = {}) {
        write_model(m_dir.path(), config, tensors);
        auto loaded = load_checkpoint(m_dir.str(), options);
        EXPECT_FALSE(loaded.ok());
        return loaded.ok() ? "" : loaded.error();
    }
    std::string file() const { return (m_dir.path() / "model.safetensors").string(); }

    TempDir m_dir{"errors"};
    TinyDims m_dims;
    std::string m_config = test::tiny_llama_config(m_dims);
};

TEST_F(CheckpointErrors, ForeignOrTruncatedWeightsFile) {
    test::write_file(m_dir.path() / "config.json", m_config);
    test::write_file(m_dir.path() / "model.safetensors", "<!DOCTYPE html><html>Not found</html>");
    std::string e = load_checkpoint(m_dir.str()).error();
    EXPECT_HAS(e, file() + ": not a safetensors file");
    EXPECT_HAS(e, "HTML");
    // A download cut short: the file ends inside the last tensor.
    const std::string whole = test::safetensors_bytes(test::tiny_llama_tensors(m_dims, "F32"));
    test::write_file(m_dir.path() / "model.safetensors", whole.substr(0, whole.size() - 10));
    e = load_checkpoint(m_dir.str()).error();
    EXPECT_HAS(e, file() + ": file truncated: tensor \"model.norm.weight\" needs bytes");
    EXPECT_HAS(e, "the file has " + std::to_string(whole.size() - 10));
    test::write_file(m_dir.path() / "model.safetensors", "");
    EXPECT_HAS(load_checkpoint(m_dir.str()).error(), file() + ": not a safetensors file (the file is empty)");
}

TEST_F(CheckpointErrors, BrokenConfigJson) {
    const std::string e = load_error("{\"model_type\": \"llama\",\n\"hidden_size\": 8,,}",
                                     test::tiny_llama_tensors(m_dims, "F32"));
    EXPECT_HAS(e, (m_dir.path() / "config.json").string() + ":2:18");
    EXPECT_HAS(load_error(R"({"model_type": "bert"})", {}), "model_type \"bert\"");
}

TEST_F(CheckpointErrors, UnsupportedDtypeOfAUsedTensor) {
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(m_dims, "F32");
    tensors.back() = {"model.norm.weight", "F64", {8}, std::string(64, '\0')};
    const std::string e = load_error(m_config, tensors);
    EXPECT_HAS(e, file() + ": tensor model.norm.weight has dtype F64; supported: F32, F16, BF16");
    tensors.back() = {"model.norm.weight", "F8_E4M3", {8}, std::string(8, '\0')};
    EXPECT_HAS(load_error(m_config, tensors),
               "tensor model.norm.weight has dtype F8_E4M3; supported: F32, F16, BF16");
}

TEST_F(CheckpointErrors, MissingTensorsAndShapesTheConfigDoesNotImply) {
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(m_dims, "F32");
    std::vector<RawTensor> missing;
    for (const RawTensor& t : tensors) {
        if (t.name != "model.layers.1.self_attn.k_proj.weight") missing.push_back(t);
    }
    std::string e = load_error(m_config, missing);
    EXPECT_HAS(
        e, m_dir.str() + ": tensor model.layers.1.self_attn.k_proj.weight is missing (expected shape [4, 8]");

    // k_proj as wide as q_proj: a config with the wrong num_key_value_heads.
    std::vector<RawTensor> wrong = tensors;
    for (RawTensor& t : wrong) {
        if (t.name == "model.layers.0.self_attn.k_proj.weight")
            t = test::make_tensor(t.name, {8, 8}, "F32", 3);
    }
    e = load_error(m_config, wrong);
    EXPECT_HAS(
        e,
        file() +
            ": tensor model.layers.0.self_attn.k_proj.weight has shape [8, 8]; config.json implies [4, 8]");

    // vocab_size disagrees with the embedding's rows (M9).
    TinyDims bigger = m_dims;
    bigger.vocab = 20;
    e = load_error(test::tiny_llama_config(bigger), tensors);
    EXPECT_HAS(e, "tensor model.embed_tokens.weight has shape [16, 8]; config.json implies [20, 8]");

    // A norm stored as [1, 8] instead of [8].
    wrong = tensors;
    wrong.back() = test::make_tensor("model.norm.weight", {1, 8}, "F32", 3);
    EXPECT_HAS(load_error(m_config, wrong),
               "tensor model.norm.weight has shape [1, 8]; config.json implies [8]");

    // GPT-2 weights under a Llama config: the hint says so.
    e = load_error(m_config, test::tiny_gpt2_tensors(m_dims, "F32", ""));
    EXPECT_HAS(e, "tensor model.embed_tokens.weight is missing");
    EXPECT_HAS(e, "the weights use GPT-2 names but config.json says llama");
}

TEST_F(CheckpointErrors, UntiedLmHeadMustBePresent) {
    const std::string config = test::tiny_llama_config(m_dims, "llama", "\"tie_word_embeddings\": false");
    const std::string e = load_error(config, test::tiny_llama_tensors(m_dims, "F32"));
    EXPECT_HAS(e, "tensor lm_head.weight is missing and config.json says tie_word_embeddings is false");
}

TEST_F(CheckpointErrors, NonFiniteValuesAreCountedPerTensor) {
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(m_dims, "F32");
    for (RawTensor& t : tensors) {
        if (t.name == "model.layers.1.mlp.up_proj.weight") {
            const float nan = std::numeric_limits<float>::quiet_NaN(),
                        inf = std::numeric_limits<float>::infinity();
            std::memcpy(&t.data[4 * 5], &nan, 4);
            std::memcpy(&t.data[4 * 17], &inf, 4);
            const float minus_inf = -inf;
            std::memcpy(&t.data[4 * 95], &minus_inf, 4);
        }
    }
    EXPECT_HAS(load_error(m_config, tensors),
               file() + ": tensor model.layers.1.mlp.up_proj.weight has 3 non-finite values");

    // F16 infinity (0x7C00) and NaN (0x7E00); BF16 NaN (0x7FC0).
    std::vector<RawTensor> f16 = test::tiny_llama_tensors(m_dims, "F16");
    f16.back() = {
        "model.norm.weight", "F16", {8}, test::u16_bytes({0x3C00, 0x7C00, 0x3C00, 0x7E00, 0, 0, 0xFC00, 0})};
    EXPECT_HAS(load_error(m_config, f16), "tensor model.norm.weight has 3 non-finite values");
    std::vector<RawTensor> bf16 = test::tiny_llama_tensors(m_dims, "BF16");
    bf16.front().data.replace(6, 2, test::u16_bytes({0x7FC0}));
    EXPECT_HAS(load_error(m_config, bf16), "tensor model.embed_tokens.weight has 1 non-finite values");
    // The largest finite values pass.
    f16.back() = {"model.norm.weight", "F16", {8}, test::u16_bytes({0x7BFF, 0xFBFF, 0, 0, 0, 0, 0, 0})};
    write_model(m_dir.path(), m_config, f16);
    EXPECT_TRUE(load_checkpoint(m_dir.str()).ok());
}

TEST_F(CheckpointErrors, ModelLargerThanTheMachineIsRefusedBeforeReading) {
    // A valid header over a sparse file of about 0.5 TB (no disk blocks): the BF16 embedding alone would be
    // 1 TB as float32. With no limit given, the machine's available memory is the limit; nothing is read.
    TinyDims d;
    d.n_layers = 1;
    d.d_model = 65536;
    d.n_heads = 1;
    d.n_kv_heads = 1;
    d.head_dim = 16;
    d.d_ff = 16;
    d.vocab = 16;  // every tensor but the embedding, written for real (about 14 MB)
    std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "BF16");
    tensors.erase(tensors.begin());
    d.vocab = 1 << 22;
    const std::vector<std::int64_t> embedding_shape = {d.vocab, d.d_model};
    auto [header, data] = test::header_and_data(tensors);
    // The embedding goes last, declared but not written: the file is extended to its end as a hole.
    const std::uint64_t embedding_bytes = std::uint64_t{1} << 39;  // 2^22 x 2^16 x 2 bytes
    header.pop_back();
    header += R"(,"model.embed_tokens.weight":{"dtype":"BF16","shape":)" + test::shape_json(embedding_shape) +
              R"(,"data_offsets":[)" + std::to_string(data.size()) + "," +
              std::to_string(data.size() + embedding_bytes) + "]}}";
    const std::string head = test::file_from(header, data);
    test::write_file(m_dir.path() / "config.json", test::tiny_llama_config(d));
    test::write_file(m_dir.path() / "model.safetensors", head);
    std::error_code ec;
    fs::resize_file(m_dir.path() / "model.safetensors", head.size() + embedding_bytes, ec);
    if (ec) GTEST_SKIP() << "no sparse files here: " << ec.message();
    auto refused = load_checkpoint(m_dir.str());
    ASSERT_FALSE(refused.ok());
    EXPECT_HAS(refused.error(), m_dir.str() + ": the model needs about 1024");
    EXPECT_HAS(refused.error(), "GB (1024");
    EXPECT_HAS(refused.error(), "are available; choose a smaller model");
}

TEST_F(CheckpointErrors, MemoryEstimateCountsConvertedFloats) {
    // BF16 becomes float32: twice the file's tensor bytes are needed.
    const std::vector<RawTensor> tensors = test::tiny_llama_tensors(m_dims, "BF16");
    std::int64_t n = 0;
    for (const RawTensor& t : tensors) n += test::product(t.shape);
    LoadOptions options;
    options.memory_limit_bytes = n * 4;
    write_model(m_dir.path(), m_config, tensors);
    auto fits = load_checkpoint(m_dir.str(), options);
    ASSERT_TRUE(fits.ok()) << fits.error();
    EXPECT_EQ(fits.value()->resident_bytes, n * 4);
    options.memory_limit_bytes = n * 4 - 1;
    const std::string e = load_error(m_config, tensors, options);
    EXPECT_HAS(e, m_dir.str() + ": the model needs about");
    EXPECT_HAS(e, "of float32 converted from F16/BF16");
    EXPECT_HAS(e, "the memory limit is");
}

}  // namespace
}  // namespace attnviz::model
