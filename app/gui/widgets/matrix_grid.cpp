// Matrix cells with ImDrawList: colour from the CPU colormap table, numbers when they fit, hatching for
// masked cells, outlines for the marked row / column / cell.
#include "app/gui/widgets/matrix_grid.h"

#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace attnviz::gui {

namespace {

constexpr int kLabelChars = 8;

struct Geometry {
    float cell = 0.0f;
    float label_w = 0.0f;  ///< row labels' column
    float label_h = 0.0f;  ///< column labels' band
    bool vertical_cols = false;
};

Geometry geometry(const MatrixRM& values, const MatrixGridOptions& o) {
    Geometry g;
    const float fs = ImGui::GetFontSize();
    g.cell = o.cell > 0.0f ? o.cell : fs * 2.8f;
    if (o.row_labels != nullptr) {
        for (const std::string& l : *o.row_labels)
            g.label_w = std::max(g.label_w, ImGui::CalcTextSize(shorten(l, kLabelChars).c_str()).x);
        g.label_w += fs * 0.4f;
    }
    if (o.col_labels != nullptr) {
        float widest = 0.0f;
        for (const std::string& l : *o.col_labels)
            widest = std::max(widest, ImGui::CalcTextSize(shorten(l, kLabelChars).c_str()).x);
        g.vertical_cols = widest > g.cell - fs * 0.2f;
        g.label_h = (g.vertical_cols ? widest : fs) + fs * 0.3f;
    }
    static_cast<void>(values);
    return g;
}

Rgb8 grid_colour(const MatrixGridOptions& o, float t) {
    return o.diverging ? exports::diverging_color(t) : colormap_color(o.colormap, t);
}

ImU32 cell_colour(const MatrixGridOptions& o, float t) {
    const Rgb8 c = grid_colour(o, t);
    return IM_COL32(c.r, c.g, c.b, 255);
}

/// Black on the bright end of the map, white elsewhere.
ImU32 text_colour_on(const MatrixGridOptions& o, float t) {
    const Rgb8 c = grid_colour(o, t);
    const float luma = 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
    return luma > 140.0f ? IM_COL32(10, 10, 10, 255) : IM_COL32(250, 250, 250, 255);
}

void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col) {
    const float step = std::max(4.0f, (b.x - a.x) / 4.0f);
    dl->PushClipRect(a, b, true);
    for (float x = a.x - (b.y - a.y); x < b.x; x += step)
        dl->AddLine(ImVec2(x, b.y), ImVec2(x + (b.y - a.y), a.y), col, 1.0f);
    dl->PopClipRect();
}

}  // namespace

std::string format_cell_value(float v, int decimals) {
    if (std::isinf(v)) return v < 0 ? "-\xE2\x88\x9E" : "\xE2\x88\x9E";
    if (std::isnan(v)) return "NaN";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, static_cast<double>(v));
    if (std::string(buf).find_first_not_of("-0.") == std::string::npos)
        std::snprintf(buf, sizeof buf, "%.*f", decimals, 0.0);
    return buf;
}

float fit_cell_size(int n_rows, int n_cols, ImVec2 max_size, float max_cell) {
    if (n_rows <= 0 || n_cols <= 0) return max_cell;
    const float c =
        std::min(max_size.x / static_cast<float>(n_cols), max_size.y / static_cast<float>(n_rows));
    return std::clamp(c, 3.0f, std::max(3.0f, max_cell));
}

ImVec2 matrix_grid_size(const MatrixRM& values, const MatrixGridOptions& o) {
    const Geometry g = geometry(values, o);
    return ImVec2(g.label_w + g.cell * static_cast<float>(values.cols()),
                  g.label_h + g.cell * static_cast<float>(values.rows()));
}

namespace {

/// Indices [begin, end) of the cells of side `cell` starting at `start` that overlap [lo, hi).
struct VisibleRange {
    int begin = 0;
    int end = 0;
};

VisibleRange visible_range(float lo, float hi, float start, float cell, int n) {
    const auto index = [&](float at) { return static_cast<int>(std::floor((at - start) / cell)); };
    return {std::clamp(index(lo), 0, n), std::clamp(index(hi) + 1, 0, n)};
}

}  // namespace

