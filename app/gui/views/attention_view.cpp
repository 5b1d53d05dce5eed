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
    const auto strip = [&](ImVec2 size) {
        if (is_cross(s)) {
            draw_cross_strip(s, size);
        } else {
            draw_token_strip(s, size);
        }
    };
    // The heatmap's own header, axis labels and legend around its square matrix.
    const float heat_chrome_w = fs * 11.0f;
    const float heat_chrome_h = fs * (fs > 20.0f ? 6.5f : 7.5f);  // column labels elide sooner there
    if (fs > 20.0f && avail.x > avail.y) {
        // Large text: the matrix takes the whole height on the left; the strip's arcs and the heads grid
        // share the right column, so a bigger text does not shrink the picture.
        const float heat_w =
            std::clamp(avail.y - heat_chrome_h + heat_chrome_w, avail.x * 0.5f, avail.x * 0.8f);
        draw_heatmap_panel(s, ImVec2(heat_w, avail.y));
        ImGui::SameLine();
        ImGui::BeginGroup();
        const float right_w = std::max(50.0f, avail.x - heat_w - ImGui::GetStyle().ItemSpacing.x);
        const float strip_h = std::max(fs * 6.0f, avail.y * 0.55f);
        strip(ImVec2(right_w, strip_h));
        draw_heads_grid(s, ImVec2(right_w, std::max(50.0f, avail.y - strip_h - spacing)));
        ImGui::EndGroup();
        return;
    }
    const float strip_h = std::clamp(fs * 7.5f, 120.0f, avail.y * 0.27f);
    strip(ImVec2(avail.x, strip_h));
    const float rest_h = std::max(50.0f, avail.y - strip_h - spacing);
    // The heatmap's cells are square and its height is the scarce side: give it the width its height
    // can use (labels, image, legend) and the heads grid the rest.
    const float heat_w = std::clamp(rest_h - heat_chrome_h + heat_chrome_w, avail.x * 0.45f, avail.x * 0.72f);
    const float grid_w = std::max(50.0f, avail.x - heat_w - ImGui::GetStyle().ItemSpacing.x);
    draw_heatmap_panel(s, ImVec2(heat_w, rest_h));
    ImGui::SameLine();
    draw_heads_grid(s, ImVec2(grid_w, rest_h));
}

}  // namespace attnviz::gui
