// Writes tiny random checkpoints in the Hugging Face layout (config.json as transformers writes it,
// safetensors from the format spec, optionally sharded) and keeps the float64 values the files hold.
// Test support only: shares no code with core/, so it is an independent check of the real-model loader.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace attnviz::testing::hf {

/// A fresh empty folder under the system's temp directory, removed with everything in it on destruction.
class ScratchDir {
  public:
    explicit ScratchDir(const std::string& tag) {
        static int counter = 0;
        m_path = (std::filesystem::temp_directory_path() /
                  ("attnviz_hf_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                     .string();
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

enum class Arch { kGpt2, kLlama, kMistral, kQwen2, kQwen3 };
enum class DType { kF32, kF16, kBF16 };

inline const char* arch_name(Arch a) {
    switch (a) {
        case Arch::kGpt2:
            return "gpt2";
        case Arch::kLlama:
            return "llama";
        case Arch::kMistral:
            return "mistral";
        case Arch::kQwen2:
            return "qwen2";
        case Arch::kQwen3:
            return "qwen3";
    }
    return "?";
}

inline const char* dtype_name(DType d) {
    switch (d) {
        case DType::kF32:
            return "F32";
        case DType::kF16:
            return "F16";
        case DType::kBF16:
            return "BF16";
    }
    return "?";
}

inline int dtype_size(DType d) {
    return d == DType::kF32 ? 4 : 2;
}

// ---------------------------------------------------------------------------------------------------
// Rounding double -> F32 / F16 / BF16, round to nearest, ties to even, directly from the double (no
// intermediate float, so no double rounding). Returns the stored bits and the value they decode to.

/// Rounds x to a binary format with `precision` significand bits (hidden bit included) and smallest
/// normal exponent `emin` (2^emin is the smallest normal), subnormals included. No overflow handling.
inline double round_to_format(double x, int precision, int emin) {
    if (x == 0.0 || !std::isfinite(x)) return x;
    int e = 0;
    std::frexp(x, &e);  // |x| in [2^(e-1), 2^e)
    const int exponent = std::max(e - 1, emin);
    const double quantum = std::ldexp(1.0, exponent - (precision - 1));
    return std::nearbyint(x / quantum) * quantum;  // default rounding mode: to nearest, ties to even
}

/// IEEE binary16 bits of x, rounded to nearest even (overflow gives +-inf).
inline std::uint16_t f16_bits(double x) {
    const std::uint16_t sign = std::signbit(x) ? 0x8000 : 0;
    if (std::isnan(x)) return 0x7E00;
    const double r = std::fabs(round_to_format(x, 11, -14));
    if (std::isinf(r) || r >= 65536.0) return static_cast<std::uint16_t>(sign | 0x7C00);
    if (r < std::ldexp(1.0, -14)) {  // subnormal (or zero): r = m * 2^-24
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::ldexp(r, 24)));
    }
    int e = 0;
    const double m = std::frexp(r, &e);  // r = m * 2^e, m in [0.5, 1)
    const unsigned biased = static_cast<unsigned>(e - 1 + 15);
    const unsigned mant = static_cast<unsigned>(std::ldexp(m, 11)) - 1024u;
    return static_cast<std::uint16_t>(sign | (biased << 10) | mant);
}

/// bfloat16 bits of x, rounded to nearest even (overflow gives +-inf).
inline std::uint16_t bf16_bits(double x) {
    const std::uint16_t sign = std::signbit(x) ? 0x8000 : 0;
    if (std::isnan(x)) return 0x7FC0;
    const double r = std::fabs(round_to_format(x, 8, -126));
    if (std::isinf(r) || r >= std::ldexp(1.0, 128)) return static_cast<std::uint16_t>(sign | 0x7F80);
    if (r < std::ldexp(1.0, -126)) {  // subnormal: r = m * 2^-133
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::ldexp(r, 133)));
    }
    int e = 0;
    const double m = std::frexp(r, &e);
    const unsigned biased = static_cast<unsigned>(e - 1 + 127);
    const unsigned mant = static_cast<unsigned>(std::ldexp(m, 8)) - 128u;
    return static_cast<std::uint16_t>(sign | (biased << 7) | mant);
}

