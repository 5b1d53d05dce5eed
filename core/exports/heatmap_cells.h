// Turns a matrix and its visibility into what the heatmap shader draws: per cell a normalised value in
// [0, 1] (linear, log or rank colour scale) and a state (value, masked, row with no visible key).
// The GUI's heatmap and the exported SVG, PNG and GIF images share it, so a file shows what the screen does.
#pragma once

#include "core/base/types.h"

#include <vector>

namespace attnviz::exports {

enum class ColorScale { kLinear, kLog, kRank };

const char* color_scale_name(ColorScale scale);

enum class CellState { kValue = 0, kMasked = 1, kEmptyRow = 2 };

struct ColorScaleSettings {
    ColorScale scale = ColorScale::kLinear;
    /// Leave key column 0 out when finding the range, so an attention sink on the first token does not
    /// wash out everything else (its cells saturate at the top colour instead).
    bool ignore_first_key = false;
    /// The range starts at 0 (weights) instead of at the smallest visible value (scores).
    bool zero_based = true;
};

/// The value range the colours span, in the matrix's own units (for the legend).
struct ScaleRange {
    float vmin = 0.0f;
    float vmax = 1.0f;
};

/// [n_rows, n_cols] cells, row-major, two floats each: t in [0, 1] and the CellState as a float.
struct HeatmapCells {
    int n_rows = 0;
    int n_cols = 0;
    std::vector<float> data;
    ScaleRange range;

    float t(int row, int col) const {
        return data[2 * (static_cast<std::size_t>(row) * static_cast<std::size_t>(n_cols) +
                         static_cast<std::size_t>(col))];
    }
    CellState state(int row, int col) const {
        return static_cast<CellState>(
            static_cast<int>(data[2 * (static_cast<std::size_t>(row) * static_cast<std::size_t>(n_cols) +
                                       static_cast<std::size_t>(col)) +
                                  1]));
    }
};

/// values: [n_rows, n_cols]; visible: [n_rows, n_cols] or nullptr (all visible). Rows with no visible
/// cell become kEmptyRow, invisible cells kMasked; only visible cells decide the range.
/// Log scale spans at most four decades below the maximum (smaller values sit at the bottom colour);
/// rank scale places each value by its rank among the visible cells.
HeatmapCells make_heatmap_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix* visible,
                                const ColorScaleSettings& settings);
/// The same into `out`, reusing its memory (a slider drag rebuilds the same size on every frame).
void make_heatmap_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix* visible,
                        const ColorScaleSettings& settings, HeatmapCells& out);

/// Cells of at most max_cells a side: values averaged over blocks of ceil(n / max_cells) rows and columns
/// (visible cells only; a block with none is masked), then make_heatmap_cells. Thumbnails use it: a
/// 512 x 512 head becomes 64 x 64 cells instead of a 2 MB texture per head per change.
/// values: [n_rows, n_cols]; visible: [n_rows, n_cols]. Below max_cells a side, equal to make_heatmap_cells.
HeatmapCells make_downsampled_cells(const Eigen::Ref<const MatrixRM>& values, const MaskMatrix& visible,
                                    int max_cells, const ColorScaleSettings& settings);

/// Normalised position in [0, 1] of a value for linear and log scales (the legend's tick marks).
float normalise_value(float v, const ScaleRange& range, ColorScale scale);

}  // namespace attnviz::exports
