// The focused head's weights as a GPU-colormapped texture: rows are queries ("looking"), columns are
// keys ("looked at"); token labels on both axes, hover values, zoom and pan, a legend.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

namespace {

void draw_options(AppState& s) {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 6.0f);
    if (ImGui::BeginCombo("##colormap", colormap_name(s.view.heatmap.colormap))) {
        for (Colormap c : {Colormap::kViridis, Colormap::kMagma, Colormap::kGrey}) {
            if (ImGui::Selectable(colormap_name(c), c == s.view.heatmap.colormap)) set_colormap(s, c);
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("colormap (viridis and magma are colour-blind safe)");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 5.0f);
    if (ImGui::BeginCombo("##scale", color_scale_name(s.view.heatmap.color.scale))) {
        for (ColorScale c : {ColorScale::kLinear, ColorScale::kLog, ColorScale::kRank}) {
            if (ImGui::Selectable(color_scale_name(c), c == s.view.heatmap.color.scale))
                set_color_scale(s, c);
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("colour scale: linear, log (4 decades) or rank");
    ImGui::SameLine();
    bool ignore = s.view.heatmap.color.ignore_first_key;
    if (ImGui::Checkbox("ignore first token", &ignore)) set_ignore_first_key(s, ignore);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "leave the first key column out of the colour range,\nso an attention sink does not wash out the "
            "rest");
    }
}

void cell_tooltip(const AppState& s, int row, int col) {
    const attention::AttentionResult& r = *s.derived.result();
    const attention::HeadResult& h = r.heads[static_cast<std::size_t>(s.selection.focus_head)];
    ImGui::BeginTooltip();
    ImGui::Text("query \"%s\" (row %d)  \xE2\x86\x92  key \"%s\" (column %d)", token_label(s, row).c_str(),
                row, key_label(s, col).c_str(), col);
    ImGui::Separator();
    ImGui::Text("raw score q\xC2\xB7k        %.4f", static_cast<double>(h.raw_scores(row, col)));
    ImGui::Text("scaled \xC3\x97 %.4f      %.4f", static_cast<double>(r.scale),
                static_cast<double>(h.scores(row, col)));
    if (h.rows.n_visible[static_cast<std::size_t>(row)] == 0) {
        ImGui::TextColored(text_color(palette(s.view.theme).error), "this query sees no key: weight 0");
    } else if (!r.visible(row, col)) {
        ImGui::TextColored(text_color(palette(s.view.theme).text_dim), "masked: weight exactly 0");
    } else {
        ImGui::Text("weight              %.4f", static_cast<double>(h.weights(row, col)));
    }
    ImGui::TextDisabled("click: make \"%s\" the query and inspect this cell (Pipeline tab)",
                        token_label(s, row).c_str());
    ImGui::EndTooltip();
}

}  // namespace