/// The value of binary16 bits.
inline double f16_value(std::uint16_t bits) {
    const double sign = (bits & 0x8000) ? -1.0 : 1.0;
    const int exponent = (bits >> 10) & 0x1F;
    const int mant = bits & 0x3FF;
    if (exponent == 0x1F) return mant ? std::nan("") : sign * HUGE_VAL;
    if (exponent == 0) return sign * std::ldexp(mant, -24);
    return sign * std::ldexp(1024 + mant, exponent - 25);
}

/// The value of bfloat16 bits.
inline double bf16_value(std::uint16_t bits) {
    const double sign = (bits & 0x8000) ? -1.0 : 1.0;
    const int exponent = (bits >> 7) & 0xFF;
    const int mant = bits & 0x7F;
    if (exponent == 0xFF) return mant ? std::nan("") : sign * HUGE_VAL;
    if (exponent == 0) return sign * std::ldexp(mant, -133);
    return sign * std::ldexp(128 + mant, exponent - 134);
}

/// x as the dtype stores it (the value a reader gets back).
inline double round_to_dtype(double x, DType d) {
    switch (d) {
        case DType::kF32:
            return static_cast<double>(static_cast<float>(x));
        case DType::kF16:
            return f16_value(f16_bits(x));
        case DType::kBF16:
            return bf16_value(bf16_bits(x));
    }
    return x;
}

/// Appends x in dtype d, little-endian.
inline void append_le(std::string& out, double x, DType d) {
    std::uint32_t bits = 0;
    int n_bytes = 2;
    if (d == DType::kF32) {
        const float f = static_cast<float>(x);
        std::memcpy(&bits, &f, 4);
        n_bytes = 4;
    } else {
        bits = d == DType::kF16 ? f16_bits(x) : bf16_bits(x);
    }
    for (int b = 0; b < n_bytes; ++b) out.push_back(static_cast<char>((bits >> (8 * b)) & 0xFF));
}

// ---------------------------------------------------------------------------------------------------
// Tensors and the model description the reference uses.

/// A tensor as the checkpoint holds it: its shape and its values (row-major, after dtype rounding).
struct Tensor64 {
    std::vector<std::int64_t> shape;
    std::vector<double> values;
    std::int64_t numel() const {
        std::int64_t n = 1;
        for (std::int64_t s : shape) n *= s;
        return n;
    }
};

/// Tensors by their Hugging Face name. std::map: sorted by name, the order they are written in.
using TensorMap = std::map<std::string, Tensor64>;

/// The model as the reference runs it (what config.json says, in plain numbers).
struct ModelSpec {
    Arch arch = Arch::kLlama;
    int n_layers = 2;
    int d_model = 16;
    int n_heads = 4;
    int n_kv_heads = 4;
    int head_dim = 4;
    int d_ff = 24;
    int vocab = 40;
    int n_ctx = 16;
    double norm_eps = 1e-5;
    bool gelu_exact = false;  ///< GPT-2: "gelu" (erf) instead of "gelu_new" (tanh)
    double rope_theta = 10000.0;
    bool llama3_scaling = false;
    double rope_factor = 8.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    int original_max_position_embeddings = 8192;
    int sliding_window = 0;  ///< 0: none
    bool tie = false;
    std::string prefix;  ///< "transformer." or "" for GPT-2; "model." for the Llama family
};

