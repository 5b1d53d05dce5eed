// Shared numeric types and shape conventions of the attention engine.
// Every matrix is row-major. Rows are queries ("who is looking"), columns are keys ("looked at").
#pragma once

#include "core/base/eigen.h"

#include <cstdint>
#include <vector>

namespace attnviz {

/// A row-major float matrix. Attention matrices are [n_q, n_k]; token matrices are [n_tokens, dim].
using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A row-major double matrix, for float64 cross-checks in tests and the CLI.
using MatrixRMd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Visibility: [n_q, n_k], 1 where query i may attend to key j, 0 where masked.
using MaskMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

using MapRM = Eigen::Map<MatrixRM>;
using ConstMapRM = Eigen::Map<const MatrixRM>;

/// A stack of equally shaped row-major matrices in one contiguous buffer: [n_mats, n_rows, n_cols].
/// Used for per-head Q/K/V ([n_heads, n_tokens, head_dim]) and for weights ([n_heads, n_q, n_k]).
class Tensor3 {
  public:
    Tensor3() = default;
    Tensor3(int n_mats, int n_rows, int n_cols)
        : m_data(static_cast<std::size_t>(n_mats) * static_cast<std::size_t>(n_rows) *
                     static_cast<std::size_t>(n_cols),
                 0.0f),
          m_n_mats(n_mats),
          m_n_rows(n_rows),
          m_n_cols(n_cols) {}

    int n_mats() const { return m_n_mats; }
    int n_rows() const { return m_n_rows; }
    int n_cols() const { return m_n_cols; }
    bool empty() const { return m_data.empty(); }

    MapRM mat(int i) { return MapRM(m_data.data() + offset(i), m_n_rows, m_n_cols); }
    ConstMapRM mat(int i) const { return ConstMapRM(m_data.data() + offset(i), m_n_rows, m_n_cols); }

    float* data() { return m_data.data(); }
    const float* data() const { return m_data.data(); }
    std::size_t size() const { return m_data.size(); }

  private:
    std::size_t offset(int i) const {
        return static_cast<std::size_t>(i) * static_cast<std::size_t>(m_n_rows) *
               static_cast<std::size_t>(m_n_cols);
    }

    std::vector<float> m_data;
    int m_n_mats = 0;
    int m_n_rows = 0;
    int m_n_cols = 0;
};

}  // namespace attnviz
