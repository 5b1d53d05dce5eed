// The test helpers that check the real-model engine, checked themselves: the float64 reference against a
// real trained model's published numbers and hand-worked values, the checkpoint writer byte by byte.
#include "tests/support/checkpoint_variants.h"
#include "tests/support/hf_checkpoint_writer.h"
#include "tests/support/reference_model_f64.h"
#include "tests/support/safetensors_reader_f64.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace {

using namespace attnviz::testing::hf;

const std::string kStoriesDir = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K";

/// The stories260K model as the reference runs it: sizes read from its config.json by the test's own parser.
ModelSpec stories_spec() {
    const MiniJson c = parse_mini_json(read_whole_file(kStoriesDir + "/config.json"));
    ModelSpec s;
    s.arch = Arch::kLlama;
    s.n_layers = static_cast<int>(c.at("num_hidden_layers").number);
    s.d_model = static_cast<int>(c.at("hidden_size").number);
    s.n_heads = static_cast<int>(c.at("num_attention_heads").number);
    s.n_kv_heads = static_cast<int>(c.at("num_key_value_heads").number);
    s.head_dim = static_cast<int>(c.at("head_dim").number);
    s.d_ff = static_cast<int>(c.at("intermediate_size").number);
    s.vocab = static_cast<int>(c.at("vocab_size").number);
    s.n_ctx = static_cast<int>(c.at("max_position_embeddings").number);
    s.norm_eps = c.at("rms_norm_eps").number;
    s.rope_theta = c.at("rope_theta").number;
    s.tie = c.at("tie_word_embeddings").boolean;
    s.prefix = "model.";
    return s;
}

// --- The reference against a real trained model -------------------------------------------------------

TEST(ReferenceModelF64, Stories260KGreedyContinuationMatchesItsProvenance) {
    const ModelSpec spec = stories_spec();
    ASSERT_EQ(spec.n_layers, 5);
    ASSERT_EQ(spec.n_heads, 8);
    ASSERT_EQ(spec.n_kv_heads, 4);  // GQA: the greedy ids below depend on query head h reading KV head h / 2
    ASSERT_TRUE(spec.tie);
    const TensorMap tensors = read_safetensors_f64(kStoriesDir + "/model.safetensors");
    ASSERT_EQ(tensors.count("lm_head.weight"), 0u);
    // PROVENANCE.md: "Once upon a time" -> [1, 403, 407, 261, 378], then greedy.
    const std::vector<int> expected = {1,   403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395,
                                       317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265,
                                       282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432};
    const int n_new = 35;  // all 40 ids of PROVENANCE.md
    const std::vector<int> prompt(expected.begin(), expected.begin() + 5);
    const std::vector<int> got = reference_greedy(spec, tensors, prompt, n_new);
    EXPECT_EQ(got, std::vector<int>(expected.begin(), expected.begin() + 5 + n_new));
}

TEST(ReferenceModelF64, Stories260KIsCausalAndItsAttentionRowsAreDistributions) {
    const ModelSpec spec = stories_spec();
    const TensorMap tensors = read_safetensors_f64(kStoriesDir + "/model.safetensors");
    const std::vector<int> ids = {1, 403, 407, 261, 378, 432, 383};
    const RefResult full = reference_forward(spec, tensors, ids);
    const RefResult prefix = reference_forward(spec, tensors, std::vector<int>(ids.begin(), ids.begin() + 4));
    for (std::size_t i = 0; i < 4; ++i)
        for (int v = 0; v < spec.vocab; ++v)
            EXPECT_NEAR(full.logits[i][static_cast<std::size_t>(v)],
                        prefix.logits[i][static_cast<std::size_t>(v)], 1e-12);
    ASSERT_EQ(full.attention.size(), 5u);
    for (const auto& layer : full.attention) {
        ASSERT_EQ(layer.size(), 8u);
        for (const Mat& w : layer) {
            for (std::size_t i = 0; i < ids.size(); ++i) {
                double sum = 0.0;
                for (std::size_t j = 0; j < ids.size(); ++j) {
                    if (j > i) {
                        EXPECT_EQ(w[i][j], 0.0);
                    }
                    sum += w[i][j];
                }
                EXPECT_NEAR(sum, 1.0, 1e-12);
            }
        }
    }
}