MatrixGridResult draw_matrix_grid(const char* id, const MatrixRM& values, const MatrixGridOptions& o) {
    MatrixGridResult res;
    const int n_rows = static_cast<int>(values.rows());
    const int n_cols = static_cast<int>(values.cols());
    const Geometry g = geometry(values, o);
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(o.theme);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 c0(origin.x + g.label_w, origin.y + g.label_h);
    const ImVec2 c1(c0.x + g.cell * static_cast<float>(n_cols), c0.y + g.cell * static_cast<float>(n_rows));
    res.cells = Rect{c0, c1};
    const auto is_masked = [&](int i, int j) {
        return o.visible != nullptr && i < o.visible->rows() && j < o.visible->cols() &&
               (*o.visible)(i, j) == 0;
    };

    // Colour range over finite, visible values.
    float lo = o.vmin;
    float hi = o.vmax;
    if (!(lo < hi)) {
        lo = INFINITY;
        hi = -INFINITY;
        // Row pointers and local accumulators: the pipeline draws several 512 x 512 matrices a frame.
        const bool mask_fits =
            o.visible != nullptr && o.visible->rows() >= n_rows && o.visible->cols() >= n_cols;
        for (int i = 0; i < n_rows; ++i) {
            const float* row = values.row(i).data();
            const std::uint8_t* vis = mask_fits ? o.visible->row(i).data() : nullptr;
            float row_lo = INFINITY;
            float row_hi = -INFINITY;
            for (int j = 0; j < n_cols; ++j) {
                const float v = row[j];
                const bool use = std::isfinite(v) && (vis == nullptr || vis[j] != 0);
                row_lo = std::min(row_lo, use ? v : INFINITY);
                row_hi = std::max(row_hi, use ? v : -INFINITY);
            }
            lo = std::min(lo, row_lo);
            hi = std::max(hi, row_hi);
        }
        if (o.diverging) {
            const float m = std::max(std::fabs(lo), std::fabs(hi));
            lo = -m;
            hi = m;
        }
        if (!(lo < hi)) {
            lo = std::isfinite(lo) ? lo - 0.5f : 0.0f;
            hi = lo + 1.0f;
        }
    }

    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Only the rows and columns inside the clip rectangle are drawn: a 512 x 512 matrix in a scrolled
    // pipeline would otherwise submit 262,144 cells a frame, most of them off screen.
    const VisibleRange rows_shown =
        visible_range(dl->GetClipRectMin().y, dl->GetClipRectMax().y, c0.y, g.cell, n_rows);
    const VisibleRange cols_shown =
        visible_range(dl->GetClipRectMin().x, dl->GetClipRectMax().x, c0.x, g.cell, n_cols);
    // Labels: every one when cells are a line tall, else every step-th (and always the marked ones).
    const int row_step = std::max(1, static_cast<int>(std::ceil(fs * 0.95f / g.cell)));
    if (o.row_labels != nullptr) {
        for (int i = rows_shown.begin; i < rows_shown.end && i < static_cast<int>(o.row_labels->size());
             ++i) {
            const std::string l = shorten((*o.row_labels)[static_cast<std::size_t>(i)], kLabelChars);
            const ImVec2 ts = ImGui::CalcTextSize(l.c_str());
            const float y = c0.y + (static_cast<float>(i) + 0.5f) * g.cell - ts.y * 0.5f;
            if (i % row_step == 0 || i == o.mark_row)
                dl->AddText(ImVec2(c0.x - ts.x - fs * 0.25f, y), i == o.mark_row ? pal.accent : pal.text,
                            l.c_str());
        }
    }
    if (o.col_labels != nullptr) {
        for (int j = cols_shown.begin; j < cols_shown.end && j < static_cast<int>(o.col_labels->size());
             ++j) {
            const std::string l = shorten((*o.col_labels)[static_cast<std::size_t>(j)], kLabelChars);
            const ImU32 col = j == o.mark_col ? pal.accent : pal.text;
            if (g.vertical_cols) {
                if (j % row_step != 0 && j != o.mark_col) continue;
                add_text_vertical(
                    dl, ImVec2(c0.x + (static_cast<float>(j) + 0.5f) * g.cell - fs * 0.5f, c0.y - fs * 0.2f),
                    col, l.c_str());
            } else {
                const ImVec2 ts = ImGui::CalcTextSize(l.c_str());
                dl->AddText(ImVec2(c0.x + (static_cast<float>(j) + 0.5f) * g.cell - ts.x * 0.5f,
                                   c0.y - ts.y - fs * 0.15f),
                            col, l.c_str());
            }
        }
    }

    // Cells.
    // Numbers when they fit: the requested decimals, else one fewer (never below 1).
    int decimals = o.decimals;
    const auto number_w = [&](int dec) {
        return ImGui::CalcTextSize(format_cell_value(-0.5f, dec).c_str()).x + fs * 0.15f;
    };
    if (g.cell < number_w(decimals) && decimals > 1) --decimals;
    const bool numbers = g.cell >= number_w(decimals) && g.cell >= fs * 1.1f;
    for (int i = rows_shown.begin; i < rows_shown.end; ++i) {
        for (int j = cols_shown.begin; j < cols_shown.end; ++j) {
            const ImVec2 a(c0.x + static_cast<float>(j) * g.cell, c0.y + static_cast<float>(i) * g.cell);
            const ImVec2 b(a.x + g.cell, a.y + g.cell);
            const float v = values(i, j);
            if (is_masked(i, j) || !std::isfinite(v)) {
                dl->AddRectFilled(a, b, pal.masked_cell);
                hatch(dl, a, b, pal.text_dim);
            } else {
                const float t = (v - lo) / (hi - lo);
                dl->AddRectFilled(a, b, cell_colour(o, t));
                if (numbers) {
                    const std::string txt = format_cell_value(v, decimals);
                    const ImVec2 ts = ImGui::CalcTextSize(txt.c_str());
                    dl->AddText(ImVec2(a.x + (g.cell - ts.x) * 0.5f, a.y + (g.cell - ts.y) * 0.5f),
                                text_colour_on(o, t), txt.c_str());
                }
            }
            if (numbers && is_masked(i, j)) {
                const std::string txt = std::isinf(v) ? format_cell_value(v, decimals) : "0";
                const ImVec2 ts = ImGui::CalcTextSize(txt.c_str());
                dl->AddText(ImVec2(a.x + (g.cell - ts.x) * 0.5f, a.y + (g.cell - ts.y) * 0.5f), pal.text,
                            txt.c_str());
            }
        }
    }
    if (g.cell >= 8.0f) {
        for (int i = rows_shown.begin; i <= rows_shown.end; ++i)
            dl->AddLine(ImVec2(c0.x, c0.y + static_cast<float>(i) * g.cell),
                        ImVec2(c1.x, c0.y + static_cast<float>(i) * g.cell), pal.panel_bg, 1.0f);
        for (int j = cols_shown.begin; j <= cols_shown.end; ++j)
            dl->AddLine(ImVec2(c0.x + static_cast<float>(j) * g.cell, c0.y),
                        ImVec2(c0.x + static_cast<float>(j) * g.cell, c1.y), pal.panel_bg, 1.0f);
    }
    if (o.mark_row >= 0 && o.mark_row < n_rows) {
        const float y = c0.y + static_cast<float>(o.mark_row) * g.cell;
        dl->AddRect(ImVec2(c0.x - 1.0f, y), ImVec2(c1.x + 1.0f, y + g.cell), pal.accent, 0.0f, 0, 2.0f);
    }
    if (o.mark_col >= 0 && o.mark_col < n_cols) {
        const float x = c0.x + static_cast<float>(o.mark_col) * g.cell;
        dl->AddRect(ImVec2(x, c0.y - 1.0f), ImVec2(x + g.cell, c1.y + 1.0f), pal.accent, 0.0f, 0, 2.0f);
    }
    if (o.selected_row >= 0 && o.selected_row < n_rows && o.selected_col >= 0 && o.selected_col < n_cols) {
        const ImVec2 a(c0.x + static_cast<float>(o.selected_col) * g.cell,
                       c0.y + static_cast<float>(o.selected_row) * g.cell);
        dl->AddRect(ImVec2(a.x - 2.0f, a.y - 2.0f), ImVec2(a.x + g.cell + 2.0f, a.y + g.cell + 2.0f),
                    IM_COL32(255, 255, 255, 255), 0.0f, 0, 3.0f);
    }
    if (o.highlighted) {
        dl->AddRect(ImVec2(origin.x - 4.0f, origin.y - 4.0f), ImVec2(c1.x + 4.0f, c1.y + 4.0f), pal.accent,
                    fs * 0.3f, 0, 3.0f);
    }

    // Interaction: one item over the labels and cells, or one per cell when editable (ImGui then
    // remembers which cell is being dragged).
    ImGui::PushID(id);
    if (o.editable) {
        for (int i = 0; i < n_rows; ++i) {
            for (int j = 0; j < n_cols; ++j) {
                ImGui::SetCursorScreenPos(
                    ImVec2(c0.x + static_cast<float>(j) * g.cell, c0.y + static_cast<float>(i) * g.cell));
                ImGui::PushID(i * n_cols + j);
                if (ImGui::InvisibleButton("##cell", ImVec2(g.cell, g.cell))) {
                    res.clicked_row = i;
                    res.clicked_col = j;
                }
                if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
                    res.hover_row = i;
                    res.hover_col = j;
                    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
                }
                if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 1.0f)) {
                    const float dx = ImGui::GetIO().MouseDelta.x;
                    if (dx != 0.0f) {
                        const float step = ImGui::GetIO().KeyShift ? o.drag_speed * 0.1f : o.drag_speed;
                        res.edited = true;
                        res.edit_row = i;
                        res.edit_col = j;
                        res.edit_value = values(i, j) + dx * step;
                    }
                }
                ImGui::PopID();
            }
        }
        ImGui::SetCursorScreenPos(origin);
        ImGui::Dummy(ImVec2(c1.x - origin.x, c1.y - origin.y));
    } else {
        ImGui::SetCursorScreenPos(c0);
        const bool clicked = ImGui::InvisibleButton(
            "##cells", ImVec2(std::max(1.0f, c1.x - c0.x), std::max(1.0f, c1.y - c0.y)));
        if (ImGui::IsItemHovered()) {
            const ImVec2 m = ImGui::GetIO().MousePos;
            res.hover_row = std::clamp(static_cast<int>((m.y - c0.y) / g.cell), 0, n_rows - 1);
            res.hover_col = std::clamp(static_cast<int>((m.x - c0.x) / g.cell), 0, n_cols - 1);
            if (clicked) {
                res.clicked_row = res.hover_row;
                res.clicked_col = res.hover_col;
            }
        }
        ImGui::SetCursorScreenPos(origin);
        ImGui::Dummy(ImVec2(c1.x - origin.x, c1.y - origin.y));
    }
    ImGui::PopID();

    if (res.hovered()) {
        const ImVec2 a(c0.x + static_cast<float>(res.hover_col) * g.cell,
                       c0.y + static_cast<float>(res.hover_row) * g.cell);
        dl->AddRect(a, ImVec2(a.x + g.cell, a.y + g.cell), IM_COL32(255, 255, 255, 200), 0.0f, 0, 2.0f);
        const auto name = [](const std::vector<std::string>* labels, int k) {
            return labels != nullptr && k < static_cast<int>(labels->size())
                       ? " \"" + (*labels)[static_cast<std::size_t>(k)] + "\""
                       : std::string();
        };
        ImGui::BeginTooltip();
        ImGui::Text("%s %d%s  \xC2\xB7  %s %d%s", o.row_axis, res.hover_row,
                    name(o.row_labels, res.hover_row).c_str(), o.col_axis, res.hover_col,
                    name(o.col_labels, res.hover_col).c_str());
        const float v = values(res.hover_row, res.hover_col);
        if (is_masked(res.hover_row, res.hover_col)) {
            ImGui::TextUnformatted(std::isinf(v) ? "masked: score -\xE2\x88\x9E, weight exactly 0"
                                                 : "masked: weight exactly 0");
        } else {
            ImGui::Text("value %s", format_cell_value(v, std::max(4, o.decimals)).c_str());
        }
        if (o.editable) ImGui::TextDisabled("drag left / right to change it (Shift: finer)");
        if (o.click_hint != nullptr) ImGui::TextDisabled("%s", o.click_hint);
        ImGui::EndTooltip();
    }
    return res;
}

}  // namespace attnviz::gui
