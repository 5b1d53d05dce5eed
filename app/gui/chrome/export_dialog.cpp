// File > Export (Ctrl+E): the format, the path, and a picture's size and frame rate; formats this state
// cannot write are greyed out with the reason.
#include "app/gui/app_actions.h"
#include "app/gui/export_actions.h"
#include "app/gui/panels.h"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace attnviz::gui {

void draw_export_dialog(AppState& s) {
    ExportDialogState& d = s.export_dialog;
    if (s.requests.open_export) {
        ImGui::OpenPopup("Export");
        s.requests.open_export = false;
        d.message.clear();
    }
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34.0f, 0.0f));
    if (!ImGui::BeginPopupModal("Export", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    ImGui::TextUnformatted("Format");
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::BeginCombo("##format", export_format_label(d.format))) {
        for (int i = 0; i < static_cast<int>(ExportFormat::kCount); ++i) {
            const auto f = static_cast<ExportFormat>(i);
            const std::string why = export_format_unavailable(s, f);
            if (ImGui::Selectable(export_format_label(f), f == d.format,
                                  why.empty() ? 0 : ImGuiSelectableFlags_Disabled)) {
                // A typed path follows the new format's extension.
                if (!d.path.empty() && d.path == default_export_path(s, d.format)) d.path.clear();
                d.format = f;
            }
            if (!why.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                ImGui::SetTooltip("%s", why.c_str());
        }
        ImGui::EndCombo();
    }
    ImGui::TextUnformatted("File");
    ImGui::SetNextItemWidth(-1.0f);
    const std::string hint = default_export_path(s, d.format);
    const bool enter = ImGui::InputTextWithHint("##export_path", hint.c_str(), &d.path,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    const bool gif = d.format == ExportFormat::kGifTemperature || d.format == ExportFormat::kGifMask ||
                     d.format == ExportFormat::kGifFlash;
    if (d.format == ExportFormat::kPngHeatmap || gif) ImGui::SliderInt("pixels", &d.size, 64, 2048);
    if (d.format == ExportFormat::kGifTemperature) {
        ImGui::SliderInt("frames", &d.frames, 2, 120);
        ImGui::SliderFloat("frames per second", &d.fps, 1.0f, 30.0f, "%.0f");
    }
    if (d.format == ExportFormat::kGifMask)
        ImGui::TextDisabled("two frames, mask on and off, one second each");
    if (d.format == ExportFormat::kPngWindow) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Scale");
        for (const int k : {1, 2, 4}) {
            ImGui::SameLine();
            const std::string label = std::to_string(k) + "x";
            if (ImGui::RadioButton(label.c_str(), d.png_scale == k)) d.png_scale = k;
        }
        ImGui::SameLine();
        ImGui::Checkbox("with controls", &d.png_controls);
        ImGui::TextWrapped(
            "%s", d.png_scale > 1
                      ? "Drawn again offscreen at that many times the window's pixels, text rasterized at "
                        "that size: sharp on a slide."
                      : "The window's own pixels, as on screen (Ctrl+S saves the window too).");
        if (!d.png_controls) ImGui::TextDisabled("without controls: the main view alone");
    }
    if (d.format == ExportFormat::kSvgHeatmap || d.format == ExportFormat::kPngHeatmap || gif) {
        ImGui::TextDisabled("colours: the heatmap's colormap and colour scale");
    }
    if (!d.message.empty()) ImGui::TextWrapped("%s", d.message.c_str());
    const std::string why = export_format_unavailable(s, d.format);
    if (!why.empty()) ImGui::TextWrapped("%s", why.c_str());
    if ((ImGui::Button("Export") || enter) && why.empty()) {
        if (run_export(s) && d.format == ExportFormat::kPngWindow) ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace attnviz::gui
