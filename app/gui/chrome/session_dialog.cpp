// File > Save session / Open session: a path and the result; a failed open changes nothing and says why.
#include "app/gui/panels.h"
#include "app/gui/session.h"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace attnviz::gui {

void draw_session_dialog(AppState& s) {
    SessionState& ss = s.session;
    const char* title = ss.open_dialog ? "Open session" : "Save session";
    if (s.requests.open_session) {
        ImGui::OpenPopup(title);
        s.requests.open_session = false;
        if (ss.path.empty()) {
            ss.path = "attnviz-" +
                      (s.lesson && !s.lesson->name.empty() ? s.lesson->name : std::string("sentence")) +
                      ".attnviz";
        }
    }
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34.0f, 0.0f));
    if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    ImGui::TextWrapped(ss.open_dialog ? "Path of an .attnviz session file:"
                                      : "The text, lesson, settings, selection, colours and view go to:");
    ImGui::SetNextItemWidth(-1.0f);
    const bool enter = ImGui::InputText("##session_path", &ss.path, ImGuiInputTextFlags_EnterReturnsTrue);
    if (!ss.message.empty()) ImGui::TextWrapped("%s", ss.message.c_str());
    if (ImGui::Button(ss.open_dialog ? "Open" : "Save") || enter) {
        const bool ok = ss.open_dialog ? open_session_file(s, ss.path) : save_session_file(s, ss.path);
        if (ok) ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace attnviz::gui