// --- The reference's pieces, worked by hand -----------------------------------------------------------

TEST(ReferenceModelF64, GeluFormsAtHandWorkedPoints) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) and 0.5 x (1 + erf(x / sqrt 2)).
    EXPECT_NEAR(gelu(1.0, false), 0.8411919906082768, 1e-15);
    EXPECT_NEAR(gelu(1.0, true), 0.8413447460685429, 1e-15);
    EXPECT_NEAR(gelu(-2.0, false), -0.04540230591222494, 1e-15);
    EXPECT_NEAR(gelu(-2.0, true), -0.04550026389635842, 1e-15);
    EXPECT_NEAR(silu(1.0), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
}

TEST(ReferenceModelF64, LayerNormUsesBiasedVarianceAndRmsNormTheMeanOfSquares) {
    Tensor64 w{{3}, {1.0, 2.0, 1.0}}, b{{3}, {0.0, 0.0, 0.5}};
    // x = [1, 2, 3]: mean 2, biased variance 2/3, eps 0.
    const Vec y = layer_norm({1.0, 2.0, 3.0}, w, b, 0.0);
    EXPECT_NEAR(y[0], -1.0 / std::sqrt(2.0 / 3.0), 1e-15);
    EXPECT_NEAR(y[1], 0.0, 1e-15);
    EXPECT_NEAR(y[2], 1.0 / std::sqrt(2.0 / 3.0) + 0.5, 1e-15);
    // eps inside the root: x = [1, -1], variance 1, eps 3 -> x / 2.
    const Vec z = layer_norm({1.0, -1.0}, Tensor64{{2}, {1.0, 1.0}}, Tensor64{{2}, {0.0, 0.0}}, 3.0);
    EXPECT_DOUBLE_EQ(z[0], 0.5);
    // RMSNorm of [3, 4]: mean of squares 12.5, eps 3.5 -> divide by 4, then the weight.
    const double rw[2] = {1.0, 10.0};
    const Vec r = rms_norm({3.0, 4.0}, rw, 3.5);
    EXPECT_DOUBLE_EQ(r[0], 0.75);
    EXPECT_DOUBLE_EQ(r[1], 10.0);
}

TEST(ReferenceModelF64, RopeFrequenciesAndLlama3Rescaling) {
    ModelSpec s;
    s.head_dim = 8;
    s.rope_theta = 100.0;
    const Vec plain = rope_inv_freq(s);
    ASSERT_EQ(plain.size(), 4u);
    EXPECT_DOUBLE_EQ(plain[0], 1.0);
    EXPECT_NEAR(plain[1], 0.31622776601683794, 1e-16);  // 100^(-2/8)
    EXPECT_NEAR(plain[2], 0.1, 1e-16);
    // Llama 3 with original 64, low 1, high 4, factor 8: wavelengths 6.28 (< 16: kept), 19.9 and 62.8
    // (medium: interpolated), 198.7 (> 64: divided by 8).
    s.llama3_scaling = true;
    s.original_max_position_embeddings = 64;
    const Vec scaled = rope_inv_freq(s);
    EXPECT_DOUBLE_EQ(scaled[0], 1.0);
    EXPECT_NEAR(scaled[1], 0.24438459943539834, 1e-15);
    EXPECT_NEAR(scaled[2], 0.013042256043820465, 1e-15);
    EXPECT_NEAR(scaled[3], 0.03162277660168379 / 8.0, 1e-16);
}

TEST(ReferenceModelF64, RopeRotatesHalvesNotPairs) {
    // rotate_half: dimension i pairs with i + d/2 (not 2i with 2i + 1).
    double x[4] = {1.0, 2.0, 3.0, 4.0};
    const Vec inv = {1.0, 0.5};
    apply_rope(x, 4, 2, inv);  // angles 2 and 1
    EXPECT_NEAR(x[0], 1.0 * std::cos(2.0) - 3.0 * std::sin(2.0), 1e-15);
    EXPECT_NEAR(x[2], 3.0 * std::cos(2.0) + 1.0 * std::sin(2.0), 1e-15);
    EXPECT_NEAR(x[1], 2.0 * std::cos(1.0) - 4.0 * std::sin(1.0), 1e-15);
    EXPECT_NEAR(x[3], 4.0 * std::cos(1.0) + 2.0 * std::sin(1.0), 1e-15);
}