/// What to write. head_dim = 0 means d_model / n_heads; d_ff = 0 means the architecture's default
/// (4 * d_model for GPT-2, 3 * d_model otherwise); n_kv_heads = 0 means n_heads.
struct WriteOptions {
    Arch arch = Arch::kLlama;
    int n_layers = 2;
    int d_model = 16;
    int n_heads = 4;
    int n_kv_heads = 0;
    int head_dim = 0;
    int d_ff = 0;
    int vocab = 40;
    int n_ctx = 16;
    DType dtype = DType::kF32;
    int shards = 1;  ///< 1: model.safetensors; >= 2: model-0000k-of-0000N.safetensors + index
    int tie = -1;    ///< -1: the architecture's usual choice (GPT-2 tied, the others not); 0 / 1
    std::uint64_t seed = 1;
    // GPT-2
    bool gpt2_prefix = true;  ///< "transformer.h.0..." (save_pretrained) or "h.0..." (the hub's gpt2)
    std::string gpt2_activation = "gelu_new";  ///< "gelu_new", "gelu_pytorch_tanh" or "gelu"
    bool gpt2_attn_bias_buffer =
        false;  ///< also write h.{i}.attn.bias, the causal buffer [1, 1, n_ctx, n_ctx]
    // Llama family
    double rope_theta = 0.0;  ///< 0: the architecture's default (10000; qwen2/qwen3 1e6)
    bool llama3_scaling = false;
    double rope_factor = 8.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    int original_max_position_embeddings = 8192;
    int sliding_window = 4096;  ///< Mistral's config value (0: null)
    double norm_eps = 0.0;      ///< 0: 1e-5 (GPT-2, Llama), 1e-6 (Qwen)
};

/// A checkpoint written to a folder.
struct WrittenCheckpoint {
    std::string dir;
    std::string config_json;
    std::vector<std::string> weight_files;  ///< file names inside dir, in order
    ModelSpec spec;
    TensorMap tensors;  ///< every tensor written, values as stored (after dtype rounding)
};

// ---------------------------------------------------------------------------------------------------
// Small helpers: seeded uniform numbers, Python's float repr, file writing.

/// splitmix64: portable, seeded, the same numbers on every platform.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [-a, a).
    double uniform(double a) { return a * (2.0 * std::ldexp(static_cast<double>(next() >> 11), -53) - 1.0); }

  private:
    std::uint64_t m_state;
};

/// A double as Python's repr writes it (json.dumps uses it): shortest round trip, "10000.0", "1e-05".
inline std::string py_float(double x) {
    char buf[64];
    int precision = 1;
    for (; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
        if (std::strtod(buf, nullptr) == x) break;
    }
    // buf = "[-]d.ddde[+-]XX"
    std::string s(buf);
    const std::size_t epos = s.find('e');
    const int exponent = std::atoi(s.c_str() + epos + 1);
    std::string digits;
    bool negative = false;
    for (std::size_t i = 0; i < epos; ++i) {
        if (s[i] == '-')
            negative = true;
        else if (s[i] != '.')
            digits.push_back(s[i]);
    }
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        } else if (static_cast<int>(digits.size()) <= exponent + 1) {
            out += digits + std::string(static_cast<std::size_t>(exponent + 1) - digits.size(), '0') + ".0";
        } else {
            out += digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
                   digits.substr(static_cast<std::size_t>(exponent + 1));
        }
    } else {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += e;
    }
    return out;
}

inline void write_binary_file(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("hf_checkpoint_writer: cannot write " + path);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("hf_checkpoint_writer: write failed: " + path);
}

/// A JSON object written as Python's json.dumps(d, indent=2, sort_keys=True) does: the caller gives the
/// entries as (key, already-serialized value), sorted here.
inline std::string json_object(std::map<std::string, std::string> entries, int indent = 0) {
    const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    std::string out = "{\n";
    std::size_t i = 0;
    for (const auto& [key, value] : entries) {
        out += pad + "\"" + key + "\": " + value;
        out += ++i < entries.size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<std::size_t>(indent), ' ') + "}";
    return out;
}

inline std::string json_string(const std::string& s) {
    return "\"" + s + "\"";
}
inline std::string json_int(long long v) {
    return std::to_string(v);
}
inline std::string json_bool(bool b) {
    return b ? "true" : "false";
}

// ---------------------------------------------------------------------------------------------------
// safetensors

