// The Compare view: the pinned A, the live B and their signed difference B - A side by side, with the
// settings that changed, how the tokens were lined up and the cells ranked by how much they changed.
#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/matrix_grid.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace attnviz::gui {

namespace {

const char* const kMinusSign = "\xE2\x88\x92";  // −

ImU32 diverging_u32(float t) {
    const Rgb8 c = exports::diverging_color(t);
    return IM_COL32(c.r, c.g, c.b, 255);
}

/// The index r with v[r] == x, or -1.
int index_of(const std::vector<int>& v, int x) {
    const auto it = std::find(v.begin(), v.end(), x);
    return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

void draw_no_pin(AppState& s) {
    const float fs = ImGui::GetFontSize();
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + fs * 44.0f);
    ImGui::TextWrapped(
        "Compare two states of attention. Pin what the focused head shows now as A (the \"Pin as A\" "
        "button at the right of the tabs, P, or View > Compare (A/B) > Pin as A), then change anything: "
        "the mask, the temperature, the head, the sentence, or a head switched off in a real model. This "
        "view then shows A, B (the state now) and their difference B \xE2\x88\x92 A, cell by cell, with "
        "the largest changes listed.");
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (ImGui::Button("Pin as A  (P)")) pin_compare(s);
    ImGui::Spacing();
    ImGui::TextUnformatted("Or try one of the lessons:");
    for (CompareDemo d :
         {CompareDemo::kMask, CompareDemo::kTemperature, CompareDemo::kHead, CompareDemo::kPlural}) {
        ImGui::SameLine();
        ImGui::PushID(static_cast<int>(d));
        if (ImGui::Button(compare_demo_label(d))) start_compare_demo(s, d);
        ImGui::PopID();
    }
}

/// The header: what A and B were made with and what changed between them.
void draw_header(AppState& s, const CompareSide& a, const CompareSide& b, const Comparison& c) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    const float buttons_w = fs * 5.0f;
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() +
                           std::max(fs * 10.0f, ImGui::GetContentRegionAvail().x - buttons_w));
    ImGui::TextColored(text_color(pal.accent), "A");
    ImGui::SameLine();
    ImGui::TextWrapped("(pinned)  %s", a.title.c_str());
    ImGui::TextColored(text_color(pal.accent), "B");
    ImGui::SameLine();
    ImGui::TextWrapped("(now)  %s", b.title.c_str());
    const std::vector<std::string> changed = changed_settings(a, b);
    if (changed.empty()) {
        ImGui::TextDisabled("Same settings in A and B: change something to see a difference.");
    } else {
        std::string line;
        for (const std::string& ch : changed) line += (line.empty() ? "" : ";  ") + ch;
        ImGui::TextColored(text_color(pal.warning), "Changed:");
        ImGui::SameLine();
        ImGui::TextWrapped("%s", line.c_str());
    }
    if (!c.note.empty()) {
        ImGui::TextColored(text_color(c.has_diff() ? pal.text_dim : pal.warning), "Tokens:");
        ImGui::SameLine();
        ImGui::TextWrapped("%s", c.note.c_str());
    }
    if (s.derived.model.submitted != 0)
        ImGui::TextColored(text_color(pal.warning), "computing B\xE2\x80\xA6 (the run on screen is shown)");
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - buttons_w));
    if (ImGui::Button("Clear A")) clear_compare_pin(s);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("forget A (\"Re-pin A\" or P makes the state now the new A)");
}

