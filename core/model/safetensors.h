// The safetensors format, checked: 8-byte little-endian header length, a JSON header, tensors as byte
// ranges of the data buffer that follows. Every range is validated before any tensor byte is read.
#pragma once

#include "core/base/expected.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnviz::model {

/// Largest JSON header accepted (the safetensors crate's MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

/// One tensor of a safetensors file, as its header declares it (validated).
struct SafetensorsTensor {
    std::string name;
    std::string dtype;                ///< as written: "F32", "F16", "BF16", "I64", ...
    std::vector<std::int64_t> shape;  ///< [] for a scalar
    std::int64_t n_elements = 0;      ///< product of shape (1 for a scalar)
    std::uint64_t begin = 0;          ///< byte offsets relative to the data buffer (after the header)
    std::uint64_t end = 0;
    std::uint64_t n_bytes() const { return end - begin; }
};

/// A parsed safetensors header. The tensors tile [0, data_size) exactly (no gap, no overlap, nothing
/// after the last one), sorted by `begin`.
struct SafetensorsHeader {
    std::uint64_t header_size = 0;  ///< N, the JSON header's length
    std::uint64_t data_offset = 0;  ///< 8 + N: where the data buffer starts in the file
    std::uint64_t data_size = 0;    ///< file size - data_offset
    std::vector<SafetensorsTensor> tensors;
    std::vector<std::pair<std::string, std::string>> metadata;  ///< "__metadata__", string to string

    /// The tensor with this name, or nullptr.
    const SafetensorsTensor* find(std::string_view name) const;
};

/// Bytes per element of a safetensors dtype name, as a number of bits (F4 is 4, F6_E2M3 is 6, F32 is 32);
/// 0 for a name the format does not define.
int safetensors_dtype_bits(std::string_view dtype);

/// The dtypes attnviz can compute with: F32, F16, BF16.
bool is_supported_dtype(std::string_view dtype);

/// Parses and validates a whole safetensors file held in `bytes` (robustness M1-M4): the sniffing of
/// foreign files (PNG, HTML, GGUF, zip, Git LFS pointer), header length bounds and overflow, UTF-8, JSON
/// starting with '{', every entry's dtype / shape / data_offsets, the shape product, offsets tiling the
/// data buffer exactly, and "__metadata__" holding strings only. Errors start with `file_name` and name
/// the tensor. Unsupported dtypes are accepted here (they still have a size); the loader refuses those
/// of the tensors it uses.
Expected<SafetensorsHeader> parse_safetensors(std::string_view bytes, const std::string& file_name);

/// The first bytes of a buffer as hex ("89 50 4E 47"), for "not a safetensors file" messages.
std::string hex_prefix(std::string_view bytes, std::size_t n_bytes = 8);

}  // namespace attnviz::model