TEST(ReferenceModelF64, VisibilityOfCausalAndWindowMasks) {
    // Causal window 3: query 5 sees keys 3, 4, 5. Non-causal window 2: |i - j| < 2.
    for (int j = 0; j < 8; ++j) EXPECT_EQ(ref_visible(true, 3, 5, j), j >= 3 && j <= 5) << j;
    for (int j = 0; j < 8; ++j) EXPECT_EQ(ref_visible(false, 2, 5, j), j >= 4 && j <= 6) << j;
    for (int j = 0; j < 8; ++j) EXPECT_EQ(ref_visible(false, 0, 5, j), true) << j;
    for (int j = 0; j < 8; ++j) EXPECT_EQ(ref_visible(true, 0, 5, j), j <= 5) << j;
}

TEST(ReferenceModelF64, SoftmaxTemperatureLimits) {
    const Vec s = {1.0, 3.0, 3.0, 2.0};
    const std::vector<bool> vis = {true, true, true, false};
    // Element by element: g++ 12.2 with -O2 -mavx512f miscompiles std::vector<double>{a, a, a, 0.0}
    // (the last element comes out as a), so no such literal here.
    const Vec argmax = ref_softmax(s, vis, 0.0);
    EXPECT_EQ(argmax[0], 0.0);
    EXPECT_EQ(argmax[1], 0.5);  // ties share
    EXPECT_EQ(argmax[2], 0.5);
    EXPECT_EQ(argmax[3], 0.0);  // not visible
    const Vec uniform = ref_softmax(s, vis, std::numeric_limits<double>::infinity());
    for (int j = 0; j < 3; ++j) EXPECT_EQ(uniform[static_cast<std::size_t>(j)], 1.0 / 3.0);
    EXPECT_EQ(uniform[3], 0.0);
    const Vec t2 = ref_softmax({0.0, 2.0}, {true, true}, 2.0);  // exp(0), exp(1)
    EXPECT_NEAR(t2[1], std::exp(1.0) / (1.0 + std::exp(1.0)), 1e-15);
}

// --- The reference's interventions on written models ----------------------------------------------------

/// The shared tiny shape (tests/support/checkpoint_variants.h) with a smaller vocabulary and context.
WriteOptions small(Arch arch) {
    WriteOptions o = tiny_options(arch, 7);
    o.vocab = 32;
    o.n_ctx = 12;
    return o;
}

TEST(ReferenceModelF64, AttentionOfRandomModelsIsFarFromUniform) {
    // The writer's scales must make heads attend selectively, or the comparison with the engine is weak.
    for (Arch arch : {Arch::kGpt2, Arch::kLlama, Arch::kQwen2, Arch::kQwen3}) {
        ScratchDir dir("far");
        WriteOptions o = small(arch);
        if (arch == Arch::kQwen3) o.head_dim = 8;
        const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
        const RefResult r = reference_forward(w.spec, w.tensors, {3, 1, 4, 1, 5, 9, 2, 6});
        double largest = 0.0;
        for (const auto& layer : r.attention)
            for (const Mat& h : layer)
                largest = std::max(largest, *std::max_element(h[7].begin(), h[7].end()));
        EXPECT_GT(largest, 0.4) << arch_name(arch);  // uniform over 8 keys would be 0.125
    }
}

