// KV-cache sizing: bytes = 2 (K and V) * layers * kv_heads * head_dim * seq_len * batch * bytes/element.
#pragma once

#include "core/expected.h"

#include <cstdint>
#include <optional>
#include <string>

namespace attnviz {

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
};

/// Every count must be >= 1 and the total must fit in 63 bits; else a sentence naming the field.
Status validate_kv_cache_shape(const KvCacheShape& shape);

/// Total bytes. Precondition: validate_kv_cache_shape passed.
std::uint64_t kv_cache_bytes(const KvCacheShape& shape);

/// Bytes per token of one sequence: 2 * layers * kv_heads * head_dim * bytes/element.
std::uint64_t kv_cache_bytes_per_token(const KvCacheShape& shape);

/// Binary units, said as such: "64.0 GiB", "512.0 MiB", "12.0 KiB", "100 bytes".
std::string format_bytes(double bytes);

}  // namespace attnviz
