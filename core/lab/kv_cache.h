// KV-cache sizing: bytes = 2 (K and V) * layers * kv_heads * head_dim * seq_len * batch * bytes/element.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <optional>
#include <string>

namespace attnviz::lab {

enum class KvDtype { kFp32, kFp16, kBf16, kFp8, kInt8 };

/// Bytes per stored element: fp32 4, fp16/bf16 2, fp8/int8 1.
int kv_dtype_bytes(KvDtype dtype);
/// "fp32", "fp16", "bf16", "fp8", "int8".
const char* kv_dtype_name(KvDtype dtype);
/// Parses one of the names above (case-sensitive); std::nullopt otherwise.
std::optional<KvDtype> parse_kv_dtype(const std::string& name);

/// The shape of a KV cache.
struct KvCacheShape {
    std::int64_t n_layers = 1;
    std::int64_t n_kv_heads = 1;
    std::int64_t head_dim = 1;
    std::int64_t seq_len = 1;
    std::int64_t batch = 1;
    KvDtype dtype = KvDtype::kFp16;
    std::int64_t window = 0;  ///< sliding window: the cache keeps at most this many tokens; 0 = none
};

/// Tokens actually held per sequence: seq_len, or the window when it is shorter (a rolling cache).
std::int64_t kv_cached_tokens(const KvCacheShape& shape);

/// Every count must be >= 1 and the total must fit in 63 bits; else a sentence naming the field.
Status validate_kv_cache_shape(const KvCacheShape& shape);

/// Total bytes. Precondition: validate_kv_cache_shape passed.
std::uint64_t kv_cache_bytes(const KvCacheShape& shape);

/// Bytes per token of one sequence: 2 * layers * kv_heads * head_dim * bytes/element.
std::uint64_t kv_cache_bytes_per_token(const KvCacheShape& shape);

/// One cache shape against its MHA and MQA variants (the same shape with n_heads or 1 KV heads).
struct KvCacheComparison {
    std::int64_t n_heads = 1;     ///< query heads
    std::uint64_t bytes = 0;      ///< the shape as given (its n_kv_heads)
    std::uint64_t mha_bytes = 0;  ///< n_kv_heads = n_heads
    std::uint64_t mqa_bytes = 0;  ///< n_kv_heads = 1
    std::uint64_t bytes_per_token = 0;
    std::uint64_t mha_bytes_per_token = 0;
    std::uint64_t mqa_bytes_per_token = 0;
    double saving = 1.0;  ///< mha_bytes / bytes = n_heads / n_kv_heads
};

/// Compares a shape with MHA and MQA. Errors (a sentence) when the shape is invalid or n_heads is not
/// a multiple of shape.n_kv_heads. attnviz-cli kv-cache and the GUI calculator both print this.
Expected<KvCacheComparison> compare_kv_cache(const KvCacheShape& shape, std::int64_t n_heads);

/// "MHA", "GQA" or "MQA" for a KV-head count against n_heads.
const char* kv_layout_name(std::int64_t n_kv_heads, std::int64_t n_heads);

/// The saving factor as a student reads it: "6x", "1.5x".
std::string format_saving(double factor);

/// Binary units, said as such: "64.0 GiB", "512.0 MiB", "12.0 KiB", "100 bytes".
std::string format_bytes(double bytes);

}  // namespace attnviz::lab
