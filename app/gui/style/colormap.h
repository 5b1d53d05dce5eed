// The GUI's colormaps are core/exports/colormap.h (one source of colour for the screen and the exported
// files); this header keeps their names in attnviz::gui.
#pragma once

#include "core/exports/colormap.h"

namespace attnviz::gui {

using ::attnviz::exports::Colormap;
using ::attnviz::exports::colormap_color;
using ::attnviz::exports::colormap_from_name;
using ::attnviz::exports::colormap_index;
using ::attnviz::exports::colormap_name;
using ::attnviz::exports::colormap_table;
using ::attnviz::exports::kColormapCount;
using ::attnviz::exports::kColormapSize;
using ::attnviz::exports::Rgb8;

}  // namespace attnviz::gui
