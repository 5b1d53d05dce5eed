// The "Pipeline" view: the formula on top, every stage of the focused head left to right in a
// horizontally scrolling strip (X, W_q/W_k/W_v, Q/K/V, Q K^T, scaled, mask, / T, softmax, output),
// and the cell inspector below. Clicking a cell selects (query, key); the hand example's X and W
// cells can be dragged to new values.
#include "app/gui/app_actions.h"
#include "app/gui/compute/cell_inspection.h"
#include "app/gui/compute/pipeline_stages.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/matrix_grid.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>

namespace attnviz::gui {

namespace {

/// Clicking a cell of a stage selects what its row and column stand for.
void on_click(AppState& s, const StageMatrix& m, int row, int col) {
    const Selection& sel = s.selection;
    if (m.rows_are_queries && m.cols_are_keys) {
        select_cell(s, row, col);
    } else if (m.rows_are_queries) {
        select_cell(s, row, sel.selected_cell_col >= 0 ? sel.selected_cell_col : row);
    } else if (m.rows_are_keys) {
        select_cell(s, sel.query >= 0 ? sel.query : row, row);
    }
}

/// One stage: title, caption, note and its matrix. Returns whether the mouse is over it.
bool draw_stage(AppState& s, PipelineStage stage, float height) {
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    const StageMatrix m = stage_matrix(s, stage);
    if (m.values.size() == 0) return false;
    const Selection& sel = s.selection;
    const bool lit = stage_highlighted(s.view.pipeline, stage);

    if (s.view.pipeline.scroll_to == stage) {
        ImGui::SetScrollHereX(0.2f);
        s.view.pipeline.scroll_to = PipelineStage::kNone;
    }
    ImGui::BeginGroup();
    ImGui::PushID(static_cast<int>(stage));
    ImGui::SetWindowFontScale(1.15f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(lit ? pal.accent : pal.text), "%s", stage_title(stage));
    ImGui::SetWindowFontScale(1.0f);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", stage_caption(stage));
    ImGui::TextDisabled("%s",
                        m.note.empty() ? (m.editable ? "drag a number: left / right" : " ") : m.note.c_str());

    MatrixGridOptions o;
    o.colormap = s.view.heatmap.colormap;
    o.theme = s.view.theme;
    o.row_labels = &m.row_names;
    o.col_labels = &m.col_names;
    o.row_axis = m.row_axis;
    o.col_axis = m.col_axis;
    o.visible = m.masked ? &s.derived.result()->visible : nullptr;
    o.highlighted = lit;
    o.editable = m.editable.has_value();
    const auto [cell_row, cell_col] = inspected_cell_index(s);
    if (m.rows_are_queries) o.mark_row = sel.query;
    if (m.rows_are_keys) o.mark_row = cell_col;
    if (m.cols_are_keys) o.mark_col = cell_col;
    if (m.rows_are_queries && m.cols_are_keys) {
        o.selected_row = cell_row;
        o.selected_col = cell_col;
    }
    if (stage == PipelineStage::kWeights) {
        o.vmin = 0.0f;
        o.vmax = 1.0f;
    }
    // Fit the cells into the strip's height and a bounded width; labels first, at a trial size.
    const float max_cell = fs * 2.5f;
    const float grid_h = height - (ImGui::GetCursorPosY() - ImGui::GetStyle().WindowPadding.y) - fs * 0.3f;
    o.cell = max_cell;
    for (int pass = 0; pass < 2; ++pass) {
        const ImVec2 full = matrix_grid_size(m.values, o);
        const ImVec2 labels(full.x - o.cell * static_cast<float>(m.values.cols()),
                            full.y - o.cell * static_cast<float>(m.values.rows()));
        o.cell = fit_cell_size(
            static_cast<int>(m.values.rows()), static_cast<int>(m.values.cols()),
            ImVec2((m.values.cols() > 24 ? fs * 30.0f : fs * 20.0f) - labels.x, grid_h - labels.y), max_cell);
    }
    const MatrixGridResult res = draw_matrix_grid("##grid", m.values, o);
    s.layout.widgets.note("stage_grid", static_cast<int>(stage), res.cells);
    if (res.clicked_row >= 0) on_click(s, m, res.clicked_row, res.clicked_col);
    if (res.edited && m.editable) set_hand_value(s, *m.editable, res.edit_row, res.edit_col, res.edit_value);
    ImGui::PopID();
    ImGui::EndGroup();
    return ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) || res.hovered();
}

void draw_stage_strip(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##pipeline_strip", size, true, ImGuiWindowFlags_HorizontalScrollbar);
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    const float height = ImGui::GetContentRegionAvail().y;
    PipelineStage hovered = PipelineStage::kNone;
    // W_q, W_k, W_v sit in one column, as do Q, K, V: the three projections side by side would be wide.
    const PipelineStage order[] = {PipelineStage::kX,      PipelineStage::kWq,       PipelineStage::kWk,
                                   PipelineStage::kWv,     PipelineStage::kQ,        PipelineStage::kK,
                                   PipelineStage::kV,      PipelineStage::kRaw,      PipelineStage::kScaled,
                                   PipelineStage::kMasked, PipelineStage::kTempered, PipelineStage::kWeights,
                                   PipelineStage::kOutput};
    bool first = true;
    const bool real_model = s.derived.run && s.derived.run->real_model();
    for (PipelineStage st : order) {
        // A real model's X and W are d_model wide: its pipeline starts at the head's own Q, K, V.
        if (real_model && (st == PipelineStage::kX || st == PipelineStage::kWq || st == PipelineStage::kWk ||
                           st == PipelineStage::kWv))
            continue;
        if (!first) {
            ImGui::SameLine(0.0f, fs * 0.4f);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddText(ImVec2(p.x, p.y + height * 0.45f), pal.text_dim,
                                                "\xE2\x86\x92");
            ImGui::Dummy(ImVec2(fs * 1.0f, 1.0f));
            ImGui::SameLine(0.0f, fs * 0.4f);
        }
        first = false;
        if (draw_stage(s, st, height)) hovered = st;
    }
    s.view.pipeline.hover_stage = hovered;
    ImGui::EndChild();
}

}  // namespace

