// Small drawing helpers shared by panels: fixed windows, rotated labels, legends, token text.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/compute/heatmap_cells.h"
#include "app/gui/style/colormap.h"

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace attnviz::gui {

/// Begins a window pinned at pos with size (no move, resize or collapse). Always pair with ImGui::End().
bool begin_fixed_window(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra = 0);

/// Text drawn at pos rotated by -90 degrees (reading upwards), so column labels fit narrow columns.
void add_text_vertical(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* text);

/// A vertical colour bar for a colormap over [range], with the scale's name and end values, and
/// swatches for masked cells and rows with no visible key.
void draw_legend(ImDrawList* dl, ImVec2 pos, ImVec2 size, Colormap cmap, const ScaleRange& range,
                 ColorScale scale, Theme theme);

/// A query token (a row) as the run labels it: visible symbols for control characters.
std::string token_label(const AppState& s, int index);

/// A key (a column) as the run labels it: from the keys' sentence in cross-attention.
std::string key_label(const AppState& s, int index);

/// True when keys come from a second sentence (cross-attention).
bool is_cross(const AppState& s);

/// Label shortened to at most max_chars code points with an ellipsis.
std::string shorten(const std::string& text, int max_chars);

/// Label shortened (with an ellipsis) until it is at most max_width wide in the current font.
std::string elide_to_width(const std::string& text, float max_width);

/// "1 query head", "8 query heads": a count with its noun in the right number (noun in the singular,
/// plural by adding "s").
std::string count_of(long long n, const std::string& noun);

/// The token chip tooltip's code-point line: "" for ASCII text, else "code points: U+0065 U+0301 (combining)"
/// with joiners and variation selectors named, at most 16 listed ("... N in all"), and a remark when some lie
/// above U+FFFF (drawn as U+FFFD: Debian's imgui has 16-bit characters). text: valid UTF-8.
std::string code_point_line(std::string_view text);

/// The rows [first, end) that get an axis label when only every step-th fits: multiples of step, and
/// `keep` (the query row, -1 for none) always, with the decimated neighbours closer to it than step
/// dropped so no two labels overlap. Ascending.
std::vector<int> labelled_rows(int first, int end, int step, int keep);

/// Splits text into lines at most max_width wide (measured by width_of), breaking only at spaces: a
/// number such as 3.6e-07 stays whole (ImGui's own wrapping breaks after a '.'). A word wider than
/// max_width gets a line of its own.
std::vector<std::string> wrap_at_spaces(const std::string& text, float max_width,
                                        float (*width_of)(const std::string&));

/// TextUnformatted over the lines wrap_at_spaces gives for the current window's remaining width.
void text_wrapped_whole_words(const std::string& text);

/// "0.71", "0.05", "<0.01": weights as a student reads them.
std::string format_weight(float w);

/// The width of a row of token chips for these labels in the current font (chip_row below).
float chip_row_width(const std::vector<std::string>& labels);

/// Token chips in one row, one per label in the current font, 1.7 em tall with their top at y: each as
/// wide as its label plus padding (at least 1.5 em), 0.35 em apart, centred in [x_min, x_min + width]
/// (from x_min when wider). The token strip and the cross-attention view lay their chips out this way.
std::vector<Rect> chip_row(const std::vector<std::string>& labels, float x_min, float width, float y);

/// Token chips in one column, for a tall narrow space: all as wide as the widest label plus padding (at
/// most max_width), 1.7 em tall, their left edges at x, the first top at y, one every `pitch` pixels.
std::vector<Rect> chip_column(const std::vector<std::string>& labels, float x, float y, float max_width,
                              float pitch);

/// One chip: a rounded box with a border and its label centred.
void draw_chip(ImDrawList* dl, const Rect& r, const std::string& label, ImU32 bg, ImU32 border, ImU32 text,
               float border_thickness);

}  // namespace attnviz::gui
