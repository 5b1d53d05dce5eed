// Linear, log and rank normalisation of visible cells; masked and empty rows marked for the shader.
#include "core/export/heatmap_cells.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnviz {

namespace {

// Log scale floor: four decades below the maximum.
constexpr float kLogDecades = 4.0f;

bool cell_visible(const MaskMatrix* visible, int i, int j) {
    return visible == nullptr || (*visible)(i, j) != 0;
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

HeatmapCells make_heatmap_cells(const MatrixRM& values, const MaskMatrix* visible,
                                const ColorScaleSettings& s) {
    HeatmapCells cells;
    cells.n_rows = static_cast<int>(values.rows());
    cells.n_cols = static_cast<int>(values.cols());
    cells.data.assign(2 * static_cast<std::size_t>(values.size()), 0.0f);
    const int first_ranged_col = (s.ignore_first_key && cells.n_cols > 1) ? 1 : 0;

    // pass 1: the range over visible cells (and the sorted values, for the rank scale)
    std::vector<float> ranged;
    float vmin = std::numeric_limits<float>::infinity();
    float vmax = -std::numeric_limits<float>::infinity();
    float min_positive = std::numeric_limits<float>::infinity();
    for (int i = 0; i < cells.n_rows; ++i) {
        for (int j = first_ranged_col; j < cells.n_cols; ++j) {
            if (!cell_visible(visible, i, j)) continue;
            const float v = values(i, j);
            vmin = std::min(vmin, v);
            vmax = std::max(vmax, v);
            if (v > 0.0f) min_positive = std::min(min_positive, v);
            if (s.scale == ColorScale::kRank) ranged.push_back(v);
        }
    }
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

    // pass 2: per-cell t and state
    for (int i = 0; i < cells.n_rows; ++i) {
        bool any_visible = false;
        for (int j = 0; j < cells.n_cols; ++j) any_visible = any_visible || cell_visible(visible, i, j);
        for (int j = 0; j < cells.n_cols; ++j) {
            float* cell =
                &cells.data[2 * (static_cast<std::size_t>(i) * static_cast<std::size_t>(cells.n_cols) +
                                 static_cast<std::size_t>(j))];
            if (!any_visible) {
                cell[1] = static_cast<float>(CellState::kEmptyRow);
                continue;
            }
            if (!cell_visible(visible, i, j)) {
                cell[1] = static_cast<float>(CellState::kMasked);
                continue;
            }
            const float v = values(i, j);
            if (s.scale == ColorScale::kRank) {
                const auto below = std::lower_bound(ranged.begin(), ranged.end(), v) - ranged.begin();
                const auto n = static_cast<float>(ranged.size());
                cell[0] = n > 1.0f ? std::min(1.0f, static_cast<float>(below) / (n - 1.0f)) : 1.0f;
            } else {
                cell[0] = normalise_value(v, range, s.scale);
            }
        }
    }
    return cells;
}

}  // namespace attnviz
