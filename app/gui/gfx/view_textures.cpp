// Which heatmaps are on screen, at what size: read from AppState and FrameLayout, rendered on change.
#include "app/gui/gfx/view_textures.h"

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

namespace {

// Slot numbers of the renderer: the main heatmap first, then one per head thumbnail of the shown layer,
// the model view's preview, and one per head of a real model (layer-major).
constexpr int kMainSlot = 0;
constexpr int kFirstThumbnailSlot = 1;
constexpr int kMaxLayerThumbnails = 256;
constexpr int kModelPreviewSlot = kFirstThumbnailSlot + kMaxLayerThumbnails;
constexpr int kFirstModelSlot = kModelPreviewSlot + 1;

/// The model view's thumbnails drawn last frame and its preview (a real model only).
void prepare_model_textures(AppState& s, HeatmapRenderer& renderer) {
    const ModelDerived& m = s.derived.model;
    s.textures.model_thumbnails.assign(m.thumbnails.size(), nullptr);
    s.textures.model_preview = nullptr;
    const HeatmapViewState& v = s.view.heatmap;
    const int thumb = std::max(
        16, static_cast<int>(s.layout.model_thumb_pixels.x > 0 ? s.layout.model_thumb_pixels.x : 64));
    for (const auto& [index, rect] : s.layout.model_thumbs) {
        static_cast<void>(rect);
        const auto iu = static_cast<std::size_t>(index);
        if (index < 0 || iu >= m.thumbnails.size() || m.thumbnails[iu].n_rows == 0) continue;
        HeatmapRequest t;
        t.cells = &m.thumbnails[iu];
        t.cells_version = m.thumbnails_version;
        t.colormap = v.colormap;
        t.theme = s.view.theme;
        t.width_px = thumb;
        t.height_px = thumb;
        s.textures.model_thumbnails[iu] = renderer.render(kFirstModelSlot + index, t);
    }
    if (!m.preview_key.empty() && m.preview.n_rows > 0) {
        HeatmapRequest p;
        p.cells = &m.preview;
        p.cells_version = m.preview_version;
        p.colormap = v.colormap;
        p.theme = s.view.theme;
        p.width_px = std::max(
            1, static_cast<int>(s.layout.model_preview_pixels.x > 0 ? s.layout.model_preview_pixels.x : 400));
        p.height_px = std::max(
            1, static_cast<int>(s.layout.model_preview_pixels.y > 0 ? s.layout.model_preview_pixels.y : 400));
        s.textures.model_preview = renderer.render(kModelPreviewSlot, p);
    }
}

}  // namespace

void prepare_view_textures(AppState& s, HeatmapRenderer& renderer) {
    const Derived& d = s.derived;
    s.textures.heatmap = nullptr;
    s.textures.head_thumbnails.assign(d.head_thumbnail_cells.size(), nullptr);
    if (!renderer.ready()) return;
    prepare_model_textures(s, renderer);

    const HeatmapViewState& v = s.view.heatmap;
    const int focus = s.selection.focus_head;
    if (focus >= 0 && focus == d.focus_cells_head) {
        HeatmapRequest main;
        main.cells = &d.focus_cells;
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
    for (std::size_t h = 0; h < d.head_thumbnail_cells.size() && h < kMaxLayerThumbnails; ++h) {
        HeatmapRequest t;
        t.cells = &d.head_thumbnail_cells[h];
        t.cells_version = d.version;
        t.colormap = v.colormap;
        t.theme = s.view.theme;
        t.width_px = thumb;
        t.height_px = thumb;
        s.textures.head_thumbnails[h] = renderer.render(kFirstThumbnailSlot + static_cast<int>(h), t);
    }
}

}  // namespace attnviz::gui
