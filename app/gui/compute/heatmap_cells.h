// The heatmap's cells (normalised values and states) are core/exports/heatmap_cells.h, shared with the
// exported images; this header keeps their names in attnviz::gui.
#pragma once

#include "core/exports/heatmap_cells.h"

namespace attnviz::gui {

using ::attnviz::exports::CellState;
using ::attnviz::exports::color_scale_name;
using ::attnviz::exports::ColorScale;
using ::attnviz::exports::ColorScaleSettings;
using ::attnviz::exports::HeatmapCells;
using ::attnviz::exports::make_downsampled_cells;
using ::attnviz::exports::make_heatmap_cells;
using ::attnviz::exports::normalise_value;
using ::attnviz::exports::ScaleRange;

}  // namespace attnviz::gui
