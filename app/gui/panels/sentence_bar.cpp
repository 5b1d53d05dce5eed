// The top bar: scenario picker and title, the editable sentence, and notices about the input.
#include "app/gui/app_actions.h"
#include "app/gui/panels/panels.h"
#include "app/gui/panels/widgets.h"
#include "app/gui/theme.h"
#include "core/scenario.h"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace attnviz::gui {

float draw_sentence_bar(AppState& s, ImVec2 pos, float width) {
    const float fs = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    const bool has_notes = !s.derived.notices.empty() || !s.derived.status.empty() || !s.status_message.empty() ||
                           !s.load_message.empty();
    const float height = ImGui::GetFrameHeight() * 2.0f + style.ItemSpacing.y + style.WindowPadding.y * 2.0f +
                         (has_notes ? ImGui::GetTextLineHeightWithSpacing() : 0.0f);
    begin_fixed_window("##sentence_bar", pos, ImVec2(width, height), ImGuiWindowFlags_NoTitleBar);

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Lesson");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 16.0f);
    const std::string preview = s.scenario_title.empty() ? "(your own sentence)" : s.scenario_title;
    if (ImGui::BeginCombo("##scenario", preview.c_str())) {
        for (const Scenario& sc : builtin_scenarios()) {
            if (ImGui::Selectable(sc.title.c_str(), sc.name == s.scenario_name)) apply_scenario(s, sc);
            if (ImGui::IsItemHovered() && !sc.explanation.empty()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(fs * 30.0f);
                ImGui::TextUnformatted(sc.explanation.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        }
        ImGui::EndCombo();
    }
    if (!s.scenario_explanation.empty()) {
        ImGui::SameLine();
        ImGui::PushTextWrapPos(width - style.WindowPadding.x);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette(s.view.theme).text_dim), "%s",
                           s.scenario_explanation.c_str());
        ImGui::PopTextWrapPos();
    }

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Sentence");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::InputTextWithHint("##sentence", "Type a sentence", &s.sentence)) {
        s.scenario_name.clear();
        s.scenario_title.clear();
        s.scenario_explanation.clear();
        leave_hand_example(s);
        s.dirty = true;
    }

    if (has_notes) {
        const ImVec4 warn(0.95f, 0.75f, 0.25f, 1.0f);
        std::string line = s.derived.status;
        for (const std::string& n : s.derived.notices) line += (line.empty() ? "" : "  \xC2\xB7  ") + n;
        for (const std::string* m : {&s.load_message, &s.status_message}) {
            if (!m->empty()) line += (line.empty() ? "" : "  \xC2\xB7  ") + *m;
        }
        for (char& c : line) {
            if (c == '\n') c = ' ';
        }
        ImGui::TextColored(warn, "%s", line.c_str());
    }
    ImGui::End();
    return height;
}

}  // namespace attnviz::gui