TEST(ReferenceModelF64, InterventionsDoWhatTheySay) {
    ScratchDir dir("iv");
    const WrittenCheckpoint w = write_checkpoint(dir.path(), small(Arch::kLlama));
    const std::vector<int> ids = {3, 1, 4, 1, 5, 9, 2, 6};
    const RefResult plain = reference_forward(w.spec, w.tensors, ids);

    RefInterventions iv;
    iv.temperatures = {{1, 2, std::numeric_limits<double>::infinity()}, {0, -1, 0.0}};
    const RefResult t = reference_forward(w.spec, w.tensors, ids, iv);
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j <= i; ++j)
            EXPECT_DOUBLE_EQ(t.attention[1][2][static_cast<std::size_t>(i)][static_cast<std::size_t>(j)],
                             1.0 / (i + 1));
        for (int h = 0; h < 4; ++h) {  // layer 0: one-hot rows (random scores do not tie)
            const Vec& row = t.attention[0][static_cast<std::size_t>(h)][static_cast<std::size_t>(i)];
            EXPECT_EQ(std::count(row.begin(), row.end(), 1.0), 1);
        }
    }
    // An untouched head of layer 1 still changes: its input did.
    EXPECT_NE(t.attention[1][1][7], plain.attention[1][1][7]) << "layer 0 changed, so layer 1's input did";

    RefInterventions window;
    window.window = 3;
    const RefResult wr = reference_forward(w.spec, w.tensors, ids, window);
    for (const auto& layer : wr.attention)
        for (const Mat& h : layer)
            for (int i = 0; i < 8; ++i)
                for (int j = 0; j < 8; ++j)
                    if (!(i - 3 < j && j <= i)) {
                        EXPECT_EQ(h[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)], 0.0);
                    }

    RefInterventions open;
    open.causal = false;
    const RefResult o = reference_forward(w.spec, w.tensors, ids, open);
    EXPECT_GT(o.attention[0][0][0][7], 0.0);
    EXPECT_GT(std::abs(o.logits[0][0] - plain.logits[0][0]), 1e-6) << "position 0 now sees the future";

    // Every head off: a Llama position's logits depend on its own token only (no position embedding), so
    // they equal those of the token alone with every head off.
    RefInterventions all_off;
    for (int l = 0; l < 2; ++l)
        for (int h = 0; h < 4; ++h) all_off.ablated.push_back({l, h});
    const RefResult off = reference_forward(w.spec, w.tensors, ids, all_off);
    const RefResult alone = reference_forward(w.spec, w.tensors, {ids[5]}, all_off);
    for (int v = 0; v < 32; ++v)
        EXPECT_NEAR(off.logits[5][static_cast<std::size_t>(v)], alone.logits[0][static_cast<std::size_t>(v)],
                    1e-12);
}

TEST(ReferenceModelF64, MistralUsesItsOwnSlidingWindowUnlessTold) {
    ScratchDir dir("mistral");
    WriteOptions o = small(Arch::kMistral);
    o.sliding_window = 3;
    const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
    const std::vector<int> ids = {3, 1, 4, 1, 5, 9};
    const RefResult own = reference_forward(w.spec, w.tensors, ids);
    EXPECT_EQ(own.attention[0][0][5][2], 0.0);
    EXPECT_GT(own.attention[0][0][5][3], 0.0);
    RefInterventions none;
    none.window = 0;
    EXPECT_GT(reference_forward(w.spec, w.tensors, ids, none).attention[0][0][5][0], 0.0);
}

// --- The writer, byte by byte ------------------------------------------------------------------------------

TEST(HfCheckpointWriter, HalfPrecisionRoundsToNearestEven) {
    EXPECT_EQ(f16_bits(1.0), 0x3C00);
    EXPECT_EQ(f16_bits(-2.5), 0xC100);
    EXPECT_EQ(f16_bits(1.0 / 3.0), 0x3555);
    EXPECT_EQ(f16_bits(65504.0), 0x7BFF);
    EXPECT_EQ(f16_bits(65519.0), 0x7BFF);
    EXPECT_EQ(f16_bits(65520.0), 0x7C00);  // the tie above the largest finite goes to infinity
    EXPECT_EQ(f16_bits(1.0 + std::ldexp(1.0, -11)), 0x3C00);      // tie: to the even 1.0
    EXPECT_EQ(f16_bits(1.0 + 3 * std::ldexp(1.0, -11)), 0x3C02);  // tie: to the even mantissa 2
    EXPECT_EQ(f16_bits(std::ldexp(1.0, -24)), 0x0001);            // smallest subnormal
    EXPECT_EQ(f16_bits(std::ldexp(1.0, -25)), 0x0000);            // half of it: tie to even zero
    EXPECT_EQ(f16_bits(std::ldexp(3.0, -26)), 0x0001);
    EXPECT_EQ(f16_bits(std::ldexp(3.0, -25)), 0x0002);     // 1.5 quanta: tie to even 2
    EXPECT_EQ(f16_bits(std::ldexp(1023.0, -24)), 0x03FF);  // largest subnormal
    EXPECT_EQ(f16_bits(std::ldexp(1.0, -14)), 0x0400);     // smallest normal
    EXPECT_EQ(f16_bits(-0.0), 0x8000);
    EXPECT_DOUBLE_EQ(f16_value(0x3555), 0.333251953125);
    EXPECT_DOUBLE_EQ(f16_value(0x0001), std::ldexp(1.0, -24));
    EXPECT_DOUBLE_EQ(f16_value(0xC100), -2.5);
}