/// The bytes of one safetensors file holding `names` (in that order) from `tensors`, stored as `dtype`:
/// 8-byte little-endian header length, the JSON header padded with spaces to a multiple of 8, then the
/// tensors' data back to back, data_offsets relative to the start of the data.
inline std::string safetensors_bytes(const TensorMap& tensors, const std::vector<std::string>& names,
                                     DType dtype) {
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    std::string data;
    for (const std::string& name : names) {
        const Tensor64& t = tensors.at(name);
        const std::size_t begin = data.size();
        for (double v : t.values) append_le(data, v, dtype);
        header += ",\"" + name + "\":{\"dtype\":\"" + dtype_name(dtype) + "\",\"shape\":[";
        for (std::size_t i = 0; i < t.shape.size(); ++i)
            header += (i ? "," : "") + std::to_string(t.shape[i]);
        header += "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) + "]}";
    }
    header += "}";
    while (header.size() % 8 != 0) header.push_back(' ');
    std::string out;
    const std::uint64_t n = header.size();
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((n >> (8 * b)) & 0xFF));
    return out + header + data;
}

// ---------------------------------------------------------------------------------------------------
// The checkpoint

inline ModelSpec make_spec(const WriteOptions& o) {
    ModelSpec s;
    s.arch = o.arch;
    s.n_layers = o.n_layers;
    s.d_model = o.d_model;
    s.n_heads = o.n_heads;
    s.n_kv_heads = o.arch == Arch::kGpt2 ? o.n_heads : (o.n_kv_heads > 0 ? o.n_kv_heads : o.n_heads);
    s.head_dim = o.arch == Arch::kGpt2 || o.head_dim <= 0 ? o.d_model / o.n_heads : o.head_dim;
    s.d_ff = o.d_ff > 0 ? o.d_ff : (o.arch == Arch::kGpt2 ? 4 * o.d_model : 3 * o.d_model);
    s.vocab = o.vocab;
    s.n_ctx = o.n_ctx;
    const bool qwen = o.arch == Arch::kQwen2 || o.arch == Arch::kQwen3;
    s.norm_eps = o.norm_eps > 0.0 ? o.norm_eps : (qwen ? 1e-6 : 1e-5);
    s.gelu_exact = o.arch == Arch::kGpt2 && o.gpt2_activation == "gelu";
    s.rope_theta = o.rope_theta > 0.0 ? o.rope_theta : (qwen ? 1000000.0 : 10000.0);
    s.llama3_scaling = o.arch == Arch::kLlama && o.llama3_scaling;
    s.rope_factor = o.rope_factor;
    s.low_freq_factor = o.low_freq_factor;
    s.high_freq_factor = o.high_freq_factor;
    s.original_max_position_embeddings = o.original_max_position_embeddings;
    s.sliding_window = o.arch == Arch::kMistral ? o.sliding_window : 0;
    s.tie = o.tie < 0 ? o.arch == Arch::kGpt2 : o.tie == 1;
    s.prefix = o.arch == Arch::kGpt2 ? (o.gpt2_prefix ? "transformer." : "") : "model.";
    return s;
}

