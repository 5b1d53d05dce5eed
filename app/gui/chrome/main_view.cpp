// The main area: a tab per registered view (views.h); while a quiz hides the weights, only the views
// that hide them themselves draw.
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/views/views.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

namespace attnviz::gui {

namespace {

void draw_lesson_only_note(AppState& s) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
    ImGui::TextWrapped(
        "This view teaches with the lesson model's designed heads (its patterns, its word-order switch, "
        "its translation head, its quiz questions). A trained model has none of these by design, so the "
        "view is off while a real model is open.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Back to the lesson model")) close_model(s);
    ImGui::SameLine();
    ImGui::TextDisabled("the text stays");
}

}  // namespace

void draw_main_view(AppState& s, ImVec2 pos, ImVec2 size) {
    begin_fixed_window("##main_view", pos, size, ImGuiWindowFlags_NoTitleBar);
    if (ImGui::BeginTabBar("##views")) {
        for (const ViewInfo& v : views()) {
            const bool select = s.requests.view == v.id;
            if (ImGui::BeginTabItem(v.tab_label, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0)) {
                if (!s.requests.view) set_main_view(s, v.id);
                if (s.quiz.hidden() && v.id != MainView::kQuiz) {
                    // Predict, then reveal: no view shows weights while a question is open.
                    ImGui::TextColored(text_color(palette(s.view.theme).warning),
                                       "Quiz open: weights hidden until Reveal (Quiz tab).");
                    ImGui::SameLine();
                    if (ImGui::SmallButton("End quiz")) end_quiz(s);
                }
                if (v.lesson_only && model_open(s)) {
                    draw_lesson_only_note(s);
                } else if (!s.quiz.hidden() || v.hides_weights) {
                    // Views that hide weights themselves draw; the others wait for the reveal.
                    v.draw(s);
                }
                ImGui::EndTabItem();
            }
        }
        s.requests.view.reset();
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace attnviz::gui
