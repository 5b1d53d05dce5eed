// Which heatmaps are on screen, at what size: read from AppState and FrameLayout, rendered on change.
#include "app/gui/gfx/view_textures.h"

#include <cmath>

namespace attnviz::gui {

namespace {

// Slot numbers of the renderer: the main heatmap first, then one per head thumbnail.
constexpr int kMainSlot = 0;
constexpr int kFirstThumbnailSlot = 1;

}  // namespace

void prepare_view_textures(AppState& s, HeatmapRenderer& renderer) {
    const Derived& d = s.derived;
    s.textures.heatmap = nullptr;
    s.textures.head_thumbnails.assign(d.head_cells.size(), nullptr);
    if (!renderer.ready() || d.head_cells.empty()) return;

    const HeatmapViewState& v = s.view.heatmap;
    const int focus = s.selection.focus_head;
    if (focus >= 0 && focus < static_cast<int>(d.head_cells.size())) {
        HeatmapRequest main;
        main.cells = &d.head_cells[static_cast<std::size_t>(focus)];
        main.cells_version = d.version;
        main.colormap = v.colormap;
        main.theme = s.view.theme;
        // Before the first layout, render at a guess; the next frame has the real size.
        main.width_px =
            std::max(1, static_cast<int>(s.layout.heatmap_pixels.x > 0 ? s.layout.heatmap_pixels.x : 400));
        main.height_px =
            std::max(1, static_cast<int>(s.layout.heatmap_pixels.y > 0 ? s.layout.heatmap_pixels.y : 400));
        const float span = 1.0f / v.zoom;
        main.window = {v.pan_x, v.pan_y, v.pan_x + span, v.pan_y + span};
        s.textures.heatmap = renderer.render(kMainSlot, main);
    }
    const int thumb =
        std::max(16, static_cast<int>(s.layout.thumbnail_pixels.x > 0 ? s.layout.thumbnail_pixels.x : 96));
    for (std::size_t h = 0; h < d.head_cells.size(); ++h) {
        HeatmapRequest t;
        t.cells = &d.head_cells[h];
        t.cells_version = d.version;
        t.colormap = v.colormap;
        t.theme = s.view.theme;
        t.width_px = thumb;
        t.height_px = thumb;
        s.textures.head_thumbnails[h] = renderer.render(kFirstThumbnailSlot + static_cast<int>(h), t);
    }
}

}  // namespace attnviz::gui