/// config.json as transformers' save_pretrained writes it (json.dumps(to_diff_dict(), indent=2,
/// sort_keys=True) + "\n"): model-specific keys always, base keys only when they differ from the default.
inline std::string config_json(const ModelSpec& s, const WriteOptions& o) {
    std::map<std::string, std::string> c;
    const char* torch_dtype = o.dtype == DType::kF32   ? "float32"
                              : o.dtype == DType::kF16 ? "float16"
                                                       : "bfloat16";
    c["model_type"] = json_string(arch_name(s.arch));
    c["torch_dtype"] = json_string(torch_dtype);
    c["transformers_version"] = json_string("4.44.0");
    c["use_cache"] = json_bool(true);
    c["vocab_size"] = json_int(s.vocab);
    if (s.arch == Arch::kGpt2) {
        c["activation_function"] = json_string(o.gpt2_activation);
        c["architectures"] = "[\n    \"GPT2LMHeadModel\"\n  ]";
        c["attn_pdrop"] = "0.1";
        c["bos_token_id"] = json_int(s.vocab - 1);
        c["embd_pdrop"] = "0.1";
        c["eos_token_id"] = json_int(s.vocab - 1);
        c["initializer_range"] = "0.02";
        c["layer_norm_epsilon"] = py_float(s.norm_eps);
        c["n_ctx"] = json_int(s.n_ctx);
        c["n_embd"] = json_int(s.d_model);
        c["n_head"] = json_int(s.n_heads);
        c["n_inner"] = s.d_ff == 4 * s.d_model ? "null" : json_int(s.d_ff);
        c["n_layer"] = json_int(s.n_layers);
        c["n_positions"] = json_int(s.n_ctx);
        c["reorder_and_upcast_attn"] = json_bool(false);
        c["resid_pdrop"] = "0.1";
        c["scale_attn_by_inverse_layer_idx"] = json_bool(false);
        c["scale_attn_weights"] = json_bool(true);
        c["summary_activation"] = "null";
        c["summary_first_dropout"] = "0.1";
        c["summary_proj_to_labels"] = json_bool(true);
        c["summary_type"] = json_string("cls_index");
        c["summary_use_proj"] = json_bool(true);
        if (!s.tie) c["tie_word_embeddings"] = json_bool(false);  // the base default is true
    } else {
        static const std::map<Arch, const char*> kArchitectures = {{Arch::kLlama, "LlamaForCausalLM"},
                                                                   {Arch::kMistral, "MistralForCausalLM"},
                                                                   {Arch::kQwen2, "Qwen2ForCausalLM"},
                                                                   {Arch::kQwen3, "Qwen3ForCausalLM"}};
        c["architectures"] = std::string("[\n    \"") + kArchitectures.at(s.arch) + "\"\n  ]";
        c["attention_dropout"] = "0.0";
        c["bos_token_id"] = json_int(1);
        c["eos_token_id"] = json_int(2);
        c["hidden_act"] = json_string("silu");
        c["hidden_size"] = json_int(s.d_model);
        c["initializer_range"] = "0.02";
        c["intermediate_size"] = json_int(s.d_ff);
        c["max_position_embeddings"] = json_int(s.n_ctx);
        c["num_attention_heads"] = json_int(s.n_heads);
        c["num_hidden_layers"] = json_int(s.n_layers);
        c["num_key_value_heads"] = json_int(s.n_kv_heads);
        c["rms_norm_eps"] = py_float(s.norm_eps);
        c["rope_theta"] = py_float(s.rope_theta);
        // False is the class default and true the base default: either way one of them differs.
        c["tie_word_embeddings"] = json_bool(s.tie);
        if (s.arch == Arch::kLlama) {
            c["attention_bias"] = json_bool(false);
            c["mlp_bias"] = json_bool(false);
            c["pretraining_tp"] = json_int(1);
            if (s.head_dim != s.d_model / s.n_heads) c["head_dim"] = json_int(s.head_dim);
            if (s.llama3_scaling) {
                std::map<std::string, std::string> r;
                r["factor"] = py_float(s.rope_factor);
                r["high_freq_factor"] = py_float(s.high_freq_factor);
                r["low_freq_factor"] = py_float(s.low_freq_factor);
                r["original_max_position_embeddings"] = json_int(s.original_max_position_embeddings);
                r["rope_type"] = json_string("llama3");
                c["rope_scaling"] = json_object(r, 2);
            } else {
                c["rope_scaling"] = "null";
            }
        } else if (s.arch == Arch::kMistral) {
            c["sliding_window"] = s.sliding_window > 0 ? json_int(s.sliding_window) : "null";
            c["head_dim"] = json_int(s.head_dim);  // newer transformers write it always
        } else {
            c["max_window_layers"] = json_int(s.n_layers);
            c["sliding_window"] = s.arch == Arch::kQwen2 ? json_int(4096) : "null";
            c["use_sliding_window"] = json_bool(false);
            c["rope_scaling"] = "null";
            if (s.arch == Arch::kQwen3) {
                c["attention_bias"] = json_bool(false);
                c["head_dim"] = json_int(s.head_dim);
            }
        }
    }
    return json_object(c) + "\n";
}

