// Linear, log and rank normalisation of visible cells; masked and empty rows marked for the shader.
#include "core/exports/heatmap_cells.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace attnviz::exports {

namespace {

// Log scale floor: four decades below the maximum.
constexpr float kLogDecades = 4.0f;

/// Smallest, largest and smallest positive value of some cells.
struct RowRange {
    float vmin = std::numeric_limits<float>::infinity();
    float vmax = -std::numeric_limits<float>::infinity();
    float min_positive = std::numeric_limits<float>::infinity();

    void merge(const RowRange& o) {
        vmin = std::min(vmin, o.vmin);
        vmax = std::max(vmax, o.vmax);
        min_positive = std::min(min_positive, o.min_positive);
    }
};

/// The range of row[j] for j in [begin, end) where vis is null or vis[j] != 0. Local accumulators, no
/// branch on the values: it runs over every cell of every head on each change.
RowRange row_range(const float* row, const std::uint8_t* vis, int begin, int end) {
    const float inf = std::numeric_limits<float>::infinity();
    float lo = inf, hi = -inf, pos = inf;
    for (int j = begin; j < end; ++j) {
        const float v = row[j];
        const bool seen = vis == nullptr || vis[j] != 0;
        lo = std::min(lo, seen ? v : inf);
        hi = std::max(hi, seen ? v : -inf);
        pos = std::min(pos, seen && v > 0.0f ? v : inf);
    }
    return {lo, hi, pos};
}

}  // namespace

const char* color_scale_name(ColorScale scale) {
    switch (scale) {
        case ColorScale::kLinear:
            return "linear";
        case ColorScale::kLog:
            return "log";
        case ColorScale::kRank:
            return "rank";
    }
    return "linear";
}

float normalise_value(float v, const ScaleRange& r, ColorScale scale) {
    if (scale == ColorScale::kLog) {
        if (!(v > r.vmin) || !(r.vmax > r.vmin) || r.vmin <= 0.0f)
            return v >= r.vmax && r.vmax > 0.0f ? 1.0f : 0.0f;
        return std::clamp(std::log(v / r.vmin) / std::log(r.vmax / r.vmin), 0.0f, 1.0f);
    }
    if (!(r.vmax > r.vmin)) return v > r.vmin ? 1.0f : (v < r.vmin ? 0.0f : 1.0f);
    return std::clamp((v - r.vmin) / (r.vmax - r.vmin), 0.0f, 1.0f);
}

HeatmapCells make_heatmap_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix* visible,
                                const ColorScaleSettings& s) {
    HeatmapCells cells;
    make_heatmap_cells(values, visible, s, cells);
    return cells;
}

