// The sentence as token chips, attention arcs from the query to every key it can see (thickness and
// opacity follow the weight, the strongest carry their numbers), and a weight bar under each chip.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/io/utf8.h"
#include "core/lesson/lesson_model.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace attnviz::gui {

namespace {

// Arcs thinner than this weight are not drawn (they would be invisible anyway); keeps long texts fast.
constexpr float kMinArcWeight = 0.004f;
constexpr int kLabelledArcs = 3;

struct StripGeometry {
    float chip_h;
    float chip_y;               // top of the chip row
    float bar_h;                // tallest weight bar under the chips
    std::vector<float> x0, x1;  // chip spans (chip_row, widgets.h)
};

/// An arc from x_query to x_key above base_y. Heights grow with distance, scaled so that the longest
/// arc from this query (max_span) just fits max_h: arcs of different lengths never share a height.
struct ArcShape {
    float xa, xb, base_y, height;

    ImVec2 point(float t) const {  // on the cubic, t in [0, 1]
        const float u = 1.0f - t;
        const float c = height * 1.333f;
        const float x = (u * u * u + 3 * u * u * t) * xa + (3 * u * t * t + t * t * t) * xb;
        const float y = base_y - (3 * u * u * t + 3 * u * t * t) * c;
        return ImVec2(x, y);
    }
};

ArcShape arc_shape(float xa, float xb, float base_y, float max_h, float max_span) {
    const float fs = ImGui::GetFontSize();
    const float d = std::abs(xb - xa);
    const float h = d < 1.0f ? fs * 1.65f
                             : fs * 0.9f + (max_h - fs * 0.9f) * std::min(1.0f, d / std::max(1.0f, max_span));
    return ArcShape{xa, xb, base_y, h};
}

void draw_arc(ImDrawList* dl, const ArcShape& a, ImU32 col, float thickness) {
    const float fs = ImGui::GetFontSize();
    if (std::abs(a.xb - a.xa) < 1.0f) {  // a token attending to itself: a small loop
        dl->AddBezierCubic(ImVec2(a.xa - fs * 0.35f, a.base_y),
                           ImVec2(a.xa - fs * 1.3f, a.base_y - fs * 2.2f),
                           ImVec2(a.xa + fs * 1.3f, a.base_y - fs * 2.2f),
                           ImVec2(a.xa + fs * 0.35f, a.base_y), col, thickness, 24);
        return;
    }
    const float c = a.height * 1.333f;  // a cubic with both control points at 4/3 h peaks at h halfway
    dl->AddBezierCubic(ImVec2(a.xa, a.base_y), ImVec2(a.xa, a.base_y - c), ImVec2(a.xb, a.base_y - c),
                       ImVec2(a.xb, a.base_y), col, thickness, 32);
}

void chip_tooltip(const AppState& s, int i, int shown_query, const HeadResult* head) {
    const Token& tok = s.derived.tokens.tokens[static_cast<std::size_t>(i)];
    ImGui::BeginTooltip();
    ImGui::Text("\"%s\"  token %d, bytes %zu..%zu", token_display_label(tok.text).c_str(), i, tok.byte_begin,
                tok.byte_end);
    if (const std::string cps = code_point_line(tok.text); !cps.empty())
        ImGui::TextDisabled("%s", cps.c_str());
    ImGui::TextDisabled("%s", LessonModel::instance().describe_token(tok.text).c_str());
    if (head != nullptr && shown_query >= 0 && i != shown_query) {
        if (s.derived.result()->visible(shown_query, i)) {
            ImGui::Text("weight from \"%s\": %s", token_label(s, shown_query).c_str(),
                        format_weight(head->weights(shown_query, i)).c_str());
        } else {
            ImGui::TextDisabled("masked: \"%s\" may not look at this token",
                                token_label(s, shown_query).c_str());
        }
    }
    ImGui::TextDisabled("click: make it the query");
    ImGui::EndTooltip();
}

}  // namespace

