// A matrix drawn as coloured cells (CPU colormap) with optional labels, numbers in cells that are large
// enough, hatched masked cells, a hover tooltip, click-to-select and (optionally) drag-to-edit.
// Reusable by any view: it reads only its arguments and reports what the mouse did.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/style/colormap.h"
#include "core/base/types.h"

#include <imgui.h>

#include <string>
#include <vector>

namespace attnviz::gui {

struct MatrixGridOptions {
    float cell = 0.0f;  ///< cell side in pixels; 0 = 2.8 x the font size
    Colormap colormap = Colormap::kViridis;
    Theme theme = Theme::kDark;
    const std::vector<std::string>* row_labels = nullptr;  ///< [n_rows], drawn left; nullptr = none
    const std::vector<std::string>* col_labels = nullptr;  ///< [n_cols], drawn on top; nullptr = none
    const char* row_axis = "row";  ///< names used in the tooltip ("query", "embedding dim")
    const char* col_axis = "column";
    const MaskMatrix* visible = nullptr;  ///< [n_rows, n_cols]; zeros are drawn hatched grey ("masked")
    int mark_row = -1;                    ///< a row outlined in the accent colour (the query)
    int mark_col = -1;                    ///< a column outlined (the selected key)
    int selected_row = -1;                ///< one cell outlined boldly (the inspected cell)
    int selected_col = -1;
    bool highlighted = false;  ///< frame the whole grid (linked to the formula)
    bool editable = false;     ///< drag left/right on a cell to change its value
    float drag_speed = 0.01f;  ///< value change per pixel dragged
    int decimals = 2;          ///< digits after the point in cells and tooltips
    /// Colour range; when vmin >= vmax the range of the finite, visible values is used (with `diverging`:
    /// [-m, m], m the largest visible |value|).
    float vmin = 0.0f;
    float vmax = 0.0f;
    bool diverging = false;  ///< signed values: diverging_color (blue < 0, neutral 0, red > 0), not colormap
    const char* click_hint = "click: inspect this cell";  ///< the tooltip's last line; nullptr = none
};

struct MatrixGridResult {
    Rect cells;          ///< where the cells are (labels excluded), screen coordinates
    int hover_row = -1;  ///< cell under the mouse, -1 = none
    int hover_col = -1;
    int clicked_row = -1;  ///< cell clicked this frame, -1 = none
    int clicked_col = -1;
    bool edited = false;  ///< an editable cell was dragged this frame: its new value
    int edit_row = -1;
    int edit_col = -1;
    float edit_value = 0.0f;
    bool hovered() const { return hover_row >= 0; }
};

/// Width and height the grid takes (labels included), for layouts that place it.
ImVec2 matrix_grid_size(const MatrixRM& values, const MatrixGridOptions& options);

/// Draws values [n_rows, n_cols] at the cursor as one ImGui item (or one per cell when editable).
/// -inf values are shown as "-inf"; masked cells as grey hatching.
MatrixGridResult draw_matrix_grid(const char* id, const MatrixRM& values, const MatrixGridOptions& options);

/// Cell side that fits n_rows x n_cols into max_size, at most max_cell, at least 3 pixels.
float fit_cell_size(int n_rows, int n_cols, ImVec2 max_size, float max_cell);

/// How a value is written in cells and tooltips: "0.42", "-1.30", "-inf".
std::string format_cell_value(float v, int decimals);

}  // namespace attnviz::gui
