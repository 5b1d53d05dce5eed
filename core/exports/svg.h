// SVG of the heatmap (a rect per cell in the colormap's colours, axis labels, a colour legend) and of the
// token strip with its attention arcs (paths): vector shapes and real text, for slides and papers.
#pragma once

#include "core/base/types.h"
#include "core/exports/colormap.h"
#include "core/exports/heatmap_cells.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnviz::exports {

/// Text made safe inside SVG/XML text and attribute values: & < > " ' escaped, characters XML 1.0 forbids
/// (C0 controls but tab, LF, CR) and invalid UTF-8 bytes replaced by U+FFFD.
std::string xml_escape(std::string_view text);

struct HeatmapSvgOptions {
    Colormap colormap = Colormap::kViridis;
    ColorScaleSettings color;  ///< how values map to colours (the GUI's colour scale settings)
    float cell = 28.0f;        ///< cell edge in SVG user units (px)
    float font_size = 13.0f;
    std::string title;             ///< drawn above the matrix when not empty
    bool values_in_cells = false;  ///< write each weight in its cell (readable at a few dozen tokens)
};

/// One head's weights as an SVG document.
///   weights, visible: [row_labels.size(), col_labels.size()]; rows are queries, columns keys.
/// Each cell is one <rect class="cell"> (masked cells hatched, rows that see no key grey), the key labels
/// run along the top (rotated), the query labels down the left, and the legend on the right spans the
/// colour scale's range with tick values.
std::string heatmap_svg(const MatrixRM& weights, const MaskMatrix& visible,
                        const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const HeatmapSvgOptions& options);

struct TokenStripSvgOptions {
    Colormap colormap = Colormap::kViridis;
    float font_size = 16.0f;
    std::string title;
    float min_weight = 0.004f;  ///< arcs of smaller weights are left out, as on screen
    int labelled_arcs = 3;      ///< the strongest arcs carry their weight as text
};

/// The sentence as token chips with arcs from the query to every key it sees, thickness and colour
/// following the weight, and a weight bar under each chip.
///   labels: [n] (self-attention: queries are keys); weights, visible: [n, n]; query in [0, n).
/// Each chip is a <rect class="chip">, each arc a <path class="arc">.
std::string token_strip_svg(const std::vector<std::string>& labels, const MatrixRM& weights,
                            const MaskMatrix& visible, int query, const TokenStripSvgOptions& options);

}  // namespace attnviz::exports
