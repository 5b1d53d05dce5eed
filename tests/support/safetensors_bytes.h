// Test helper: safetensors files written byte by byte (good ones, and every kind of broken one), tiny
// Llama / GPT-2 tensor sets with known values, and temporary model folders.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

namespace attnviz::test {

struct RawTensor {
    std::string name;
    std::string dtype;  // "F32", "F16", "BF16", anything else verbatim
    std::vector<std::int64_t> shape;
    std::string data;                // the raw little-endian bytes
    std::vector<float> values = {};  // what the bytes hold, as float32 (make_tensor fills it)
};

inline std::string le64(std::uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

inline std::string f32_bytes(const std::vector<float>& values) {
    std::string s(values.size() * 4, '\0');
    if (!values.empty()) std::memcpy(&s[0], values.data(), s.size());
    return s;
}

inline std::string u16_bytes(const std::vector<std::uint16_t>& values) {
    std::string s(values.size() * 2, '\0');
    if (!values.empty()) std::memcpy(&s[0], values.data(), s.size());
    return s;
}

// The BF16 value whose float32 is `f` truncated to its upper 16 bits (exact for values chosen so).
inline std::uint16_t bf16_of(float f) {
    std::uint32_t b = 0;
    std::memcpy(&b, &f, 4);
    return static_cast<std::uint16_t>(b >> 16);
}

inline std::string shape_json(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

/// A header text + data as they would be laid out by safetensors (in the order given, contiguous).
inline std::pair<std::string, std::string> header_and_data(const std::vector<RawTensor>& tensors,
                                                           const std::string& metadata_json = "") {
    std::string header = "{";
    std::string data;
    bool first = true;
    if (!metadata_json.empty()) {
        header += "\"__metadata__\":" + metadata_json;
        first = false;
    }
    for (const RawTensor& t : tensors) {
        const std::size_t begin = data.size();
        data += t.data;
        header += (first ? "" : ",") + std::string("\"") + t.name + "\":{\"dtype\":\"" + t.dtype +
                  "\",\"shape\":" + shape_json(t.shape) + ",\"data_offsets\":[" + std::to_string(begin) +
                  "," + std::to_string(data.size()) + "]}";
        first = false;
    }
    header += "}";
    return {header, data};
}

/// A file from a header text and data: the header padded with spaces to a multiple of 8 (as safetensors
/// writes it, so F32 data is aligned).
inline std::string file_from(std::string header, const std::string& data, bool pad = true) {
    if (pad) {
        while ((header.size() + 8) % 8 != 0) header += ' ';
    }
    return le64(header.size()) + header + data;
}

inline std::string safetensors_bytes(const std::vector<RawTensor>& tensors,
                                     const std::string& metadata_json = "") {
    auto [header, data] = header_and_data(tensors, metadata_json);
    return file_from(header, data);
}

/// Deterministic values in [-0.5, 0.5), exactly representable in BF16 (and so in F16 and F32).
inline std::vector<float> test_values(std::int64_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v) x = static_cast<float>(static_cast<int>(rng() % 256) - 128) / 256.0f;
    return v;
}

inline std::int64_t product(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;
    return n;
}

/// A tensor of `dtype` holding test_values(numel, seed).
inline RawTensor make_tensor(const std::string& name, const std::vector<std::int64_t>& shape,
                             const std::string& dtype, std::uint32_t seed) {
    const std::vector<float> v = test_values(product(shape), seed);
    RawTensor t{name, dtype, shape, {}, v};
    if (dtype == "F32") {
        t.data = f32_bytes(v);
    } else {
        std::vector<std::uint16_t> h(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (dtype == "BF16") {
                h[i] = bf16_of(v[i]);
            } else {  // F16 of k / 256 for |k| <= 128: exponent and 10-bit mantissa built by hand
                const float a = v[i] < 0 ? -v[i] : v[i];
                std::uint16_t bits = 0;
                if (a != 0.0f) {
                    int e = 0;
                    float m = a;
                    while (m < 1.0f) {
                        m *= 2.0f;
                        --e;
                    }
                    bits =
                        static_cast<std::uint16_t>(((e + 15) << 10) | static_cast<int>((m - 1.0f) * 1024.0f));
                }
                if (v[i] < 0) bits = static_cast<std::uint16_t>(bits | 0x8000);
                h[i] = bits;
            }
        }
        t.data = u16_bytes(h);
    }
    return t;
}

/// Sizes of a tiny model; the tensor sets below follow Hugging Face's names for them.
struct TinyDims {
    int n_layers = 2, d_model = 8, n_heads = 2, n_kv_heads = 1, head_dim = 4, d_ff = 12, vocab = 16,
        n_ctx = 32;
};

inline std::vector<RawTensor> tiny_llama_tensors(const TinyDims& d, const std::string& dtype,
                                                 bool lm_head = false, bool qkv_bias = false,
                                                 bool qk_norm = false) {
    std::vector<RawTensor> t;
    std::uint32_t seed = 1;
    const std::int64_t q = std::int64_t{d.n_heads} * d.head_dim, kv = std::int64_t{d.n_kv_heads} * d.head_dim;
    t.push_back(make_tensor("model.embed_tokens.weight", {d.vocab, d.d_model}, dtype, seed++));
    for (int l = 0; l < d.n_layers; ++l) {
        const std::string b = "model.layers." + std::to_string(l) + ".";
        t.push_back(make_tensor(b + "input_layernorm.weight", {d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "self_attn.q_proj.weight", {q, d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "self_attn.k_proj.weight", {kv, d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "self_attn.v_proj.weight", {kv, d.d_model}, dtype, seed++));
        if (qkv_bias) {
            t.push_back(make_tensor(b + "self_attn.q_proj.bias", {q}, dtype, seed++));
            t.push_back(make_tensor(b + "self_attn.k_proj.bias", {kv}, dtype, seed++));
            t.push_back(make_tensor(b + "self_attn.v_proj.bias", {kv}, dtype, seed++));
        }
        if (qk_norm) {
            t.push_back(make_tensor(b + "self_attn.q_norm.weight", {d.head_dim}, dtype, seed++));
            t.push_back(make_tensor(b + "self_attn.k_norm.weight", {d.head_dim}, dtype, seed++));
        }
        t.push_back(make_tensor(b + "self_attn.o_proj.weight", {d.d_model, q}, dtype, seed++));
        t.push_back(make_tensor(b + "post_attention_layernorm.weight", {d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.gate_proj.weight", {d.d_ff, d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.up_proj.weight", {d.d_ff, d.d_model}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.down_proj.weight", {d.d_model, d.d_ff}, dtype, seed++));
    }
    t.push_back(make_tensor("model.norm.weight", {d.d_model}, dtype, seed++));
    if (lm_head) t.push_back(make_tensor("lm_head.weight", {d.vocab, d.d_model}, dtype, seed++));
    return t;
}

inline std::string tiny_llama_config(const TinyDims& d, const std::string& model_type = "llama",
                                     const std::string& extra = "\"tie_word_embeddings\": true") {
    return "{\"model_type\": \"" + model_type + "\", \"num_hidden_layers\": " + std::to_string(d.n_layers) +
           ", \"hidden_size\": " + std::to_string(d.d_model) +
           ", \"num_attention_heads\": " + std::to_string(d.n_heads) +
           ", \"num_key_value_heads\": " + std::to_string(d.n_kv_heads) +
           ", \"head_dim\": " + std::to_string(d.head_dim) +
           ", \"intermediate_size\": " + std::to_string(d.d_ff) +
           ", \"vocab_size\": " + std::to_string(d.vocab) +
           ", \"max_position_embeddings\": " + std::to_string(d.n_ctx) + (extra.empty() ? "" : ", " + extra) +
           "}";
}

inline std::vector<RawTensor> tiny_gpt2_tensors(const TinyDims& d, const std::string& dtype,
                                                const std::string& prefix) {
    std::vector<RawTensor> t;
    std::uint32_t seed = 100;
    const std::int64_t e = d.d_model, ff = d.d_ff;
    t.push_back(make_tensor(prefix + "wte.weight", {d.vocab, e}, dtype, seed++));
    t.push_back(make_tensor(prefix + "wpe.weight", {d.n_ctx, e}, dtype, seed++));
    for (int l = 0; l < d.n_layers; ++l) {
        const std::string b = prefix + "h." + std::to_string(l) + ".";
        t.push_back(make_tensor(b + "ln_1.weight", {e}, dtype, seed++));
        t.push_back(make_tensor(b + "ln_1.bias", {e}, dtype, seed++));
        t.push_back(make_tensor(b + "attn.c_attn.weight", {e, 3 * e}, dtype, seed++));
        t.push_back(make_tensor(b + "attn.c_attn.bias", {3 * e}, dtype, seed++));
        t.push_back(make_tensor(b + "attn.c_proj.weight", {e, e}, dtype, seed++));
        t.push_back(make_tensor(b + "attn.c_proj.bias", {e}, dtype, seed++));
        t.push_back(make_tensor(b + "ln_2.weight", {e}, dtype, seed++));
        t.push_back(make_tensor(b + "ln_2.bias", {e}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.c_fc.weight", {e, ff}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.c_fc.bias", {ff}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.c_proj.weight", {ff, e}, dtype, seed++));
        t.push_back(make_tensor(b + "mlp.c_proj.bias", {e}, dtype, seed++));
    }
    t.push_back(make_tensor(prefix + "ln_f.weight", {e}, dtype, seed++));
    t.push_back(make_tensor(prefix + "ln_f.bias", {e}, dtype, seed++));
    return t;
}

inline std::string tiny_gpt2_config(const TinyDims& d) {
    return "{\"model_type\": \"gpt2\", \"n_layer\": " + std::to_string(d.n_layers) +
           ", \"n_embd\": " + std::to_string(d.d_model) + ", \"n_head\": " + std::to_string(d.n_heads) +
           ", \"n_inner\": " + std::to_string(d.d_ff) + ", \"vocab_size\": " + std::to_string(d.vocab) +
           ", \"n_positions\": " + std::to_string(d.n_ctx) + "}";
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A fresh empty temporary folder, removed with the object.
class TempDir {
  public:
    explicit TempDir(const std::string& tag) {
        static int counter = 0;
        m_path = std::filesystem::temp_directory_path() /
                 ("attnviz_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::string str() const { return m_path.string(); }

  private:
    std::filesystem::path m_path;
};

}  // namespace attnviz::test
