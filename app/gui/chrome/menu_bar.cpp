// The main menu bar: File (open scenario, quit), View (theme, text size, full screen), Help.
#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/export_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/session.h"
#include "app/gui/views/views.h"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace attnviz::gui {

float draw_menu_bar(AppState& s) {
    float height = 0.0f;
    if (ImGui::BeginMainMenuBar()) {
        if (ImGui::BeginMenu("File")) {
            if (ImGui::MenuItem("Open model\xE2\x80\xA6", "Ctrl+O")) s.requests.open_model = true;
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("a Hugging Face model folder, the built-in model, or the cache");
            if (ImGui::MenuItem("Lesson model", nullptr, !model_open(s))) close_model(s);
            ImGui::Separator();
            if (ImGui::MenuItem("Open scenario file\xE2\x80\xA6")) request_open_scenario(s);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("or drop a scenario .json file on the window");
            if (ImGui::MenuItem("Save screenshot", "Ctrl+S")) request_screenshot(s);
            if (ImGui::MenuItem("Export\xE2\x80\xA6", "Ctrl+E")) request_export_dialog(s);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("SVG, PNG, CSV, NPY, JSON or an animated GIF");
            if (ImGui::MenuItem("Open session\xE2\x80\xA6")) request_session_dialog(s, true);
            if (ImGui::MenuItem("Save session\xE2\x80\xA6")) request_session_dialog(s, false);
            if (!s.session.autosave_path.empty()) {
                ImGui::MenuItem("Reopen this session next time", nullptr, &s.session.restore_at_start);
            }
            ImGui::Separator();
            if (ImGui::MenuItem("Quit", "Ctrl+Q")) request_quit(s);
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Edit")) {
            if (ImGui::MenuItem("Undo", "Ctrl+Z", false, !s.session.history.undo.empty())) undo(s);
            if (ImGui::MenuItem("Redo", "Ctrl+Shift+Z", false, !s.session.history.redo.empty())) redo(s);
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("View")) {
            if (ImGui::MenuItem("Dark theme", nullptr, s.view.theme == Theme::kDark))
                set_theme(s, Theme::kDark);
            if (ImGui::MenuItem("Light theme", nullptr, s.view.theme == Theme::kLight))
                set_theme(s, Theme::kLight);
            ImGui::Separator();
            if (ImGui::MenuItem("Larger text", "Ctrl +")) set_font_scale(s, s.view.font_scale * 1.1f);
            if (ImGui::MenuItem("Smaller text", "Ctrl -")) set_font_scale(s, s.view.font_scale / 1.1f);
            if (ImGui::MenuItem("Reset text size", "Ctrl 0")) set_font_scale(s, 1.0f);
            ImGui::Separator();
            if (ImGui::MenuItem("Full screen", "F11", s.view.fullscreen)) toggle_fullscreen(s);
            if (ImGui::MenuItem("Presenter mode", "F5", s.presenter.active))
                toggle_presenter(s, ImGui::GetTime());
            // With a second monitor the stage can go there while the controls stay here.
            if (ImGui::BeginMenu("Stage on", s.stage_output.second_monitor || s.stage_output.forced_window)) {
                const bool second = s.stage_output.prefer_second_monitor;
                if (ImGui::MenuItem("This window", nullptr, !second)) set_stage_preference(s, false);
                if (ImGui::MenuItem(s.stage_output.second_monitor ? "Second monitor" : "A window of its own",
                                    nullptr, second))
                    set_stage_preference(s, true);
                ImGui::EndMenu();
            }
            ImGui::Separator();
            if (ImGui::BeginMenu("Compare (A/B)")) {
                if (ImGui::MenuItem(s.compare.pinned ? "Re-pin as A" : "Pin as A", "P")) pin_compare(s);
                if (ImGui::MenuItem("Show A, B and B \xE2\x88\x92 A", nullptr,
                                    s.view.main_view == MainView::kCompare))
                    show_view(s, MainView::kCompare);
                if (ImGui::MenuItem("Clear A", nullptr, false, s.compare.pinned.has_value()))
                    clear_compare_pin(s);
                ImGui::EndMenu();
            }
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Help")) {
            if (ImGui::MenuItem("Shortcuts and terms", "F1", s.view.show_help))
                set_show_help(s, !s.view.show_help);
            ImGui::EndMenu();
        }
        // While the stage is in its own window, its steps at hand here too (the indicator says where).
        if (s.presenter.active && s.presenter.in_window && ImGui::BeginMenu("On stage")) {
            ImGui::TextDisabled("%s", presenter_indicator(s).c_str());
            if (ImGui::MenuItem("Next step", "PageDown")) presenter_next(s, ImGui::GetTime());
            if (ImGui::MenuItem("Previous step", "PageUp")) presenter_previous(s, ImGui::GetTime());
            if (ImGui::MenuItem("Laser / spotlight", "L")) cycle_stage_pointer(s);
            if (ImGui::MenuItem("Stage in this window")) set_stage_preference(s, false);
            if (ImGui::MenuItem("End presenting", "Esc")) leave_presenter(s);
            ImGui::EndMenu();
        }
        // Text size at hand for a teacher, at the right end of the bar; when the view selector needs the
        // room, its buttons lose their padding and then its "Text" label.
        const ImGuiStyle& st = ImGui::GetStyle();
        const bool compact = s.layout.views_in_menu;
        const char* smaller = compact ? "A-" : " A- ";
        const char* larger = compact ? "A+" : " A+ ";
        const float text_label_w = ImGui::CalcTextSize("Text").x + st.ItemSpacing.x;
        float needed = ImGui::CalcTextSize(smaller).x + ImGui::CalcTextSize("100%").x +
                       ImGui::CalcTextSize(larger).x + 4.0f * st.FramePadding.x + 3.0f * st.ItemSpacing.x +
                       st.WindowPadding.x;
        bool text_label = true;
        if (compact) {
            // Large text: the views' selector here, so the main area keeps its row for the picture.
            const float room = ImGui::GetWindowWidth() - needed - ImGui::GetCursorPosX() - st.ItemSpacing.x;
            text_label = draw_view_selector(s, room - text_label_w) || !draw_view_selector(s, room);
        }
        if (text_label) needed += text_label_w;
        ImGui::SameLine(ImGui::GetWindowWidth() - needed);
        if (text_label) ImGui::TextDisabled("Text");
        if (ImGui::SmallButton(smaller)) set_font_scale(s, s.view.font_scale / 1.1f);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("smaller text (Ctrl -)");
        ImGui::Text("%3.0f%%", static_cast<double>(s.view.font_scale) * 100.0);
        if (ImGui::SmallButton(larger)) set_font_scale(s, s.view.font_scale * 1.1f);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("larger text (Ctrl +)");
        height = ImGui::GetWindowSize().y;
        ImGui::EndMainMenuBar();
    }

    if (s.requests.open_scenario) {
        ImGui::OpenPopup("Open scenario file");
        s.requests.open_scenario = false;
    }
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 36.0f, 0.0f));
    if (ImGui::BeginPopupModal("Open scenario file", nullptr, ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::TextWrapped("Path of a scenario .json file (see the README for the format):");
        ImGui::SetNextItemWidth(-1.0f);
        const bool enter =
            ImGui::InputText("##path", &s.open_scenario_path, ImGuiInputTextFlags_EnterReturnsTrue);
        if (!s.load_message.empty()) ImGui::TextWrapped("%s", s.load_message.c_str());
        if (ImGui::Button("Open") || enter) {
            if (load_scenario_from_file(s, s.open_scenario_path)) ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
    draw_model_browser(s);
    draw_export_dialog(s);
    draw_session_dialog(s);
    return height;
}

}  // namespace attnviz::gui