TEST(HfCheckpointWriter, BFloat16RoundsToNearestEven) {
    EXPECT_EQ(bf16_bits(1.0), 0x3F80);
    EXPECT_EQ(bf16_bits(-2.5), 0xC020);
    EXPECT_EQ(bf16_bits(1.0 / 3.0), 0x3EAB);
    EXPECT_EQ(bf16_bits(65504.0), 0x4780);                        // 65536: bf16 keeps 8 significant bits
    EXPECT_EQ(bf16_bits(1.0 + std::ldexp(1.0, -8)), 0x3F80);      // tie: even
    EXPECT_EQ(bf16_bits(1.0 + 3 * std::ldexp(1.0, -8)), 0x3F82);  // tie: even
    EXPECT_EQ(bf16_bits(std::ldexp(1.0, -133)), 0x0001);          // smallest subnormal
    EXPECT_EQ(bf16_bits(std::ldexp(1.0, -134)), 0x0000);
    EXPECT_EQ(bf16_bits(std::ldexp(1.0, -126)), 0x0080);  // smallest normal
    EXPECT_DOUBLE_EQ(bf16_value(0x3EAB), 0.333984375);
    // Directly from the double, no double rounding through float: 1 + 2^-8 + 2^-30 is just above the tie.
    EXPECT_EQ(bf16_bits(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)), 0x3F81);
}

TEST(HfCheckpointWriter, PythonFloatRepr) {
    EXPECT_EQ(py_float(1e-5), "1e-05");
    EXPECT_EQ(py_float(1e-6), "1e-06");
    EXPECT_EQ(py_float(10000.0), "10000.0");
    EXPECT_EQ(py_float(1000000.0), "1000000.0");
    EXPECT_EQ(py_float(500000.0), "500000.0");
    EXPECT_EQ(py_float(8.0), "8.0");
    EXPECT_EQ(py_float(0.02), "0.02");
    EXPECT_EQ(py_float(0.0001), "0.0001");
    EXPECT_EQ(py_float(1e16), "1e+16");
    EXPECT_EQ(py_float(1.5e-7), "1.5e-07");
}

std::uint64_t le64(const std::string& b, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]))
             << (8 * i);
    return v;
}

TEST(HfCheckpointWriter, SafetensorsLayoutByHand) {
    TensorMap t;
    t["a"] = Tensor64{{2}, {1.0, -2.5}};
    t["b"] = Tensor64{{1, 3}, {1.0 / 3.0, 65504.0, std::ldexp(1.0, -24)}};
    for (DType d : {DType::kF32, DType::kF16, DType::kBF16}) {
        const std::string bytes = safetensors_bytes(t, {"a", "b"}, d);
        const std::uint64_t n = le64(bytes, 0);
        ASSERT_EQ(n % 8, 0u);
        const std::string header = bytes.substr(8, n);
        const std::string dt = dtype_name(d);
        const int sz = dtype_size(d);
        std::string want = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"" + dt +
                           "\",\"shape\":[2],\"data_offsets\":[0," + std::to_string(2 * sz) +
                           "]},\"b\":{\"dtype\":\"" + dt + "\",\"shape\":[1,3],\"data_offsets\":[" +
                           std::to_string(2 * sz) + "," + std::to_string(5 * sz) + "]}}";
        ASSERT_EQ(header.substr(0, want.size()), want);
        EXPECT_EQ(header.find_first_not_of(' ', want.size()), std::string::npos) << "padding is spaces";
        EXPECT_LT(header.size() - want.size(), 8u);
        ASSERT_EQ(bytes.size(), 8 + n + static_cast<std::size_t>(5 * sz));
        const std::string data = bytes.substr(8 + n);
        auto u16 = [&](int k) {
            return static_cast<unsigned>(static_cast<unsigned char>(data[static_cast<std::size_t>(2 * k)]) |
                                         static_cast<unsigned char>(data[static_cast<std::size_t>(2 * k + 1)])
                                             << 8);
        };
        if (d == DType::kF16) {
            EXPECT_EQ(u16(0), 0x3C00u);
            EXPECT_EQ(u16(1), 0xC100u);
            EXPECT_EQ(u16(2), 0x3555u);
            EXPECT_EQ(u16(3), 0x7BFFu);
            EXPECT_EQ(u16(4), 0x0001u);
        } else if (d == DType::kBF16) {
            EXPECT_EQ(u16(0), 0x3F80u);
            EXPECT_EQ(u16(1), 0xC020u);
            EXPECT_EQ(u16(2), 0x3EABu);
            EXPECT_EQ(u16(3), 0x4780u);
            EXPECT_EQ(u16(4), 0x3380u);  // 2^-24 is a normal number in bf16
        } else {
            EXPECT_EQ(static_cast<unsigned char>(data[3]), 0x3Fu);  // 1.0f = 0x3F800000, little-endian
            EXPECT_EQ(static_cast<unsigned char>(data[2]), 0x80u);
        }
    }
}