void draw_token_strip(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##token_strip", size, true, ImGuiWindowFlags_HorizontalScrollbar);
    const auto& tokens = s.derived.tokens.tokens;
    const int n = static_cast<int>(tokens.size());
    const Palette& pal = palette(s.view.theme);
    if (n == 0) {
        ImGui::TextDisabled("%s",
                            s.derived.status.empty() ? "Type a sentence above." : s.derived.status.c_str());
        ImGui::EndChild();
        s.selection.hover_token = -1;
        return;
    }

    // The display font, so chips and numbers read from the back of a classroom; the body font when
    // the sentence would not fit with it (long texts scroll either way).
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    std::vector<std::string> labels(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = shorten(token_label(s, i), 14);
    ImGui::PushFont(display_font());
    if (chip_row_width(labels) > avail.x && ImGui::GetFont() != ImGui::GetIO().Fonts->Fonts[0]) {
        ImGui::PopFont();
        ImGui::PushFont(ImGui::GetIO().Fonts->Fonts[0]);
    }
    const float fs = ImGui::GetFontSize();

    // Chip geometry: one row, scrolled horizontally when the sentence is long.
    StripGeometry g;
    g.chip_h = fs * 1.7f;
    g.bar_h = std::clamp(avail.y * 0.12f, fs * 0.5f, fs * 1.2f);
    g.chip_y = origin.y + avail.y - g.chip_h - g.bar_h - fs * 0.4f;
    const float total = chip_row_width(labels);
    for (const Rect& r : chip_row(labels, origin.x, avail.x, g.chip_y)) {
        g.x0.push_back(r.min.x);
        g.x1.push_back(r.max.x);
    }

    // Hit testing first, so this frame's hover drives this frame's arcs.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    std::vector<Rect> chips(static_cast<std::size_t>(n));
    int hovered = -1;
    for (int i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const ImVec2 a(g.x0[iu], g.chip_y);
        const ImVec2 b(g.x1[iu], g.chip_y + g.chip_h);
        chips[iu] = Rect{a, b};
        s.layout.widgets.note("token_chip", i, chips[iu]);
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##chip", ImVec2(b.x - a.x, b.y - a.y))) set_query(s, i);
        if (ImGui::IsItemHovered()) hovered = i;
        ImGui::PopID();
    }
    // Reserve the full strip width so the child scrolls.
    ImGui::SetCursorScreenPos(ImVec2(origin.x, g.chip_y + g.chip_h + g.bar_h + fs * 0.3f));
    ImGui::Dummy(ImVec2(total, 1.0f));
    if (s.selection.query >= 0 && s.selection.query != s.layout.strip_scrolled_to && total > avail.x) {
        const auto qu = static_cast<std::size_t>(std::min(s.selection.query, n - 1));
        ImGui::SetScrollFromPosX(0.5f * (g.x0[qu] + g.x1[qu]) - ImGui::GetWindowPos().x, 0.5f);
        s.layout.strip_scrolled_to = s.selection.query;
    }
    s.selection.hover_token = hovered;

    const int shown = hovered >= 0 ? hovered : s.selection.query;
    const HeadResult* head = nullptr;
    // While a quiz hides the weights there is no head to draw from: no arcs, numbers or bars.
    if (!s.quiz.hidden() && s.derived.result() &&
        s.selection.focus_head < static_cast<int>(s.derived.result()->heads.size())) {
        head = &s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    }

    const float alpha = s.view.weights_alpha;  // fades the weights in after a quiz's reveal
    const auto faded = [alpha](ImU32 col) {
        ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
        c.w *= alpha;
        return ImGui::ColorConvertFloat4ToU32(c);
    };
    if (head != nullptr) s.layout.widgets.note("weight_text", -1, Rect{});

    // Arcs from the shown query to every key it can see.
    const float base_y = g.chip_y - 2.0f;
    const float max_arc_h = std::max(fs, base_y - origin.y - fs * 0.9f);
    std::vector<int> ranked;
    if (head != nullptr && shown >= 0 && shown < n) {
        for (int j = 0; j < n; ++j) {
            if (s.derived.result()->visible(shown, j)) ranked.push_back(j);
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [&](int a, int b) { return head->weights(shown, a) > head->weights(shown, b); });
        const auto su = static_cast<std::size_t>(shown);
        const float xq = 0.5f * (g.x0[su] + g.x1[su]);
        // The farthest chip from this query gets the tallest arc.
        const float max_span = std::max(
            {xq - 0.5f * (g.x0.front() + g.x1.front()), 0.5f * (g.x0.back() + g.x1.back()) - xq, fs * 4.0f});
        // Draw weakest first so strong arcs sit on top.
        for (auto it = ranked.rbegin(); it != ranked.rend(); ++it) {
            const float w = head->weights(shown, *it);
            if (w < kMinArcWeight) continue;
            const auto ju = static_cast<std::size_t>(*it);
            const float xk = 0.5f * (g.x0[ju] + g.x1[ju]);
            ImVec4 c = ImGui::ColorConvertU32ToFloat4(pal.arc);
            c.w = (0.18f + 0.82f * std::min(1.0f, w * 1.4f)) * alpha;
            draw_arc(dl, arc_shape(xq, xk, base_y, max_arc_h, max_span), ImGui::ColorConvertFloat4ToU32(c),
                     1.2f + 11.0f * w);
        }
        for (int r = 0; r < std::min<int>(kLabelledArcs, static_cast<int>(ranked.size())); ++r) {
            const int j = ranked[static_cast<std::size_t>(r)];
            const float w = head->weights(shown, j);
            if (w < 0.05f) break;
            const auto ju = static_cast<std::size_t>(j);
            const float xk = 0.5f * (g.x0[ju] + g.x1[ju]);
            const std::string text = format_weight(w);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            // On the arc near its key end, where arcs to different keys are apart.
            const ImVec2 on_arc = std::abs(xk - xq) < 1.0f
                                      ? ImVec2(xk, base_y - fs * 1.65f)
                                      : arc_shape(xq, xk, base_y, max_arc_h, max_span).point(0.82f);
            const ImVec2 p(on_arc.x - ts.x * 0.5f, on_arc.y - ts.y * 0.5f);
            dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + ts.x + 3, p.y + ts.y + 1),
                              faded(pal.panel_bg), 3.0f);
            dl->AddText(p, faded(pal.text), text.c_str());
        }
    }

    // Chips, then the weight bars under them.
    for (int i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const Rect& r = chips[iu];
        const bool is_query = i == s.selection.query;
        const bool masked = head != nullptr && shown >= 0 && !s.derived.result()->visible(shown, i);
        ImU32 bg = masked ? pal.chip_masked : pal.chip;
        if (i == hovered) bg = pal.chip_hover;
        if (is_query) bg = pal.chip_query;
        const ImU32 text_col = is_query ? IM_COL32(20, 20, 20, 255) : (masked ? pal.text_dim : pal.text);
        draw_chip(dl, r, labels[iu], bg, i == shown ? pal.accent : pal.chip_border, text_col,
                  i == shown ? 2.5f : 1.0f);

        if (head != nullptr && shown >= 0 && !masked) {
            const float w = head->weights(shown, i);
            const float bh = std::max(1.0f, g.bar_h * w);
            const float bx0 = r.min.x + (r.max.x - r.min.x) * 0.2f;
            const float bx1 = r.max.x - (r.max.x - r.min.x) * 0.2f;
            const float by = r.max.y + fs * 0.25f;
            dl->AddRectFilled(ImVec2(bx0, by), ImVec2(bx1, by + bh), faded(pal.arc));
        }
    }
    if (head != nullptr && shown >= 0 && ranked.empty()) {
        dl->AddText(ImVec2(origin.x + fs * 0.5f, origin.y + fs * 0.3f), pal.error,
                    "this query sees no key: all its weights are 0");
    }
    ImGui::PopFont();
    if (hovered >= 0) chip_tooltip(s, hovered, shown, head);
    ImGui::EndChild();
}

}  // namespace attnviz::gui
