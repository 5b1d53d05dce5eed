// The "Patterns" view: one card per known attention pattern, each with a preview of the engine's weights
// under the card's settings; a click applies the card to the shared settings (apply_pattern).
#include "app/gui/app_actions.h"
#include "app/gui/compute/lab_compute.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

namespace {

ImU32 to_u32(Rgb8 c) {
    return IM_COL32(c.r, c.g, c.b, 255);
}

/// The preview: weights coloured per row (each row's largest weight at the colormap's top, so every
/// row's pattern shows), masked cells in the masked colour.
void draw_mini_matrix(ImDrawList* dl, ImVec2 p, float side, const PatternPreview& pv, Colormap cmap,
                      const Palette& pal) {
    const int n = static_cast<int>(pv.weights.rows());
    if (n == 0 || pv.visible.rows() != n || pv.visible.cols() != pv.weights.cols()) {
        dl->AddRect(p, ImVec2(p.x + side, p.y + side), pal.chip_border);
        return;
    }
    const int m = static_cast<int>(pv.weights.cols());
    const float cw = side / static_cast<float>(m);
    const float ch = side / static_cast<float>(n);
    for (int i = 0; i < n; ++i) {
        const float row_max = std::max(1e-6f, pv.weights.row(i).maxCoeff());
        for (int j = 0; j < m; ++j) {
            const ImVec2 a(p.x + cw * static_cast<float>(j), p.y + ch * static_cast<float>(i));
            const ImVec2 b(a.x + cw, a.y + ch);
            const ImU32 c =
                pv.visible(i, j) ? to_u32(colormap_color(cmap, pv.weights(i, j) / row_max)) : pal.masked_cell;
            dl->AddRectFilled(a, b, c);
        }
    }
    dl->AddRect(p, ImVec2(p.x + side, p.y + side), pal.chip_border);
}

/// The card whose settings the state shows now.
bool card_is_current(const AppState& s, Pattern p) {
    const PatternTarget t = pattern_target(p, s);
    const lesson::LessonRunSettings& e = s.settings;
    return t.settings.causal == e.causal && t.settings.window == e.window &&
           t.settings.n_kv_heads == e.n_kv_heads &&
           (t.focus_head < 0 || t.focus_head == s.selection.focus_head) &&
           (t.sentence.empty() || t.sentence == s.sentence);
}

}  // namespace

void draw_gallery_view(AppState& s) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    const std::vector<PatternInfo>& cards = patterns();
    ImGui::TextWrapped(
        "Click a pattern to apply it to the sentence (the Attention tab shows it too). "
        "Previews: the engine's weights on the first %d tokens, each row scaled to its own largest weight.",
        kPreviewTokens);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const int cols = avail.x > fs * 50.0f ? 4 : avail.x > fs * 36.0f ? 3 : 2;
    const int rows = (static_cast<int>(cards.size()) + cols - 1) / cols;
    const float card_w = (avail.x - sp * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    const float card_h =
        std::max(fs * 8.0f, (avail.y - sp * static_cast<float>(rows - 1)) / static_cast<float>(rows));
    const float pad = fs * 0.5f;
    // The tallest card text decides how much room the previews get.
    float text_h = 0.0f;
    for (const PatternInfo& info : cards) {
        const float wrap = card_w - 2.0f * pad;
        const float h =
            ImGui::GetTextLineHeightWithSpacing() + ImGui::CalcTextSize(info.what, nullptr, false, wrap).y +
            ImGui::CalcTextSize(info.where, nullptr, false, wrap).y + 2.0f * ImGui::GetStyle().ItemSpacing.y;
        text_h = std::max(text_h, h);
    }
    const float side = std::max(fs * 2.0f, std::min(card_w - 2.0f * pad, card_h - text_h - 2.0f * pad));

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    for (std::size_t c = 0; c < cards.size(); ++c) {
        const PatternInfo& info = cards[c];
        const int col = static_cast<int>(c) % cols;
        const int row = static_cast<int>(c) / cols;
        const ImVec2 a(origin.x + static_cast<float>(col) * (card_w + sp),
                       origin.y + static_cast<float>(row) * (card_h + sp));
        const ImVec2 b(a.x + card_w, a.y + card_h);
        s.layout.widgets.note("gallery_card", static_cast<int>(c), Rect{a, b});
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(static_cast<int>(c));
        if (ImGui::InvisibleButton("##card", ImVec2(card_w, card_h))) apply_pattern(s, info.id);
        const bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        const bool current = card_is_current(s, info.id);
        dl->AddRectFilled(a, b, hovered ? pal.chip_hover : pal.chip, fs * 0.3f);
        dl->AddRect(a, b, current ? pal.accent : pal.chip_border, fs * 0.3f, 0, current ? 3.0f : 1.0f);
        const ImVec2 mp(a.x + (card_w - side) * 0.5f, a.y + pad);
        if (c < s.derived.lab.gallery.size())
            draw_mini_matrix(dl, mp, side, s.derived.lab.gallery[c], s.view.heatmap.colormap, pal);
        ImGui::SetCursorScreenPos(ImVec2(a.x + pad, mp.y + side + pad * 0.6f));
        ImGui::BeginGroup();  // new lines start at the card's left edge, not the window's
        // PushTextWrapPos takes window-local x.
        ImGui::PushTextWrapPos(b.x - pad - ImGui::GetWindowPos().x + ImGui::GetScrollX());
        ImGui::PushStyleColor(ImGuiCol_Text, current ? ImGui::ColorConvertU32ToFloat4(pal.accent)
                                                     : ImGui::ColorConvertU32ToFloat4(pal.text));
        ImGui::TextUnformatted(info.name);
        ImGui::PopStyleColor();
        ImGui::TextWrapped("%s", info.what);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
        ImGui::TextWrapped("%s", info.where);
        ImGui::PopStyleColor();
        ImGui::PopTextWrapPos();
        ImGui::EndGroup();
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + static_cast<float>(rows) * (card_h + sp)));
}

}  // namespace attnviz::gui
