// Brings the GPU images up to date with AppState before panels draw: the focused head's heatmap
// (with the panel's zoom window) and every head's thumbnail.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/gfx/heatmap_renderer.h"

namespace attnviz::gui {

void prepare_view_textures(AppState& s, HeatmapRenderer& renderer);

}  // namespace attnviz::gui
