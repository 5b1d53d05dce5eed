// The formula softmax(mask(Q K^T / sqrt(d_k)) / T) V as separate items: hovering a part lights the stage
// it computes, and a hovered stage lights its part (PipelineViewState holds both hovers).
#include "app/gui/compute/pipeline_stages.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"

#include <imgui.h>

namespace attnviz::gui {

void draw_pipeline_formula(AppState& s) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    PipelineViewState& v = s.view.pipeline;
    FormulaPart hovered = FormulaPart::kNone;
    ImGui::SetWindowFontScale(1.3f);
    const FormulaPart order[] = {FormulaPart::kOutput,      FormulaPart::kSoftmax, FormulaPart::kMask,
                                 FormulaPart::kQ,           FormulaPart::kKt,      FormulaPart::kScale,
                                 FormulaPart::kTemperature, FormulaPart::kV};
    for (FormulaPart p : order) {
        if (p != FormulaPart::kOutput) ImGui::SameLine(0.0f, fs * 0.35f);
        const bool lit = formula_part_highlighted(v, p);
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const ImVec2 size = ImGui::CalcTextSize(formula_part_text(p));
        if (lit) {
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x - 3.0f, pos.y - 2.0f),
                                                      ImVec2(pos.x + size.x + 3.0f, pos.y + size.y + 2.0f),
                                                      pal.accent, fs * 0.25f);
        }
        ImGui::PushStyleColor(
            ImGuiCol_Text, lit ? ImVec4(0.08f, 0.08f, 0.08f, 1.0f) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        ImGui::TextUnformatted(formula_part_text(p));
        ImGui::PopStyleColor();
        note_item(s.layout.widgets, "formula_part", static_cast<int>(p));
        if (ImGui::IsItemHovered()) {
            hovered = p;
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) v.scroll_to = formula_stage(p);
        }
    }
    ImGui::SetWindowFontScale(1.0f);
    ImGui::SameLine(0.0f, fs * 1.5f);
    ImGui::TextDisabled("hover a part of the formula to find its stage, click to scroll to it");
    v.hover_formula = hovered;
}

}  // namespace attnviz::gui