void draw_pipeline_view(AppState& s) {
    const Derived& d = s.derived;
    if (!d.result() || !d.forward()) {
        ImGui::TextDisabled("%s", d.status.empty() ? "No attention to show." : d.status.c_str());
        return;
    }
    const int h = s.selection.focus_head;
    ImGui::Text("Head %d \xC2\xB7 %s", h, d.forward()->head_names[static_cast<std::size_t>(h)].c_str());
    ImGui::SameLine();
    ImGui::TextDisabled(s.hand_model ? "  hand example: drag the numbers of X and W to change them"
                        : s.derived.run && s.derived.run->real_model()
                            ? "  the model's q, k, v after RoPE; every number is the engine's own"
                            : "  every number below is the engine's own");
    draw_pipeline_formula(s);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    // Tall enough for the tallest stage at full cell size (the hand example needs little), at most 60%.
    const float fs = ImGui::GetFontSize();
    const auto rows = static_cast<float>(std::max<Eigen::Index>(
        std::max<Eigen::Index>(d.forward()->x_query.rows(), d.forward()->x_query.cols()),
        d.run->real_model() ? d.result()->n_q : 0));
    const float wanted = fs * (2.5f * rows + 6.5f) + ImGui::GetStyle().ScrollbarSize;
    const float strip_h = std::max(120.0f, std::min(avail.y * 0.6f, wanted));
    draw_stage_strip(s, ImVec2(avail.x, strip_h));
    draw_cell_inspector(s, ImVec2(avail.x, std::max(60.0f, avail.y - strip_h - spacing)));
}

}  // namespace attnviz::gui
