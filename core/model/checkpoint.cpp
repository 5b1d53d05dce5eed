// Loading a checkpoint: headers validated, the tensors each architecture needs found and shape-checked,
// memory estimated before anything is read, F32 data used in place and F16 / BF16 converted, every value
// checked finite (robustness M1-M5, M9-M11).
#include "core/model/checkpoint.h"

#include "core/base/system_memory.h"

#include "core/base/parallel.h"
#include "core/io/file_io.h"
#include "core/model/model_folder.h"
#include "core/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; F32 is used in place");

namespace attnviz::model {

/// What a checkpoint's views point into: read-only file mappings, and one anonymous mapping holding the
/// float32 tensors converted from F16 / BF16 (or misaligned F32). Unmapped when the checkpoint goes.
struct Checkpoint::Storage {
    struct Mapping {
        void* address = nullptr;
        std::size_t size = 0;
    };
    std::vector<Mapping> mappings;

    Storage() = default;
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
    ~Storage() {
        for (const Mapping& m : mappings) munmap(m.address, m.size);
    }
};

namespace {

constexpr std::int64_t kMaxConfigBytes = 16 << 20;
constexpr std::int64_t kParallelConvertElements = 1 << 20;
constexpr std::size_t kArenaAlignment = 64;  // each converted tensor starts on a cache line
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t round_up(std::size_t n, std::size_t multiple) {
    return (n + multiple - 1) / multiple * multiple;
}

// One weights file, its bytes (a mapping or memory the caller owns) and its validated header.
struct SourceFile {
    std::string path;        ///< for messages
    std::string plain_name;  ///< the file name alone, as an index's weight_map names it
    std::string_view bytes;  ///< a read-only mapping, or memory the caller owns
    SafetensorsHeader header;
};

struct TensorRef {
    const SourceFile* file = nullptr;
    const SafetensorsTensor* info = nullptr;
};

// One tensor the architecture needs, with the shape config.json implies.
struct Request {
    std::string name;
    std::vector<std::int64_t> shape;
    TensorRef ref;
    WeightView view;  // filled by the load
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string megabytes(std::int64_t bytes) {
    std::ostringstream os;
    os.precision(bytes >= (std::int64_t{10} << 30) ? 0 : 1);
    os << std::fixed;
    if (bytes >= (std::int64_t{1} << 30)) {
        os << static_cast<double>(bytes) / static_cast<double>(std::int64_t{1} << 30) << " GB";
    } else {
        os << static_cast<double>(bytes) / static_cast<double>(1 << 20) << " MB";
    }
    return os.str();
}

Expected<std::string_view> map_file(const std::string& path, Checkpoint::Storage& storage) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        const int err = errno;
        close(fd);
        return Error{path + ": cannot read its size: " + std::strerror(err)};
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return Error{path + ": not a regular file"};
    }
    if (st.st_size == 0) {
        close(fd);
        return std::string_view();
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    void* address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    close(fd);
    if (address == MAP_FAILED) return Error{path + ": cannot map it into memory: " + std::strerror(err)};
    storage.mappings.push_back({address, size});
    return std::string_view(static_cast<const char*>(address), size);
}

std::uint32_t float_bits(float f) {
    std::uint32_t b = 0;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

// One element of each stored dtype as float32 bits, branch-free so that the block loops below vectorize.
struct F32Element {
    static constexpr int kBytes = 4;
    static std::uint32_t bits(const char* p) {
        std::uint32_t b = 0;
        std::memcpy(&b, p, 4);
        return b;
    }
};
struct Bf16Element {  // the upper half of a float32
    static constexpr int kBytes = 2;
    static std::uint32_t bits(const char* p) {
        std::uint16_t h = 0;
        std::memcpy(&h, p, 2);
        return static_cast<std::uint32_t>(h) << 16;
    }
};
struct F16Element {  // IEEE binary16, exact for every value: subnormals, infinities, NaN payloads
    static constexpr int kBytes = 2;
    static std::uint32_t bits(const char* p) {
        std::uint16_t h = 0;
        std::memcpy(&h, p, 2);
        const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
        const std::uint32_t magnitude = h & 0x7FFFu;
        // Zero and subnormals: magnitude * 2^-24, exact in float32. Normal numbers: the exponent rebased
        // from 15 to 127 (+112). Infinity and NaN: exponent 31 becomes 255 (+224), payload kept.
        const std::uint32_t subnormal =
            float_bits(static_cast<float>(static_cast<std::int32_t>(magnitude)) * 0x1p-24f);
        const std::uint32_t normal = (magnitude << 13) + (112u << 23);
        const std::uint32_t special = (magnitude << 13) + (224u << 23);
        // Selected with masks rather than branches, so the loop stays vectorizable.
        const std::uint32_t is_subnormal = 0u - static_cast<std::uint32_t>(magnitude < 0x0400u);
        const std::uint32_t is_special = 0u - static_cast<std::uint32_t>(magnitude >= 0x7C00u);
        const std::uint32_t r =
            (subnormal & is_subnormal) | (special & is_special) | (normal & ~(is_subnormal | is_special));
        return sign | r;
    }
};

// Converts elements [begin, end) into out (nullptr: only checks them, for F32 used in place) and returns
// how many are NaN or infinite. Fixed-size blocks let the compiler vectorize the inner loops.
template <class Element>
std::int64_t convert_elements(const char* src, float* out, std::int64_t begin, std::int64_t end) {
    constexpr std::int64_t kBlock = 256;
    std::int64_t n_bad = 0;
    std::int64_t i = begin;
    for (; i + kBlock <= end; i += kBlock) {
        std::uint32_t block_bad = 0;
        const char* p = src + i * Element::kBytes;
        if (out != nullptr) {
            // Through a local block: the output could alias the bytes as far as the compiler knows.
            std::uint32_t converted[kBlock];
            for (std::int64_t j = 0; j < kBlock; ++j) {
                const std::uint32_t b = Element::bits(p + j * Element::kBytes);
                converted[j] = b;
                block_bad += (b & 0x7F800000u) == 0x7F800000u ? 1u : 0u;
            }
            std::memcpy(out + i, converted, sizeof converted);
        } else {
            for (std::int64_t j = 0; j < kBlock; ++j) {
                const std::uint32_t b = Element::bits(p + j * Element::kBytes);
                block_bad += (b & 0x7F800000u) == 0x7F800000u ? 1u : 0u;
            }
        }
        n_bad += block_bad;
    }
    for (; i < end; ++i) {
        const std::uint32_t b = Element::bits(src + i * Element::kBytes);
        if (out != nullptr) std::memcpy(out + i, &b, 4);
        n_bad += (b & 0x7F800000u) == 0x7F800000u ? 1 : 0;
    }
    return n_bad;
}

std::int64_t convert_range(const char* src, const std::string& dtype, float* out, std::int64_t begin,
                           std::int64_t end) {
    if (dtype == "F32") return convert_elements<F32Element>(src, out, begin, end);
    if (dtype == "F16") return convert_elements<F16Element>(src, out, begin, end);
    return convert_elements<Bf16Element>(src, out, begin, end);
}

// Runs convert_range over a whole tensor, in parallel chunks when it is large; same result either way.
std::int64_t convert_tensor(const char* src, const std::string& dtype, float* out, std::int64_t n) {
    if (n < kParallelConvertElements) return convert_range(src, dtype, out, 0, n);
    const int n_chunks = static_cast<int>((n + kParallelConvertElements - 1) / kParallelConvertElements);
    std::vector<std::int64_t> bad(static_cast<std::size_t>(n_chunks), 0);
    parallel_for(n_chunks, 0, [&](int c) {
        const std::int64_t b = static_cast<std::int64_t>(c) * kParallelConvertElements;
        bad[static_cast<std::size_t>(c)] =
            convert_range(src, dtype, out, b, std::min(n, b + kParallelConvertElements));
    });
    std::int64_t total = 0;
    for (std::int64_t x : bad) total += x;
    return total;
}

bool uses_in_place(const TensorRef& ref) {
    if (ref.info->dtype != "F32") return false;
    const char* p = ref.file->bytes.data() + ref.file->header.data_offset + ref.info->begin;
    return reinterpret_cast<std::uintptr_t>(p) % alignof(float) == 0;
}

// The names and shapes of every tensor an architecture needs, and how they become ModelWeights.
class Plan {
  public:
    Plan(const ModelConfig& c, const std::unordered_map<std::string, TensorRef>& tensors)
        : m_config(c), m_tensors(tensors) {}

    void build() {
        const ModelConfig& c = m_config;
        const std::int64_t d = c.d_model, ff = c.d_ff, hd = c.head_dim;
        const std::int64_t q_out = std::int64_t{c.n_heads} * hd, kv_out = std::int64_t{c.n_kv_heads} * hd;
        if (c.architecture == Architecture::kGpt2) {
            const std::string p = m_tensors.count("transformer.wte.weight") != 0 ? "transformer." : "";
            add(p + "wte.weight", {c.vocab_size, d});
            add(p + "wpe.weight", {c.n_ctx, d});
            for (int l = 0; l < c.n_layers; ++l) {
                const std::string b = p + "h." + std::to_string(l) + ".";
                for (const char* norm : {"ln_1", "ln_2"}) {
                    add(b + norm + ".weight", {d});
                    add(b + norm + ".bias", {d});
                }
                add(b + "attn.c_attn.weight", {d, 3 * d});
                add(b + "attn.c_attn.bias", {3 * d});
                add(b + "attn.c_proj.weight", {d, d});
                add(b + "attn.c_proj.bias", {d});
                add(b + "mlp.c_fc.weight", {d, ff});
                add(b + "mlp.c_fc.bias", {ff});
                add(b + "mlp.c_proj.weight", {ff, d});
                add(b + "mlp.c_proj.bias", {d});
            }
            add(p + "ln_f.weight", {d});
            add(p + "ln_f.bias", {d});
            m_prefix = p;
        } else {
            add("model.embed_tokens.weight", {c.vocab_size, d});
            for (int l = 0; l < c.n_layers; ++l) {
                const std::string b = "model.layers." + std::to_string(l) + ".";
                add(b + "input_layernorm.weight", {d});
                add(b + "post_attention_layernorm.weight", {d});
                add(b + "self_attn.q_proj.weight", {q_out, d});
                add(b + "self_attn.k_proj.weight", {kv_out, d});
                add(b + "self_attn.v_proj.weight", {kv_out, d});
                add(b + "self_attn.o_proj.weight", {d, q_out});
                if (c.qkv_bias) {
                    add(b + "self_attn.q_proj.bias", {q_out});
                    add(b + "self_attn.k_proj.bias", {kv_out});
                    add(b + "self_attn.v_proj.bias", {kv_out});
                }
                if (c.o_bias) add(b + "self_attn.o_proj.bias", {d});
                if (c.qk_norm) {
                    add(b + "self_attn.q_norm.weight", {hd});
                    add(b + "self_attn.k_norm.weight", {hd});
                }
                add(b + "mlp.gate_proj.weight", {ff, d});
                add(b + "mlp.up_proj.weight", {ff, d});
                add(b + "mlp.down_proj.weight", {d, ff});
                if (c.mlp_bias) {
                    add(b + "mlp.gate_proj.bias", {ff});
                    add(b + "mlp.up_proj.bias", {ff});
                    add(b + "mlp.down_proj.bias", {d});
                }
            }
            add("model.norm.weight", {d});
        }
        if (!c.tie_word_embeddings) add("lm_head.weight", {c.vocab_size, d});
    }

    std::vector<Request>& requests() { return m_requests; }

    ModelWeights assemble() const {
        const ModelConfig& c = m_config;
        ModelWeights w;
        w.layers.resize(static_cast<std::size_t>(c.n_layers));
        if (c.architecture == Architecture::kGpt2) {
            const std::string& p = m_prefix;
            w.token_embedding = view(p + "wte.weight");
            w.position_embedding = view(p + "wpe.weight");
            const int d = c.d_model;
            for (int l = 0; l < c.n_layers; ++l) {
                const std::string b = p + "h." + std::to_string(l) + ".";
                LayerWeights& L = w.layers[static_cast<std::size_t>(l)];
                L.attn_norm = {view(b + "ln_1.weight"), view(b + "ln_1.bias")};
                L.mlp_norm = {view(b + "ln_2.weight"), view(b + "ln_2.bias")};
                // c_attn is Conv1D [d, 3d]: columns [0, d) are q, [d, 2d) k, [2d, 3d) v.
                const WeightView qkv = view(b + "attn.c_attn.weight");
                const WeightView qkv_bias = view(b + "attn.c_attn.bias");
                Linear* parts[3] = {&L.q, &L.k, &L.v};
                for (int i = 0; i < 3; ++i) {
                    parts[i]->stored_in_out = true;
                    parts[i]->weight = {qkv.data + static_cast<std::ptrdiff_t>(i) * d, d, d, qkv.row_stride};
                    parts[i]->bias = {qkv_bias.data + static_cast<std::ptrdiff_t>(i) * d, 1, d, d};
                }
                L.o = {view(b + "attn.c_proj.weight"), true, view(b + "attn.c_proj.bias")};
                L.up = {view(b + "mlp.c_fc.weight"), true, view(b + "mlp.c_fc.bias")};
                L.down = {view(b + "mlp.c_proj.weight"), true, view(b + "mlp.c_proj.bias")};
            }
            w.final_norm = {view(p + "ln_f.weight"), view(p + "ln_f.bias")};
        } else {
            w.token_embedding = view("model.embed_tokens.weight");
            for (int l = 0; l < c.n_layers; ++l) {
                const std::string b = "model.layers." + std::to_string(l) + ".";
                LayerWeights& L = w.layers[static_cast<std::size_t>(l)];
                L.attn_norm = {view(b + "input_layernorm.weight"), {}};
                L.mlp_norm = {view(b + "post_attention_layernorm.weight"), {}};
                L.q = linear(b + "self_attn.q_proj", c.qkv_bias);
                L.k = linear(b + "self_attn.k_proj", c.qkv_bias);
                L.v = linear(b + "self_attn.v_proj", c.qkv_bias);
                L.o = linear(b + "self_attn.o_proj", c.o_bias);
                if (c.qk_norm) {
                    L.q_norm = {view(b + "self_attn.q_norm.weight"), {}};
                    L.k_norm = {view(b + "self_attn.k_norm.weight"), {}};
                }
                L.gate = linear(b + "mlp.gate_proj", c.mlp_bias);
                L.up = linear(b + "mlp.up_proj", c.mlp_bias);
                L.down = linear(b + "mlp.down_proj", c.mlp_bias);
            }
            w.final_norm = {view("model.norm.weight"), {}};
        }
        w.lm_head.weight = c.tie_word_embeddings ? w.token_embedding : view("lm_head.weight");
        return w;
    }

  private:
    void add(std::string name, std::vector<std::int64_t> shape) {
        m_index[name] = m_requests.size();
        m_requests.push_back({std::move(name), std::move(shape), {}, {}});
    }
    WeightView view(const std::string& name) const { return m_requests[m_index.at(name)].view; }
    Linear linear(const std::string& base, bool bias) const {
        Linear lin;
        lin.weight = view(base + ".weight");
        if (bias) lin.bias = view(base + ".bias");
        return lin;
    }

    const ModelConfig& m_config;
    const std::unordered_map<std::string, TensorRef>& m_tensors;
    std::vector<Request> m_requests;
    std::unordered_map<std::string, std::size_t> m_index;
    std::string m_prefix;
};

// A short hint for a missing tensor: which naming the files use instead.
std::string naming_hint(const ModelConfig& c, const std::unordered_map<std::string, TensorRef>& tensors) {
    const bool llama_names = tensors.count("model.embed_tokens.weight") != 0;
    const bool gpt2_names = tensors.count("wte.weight") != 0 || tensors.count("transformer.wte.weight") != 0;
    if (c.architecture == Architecture::kGpt2 && llama_names) {
        return " (the weights use Llama-style names but config.json says gpt2)";
    }
    if (c.architecture != Architecture::kGpt2 && gpt2_names) {
        return " (the weights use GPT-2 names but config.json says " + c.model_type + ")";
    }
    return "";
}

Expected<std::shared_ptr<const Checkpoint>> load_from_sources(
    std::string dir, ModelConfig config, std::vector<SourceFile>& files,
    const std::vector<std::pair<std::string, std::string>>& weight_map, const std::string& index_path,
    std::shared_ptr<Checkpoint::Storage> storage, const LoadOptions& options) {
    // Every header first (M1-M4), before any tensor is looked at.
    std::unordered_map<std::string, TensorRef> tensors;
    for (SourceFile& f : files) {
        Expected<SafetensorsHeader> h = parse_safetensors(f.bytes, f.path);
        if (!h) return Error{h.error()};
        f.header = std::move(h.value());
    }
    for (const SourceFile& f : files) {
        for (const SafetensorsTensor& t : f.header.tensors) {
            auto [it, inserted] = tensors.emplace(t.name, TensorRef{&f, &t});
            if (!inserted) {
                return Error{f.path + ": tensor \"" + t.name + "\" is also in " + it->second.file->path +
                             "; a tensor must be in exactly one shard"};
            }
        }
    }
    for (const auto& [name, shard] : weight_map) {
        auto it = tensors.find(name);
        if (it == tensors.end() || it->second.file->plain_name != shard) {
            return Error{
                index_path + ": lists tensor \"" + name + "\" in " + shard + ", but " +
                (it == tensors.end() ? "no shard has it" : "it is in " + it->second.file->plain_name) +
                "; the shards do not match the index"};
        }
    }
    // MiniMind's own config class does not say whether its attention has q_norm / k_norm (newer versions
    // do): the weights tell.
    if (config.model_type == "minimind" && tensors.count("model.layers.0.self_attn.q_norm.weight") != 0) {
        config.qk_norm = true;
    }
    // MiniMind's versions computed a missing intermediate_size differently (hidden * 8/3 or hidden * pi,
    // rounded up to 64), and save it as null: the MLP's weights say which.
    if (config.model_type == "minimind") {
        auto gate = tensors.find("model.layers.0.mlp.gate_proj.weight");
        if (gate != tensors.end() && gate->second.info->shape.size() == 2 &&
            gate->second.info->shape[1] == config.d_model && gate->second.info->shape[0] >= 1 &&
            gate->second.info->shape[0] <= std::int64_t{kMaxModelWidth} * 4) {
            config.d_ff = static_cast<int>(gate->second.info->shape[0]);
        }
    }

    // M9 and M5: every tensor the architecture needs exists, with the implied shape and a usable dtype.
    Plan plan(config, tensors);
    plan.build();
    std::int64_t resident = 0, in_place = 0, n_parameters = 0, total_bytes = 0;
    std::string dtype;
    for (Request& r : plan.requests()) {
        auto it = tensors.find(r.name);
        if (it == tensors.end()) {
            if (r.name == "lm_head.weight") {
                return Error{dir +
                             ": tensor lm_head.weight is missing and config.json says tie_word_embeddings "
                             "is false; the checkpoint is incomplete (or its config.json should say "
                             "\"tie_word_embeddings\": true)"};
            }
            return Error{dir + ": tensor " + r.name + " is missing (expected shape " + shape_text(r.shape) +
                         " from config.json)" + naming_hint(config, tensors)};
        }
        r.ref = it->second;
        const SafetensorsTensor& t = *r.ref.info;
        if (t.shape != r.shape) {
            return Error{r.ref.file->path + ": tensor " + r.name + " has shape " + shape_text(t.shape) +
                         "; config.json implies " + shape_text(r.shape)};
        }
        if (!is_supported_dtype(t.dtype)) {
            return Error{r.ref.file->path + ": tensor " + r.name + " has dtype " + t.dtype +
                         "; supported: F32, F16, BF16"};
        }
        if (dtype.empty()) {
            dtype = t.dtype;
        } else if (dtype != t.dtype) {
            dtype = "mixed";
        }
        n_parameters += t.n_elements;
        total_bytes += static_cast<std::int64_t>(t.n_bytes());
        if (uses_in_place(r.ref)) {
            in_place += static_cast<std::int64_t>(t.n_bytes());
        } else {
            resident += t.n_elements * static_cast<std::int64_t>(sizeof(float));
        }
    }

    // M11: a small F32 model is copied (owned memory: a file changed on disk later cannot fault).
    const bool own_f32 = in_place > 0 && in_place <= options.own_f32_up_to_bytes;
    if (own_f32) {
        resident += in_place;
        in_place = 0;
    }
    // M11: refuse what cannot fit before reading a single value.
    const std::int64_t estimate = resident + in_place;
    const std::int64_t available = available_memory_bytes();
    const std::int64_t limit = options.memory_limit_bytes > 0 ? options.memory_limit_bytes : available;
    if (limit > 0 && estimate > limit) {
        return Error{dir + ": the model needs about " + megabytes(estimate) + " (" + megabytes(resident) +
                     " of float32 converted from F16/BF16, " + megabytes(in_place) +
                     " of F32 used in place) but " +
                     (options.memory_limit_bytes > 0 ? "the memory limit is " + megabytes(limit)
                                                     : "only " + megabytes(limit) + " are available") +
                     "; choose a smaller model"};
    }

    // The converted tensors share one anonymous mapping, in huge pages where the kernel offers them:
    // faulting in small pages one by one cost more than the conversion itself (measured on GPT-2 small).
    char* arena = nullptr;
    std::size_t arena_size = 0, arena_used = 0;
    if (resident > 0) {
        const std::size_t padding = plan.requests().size() * kArenaAlignment;
        arena_size = round_up(static_cast<std::size_t>(resident) + padding, kHugePage);
        void* address = mmap(nullptr, arena_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (address == MAP_FAILED) {
            return Error{dir + ": cannot allocate " + megabytes(static_cast<std::int64_t>(arena_size)) +
                         " for the weights converted to float32: " + std::strerror(errno)};
        }
        madvise(address, arena_size, MADV_HUGEPAGE);
        storage->mappings.push_back({address, arena_size});
        arena = static_cast<char*>(address);
    }

    // The load: F32 in place, everything else converted; every value checked finite (M10).
    std::int64_t done_bytes = 0;
    if (options.progress) options.progress(0.0);
    for (Request& r : plan.requests()) {
        if (options.cancel != nullptr && options.cancel->load()) return Error{"cancelled"};
        const SafetensorsTensor& t = *r.ref.info;
        const char* src = r.ref.file->bytes.data() + r.ref.file->header.data_offset + t.begin;
        const float* data = nullptr;
        std::int64_t n_bad = 0;
        if (!own_f32 && uses_in_place(r.ref)) {
            n_bad = convert_tensor(src, t.dtype, nullptr, t.n_elements);
            data = reinterpret_cast<const float*>(src);
        } else {
            float* buffer = reinterpret_cast<float*>(arena + arena_used);
            arena_used += round_up(static_cast<std::size_t>(t.n_elements) * sizeof(float), kArenaAlignment);
            n_bad = convert_tensor(src, t.dtype, buffer, t.n_elements);
            data = buffer;
        }
        if (n_bad > 0) {
            return Error{r.ref.file->path + ": tensor " + r.name + " has " + std::to_string(n_bad) +
                         " non-finite values (NaN or infinity); the checkpoint is damaged"};
        }
        const bool vector = r.shape.size() == 1;
        const int rows = vector ? 1 : static_cast<int>(r.shape[0]);
        const int cols = static_cast<int>(vector ? r.shape[0] : r.shape[1]);
        r.view = {data, rows, cols, cols};
        done_bytes += static_cast<std::int64_t>(t.n_bytes());
        if (options.progress && total_bytes > 0) {
            options.progress(static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
        }
    }

    // From here on the converted weights are read-only, like the mapped files.
    if (arena != nullptr) mprotect(arena, arena_size, PROT_READ);

    auto checkpoint = std::make_shared<Checkpoint>();
    checkpoint->dir = std::move(dir);
    checkpoint->weights = plan.assemble();
    checkpoint->config = std::move(config);
    checkpoint->dtype = dtype;
    checkpoint->n_parameters = n_parameters;
    checkpoint->resident_bytes = resident;
    checkpoint->mapped_bytes = in_place;
    checkpoint->storage = std::move(storage);
    if (options.progress) options.progress(1.0);
    return std::shared_ptr<const Checkpoint>(std::move(checkpoint));
}

}  // namespace

Expected<std::shared_ptr<const Checkpoint>> load_checkpoint(const std::string& path,
                                                            const LoadOptions& options) {
    Expected<std::string> dir = resolve_model_dir(path);
    if (!dir) return Error{dir.error()};
    const std::string config_path = (std::filesystem::path(dir.value()) / "config.json").string();
    Expected<std::string> config_text = io::read_file_bytes(config_path, kMaxConfigBytes);
    if (!config_text) return Error{config_text.error()};
    Expected<ModelConfig> config = parse_model_config(config_text.value(), config_path);
    if (!config) return Error{config.error()};
    Expected<WeightFiles> weight_files = find_weight_files(dir.value());
    if (!weight_files) return Error{weight_files.error()};

    auto storage = std::make_shared<Checkpoint::Storage>();
    std::vector<SourceFile> files;
    for (const std::string& p : weight_files->paths) {
        Expected<std::string_view> bytes = map_file(p, *storage);
        if (!bytes) return Error{bytes.error()};
        SourceFile f;
        f.path = p;
        f.plain_name = std::filesystem::path(p).filename().string();
        f.bytes = bytes.value();
        files.push_back(std::move(f));
    }
    return load_from_sources(dir.value(), std::move(config.value()), files, weight_files->weight_map,
                             weight_files->index_path, std::move(storage), options);
}

Expected<std::shared_ptr<const Checkpoint>> load_checkpoint_from_memory(const InMemoryModel& model,
                                                                        const LoadOptions& options) {
    const std::string config_name = model.name + "/config.json";
    Expected<ModelConfig> config = parse_model_config(std::string(model.config_json), config_name);
    if (!config) return Error{config.error()};
    if (model.weight_files.empty()) return Error{model.name + ": no weight files"};
    std::vector<SourceFile> files;
    for (const auto& [name, bytes] : model.weight_files) {
        SourceFile f;
        f.path = model.name + "/" + name;
        f.plain_name = name;
        f.bytes = bytes;
        files.push_back(std::move(f));
    }
    return load_from_sources(model.name, std::move(config.value()), files, {}, "",
                             std::make_shared<Checkpoint::Storage>(), options);
}

}  // namespace attnviz::model
