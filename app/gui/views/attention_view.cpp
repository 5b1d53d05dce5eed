// The "Attention" view: the token strip (or, in cross-attention, the two sentences' strips) over the
// focused head's heatmap and the heads grid.
#include "app/gui/panels.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>

namespace attnviz::gui {

void draw_attention_view(AppState& s) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float strip_h = std::clamp(fs * 12.5f, 170.0f, avail.y * 0.36f);
    if (is_cross(s)) {
        draw_cross_strip(s, ImVec2(avail.x, strip_h));
    } else {
        draw_token_strip(s, ImVec2(avail.x, strip_h));
    }

    const float rest_h = std::max(50.0f, avail.y - strip_h - spacing);
    // The heatmap's cells are square and its height is the scarce side: give it the width its height
    // can use (labels, image, legend) and the heads grid the rest.
    const float heat_w = std::clamp(rest_h * 1.22f + fs * 2.0f, avail.x * 0.45f, avail.x * 0.72f);
    const float grid_w = std::max(50.0f, avail.x - heat_w - ImGui::GetStyle().ItemSpacing.x);
    draw_heatmap_panel(s, ImVec2(heat_w, rest_h));
    ImGui::SameLine();
    draw_heads_grid(s, ImVec2(grid_w, rest_h));
}

}  // namespace attnviz::gui