/// A vertical bar of the diverging map over [-m, m] with its ends, 0 and the range of the values.
void draw_diff_legend(const AppState& s, ImVec2 pos, float height, const Comparison& c) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float m = c.max_abs_delta();
    const float w = fs * 0.9f;
    const float top = pos.y + fs * 1.4f;
    const float bottom = pos.y + std::max(fs * 6.0f, height) - fs * 2.6f;
    const int steps = 64;
    for (int i = 0; i < steps; ++i) {
        const float y0 = top + (bottom - top) * static_cast<float>(i) / steps;
        const float y1 = top + (bottom - top) * static_cast<float>(i + 1) / steps;
        const float t = 1.0f - (static_cast<float>(i) + 0.5f) / steps;
        dl->AddRectFilled(ImVec2(pos.x, y0), ImVec2(pos.x + w, y1 + 0.5f), diverging_u32(t));
    }
    dl->AddRect(ImVec2(pos.x, top), ImVec2(pos.x + w, bottom), pal.text_dim);
    dl->AddText(ImVec2(pos.x, pos.y), pal.text, "B \xE2\x88\x92 A");
    const float x = pos.x + w + fs * 0.3f;
    const std::string hi = m > 0.0f ? format_delta(m) : "+0.00";
    const std::string lo = m > 0.0f ? format_delta(-m) : kMinusSign + std::string("0.00");
    dl->AddText(ImVec2(x, top - fs * 0.5f), pal.text, hi.c_str());
    dl->AddText(ImVec2(x, (top + bottom) * 0.5f - fs * 0.5f), pal.text, "0");
    dl->AddText(ImVec2(x, bottom - fs * 0.5f), pal.text, lo.c_str());
    dl->AddText(ImVec2(pos.x, bottom + fs * 0.3f), pal.text_dim, "red: B higher");
    dl->AddText(ImVec2(pos.x, bottom + fs * 1.3f), pal.text_dim, "blue: B lower");
}

/// What the three grids share: the cell size, the theme, query rows and key columns with their labels and
/// mask, no click hint (a click inspects nothing here).
MatrixGridOptions grid_options(const AppState& s, float cell, const std::vector<std::string>& row_labels,
                               const std::vector<std::string>& col_labels, const MaskMatrix& visible) {
    MatrixGridOptions o;
    o.cell = cell;
    o.theme = s.view.theme;
    o.row_labels = &row_labels;
    o.col_labels = &col_labels;
    o.row_axis = "query";
    o.col_axis = "key";
    o.visible = &visible;
    o.click_hint = nullptr;
    return o;
}

/// A grid with its title above it, as one group.
MatrixGridResult titled_grid(const char* id, const char* title, const MatrixRM& values,
                             const MatrixGridOptions& o) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    const MatrixGridResult r = draw_matrix_grid(id, values, o);
    ImGui::EndGroup();
    return r;
}

