// The GUI's colormaps are core/export/colormap.h (one source of colour for the screen and the exported
// files); this header keeps their names in attnviz::gui.
#pragma once

#include "core/export/colormap.h"

namespace attnviz::gui {

using ::attnviz::Colormap;
using ::attnviz::colormap_color;
using ::attnviz::colormap_from_name;
using ::attnviz::colormap_index;
using ::attnviz::colormap_name;
using ::attnviz::colormap_table;
using ::attnviz::kColormapCount;
using ::attnviz::kColormapSize;
using ::attnviz::Rgb8;

}  // namespace attnviz::gui