void make_heatmap_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix* visible,
                        const ColorScaleSettings& s, HeatmapCells& cells) {
    cells.n_rows = static_cast<int>(values.rows());
    cells.n_cols = static_cast<int>(values.cols());
    cells.data.resize(2 * static_cast<std::size_t>(values.size()));  // pass 2 writes every float
    const int first_ranged_col = (s.ignore_first_key && cells.n_cols > 1) ? 1 : 0;

    // pass 1: the range over visible cells (and the sorted values, for the rank scale)
    std::vector<float> ranged;
    RowRange all;
    for (int i = 0; i < cells.n_rows; ++i) {
        const std::uint8_t* vis = visible != nullptr ? visible->row(i).data() : nullptr;
        const float* row = values.row(i).data();
        all.merge(row_range(row, vis, first_ranged_col, cells.n_cols));
        if (s.scale != ColorScale::kRank) continue;
        for (int j = first_ranged_col; j < cells.n_cols; ++j) {
            if (vis == nullptr || vis[j] != 0) ranged.push_back(row[j]);
        }
    }
    float vmin = all.vmin;
    float vmax = all.vmax;
    const float min_positive = all.min_positive;
    if (!(vmax >= vmin)) {  // nothing visible
        vmin = 0.0f;
        vmax = 1.0f;
    }
    ScaleRange range{s.zero_based ? std::min(0.0f, vmin) : vmin, vmax};
    if (s.scale == ColorScale::kLog) {
        const float floor = vmax * std::pow(10.0f, -kLogDecades);
        range.vmin = std::max(std::isfinite(min_positive) ? min_positive : floor, floor);
    }
    std::sort(ranged.begin(), ranged.end());
    cells.range = range;

    // pass 2: per-cell t and state. One pass per row over the mask, and the scale's constants taken out
    // of the loop: at 512 tokens this runs for every head on every frame of a slider drag.
    const bool linear_ok = s.scale == ColorScale::kLinear && range.vmax > range.vmin;
    const float linear_den = range.vmax - range.vmin;
    for (int i = 0; i < cells.n_rows; ++i) {
        float* row = &cells.data[2 * static_cast<std::size_t>(i) * static_cast<std::size_t>(cells.n_cols)];
        const std::uint8_t* vis = visible != nullptr ? visible->row(i).data() : nullptr;
        bool any_visible = vis == nullptr;
        for (int j = 0; j < cells.n_cols && !any_visible; ++j) any_visible = vis[j] != 0;
        if (!any_visible) {
            for (int j = 0; j < cells.n_cols; ++j) {
                row[2 * j] = 0.0f;
                row[2 * j + 1] = static_cast<float>(CellState::kEmptyRow);
            }
            continue;
        }
        const float* v = values.row(i).data();
        for (int j = 0; j < cells.n_cols; ++j) {
            float* cell = row + 2 * j;
            cell[0] = 0.0f;
            cell[1] = static_cast<float>(CellState::kValue);
            if (vis != nullptr && vis[j] == 0) {
                cell[1] = static_cast<float>(CellState::kMasked);
            } else if (linear_ok) {
                cell[0] = std::clamp((v[j] - range.vmin) / linear_den, 0.0f, 1.0f);
            } else if (s.scale == ColorScale::kRank) {
                const auto below = std::lower_bound(ranged.begin(), ranged.end(), v[j]) - ranged.begin();
                const auto n = static_cast<float>(ranged.size());
                cell[0] = n > 1.0f ? std::min(1.0f, static_cast<float>(below) / (n - 1.0f)) : 1.0f;
            } else {
                cell[0] = normalise_value(v[j], range, s.scale);
            }
        }
    }
}

HeatmapCells make_downsampled_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix& visible,
                                    int max_cells, const ColorScaleSettings& settings) {
    const int n_rows = static_cast<int>(values.rows());
    const int n_cols = static_cast<int>(values.cols());
    const int side = std::max(1, max_cells);
    const int block = std::max(1, (std::max(n_rows, n_cols) + side - 1) / side);
    if (block == 1) return make_heatmap_cells(values, &visible, settings);
    const int m_rows = (n_rows + block - 1) / block;
    const int m_cols = (n_cols + block - 1) / block;
    MatrixRM sum = MatrixRM::Zero(m_rows, m_cols);
    Eigen::MatrixXi count = Eigen::MatrixXi::Zero(m_rows, m_cols);
    for (int i = 0; i < n_rows; ++i) {
        const std::uint8_t* vis = visible.row(i).data();
        const float* row = values.row(i).data();
        const int a = i / block;
        for (int b = 0; b < m_cols; ++b) {
            float block_sum = 0.0f;
            int block_count = 0;
            for (int j = b * block; j < std::min(n_cols, (b + 1) * block); ++j) {
                const bool seen = vis[j] != 0;
                block_sum += seen ? row[j] : 0.0f;
                block_count += seen ? 1 : 0;
            }
            sum(a, b) += block_sum;
            count(a, b) += block_count;
        }
    }
    MaskMatrix seen = MaskMatrix::Zero(m_rows, m_cols);
    for (int a = 0; a < m_rows; ++a) {
        for (int b = 0; b < m_cols; ++b) {
            if (count(a, b) == 0) continue;
            sum(a, b) /= static_cast<float>(count(a, b));
            seen(a, b) = 1;
        }
    }
    return make_heatmap_cells(sum, &seen, settings);
}

}  // namespace attnviz::exports