/// The three grids side by side (two when no cell-wise difference exists).
void draw_grids(AppState& s, const CompareSide& a, const CompareSide& b, const Comparison& c, float height) {
    const float fs = ImGui::GetFontSize();
    const bool diff = c.has_diff();
    const int n_grids = diff ? 3 : 2;
    const float legend_w = diff ? fs * 6.5f : 0.0f;
    const float gap = fs * 1.2f;
    const float avail_w = ImGui::GetContentRegionAvail().x - legend_w - gap * static_cast<float>(n_grids);
    const float label_room = fs * 5.5f;  // row labels (8 characters at most) and the column band
    const float per_w = avail_w / static_cast<float>(n_grids) - label_room;
    const float per_h = height - fs * 1.6f - label_room;
    int n_rows = 0, n_cols = 0;
    for (const MatrixRM* m : {&a.weights, &b.weights}) {
        n_rows = std::max(n_rows, static_cast<int>(m->rows()));
        n_cols = std::max(n_cols, static_cast<int>(m->cols()));
    }
    const float cell =
        fit_cell_size(n_rows, n_cols, ImVec2(std::max(per_w, 10.0f), std::max(per_h, 10.0f)), fs * 2.8f);

    // The hovered cell (in difference coordinates, last frame) is outlined in all three.
    const int hr = s.compare.hover_row, hc = s.compare.hover_col;
    const bool hover_ok = diff && hr >= 0 && hc >= 0 && hr < c.diff.rows() && hc < c.diff.cols();
    int new_hr = -1, new_hc = -1;

    const auto side_grid = [&](const char* id, const char* title, const CompareSide& side,
                               const std::vector<int>* rows, const std::vector<int>* cols) {
        MatrixGridOptions o = grid_options(s, cell, side.query_labels, side.key_labels, side.visible);
        o.colormap = s.view.heatmap.colormap;
        o.mark_row = side.query;
        o.vmin = 0.0f;
        o.vmax = 1.0f;
        if (hover_ok && rows != nullptr) {
            o.selected_row = (*rows)[static_cast<std::size_t>(hr)];
            o.selected_col = (*cols)[static_cast<std::size_t>(hc)];
        }
        const MatrixGridResult r = titled_grid(id, title, side.weights, o);
        if (r.hovered() && rows != nullptr) {
            new_hr = index_of(*rows, r.hover_row);
            new_hc = index_of(*cols, r.hover_col);
        }
    };

    side_grid("##compare_a", "A \xC2\xB7 pinned", a, diff ? &c.rows_a : nullptr, diff ? &c.cols_a : nullptr);
    ImGui::SameLine(0.0f, gap);
    side_grid("##compare_b", "B \xC2\xB7 now", b, diff ? &c.rows_b : nullptr, diff ? &c.cols_b : nullptr);
    if (!diff) {
        s.compare.hover_row = s.compare.hover_col = -1;
        return;
    }
    ImGui::SameLine(0.0f, gap);
    MatrixGridOptions o = grid_options(s, cell, c.row_labels, c.col_labels, c.visible);
    o.diverging = true;
    const float m = c.max_abs_delta();
    if (m > 0.0f) {
        o.vmin = -m;
        o.vmax = m;
    }
    if (hover_ok) {
        o.selected_row = hr;
        o.selected_col = hc;
    }
    const MatrixGridResult r = titled_grid("##compare_diff", "B \xE2\x88\x92 A", c.diff, o);
    s.layout.widgets.note("compare_diff", -1, r.cells);
    if (r.hovered()) {
        new_hr = r.hover_row;
        new_hc = r.hover_col;
    }
    const ImVec2 grid_min = ImGui::GetItemRectMin(), grid_max = ImGui::GetItemRectMax();
    ImGui::SameLine(0.0f, fs * 0.8f);
    const ImVec2 legend_pos = ImGui::GetCursorScreenPos();
    draw_diff_legend(s, ImVec2(legend_pos.x, r.cells.min.y - fs * 1.4f),
                     std::max(fs * 8.0f, r.cells.max.y - r.cells.min.y + fs * 1.4f), c);
    ImGui::Dummy(ImVec2(legend_w - fs * 0.8f, grid_max.y - grid_min.y));

    // The hovered cell's numbers, appended to the grid's own tooltip.
    if (new_hr >= 0 && new_hc >= 0 &&
        (r.hovered() || ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows))) {
        const int ra = c.rows_a[static_cast<std::size_t>(new_hr)],
                  ca = c.cols_a[static_cast<std::size_t>(new_hc)];
        const int rb = c.rows_b[static_cast<std::size_t>(new_hr)],
                  cb = c.cols_b[static_cast<std::size_t>(new_hc)];
        ImGui::BeginTooltip();
        ImGui::Text("A %.4f  \xE2\x86\x92  B %.4f", static_cast<double>(a.weights(ra, ca)),
                    static_cast<double>(b.weights(rb, cb)));
        ImGui::Text("B \xE2\x88\x92 A = %s", format_delta(c.diff(new_hr, new_hc)).c_str());
        ImGui::EndTooltip();
    }
    s.compare.hover_row = new_hr;
    s.compare.hover_col = new_hc;
}

