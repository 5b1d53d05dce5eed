// Reading and writing NumPy .npy files: float32/float64 arrays of 1 to 3 dimensions, bool/uint8 masks.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::io {

/// A C-order float array read from a .npy file. data.size() == product of shape.
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<float> data;
};

/// A C-order mask read from a .npy file (bool or uint8; nonzero = true).
struct NpyMask {
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> data;
};

/// Largest file read_npy accepts (4 GiB): checked from the file size before anything is allocated.
constexpr std::int64_t kNpyMaxBytes = 4LL << 30;

/// Reads a float32 or float64 (converted to float32) array of 1 to 3 dimensions, little-endian,
/// C order. Validates magic, version (1.0, 2.0, 3.0), header syntax, dtype, order and that the
/// shape matches the file size. Errors name the file and the problem.
Expected<NpyArray> read_npy(const std::string& path);

/// Reads a 1 to 3 dimensional bool or uint8 array (nonzero = true).
Expected<NpyMask> read_npy_mask(const std::string& path);

/// Parses .npy bytes (the body of read_npy); `name` is used in error messages.
Expected<NpyArray> parse_npy(const std::string& bytes, const std::string& name);
Expected<NpyMask> parse_npy_mask(const std::string& bytes, const std::string& name);

/// The bytes of a float32 .npy file (version 1.0, little-endian, C order, data 64-byte aligned) holding
/// `data`; shape: any number of dims, product == the number of floats at `data`.
std::string npy_bytes(const std::vector<std::int64_t>& shape, const float* data);

/// Writes a float32 array (version 1.0, little-endian, C order). Writes to a temporary file beside
/// `path` and renames it into place, so a failure never leaves a half-written file. shape: any number of
/// dims, product == data.size().
Status write_npy(const std::string& path, const std::vector<std::int64_t>& shape, const float* data);

}  // namespace attnviz::io
