// KV-cache byte arithmetic with overflow-checked inputs, and human-readable binary units.
#include "core/lab/kv_cache.h"

#include <cmath>
#include <cstdio>

namespace attnviz::lab {

int kv_dtype_bytes(KvDtype dtype) {
    switch (dtype) {
        case KvDtype::kFp32:
            return 4;
        case KvDtype::kFp16:
            return 2;
        case KvDtype::kBf16:
            return 2;
        case KvDtype::kFp8:
            return 1;
        case KvDtype::kInt8:
            return 1;
    }
    return 2;
}

const char* kv_dtype_name(KvDtype dtype) {
    switch (dtype) {
        case KvDtype::kFp32:
            return "fp32";
        case KvDtype::kFp16:
            return "fp16";
        case KvDtype::kBf16:
            return "bf16";
        case KvDtype::kFp8:
            return "fp8";
        case KvDtype::kInt8:
            return "int8";
    }
    return "fp16";
}

std::optional<KvDtype> parse_kv_dtype(const std::string& name) {
    for (KvDtype d : {KvDtype::kFp32, KvDtype::kFp16, KvDtype::kBf16, KvDtype::kFp8, KvDtype::kInt8}) {
        if (name == kv_dtype_name(d)) return d;
    }
    return std::nullopt;
}

Status validate_kv_cache_shape(const KvCacheShape& s) {
    const struct {
        const char* name;
        std::int64_t value;
    } fields[] = {{"layers", s.n_layers},
                  {"kv-heads", s.n_kv_heads},
                  {"head-dim", s.head_dim},
                  {"seq", s.seq_len},
                  {"batch", s.batch}};
    if (s.window < 0) return "window is " + std::to_string(s.window) + "; it must be 0 (none) or more";
    long double total = 2.0L * kv_dtype_bytes(s.dtype);
    for (const auto& f : fields) {
        if (f.value < 1)
            return std::string(f.name) + " is " + std::to_string(f.value) + "; it must be at least 1";
        total *= static_cast<long double>(f.value);
    }
    if (total > 9.0e18L) return "the KV cache would exceed 2^63 bytes; check the sizes";
    return {};
}

std::uint64_t kv_cache_bytes_per_token(const KvCacheShape& s) {
    return 2ULL * static_cast<std::uint64_t>(s.n_layers) * static_cast<std::uint64_t>(s.n_kv_heads) *
           static_cast<std::uint64_t>(s.head_dim) * static_cast<std::uint64_t>(kv_dtype_bytes(s.dtype));
}

std::int64_t kv_cached_tokens(const KvCacheShape& s) {
    return s.window > 0 && s.window < s.seq_len ? s.window : s.seq_len;
}

std::uint64_t kv_cache_bytes(const KvCacheShape& s) {
    return kv_cache_bytes_per_token(s) * static_cast<std::uint64_t>(kv_cached_tokens(s)) *
           static_cast<std::uint64_t>(s.batch);
}

Expected<KvCacheComparison> compare_kv_cache(const KvCacheShape& shape, std::int64_t n_heads) {
    if (Status err = validate_kv_cache_shape(shape); !err.empty()) return Error{err};
    if (n_heads < shape.n_kv_heads || n_heads % shape.n_kv_heads != 0) {
        return Error{"number of query heads (" + std::to_string(n_heads) +
                     ") must be a multiple of the KV heads (" + std::to_string(shape.n_kv_heads) + ")"};
    }
    KvCacheShape mha = shape;
    mha.n_kv_heads = n_heads;
    if (Status err = validate_kv_cache_shape(mha); !err.empty()) return Error{err};
    KvCacheShape mqa = shape;
    mqa.n_kv_heads = 1;
    KvCacheComparison c;
    c.n_heads = n_heads;
    c.bytes = kv_cache_bytes(shape);
    c.mha_bytes = kv_cache_bytes(mha);
    c.mqa_bytes = kv_cache_bytes(mqa);
    c.bytes_per_token = kv_cache_bytes_per_token(shape);
    c.mha_bytes_per_token = kv_cache_bytes_per_token(mha);
    c.mqa_bytes_per_token = kv_cache_bytes_per_token(mqa);
    c.saving = static_cast<double>(n_heads) / static_cast<double>(shape.n_kv_heads);
    return c;
}

const char* kv_layout_name(std::int64_t n_kv_heads, std::int64_t n_heads) {
    if (n_kv_heads == n_heads) return "MHA";
    if (n_kv_heads == 1) return "MQA";
    return "GQA";
}

std::string format_saving(double factor) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4gx", factor);
    return buf;
}

std::string format_bytes(double bytes) {
    static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
        return buf;
    }
    int unit = -1;
    while (bytes >= 1024.0 && unit < 5) {
        bytes /= 1024.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[unit]);
    return buf;
}

}  // namespace attnviz::lab