void draw_heatmap_panel(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##heatmap_panel", size, true);
    const Derived& d = s.derived;
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    if (!d.result() || d.focus_cells_head < 0) {
        ImGui::TextDisabled("%s", d.status.empty() ? "No attention to show." : d.status.c_str());
        ImGui::EndChild();
        return;
    }
    if (s.quiz.hidden()) {
        ImGui::TextDisabled("Weights hidden: answer the quiz question, then press Reveal.");
        ImGui::EndChild();
        return;
    }
    s.layout.widgets.note("weight_text", -1, Rect{});
    const int h = s.selection.focus_head;
    const attention::AttentionResult& r = *d.result();
    const std::string name = s.quiz.names_hidden() ? "?"
                             : d.forward()         ? d.forward()->head_names[static_cast<std::size_t>(h)]
                                                   : "";
    // One header line: the head, the colour options behind a button, the axes hint where it fits (the
    // matrix keeps the height at large text).
    ImGui::Text("Head %d \xC2\xB7 %s", h, name.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("colours")) ImGui::OpenPopup("##heatmap_options");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("colormap, colour scale, first-token column");
    if (ImGui::BeginPopup("##heatmap_options")) {
        draw_options(s);
        ImGui::EndPopup();
    }
    if (s.view.heatmap.zoom > 1.0f) {
        ImGui::SameLine();
        if (ImGui::SmallButton("reset zoom")) reset_heatmap_zoom(s);
    }
    const char* hint = "rows: queries (looking) \xC2\xB7 columns: keys (looked at)";
    // After the last item on the header line (the cursor is already on the next line here).
    const float line_right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(hint).x <=
        line_right) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", hint);
    }

    // Geometry: labels left and on top, legend on the right, square cells.
    const HeatmapViewState& view = s.view.heatmap;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    float label_w = 0.0f;
    for (int i = 0; i < r.n_q; ++i)
        label_w = std::max(label_w, ImGui::CalcTextSize(shorten(token_label(s, i), 10).c_str()).x);
    label_w = std::min(label_w, fs * 4.0f) + fs * 0.5f;
    float label_h = 0.0f;
    for (int j = 0; j < r.n_k; ++j)
        label_h = std::max(label_h, ImGui::CalcTextSize(shorten(key_label(s, j), 10).c_str()).x);
    // Large text: the column labels elide sooner, so the matrix keeps the height.
    const float col_label_max = fs * (fs > 20.0f ? 3.0f : 4.0f);
    label_h = std::min(label_h, col_label_max) + fs * 0.5f;
    const float legend_w = fs * (fs > 20.0f ? 3.5f : 5.2f);  // large text: the scale's name turns upright
    const float span = 1.0f / view.zoom;
    const float vis_rows = static_cast<float>(r.n_q) * span;
    const float vis_cols = static_cast<float>(r.n_k) * span;
    const float cell =
        std::max(0.5f, std::min((avail.x - label_w - legend_w) / vis_cols, (avail.y - label_h) / vis_rows));
    const ImVec2 img_min(origin.x + label_w, origin.y + label_h);
    const ImVec2 img_size(cell * vis_cols, cell * vis_rows);
    const ImVec2 img_max(img_min.x + img_size.x, img_min.y + img_size.y);
    s.layout.widgets.note("heatmap", -1, Rect{img_min, img_max});
    const ImVec2 fb_scale = ImGui::GetIO().DisplayFramebufferScale;
    s.layout.heatmap_pixels =
        ImVec2(std::round(img_size.x * fb_scale.x), std::round(img_size.y * fb_scale.y));

    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::SetCursorScreenPos(img_min);
    if (s.textures.heatmap != nullptr) {
        ImGui::Image(s.textures.heatmap, img_size, ImVec2(0, 0), ImVec2(1, 1),
                     ImVec4(1, 1, 1, s.view.weights_alpha));
    } else {
        ImGui::Dummy(img_size);
    }
    const bool hovered = ImGui::IsItemHovered();

    // Which rows and columns are on screen (zoom window), and label decimation for dense matrices.
    const int row0 = static_cast<int>(std::floor(view.pan_y * static_cast<float>(r.n_q)));
    const int col0 = static_cast<int>(std::floor(view.pan_x * static_cast<float>(r.n_k)));
    const float row_off = view.pan_y * static_cast<float>(r.n_q) - static_cast<float>(row0);
    const float col_off = view.pan_x * static_cast<float>(r.n_k) - static_cast<float>(col0);
    const int step = std::max(1, static_cast<int>(std::ceil(fs * 1.05f / cell)));
    const auto row_y = [&](int i) { return img_min.y + (static_cast<float>(i - row0) - row_off) * cell; };
    const auto col_x = [&](int j) { return img_min.x + (static_cast<float>(j - col0) - col_off) * cell; };
    dl->PushClipRect(ImVec2(origin.x, origin.y), ImVec2(img_max.x + legend_w, img_max.y + fs), true);
    int row_end = row0;
    while (row_end < r.n_q && row_y(row_end) < img_max.y) ++row_end;
    // The query row's label always, its decimated neighbours not (they were drawn over it).
    for (const int i : labelled_rows(row0, row_end, step, s.selection.query)) {
        const std::string l = shorten(token_label(s, i), 10);
        const ImVec2 ts = ImGui::CalcTextSize(l.c_str());
        const float y = row_y(i) + cell * 0.5f - ts.y * 0.5f;
        if (y < img_min.y - 1.0f) continue;
        dl->AddText(ImVec2(img_min.x - ts.x - fs * 0.3f, y), i == s.selection.query ? pal.accent : pal.text,
                    l.c_str());
    }
    for (int j = col0; j < r.n_k && col_x(j) < img_max.x; j += 1) {
        if ((j % step) != 0) continue;
        const std::string l = elide_to_width(shorten(key_label(s, j), 10), col_label_max);
        const float x = col_x(j) + cell * 0.5f - fs * 0.5f;
        if (x < img_min.x - 1.0f) continue;
        add_text_vertical(dl, ImVec2(x, img_min.y - fs * 0.3f), pal.text, l.c_str());
    }
    dl->PopClipRect();

    // The query row outlined; the hovered cell's row and column traced.
    dl->PushClipRect(img_min, img_max, true);
    if (s.selection.query >= 0) {
        const float y = row_y(s.selection.query);
        dl->AddRect(ImVec2(img_min.x, y), ImVec2(img_max.x, y + cell), pal.accent, 0.0f, 0, 2.0f);
    }
    s.selection.hover_cell_row = s.selection.hover_cell_col = -1;
    if (hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const int row =
            std::clamp(static_cast<int>(std::floor((view.pan_y + (m.y - img_min.y) / img_size.y * span) *
                                                   static_cast<float>(r.n_q))),
                       0, r.n_q - 1);
        const int col =
            std::clamp(static_cast<int>(std::floor((view.pan_x + (m.x - img_min.x) / img_size.x * span) *
                                                   static_cast<float>(r.n_k))),
                       0, r.n_k - 1);
        s.selection.hover_cell_row = row;
        s.selection.hover_cell_col = col;
        dl->AddRect(ImVec2(col_x(col), row_y(row)), ImVec2(col_x(col) + cell, row_y(row) + cell),
                    IM_COL32(255, 255, 255, 230), 0.0f, 0, 2.0f);
        cell_tooltip(s, row, col);
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) select_cell(s, row, col);
        if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) reset_heatmap_zoom(s);
        const float wheel = ImGui::GetIO().MouseWheel;
        if (wheel != 0.0f) {
            // Zoom about the mouse: the matrix point under it stays put.
            const float mu = view.pan_x + (m.x - img_min.x) / img_size.x * span;
            const float mv = view.pan_y + (m.y - img_min.y) / img_size.y * span;
            const float zoom = std::clamp(view.zoom * (wheel > 0 ? 1.25f : 0.8f), 1.0f, kMaxHeatmapZoom);
            const float new_span = 1.0f / zoom;
            set_heatmap_view(s, zoom, mu - (m.x - img_min.x) / img_size.x * new_span,
                             mv - (m.y - img_min.y) / img_size.y * new_span);
        }
        if (ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
            const ImVec2 delta = ImGui::GetIO().MouseDelta;
            set_heatmap_view(s, view.zoom, view.pan_x - delta.x / img_size.x * span,
                             view.pan_y - delta.y / img_size.y * span);
        }
    }
    dl->PopClipRect();

    const HeatmapCells& cells = d.focus_cells;
    draw_legend(dl, ImVec2(img_max.x + fs * 0.8f, img_min.y), ImVec2(legend_w - fs, img_size.y),
                view.colormap, cells.range, view.color.scale, s.view.theme);
    ImGui::EndChild();
}

}  // namespace attnviz::gui