/// The ranked list of changes (every cell, or the query's row).
void draw_changes(AppState& s, const CompareSide& a, const CompareSide& b, const Comparison& c) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    if (!c.has_diff()) return;
    const int query_row = b.query >= 0 ? index_of(c.rows_b, b.query) : -1;
    ImGui::TextUnformatted("Largest changes");
    ImGui::SameLine();
    if (ImGui::RadioButton("every cell", !s.compare.query_row_only)) set_compare_query_row_only(s, false);
    ImGui::SameLine();
    const std::string row_name =
        query_row >= 0 ? "row of \"" + c.row_labels[static_cast<std::size_t>(query_row)] + "\"" : "query row";
    if (ImGui::RadioButton(row_name.c_str(), s.compare.query_row_only)) set_compare_query_row_only(s, true);
    ImGui::SameLine();
    const int n_visible = static_cast<int>(c.visible.cast<int>().sum());
    ImGui::TextDisabled("%d of %d visible cells changed; B \xE2\x88\x92 A from %s to %s", c.n_changed,
                        n_visible, format_delta(c.min_delta).c_str(), format_delta(c.max_delta).c_str());

    const std::vector<CellChange> row_list =
        s.compare.query_row_only ? row_changes(c, a, b, query_row) : std::vector<CellChange>{};
    const std::vector<CellChange>& list = s.compare.query_row_only ? row_list : c.ranked;
    if (list.empty()) {
        ImGui::TextDisabled("No visible cell changed%s.", s.compare.query_row_only ? " in this row" : "");
        return;
    }
    const float m = std::max(1e-12f, c.max_abs_delta());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    const float h = std::max(fs * 5.0f, ImGui::GetContentRegionAvail().y);
    if (!ImGui::BeginTable("##compare_changes", 5, flags, ImVec2(0.0f, h))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("query \xE2\x86\x92 key");
    ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthFixed, fs * 3.5f);
    ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthFixed, fs * 3.5f);
    ImGui::TableSetupColumn("B \xE2\x88\x92 A", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(list.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const CellChange& ch = list[static_cast<std::size_t>(i)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%d", i + 1);
            ImGui::TableNextColumn();
            ImGui::Text("%s \xE2\x86\x92 %s",
                        shorten(c.row_labels[static_cast<std::size_t>(ch.row)], 16).c_str(),
                        shorten(c.col_labels[static_cast<std::size_t>(ch.col)], 16).c_str());
            if (ImGui::IsItemHovered()) {
                s.compare.hover_row = ch.row;
                s.compare.hover_col = ch.col;
            }
            ImGui::TableNextColumn();
            ImGui::Text("%.2f", static_cast<double>(ch.a));
            ImGui::TableNextColumn();
            ImGui::Text("%.2f", static_cast<double>(ch.b));
            ImGui::TableNextColumn();
            // A bar from the column's middle: left (blue) for a drop, right (red) for a rise.
            const std::string txt = format_delta(ch.delta);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float text_w = fs * 3.6f;
            const float bar_w = std::max(fs * 2.0f, ImGui::GetContentRegionAvail().x - text_w);
            const float mid = p.x + text_w + bar_w * 0.5f;
            const float len = bar_w * 0.5f * std::fabs(ch.delta) / m;
            const float t = 0.5f + 0.5f * ch.delta / m;
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const float y0 = p.y + fs * 0.15f, y1 = p.y + fs * 0.95f;
            dl->AddRectFilled(ImVec2(ch.delta < 0 ? mid - len : mid, y0),
                              ImVec2(ch.delta < 0 ? mid : mid + len, y1), diverging_u32(t));
            dl->AddLine(ImVec2(mid, p.y), ImVec2(mid, p.y + fs * 1.1f), pal.text_dim);
            ImGui::TextUnformatted(txt.c_str());
        }
    }
    ImGui::EndTable();
}

}  // namespace

void draw_compare_view(AppState& s) {
    const CompareDerived& d = s.derived.compare;
    if (!s.compare.pinned) {
        draw_no_pin(s);
        return;
    }
    if (!d.current || !d.comparison) {
        ImGui::TextDisabled(
            "%s", s.derived.status.empty() ? "B is being computed\xE2\x80\xA6" : s.derived.status.c_str());
        if (ImGui::Button("Clear A")) clear_compare_pin(s);
        return;
    }
    const CompareSide& a = *s.compare.pinned;
    const CompareSide& b = *d.current;
    const Comparison& c = *d.comparison;
    draw_header(s, a, b, c);
    ImGui::Separator();
    const float fs = ImGui::GetFontSize();
    const float avail = ImGui::GetContentRegionAvail().y;
    const float grids_h = std::max(fs * 8.0f, avail * 0.62f);
    draw_grids(s, a, b, c, grids_h);
    ImGui::Separator();
    draw_changes(s, a, b, c);
}

}  // namespace attnviz::gui