/// Fills the tensors of a checkpoint with seeded random values (already rounded to dtype), named and
/// shaped exactly as Hugging Face names and shapes them.
inline TensorMap random_tensors(const ModelSpec& s, const WriteOptions& o) {
    Rng rng(o.seed);
    TensorMap t;
    auto add = [&](const std::string& name, std::vector<std::int64_t> shape, double center, double scale) {
        Tensor64 x;
        x.shape = std::move(shape);
        x.values.resize(static_cast<std::size_t>(x.numel()));
        for (double& v : x.values) v = round_to_dtype(center + rng.uniform(scale), o.dtype);
        t[name] = std::move(x);
    };
    const std::int64_t d = s.d_model, hd = s.head_dim, ff = s.d_ff, V = s.vocab;
    const std::int64_t q_out = s.n_heads * hd, kv_out = s.n_kv_heads * hd;
    // Weight scales: large enough that attention is far from uniform, small enough that nothing saturates.
    // q and k entries get variance ~2 from unit-scale normalized inputs: scores q.k / sqrt(head_dim) of
    // standard deviation ~2, so rows are peaked but not one-hot.
    const double w_qk = 2.5 / std::sqrt(static_cast<double>(d));
    const double w_v = 1.2 / std::sqrt(static_cast<double>(d));
    const double w_mlp = 0.8 / std::sqrt(static_cast<double>(d));
    if (s.arch == Arch::kGpt2) {
        const std::string p = s.prefix;
        add(p + "wte.weight", {V, d}, 0.0, 0.5);
        add(p + "wpe.weight", {s.n_ctx, d}, 0.0, 0.3);
        for (int l = 0; l < s.n_layers; ++l) {
            const std::string h = p + "h." + std::to_string(l) + ".";
            add(h + "ln_1.weight", {d}, 1.0, 0.1);
            add(h + "ln_1.bias", {d}, 0.0, 0.1);
            add(h + "attn.c_attn.weight", {d, 3 * d}, 0.0, w_qk);
            add(h + "attn.c_attn.bias", {3 * d}, 0.0, 0.1);
            add(h + "attn.c_proj.weight", {d, d}, 0.0, w_mlp);
            add(h + "attn.c_proj.bias", {d}, 0.0, 0.05);
            add(h + "ln_2.weight", {d}, 1.0, 0.1);
            add(h + "ln_2.bias", {d}, 0.0, 0.1);
            add(h + "mlp.c_fc.weight", {d, ff}, 0.0, w_mlp);
            add(h + "mlp.c_fc.bias", {ff}, 0.0, 0.1);
            add(h + "mlp.c_proj.weight", {ff, d}, 0.0, 0.8 / std::sqrt(static_cast<double>(ff)));
            add(h + "mlp.c_proj.bias", {d}, 0.0, 0.05);
            if (o.gpt2_attn_bias_buffer) {
                Tensor64 mask;
                mask.shape = {1, 1, s.n_ctx, s.n_ctx};
                mask.values.assign(static_cast<std::size_t>(mask.numel()), 0.0);
                for (int i = 0; i < s.n_ctx; ++i)
                    for (int j = 0; j <= i; ++j) mask.values[static_cast<std::size_t>(i * s.n_ctx + j)] = 1.0;
                t[h + "attn.bias"] = std::move(mask);
            }
        }
        add(p + "ln_f.weight", {d}, 1.0, 0.1);
        add(p + "ln_f.bias", {d}, 0.0, 0.1);
        if (!s.tie) add("lm_head.weight", {V, d}, 0.0, 0.5);
        return t;
    }
    add("model.embed_tokens.weight", {V, d}, 0.0, 0.5);
    for (int l = 0; l < s.n_layers; ++l) {
        const std::string h = "model.layers." + std::to_string(l) + ".";
        add(h + "input_layernorm.weight", {d}, 1.0, 0.1);
        add(h + "self_attn.q_proj.weight", {q_out, d}, 0.0, w_qk);
        add(h + "self_attn.k_proj.weight", {kv_out, d}, 0.0, w_qk);
        add(h + "self_attn.v_proj.weight", {kv_out, d}, 0.0, w_v);
        if (s.arch == Arch::kQwen2) {
            add(h + "self_attn.q_proj.bias", {q_out}, 0.0, 0.3);
            add(h + "self_attn.k_proj.bias", {kv_out}, 0.0, 0.3);
            add(h + "self_attn.v_proj.bias", {kv_out}, 0.0, 0.3);
        }
        if (s.arch == Arch::kQwen3) {
            add(h + "self_attn.q_norm.weight", {hd}, 1.0, 0.2);
            add(h + "self_attn.k_norm.weight", {hd}, 1.0, 0.2);
        }
        add(h + "self_attn.o_proj.weight", {d, q_out}, 0.0, 0.8 / std::sqrt(static_cast<double>(q_out)));
        add(h + "post_attention_layernorm.weight", {d}, 1.0, 0.1);
        add(h + "mlp.gate_proj.weight", {ff, d}, 0.0, w_mlp);
        add(h + "mlp.up_proj.weight", {ff, d}, 0.0, w_mlp);
        add(h + "mlp.down_proj.weight", {d, ff}, 0.0, 0.8 / std::sqrt(static_cast<double>(ff)));
    }
    add("model.norm.weight", {d}, 1.0, 0.1);
    if (!s.tie) add("lm_head.weight", {V, d}, 0.0, 0.5);
    return t;
}

