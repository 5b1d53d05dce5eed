// The cell inspector: for the selected (query i, key j) cell, every number its weight comes from, in
// the order the engine computes them. The numbers come from inspect_cell() (cell_inspection.h).
#include "app/gui/compute/cell_inspection.h"
#include "app/gui/compute/pipeline_stages.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/matrix_grid.h"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace attnviz::gui {

namespace {

std::string num(float v) {
    return format_cell_value(v, 4);
}

MatrixRM stack(const std::vector<const std::vector<float>*>& rows) {
    MatrixRM m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front()->size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < rows[r]->size(); ++c)
            m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = (*rows[r])[c];
    }
    return m;
}

void vectors(const AppState& s, const char* id, const MatrixRM& m, const std::vector<std::string>& row_names,
             const std::vector<std::string>& col_names, const char* col_axis) {
    const float fs = ImGui::GetFontSize();
    MatrixGridOptions o;
    o.colormap = s.view.heatmap.colormap;
    o.theme = s.view.theme;
    o.row_labels = &row_names;
    o.col_labels = &col_names;
    o.row_axis = "vector";
    o.col_axis = col_axis;
    o.decimals = 2;
    const float label_w = fs * 8.0f;
    o.cell = fit_cell_size(static_cast<int>(m.rows()), static_cast<int>(m.cols()),
                           ImVec2(ImGui::GetContentRegionAvail().x - label_w, fs * 12.0f), fs * 3.2f);
    draw_matrix_grid(id, m, o);
}

/// One line of the chain: what, how, value.
void step(const char* what, const std::string& how, const std::string& value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(how.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.c_str());
}

void draw_vectors(const AppState& s, const InspectedCell& c) {
    const int d = static_cast<int>(c.q.size());
    std::vector<std::string> head_dims;
    for (int t = 0; t < d; ++t) head_dims.push_back("h" + std::to_string(t));
    vectors(s, "##qk", stack({&c.q, &c.k, &c.products}),
            {"q  " + c.query_label, "k  " + c.key_label, "q \xC3\x97 k"}, head_dims, "head dim");
}

void draw_values(const AppState& s, const InspectedCell& c) {
    ImGui::TextWrapped(
        "The weight multiplies the value row v of \"%s\"; the output of \"%s\" is the sum of such "
        "contributions over all keys:",
        c.key_label.c_str(), c.query_label.c_str());
    vectors(s, "##v", stack({&c.v, &c.contribution, &c.output}),
            {"v  " + c.key_label, format_cell_value(c.weight, 3) + " \xC3\x97 v", "output " + c.query_label},
            value_dim_labels(s), "value dim");
}

void draw_chain(const AppState& s, const InspectedCell& c) {
    const Palette& pal = palette(s.view.theme);
    const int d = static_cast<int>(c.q.size());
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("##chain", 3, flags)) {
        step("q\xC2\xB7k", "sum of the " + std::to_string(d) + " products above = " + num(c.products_sum),
             num(c.raw_score) + "  raw score");
        step("\xC3\x97 s",
             num(c.raw_score) + " \xC3\x97 " + num(c.scale) +
                 (s.settings.scale ? "   (s = 1/\xE2\x88\x9A" + std::to_string(d) + ")"
                                   : "   (scaling off: s = 1)"),
             num(c.scaled_score) + "  s_ij");
        step("mask", c.visible ? "key visible to this query" : "key hidden: score set to -\xE2\x88\x9E",
             c.visible ? "kept" : "masked: weight exactly 0");
        if (c.n_visible > 0) {
            step("row max m_i", "largest visible scaled score of the row", num(c.row_max));
            if (c.visible) {
                if (c.regime == attention::TemperatureRegime::kFinite) {
                    step("/ T",
                         "(s_ij - m_i) / T = (" + num(c.scaled_score) + " - " + num(c.row_max) + ") / " +
                             num(static_cast<float>(c.temperature)),
                         num(c.exponent));
                    step("exp", "exp(" + num(c.exponent) + ")", num(c.numerator));
                } else if (c.regime == attention::TemperatureRegime::kArgmax) {
                    step("T = 0",
                         c.numerator > 0.0f ? "score equals the row max: counts 1"
                                            : "score below the row max: counts 0",
                         num(c.numerator));
                } else {
                    step("T = \xE2\x88\x9E", "every visible key counts 1", num(c.numerator));
                }
            }
            step("row sum S_i",
                 c.regime == attention::TemperatureRegime::kFinite
                     ? "sum of exp over the " + std::to_string(c.n_visible) + " visible keys"
                     : "keys that count",
                 num(c.row_sum));
            if (c.visible)
                step("weight", num(c.numerator) + " / " + num(c.row_sum) + " = " + num(c.weight_rebuilt), "");
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.accent), "P_ij");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("the engine's weight (the heatmap cell)");
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.accent), "%s", num(c.weight).c_str());
        ImGui::EndTable();
    }
}

}  // namespace

void draw_cell_inspector(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##cell_inspector", size, true);
    const InspectedCell c = inspect_cell(s);
    const Palette& pal = palette(s.view.theme);
    if (c.valid) {
        // The cell shown and its P_ij, for tests: the text rounds the weight.
        s.layout.widgets.note("inspector_row", -1, Rect{}, c.row);
        s.layout.widgets.note("inspector_col", -1, Rect{}, c.col);
        s.layout.widgets.note("inspector_weight", -1, Rect{}, static_cast<double>(c.weight));
    }
    if (!c.valid) {
        ImGui::TextDisabled("Cell inspector");
        ImGui::TextWrapped("%s", c.why_not.c_str());
        ImGui::EndChild();
        return;
    }
    ImGui::SetWindowFontScale(1.15f);
    ImGui::Text("Weight of query \"%s\" (row %d) \xE2\x86\x92 key \"%s\" (column %d)", c.query_label.c_str(),
                c.row, c.key_label.c_str(), c.col);
    ImGui::SetWindowFontScale(1.0f);
    if (c.chosen_by_default) {
        ImGui::SameLine();
        ImGui::TextDisabled("  (its strongest key; click any cell to choose another)");
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(c.visible ? pal.text : pal.accent), "%s",
                       c.verdict.c_str());

    const int d = static_cast<int>(c.q.size());
    // Narrow vectors (the hand example) leave room for the chain of numbers beside them.
    const bool side_by_side = d <= 8 && c.v.size() <= 8;
    if (side_by_side && ImGui::BeginTable("##inspector_columns", 2, ImGuiTableFlags_None)) {
        const float fs = ImGui::GetFontSize();
        const auto widest = static_cast<float>(std::max(c.q.size(), c.v.size()));
        ImGui::TableSetupColumn("vectors", ImGuiTableColumnFlags_WidthFixed, fs * (9.0f + 3.0f * widest));
        ImGui::TableSetupColumn("chain", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableNextColumn();
        draw_vectors(s, c);
        draw_values(s, c);
        ImGui::TableNextColumn();
        draw_chain(s, c);
        ImGui::EndTable();
    } else {
        draw_vectors(s, c);
        draw_chain(s, c);
        draw_values(s, c);
    }
    ImGui::EndChild();
}

}  // namespace attnviz::gui
