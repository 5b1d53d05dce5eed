// The main area: a tab per registered view (views.h); while a quiz hides the weights, only the views
// that hide them themselves draw.
#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/views/views.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>

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

/// Draws one view (or the quiz's notice in its place) into the rest of the window.
void draw_view_body(AppState& s, const ViewInfo& v) {
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
}

/// The Compare pin button's label: pin, or re-pin once A exists.
const char* pin_label(const AppState& s) {
    return s.compare.pinned ? "Re-pin A" : "Pin as A";
}

/// The pin button (at the tab bar's right end, or after the view selector), noted as "pin_button".
void draw_pin_button(AppState& s, bool as_tab) {
    const bool clicked =
        as_tab ? ImGui::TabItemButton(pin_label(s), ImGuiTabItemFlags_Trailing) : ImGui::Button(pin_label(s));
    note_item(s.layout.widgets, "pin_button");
    if (clicked) pin_compare(s);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "P: pin what the focused head shows now as A, then change anything (mask, temperature, head, "
            "sentence, a head switched off); the Compare tab shows A, B and B \xE2\x88\x92 A");
    }
}

}  // namespace

bool view_tabs_fit(const AppState& s, float width) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float need = ImGui::CalcTextSize(pin_label(s)).x + st.FramePadding.x * 2.0f + st.ItemInnerSpacing.x;
    for (const ViewInfo& v : views())
        need += ImGui::CalcTextSize(v.tab_label).x + st.FramePadding.x * 2.0f + st.ItemInnerSpacing.x;
    return need <= width;
}

bool draw_view_selector(AppState& s, float max_width) {
    const ViewInfo* shown = &views().front();
    float widest = 0.0f;
    for (const ViewInfo& v : views()) {
        if (v.id == s.view.main_view) shown = &v;
        widest = std::max(widest, ImGui::CalcTextSize(v.tab_label).x);
    }
    // The whole name of the shown view plus the arrow (a cut name is what the selector replaces); as
    // wide as the widest where there is room, so it does not change width with the view. The list
    // opens as wide as its names.
    const float chrome = ImGui::GetStyle().FramePadding.x * 2.0f + ImGui::GetFrameHeight();
    const float need = ImGui::CalcTextSize(shown->tab_label).x + chrome;
    if (need > max_width) return false;
    ImGui::SetNextItemWidth(std::max(need, std::min(widest + chrome, max_width)));
    if (ImGui::BeginCombo("##view_selector", shown->tab_label)) {
        for (const ViewInfo& v : views()) {
            if (ImGui::Selectable(v.tab_label, v.id == s.view.main_view)) set_main_view(s, v.id);
        }
        ImGui::EndCombo();
    }
    s.layout.view_selector = Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the view the main area shows");
    // Compare's pin button beside it, where it fits (P and View > Compare always work).
    const float pin_w = ImGui::CalcTextSize(pin_label(s)).x + ImGui::GetStyle().FramePadding.x * 2.0f;
    if (s.layout.view_selector.max.x - s.layout.view_selector.min.x + ImGui::GetStyle().ItemSpacing.x +
            pin_w <=
        max_width) {
        ImGui::SameLine();
        draw_pin_button(s, false);
    }
    return true;
}

void draw_main_view(AppState& s, ImVec2 pos, ImVec2 size) {
    begin_fixed_window("##main_view", pos, size, ImGuiWindowFlags_NoTitleBar);
    s.layout.main_area = Rect{pos, ImVec2(pos.x + size.x, pos.y + size.y)};
    if (s.requests.view) set_main_view(s, *s.requests.view);
    if (s.presenter.active) {
        // The stage: the view alone, no tabs or selector.
        s.requests.view.reset();
        for (const ViewInfo& v : views()) {
            if (v.id == s.view.main_view) draw_view_body(s, v);
        }
        ImGui::End();
        return;
    }
    // Drawn already in the menu bar or atop the controls column (draw()).
    const bool in_menu = s.layout.view_selector.max.x > s.layout.view_selector.min.x;
    if (in_menu || !view_tabs_fit(s, ImGui::GetContentRegionAvail().x)) {
        // Large text or a narrow window: a selector instead of tabs whose names would be cut, in the
        // menu bar or the controls column when it fits there (the picture keeps the row), else on a row
        // of its own.
        if (!in_menu) {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("View");
            ImGui::SameLine();
            draw_view_selector(s, ImGui::GetContentRegionAvail().x);
        }
        s.requests.view.reset();
        if (!in_menu) ImGui::Separator();
        for (const ViewInfo& v : views()) {
            if (v.id == s.view.main_view) draw_view_body(s, v);
        }
        ImGui::End();
        return;
    }
    if (ImGui::BeginTabBar("##views")) {
        draw_pin_button(s, true);
        for (const ViewInfo& v : views()) {
            const bool select = s.requests.view == v.id;
            const bool open =
                ImGui::BeginTabItem(v.tab_label, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0);
            note_item(s.layout.widgets, "view_tab", static_cast<int>(v.id));
            if (open) {
                if (!s.requests.view) set_main_view(s, v.id);
                draw_view_body(s, v);
                ImGui::EndTabItem();
            }
        }
        s.requests.view.reset();
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace attnviz::gui