TEST(HfCheckpointWriter, KeepsTheValuesTheFileHolds) {
    for (DType d : {DType::kF32, DType::kF16, DType::kBF16}) {
        for (Arch arch : {Arch::kGpt2, Arch::kLlama, Arch::kMistral, Arch::kQwen2, Arch::kQwen3}) {
            for (int shards : {1, 3}) {
                ScratchDir dir("keep");
                WriteOptions o = small(arch);
                o.dtype = d;
                o.shards = shards;
                const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
                TensorMap read;
                for (const std::string& f : w.weight_files)
                    for (auto& [name, t] : read_safetensors_f64(dir.file(f))) read[name] = t;
                ASSERT_EQ(read.size(), w.tensors.size());
                for (const auto& [name, t] : w.tensors) {
                    ASSERT_EQ(read.count(name), 1u) << name;
                    EXPECT_EQ(read[name].shape, t.shape) << name;
                    EXPECT_EQ(read[name].values, t.values) << name << " " << dtype_name(d);  // bitwise
                }
            }
        }
    }
}

TEST(HfCheckpointWriter, ShardIndexListsEveryTensorOnceWithItsTotalSize) {
    ScratchDir dir("shards");
    WriteOptions o = small(Arch::kQwen2);
    o.dtype = DType::kBF16;
    o.shards = 3;
    const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
    ASSERT_EQ(w.weight_files, (std::vector<std::string>{"model-00001-of-00003.safetensors",
                                                        "model-00002-of-00003.safetensors",
                                                        "model-00003-of-00003.safetensors"}));
    EXPECT_FALSE(std::filesystem::exists(dir.file("model.safetensors")));
    const MiniJson index = parse_mini_json(read_whole_file(dir.file("model.safetensors.index.json")));
    const MiniJson& map = index.at("weight_map");
    EXPECT_EQ(map.object.size(), w.tensors.size());
    std::int64_t total = 0;
    for (const auto& [name, t] : w.tensors) {
        ASSERT_NE(map.find(name), nullptr) << name;
        total += t.numel() * 2;
        EXPECT_EQ(read_safetensors_f64(dir.file(map.at(name).string)).count(name), 1u) << name;
    }
    EXPECT_EQ(static_cast<std::int64_t>(index.at("metadata").at("total_size").number), total);
}