/// Total bytes of the tensors' data in dtype d.
inline std::int64_t data_bytes(const TensorMap& t, const std::vector<std::string>& names, DType d) {
    std::int64_t n = 0;
    for (const std::string& name : names) n += t.at(name).numel() * dtype_size(d);
    return n;
}

/// Writes config.json and the weights into `dir` (which must exist) and returns what was written.
inline WrittenCheckpoint write_checkpoint(const std::string& dir, const WriteOptions& o) {
    WrittenCheckpoint w;
    w.dir = dir;
    w.spec = make_spec(o);
    w.config_json = config_json(w.spec, o);
    w.tensors = random_tensors(w.spec, o);
    write_binary_file(dir + "/config.json", w.config_json);

    std::vector<std::string> names;
    for (const auto& entry : w.tensors) names.push_back(entry.first);
    if (o.shards <= 1) {
        w.weight_files = {"model.safetensors"};
        write_binary_file(dir + "/model.safetensors", safetensors_bytes(w.tensors, names, o.dtype));
        return w;
    }
    // Shards: consecutive runs of tensors in name order, about equal in count, none empty.
    const int n_shards = std::min<int>(o.shards, static_cast<int>(names.size()));
    const std::int64_t total = data_bytes(w.tensors, names, o.dtype);
    std::vector<std::vector<std::string>> groups(static_cast<std::size_t>(n_shards));
    for (std::size_t i = 0; i < names.size(); ++i) {
        groups[i * static_cast<std::size_t>(n_shards) / names.size()].push_back(names[i]);
    }
    std::map<std::string, std::string> weight_map;
    for (int k = 0; k < n_shards; ++k) {
        char file[64];
        std::snprintf(file, sizeof file, "model-%05d-of-%05d.safetensors", k + 1, n_shards);
        w.weight_files.push_back(file);
        const auto& g = groups[static_cast<std::size_t>(k)];
        write_binary_file(dir + "/" + file, safetensors_bytes(w.tensors, g, o.dtype));
        for (const std::string& name : g) weight_map[name] = json_string(file);
    }
    std::map<std::string, std::string> metadata = {{"total_size", json_int(total)}};
    const std::string index =
        json_object({{"metadata", json_object(metadata, 2)}, {"weight_map", json_object(weight_map, 2)}}) +
        "\n";
    write_binary_file(dir + "/model.safetensors.index.json", index);
    return w;
}

}  // namespace attnviz::testing::hf
