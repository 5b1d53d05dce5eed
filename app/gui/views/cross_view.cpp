// Cross-attention: the queries' sentence on top, the keys' sentence below, links from the query to
// every key (thickness follows the weight). The "Cross-attention" view adds the two sentence fields.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/scenario.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <vector>

namespace attnviz::gui {

void draw_cross_strip(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##cross_strip", size, true, ImGuiWindowFlags_HorizontalScrollbar);
    const Palette& pal = palette(s.view.theme);
    const attention::AttentionResult* result = s.derived.result();
    const int n_q = result ? result->n_q : 0;
    const int n_k = result ? result->n_k : 0;
    if (n_q == 0 || n_k == 0) {
        ImGui::TextDisabled("%s",
                            s.derived.status.empty() ? "Type both sentences." : s.derived.status.c_str());
        ImGui::EndChild();
        return;
    }
    ImGui::PushFont(display_font());
    const float fs = ImGui::GetFontSize();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float caption_w = fs * 6.5f;
    std::vector<std::string> q_labels;
    std::vector<std::string> k_labels;
    for (int i = 0; i < n_q; ++i) q_labels.push_back(shorten(token_label(s, i), 14));
    for (int j = 0; j < n_k; ++j) k_labels.push_back(shorten(key_label(s, j), 14));
    const std::vector<Rect> q_chips =
        chip_row(q_labels, origin.x + caption_w, avail.x - caption_w, origin.y + fs * 0.3f);
    const std::vector<Rect> k_chips = chip_row(k_labels, origin.x + caption_w, avail.x - caption_w,
                                               origin.y + std::max(fs * 4.5f, avail.y - fs * 2.1f));

    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushFont(ImGui::GetIO().Fonts->Fonts[0]);
    dl->AddText(ImVec2(origin.x, q_chips[0].min.y + fs * 0.2f), pal.text_dim, "queries (Q)");
    dl->AddText(ImVec2(origin.x, k_chips[0].min.y + fs * 0.2f), pal.text_dim, "keys, values");
    ImGui::PopFont();

    int hovered = -1;
    for (int i = 0; i < n_q; ++i) {
        const Rect& r = q_chips[static_cast<std::size_t>(i)];
        s.layout.widgets.note("token_chip", i, r);
        ImGui::SetCursorScreenPos(r.min);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##q", ImVec2(r.max.x - r.min.x, r.max.y - r.min.y))) set_query(s, i);
        if (ImGui::IsItemHovered()) hovered = i;
        ImGui::PopID();
    }
    s.selection.hover_token = hovered;
    const int shown = hovered >= 0 ? hovered : std::clamp(s.selection.query, 0, n_q - 1);
    const int h =
        std::clamp(s.selection.focus_head, 0, static_cast<int>(s.derived.result()->heads.size()) - 1);
    const MatrixRM& w = s.derived.result()->heads[static_cast<std::size_t>(h)].weights;

    // Links from the shown query down to every key, weakest first so strong ones sit on top.
    const Rect& qr = q_chips[static_cast<std::size_t>(shown)];
    const ImVec2 from(0.5f * (qr.min.x + qr.max.x), qr.max.y + 2.0f);
    std::vector<int> order(static_cast<std::size_t>(n_k));
    for (int j = 0; j < n_k; ++j) order[static_cast<std::size_t>(j)] = j;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return w(shown, a) < w(shown, b); });
    for (int j : order) {
        const float wj = w(shown, j);
        const Rect& kr = k_chips[static_cast<std::size_t>(j)];
        const ImVec2 to(0.5f * (kr.min.x + kr.max.x), kr.min.y - 2.0f);
        ImVec4 c = ImGui::ColorConvertU32ToFloat4(pal.arc);
        c.w = 0.15f + 0.85f * std::min(1.0f, wj * 1.4f);
        const float dy = (to.y - from.y) * 0.5f;
        dl->AddBezierCubic(from, ImVec2(from.x, from.y + dy), ImVec2(to.x, to.y - dy), to,
                           ImGui::ColorConvertFloat4ToU32(c), 1.0f + 11.0f * wj, 32);
    }
    for (int r = 0; r < std::min(3, n_k); ++r) {
        const int j = order[static_cast<std::size_t>(n_k - 1 - r)];
        if (w(shown, j) < 0.05f) break;
        const Rect& kr = k_chips[static_cast<std::size_t>(j)];
        const std::string text = format_weight(w(shown, j));
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        const ImVec2 p(0.5f * (kr.min.x + kr.max.x) - ts.x * 0.5f, kr.min.y - ts.y - fs * 0.45f);
        dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + ts.x + 3, p.y + ts.y + 1), pal.panel_bg,
                          3.0f);
        dl->AddText(p, pal.text, text.c_str());
    }
    for (int i = 0; i < n_q; ++i) {
        const bool is_query = i == s.selection.query;
        draw_chip(dl, q_chips[static_cast<std::size_t>(i)], q_labels[static_cast<std::size_t>(i)],
                  is_query ? pal.chip_query : (i == hovered ? pal.chip_hover : pal.chip),
                  i == shown ? pal.accent : pal.chip_border, is_query ? IM_COL32(20, 20, 20, 255) : pal.text,
                  i == shown ? 2.5f : 1.0f);
    }
    for (int j = 0; j < n_k; ++j) {
        draw_chip(dl, k_chips[static_cast<std::size_t>(j)], k_labels[static_cast<std::size_t>(j)], pal.chip,
                  pal.chip_border, pal.text, 1.0f);
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, k_chips[0].max.y + 2.0f));
    ImGui::Dummy(ImVec2(std::max(k_chips.back().max.x, q_chips.back().max.x) - origin.x, 1.0f));
    ImGui::PopFont();
    ImGui::EndChild();
}

void draw_cross_view(AppState& s) {
    const float fs = ImGui::GetFontSize();
    ImGui::TextWrapped(
        "Cross-attention, as in a translator: the target sentence's tokens ask (queries), the source "
        "sentence's tokens answer (keys and values). The matrix is rectangular and no causal mask applies "
        "across the two sentences.");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Keys from");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(fs * 10.0f, ImGui::GetContentRegionAvail().x - fs * 22.0f));
    std::string keys = s.key_sentence;
    if (ImGui::InputTextWithHint("##key_sentence", "a second sentence: its tokens give K and V", &keys))
        set_key_sentence(s, keys);
    ImGui::SameLine();
    if (ImGui::Button("French / English lesson")) {
        if (const lesson::Scenario* sc = lesson::find_builtin_scenario("cross-attention"))
            apply_scenario(s, *sc);
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(s.key_sentence.empty());
    if (ImGui::Button("Self-attention")) set_key_sentence(s, "");
    ImGui::EndDisabled();
    if (!is_cross(s)) {
        ImGui::Spacing();
        ImGui::TextDisabled("Type a second sentence above, or open the French / English lesson.");
        return;
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float strip_h = std::clamp(fs * 9.0f, 150.0f, avail.y * 0.4f);
    draw_cross_strip(s, ImVec2(avail.x, strip_h));
    draw_heatmap_panel(s,
                       ImVec2(avail.x, std::max(50.0f, avail.y - strip_h - ImGui::GetStyle().ItemSpacing.y)));
}

}  // namespace attnviz::gui
