// The top bar: scenario picker and title, the editable sentence, and notices about the input.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/scenario.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace attnviz::gui {

float draw_sentence_bar(AppState& s, ImVec2 pos, float width) {
    const float fs = ImGui::GetFontSize();
    const ImGuiStyle& style = ImGui::GetStyle();
    const LessonIdentity lesson = s.lesson.value_or(LessonIdentity{});
    const bool has_notes = !s.derived.notices.empty() || !s.derived.status.empty() ||
                           !s.status_message.empty() || !s.load_message.empty();
    // The bar's height never depends on what it shows (an explanation or a status line appearing would
    // move every control below and a click would land on the wrong thing): the explanation gets a fixed
    // number of lines (fewer at large text, so the picture keeps the screen) and scrolls when longer;
    // the status line is always reserved.
    const float picker_w = std::min(fs * 16.0f, width * 0.3f);
    const float line_h = ImGui::GetTextLineHeight();
    const float screen_h = ImGui::GetMainViewport()->WorkSize.y;
    const int explanation_lines = std::clamp(static_cast<int>(screen_h * 0.11f / line_h), 2, 4);
    const float first_row_h =
        std::max(ImGui::GetFrameHeight(), line_h * static_cast<float>(explanation_lines));
    const float height = first_row_h + ImGui::GetFrameHeight() + style.ItemSpacing.y +
                         style.WindowPadding.y * 2.0f + ImGui::GetTextLineHeightWithSpacing();
    begin_fixed_window("##sentence_bar", pos, ImVec2(width, height), ImGuiWindowFlags_NoTitleBar);

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Lesson");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(picker_w);
    // A lesson's title and explanation often give the quiz's answer away ("it" finds "pod"): hidden with the
    // weights.
    const bool hidden = s.quiz.hidden();
    const std::string preview = hidden                 ? "(quiz: predict first)"
                                : lesson.title.empty() ? "(your own sentence)"
                                                       : lesson.title;
    if (ImGui::BeginCombo("##scenario", preview.c_str())) {
        int number = 0;
        for (const lesson::Scenario& sc : lesson::builtin_scenarios()) {
            // During a quiz the titles would give answers away: lessons are listed by number.
            const std::string label = hidden ? "lesson " + std::to_string(++number) : sc.title;
            if (ImGui::Selectable(label.c_str(), s.lesson && sc.name == s.lesson->name))
                apply_scenario(s, sc);
            if (!hidden && ImGui::IsItemHovered() && !sc.explanation.empty()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(fs * 30.0f);
                ImGui::TextUnformatted(sc.explanation.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        }
        ImGui::EndCombo();
    }
    if (hidden) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette(s.view.theme).text_dim), "%s",
                           "Quiz: the lesson's explanation appears after Reveal.");
    } else if (!lesson.explanation.empty()) {
        ImGui::SameLine();
        const float x = ImGui::GetCursorPosX();
        ImGui::BeginChild("##explanation", ImVec2(width - x - style.WindowPadding.x, first_row_h), false);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette(s.view.theme).text_dim), "%s",
                           lesson.explanation.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
    }

    ImGui::SetCursorScreenPos(ImVec2(pos.x + style.WindowPadding.x,
                                     pos.y + style.WindowPadding.y + first_row_h + style.ItemSpacing.y));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Sentence");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    std::string sentence = s.sentence;
    if (ImGui::InputTextWithHint("##sentence", "Type a sentence", &sentence))
        set_sentence(s, std::move(sentence));

    if (has_notes) {
        const ImVec4 warn = text_color(palette(s.view.theme).warning);
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
