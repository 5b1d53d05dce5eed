// The main area: a tab per registered view (views.h). "Attention" stacks the token strip over the
// heatmap and the heads grid.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/views/views.h"
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

void draw_main_view(AppState& s, ImVec2 pos, ImVec2 size) {
    begin_fixed_window("##main_view", pos, size, ImGuiWindowFlags_NoTitleBar);
    if (ImGui::BeginTabBar("##views")) {
        for (const ViewInfo& v : views()) {
            const bool select = s.view.main_view_requested && s.view.main_view == v.id;
            if (ImGui::BeginTabItem(v.tab_label, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0)) {
                if (!s.view.main_view_requested) s.view.main_view = v.id;
                if (s.quiz.hidden && v.id != MainView::kQuiz) {
                    // Predict, then reveal: no view shows weights while a question is open.
                    ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.3f, 1.0f), "Quiz open: weights hidden until Reveal (Quiz tab).");
                    ImGui::SameLine();
                    if (ImGui::SmallButton("End quiz")) end_quiz(s);
                }
                // Views that hide weights themselves draw; the others wait for the reveal.
                const bool hides_weights = v.id == MainView::kAttention || v.id == MainView::kKvCache || v.id == MainView::kQuiz;
                if (!s.quiz.hidden || hides_weights) v.draw(s);
                ImGui::EndTabItem();
            }
        }
        s.view.main_view_requested = false;
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace attnviz::gui