TEST(HfCheckpointWriter, NamesAndShapesAreHuggingFaces) {
    {
        ScratchDir dir("gpt2");
        WriteOptions o = small(Arch::kGpt2);
        o.gpt2_attn_bias_buffer = true;
        const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
        EXPECT_EQ(w.tensors.at("transformer.h.1.attn.c_attn.weight").shape,
                  (std::vector<std::int64_t>{16, 48}));
        EXPECT_EQ(w.tensors.at("transformer.h.0.mlp.c_fc.weight").shape, (std::vector<std::int64_t>{16, 64}));
        EXPECT_EQ(w.tensors.at("transformer.h.0.mlp.c_proj.weight").shape,
                  (std::vector<std::int64_t>{64, 16}));
        EXPECT_EQ(w.tensors.at("transformer.wpe.weight").shape, (std::vector<std::int64_t>{12, 16}));
        EXPECT_EQ(w.tensors.at("transformer.h.0.attn.bias").shape, (std::vector<std::int64_t>{1, 1, 12, 12}));
        EXPECT_EQ(w.tensors.count("lm_head.weight"), 0u);  // tied
        const MiniJson c = parse_mini_json(w.config_json);
        EXPECT_EQ(c.at("activation_function").string, "gelu_new");
        EXPECT_EQ(c.at("n_inner").kind, MiniJson::Kind::kNull);
        EXPECT_EQ(c.find("tie_word_embeddings"), nullptr) << "GPT-2's default, so transformers leaves it out";
        EXPECT_EQ(w.config_json.substr(0, 34), "{\n  \"activation_function\": \"gelu_n");
    }
    {
        ScratchDir dir("gpt2_hub");
        WriteOptions o = small(Arch::kGpt2);
        o.gpt2_prefix = false;
        o.gpt2_activation = "gelu";
        const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
        EXPECT_EQ(w.tensors.count("h.0.attn.c_attn.weight"), 1u);
        EXPECT_EQ(w.tensors.count("wte.weight"), 1u);
        EXPECT_TRUE(w.spec.gelu_exact);
    }
    {
        ScratchDir dir("qwen3");
        WriteOptions o = small(Arch::kQwen3);
        o.head_dim = 8;  // != 16 / 4
        const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
        EXPECT_EQ(w.tensors.at("model.layers.0.self_attn.q_proj.weight").shape,
                  (std::vector<std::int64_t>{32, 16}));
        EXPECT_EQ(w.tensors.at("model.layers.0.self_attn.k_proj.weight").shape,
                  (std::vector<std::int64_t>{16, 16}));
        EXPECT_EQ(w.tensors.at("model.layers.0.self_attn.o_proj.weight").shape,
                  (std::vector<std::int64_t>{16, 32}));
        EXPECT_EQ(w.tensors.at("model.layers.1.self_attn.q_norm.weight").shape,
                  (std::vector<std::int64_t>{8}));
        EXPECT_EQ(w.tensors.count("model.layers.0.self_attn.q_proj.bias"), 0u);
        EXPECT_EQ(w.tensors.at("lm_head.weight").shape, (std::vector<std::int64_t>{32, 16}));
        const MiniJson c = parse_mini_json(w.config_json);
        EXPECT_EQ(c.at("head_dim").number, 8.0);
        EXPECT_EQ(c.at("rms_norm_eps").number, 1e-6);
        EXPECT_EQ(c.at("tie_word_embeddings").boolean, false);
    }
    {
        ScratchDir dir("qwen2");
        const WrittenCheckpoint w = write_checkpoint(dir.path(), small(Arch::kQwen2));
        EXPECT_EQ(w.tensors.at("model.layers.0.self_attn.k_proj.bias").shape, (std::vector<std::int64_t>{8}));
        EXPECT_EQ(w.tensors.count("model.layers.0.self_attn.o_proj.bias"), 0u);
        EXPECT_EQ(parse_mini_json(w.config_json).at("use_sliding_window").boolean, false);
    }
    {
        ScratchDir dir("llama3");
        WriteOptions o = small(Arch::kLlama);
        o.llama3_scaling = true;
        o.tie = 1;
        const WrittenCheckpoint w = write_checkpoint(dir.path(), o);
        EXPECT_EQ(w.tensors.count("lm_head.weight"), 0u);
        EXPECT_NE(w.config_json.find(
                      "  \"rope_scaling\": {\n    \"factor\": 8.0,\n    \"high_freq_factor\": 4.0,\n"
                      "    \"low_freq_factor\": 1.0,\n    \"original_max_position_embeddings\": 8192,\n"
                      "    \"rope_type\": \"llama3\"\n  },\n"),
                  std::string::npos)
            << w.config_json;
        const MiniJson c = parse_mini_json(w.config_json);
        EXPECT_EQ(c.at("tie_word_embeddings").boolean, true);
        EXPECT_EQ(c.at("num_key_value_heads").number, 2.0);
        EXPECT_EQ(c.at("rope_theta").number, 10000.0);
    }
}

}  // namespace
