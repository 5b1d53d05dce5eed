// The heatmap's cells (normalised values and states) are core/export/heatmap_cells.h, shared with the
// exported images; this header keeps their names in attnviz::gui.
#pragma once

#include "core/export/heatmap_cells.h"

namespace attnviz::gui {

using ::attnviz::CellState;
using ::attnviz::color_scale_name;
using ::attnviz::ColorScale;
using ::attnviz::ColorScaleSettings;
using ::attnviz::HeatmapCells;
using ::attnviz::make_downsampled_cells;
using ::attnviz::make_heatmap_cells;
using ::attnviz::normalise_value;
using ::attnviz::ScaleRange;

}  // namespace attnviz::gui
