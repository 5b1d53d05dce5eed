// Dark and light themes: ImGui styles plus the few colours attnviz draws itself.
#pragma once

#include "app/gui/app_state.h"

#include <imgui.h>

namespace attnviz::gui {

struct Palette {
    ImU32 text;
    ImU32 text_dim;
    ImU32 chip;  ///< token chip background
    ImU32 chip_border;
    ImU32 chip_query;  ///< the locked query token
    ImU32 chip_hover;
    ImU32 chip_masked;  ///< a key the query cannot see
    ImU32 arc;          ///< attention arcs (alpha is scaled by weight)
    ImU32 accent;       ///< selections and outlines
    ImU32 panel_bg;
    ImU32 masked_cell;  ///< legend swatch of masked heatmap cells (the shader hatches them)
    ImU32 empty_row;    ///< legend swatch of rows with no visible key
    ImU32 error;        ///< refused input, engine errors, a query that sees no key
    ImU32 warning;      ///< notices, the quiz's hidden-weights banner
    ImU32 success;      ///< a right answer, a check that holds
    ImU32 focus;        ///< the focused head's frame: unlike every KV-group colour (group_color)
};

/// A palette colour as ImGui::TextColored takes it.
inline ImVec4 text_color(ImU32 c) {
    return ImGui::ColorConvertU32ToFloat4(c);
}

/// Applies the ImGui style of a theme scaled by font_scale (sizes and paddings follow the font).
void apply_theme(Theme theme, float size_scale);

const Palette& palette(Theme theme);

/// WCAG 2 contrast ratio of two opaque colours, 1 (same luminance) to 21 (black on white).
/// Readable text needs at least 4.5.
float contrast_ratio(ImU32 a, ImU32 b);

/// Colour of KV group g (query heads that share a KV head share it): Okabe-Ito, colour-blind safe.
ImU32 group_color(int g, float alpha = 1.0f);

}  // namespace attnviz::gui
