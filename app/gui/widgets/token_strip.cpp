// The sentence as token chips, attention arcs from the query to every key it can see (thickness and
// opacity follow the weight, the strongest carry their numbers), and a weight bar under each chip. In a
// row with the arcs above it; in a tall narrow space (large text beside the heatmap) in a column with the
// arcs to its right, so that the query and the keys it looks at stay in view together.
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

/// Where the chips are, and the axis the arcs run along: along x over a row of chips (bulging up), along y
/// beside a column of chips (bulging right).
struct StripGeometry {
    bool vertical = false;
    std::vector<Rect> chips;  // [n] chip rectangles (chip_row / chip_column, widgets.h)
    float base = 0.0f;        // the arcs' feet: just above the row, or just right of the column
    float bar_h = 0.0f;       // the longest weight bar: under a row's chips, along a column's chips

    /// The chip's centre along the arcs' axis.
    float along(std::size_t i) const {
        const Rect& r = chips[i];
        return vertical ? 0.5f * (r.min.y + r.max.y) : 0.5f * (r.min.x + r.max.x);
    }
    /// A point `along` the axis, `off` away from the chips.
    ImVec2 point(float along_at, float off) const {
        return vertical ? ImVec2(base + off, along_at) : ImVec2(along_at, base - off);
    }
};

/// An arc from the query at `ua` to a key at `ub` along the strip's axis. Heights grow with distance,
/// scaled so that the longest arc from this query (max_span) just fits max_h: arcs of different lengths
/// never share a height.
struct ArcShape {
    float ua, ub, height;

    /// On the cubic, t in [0, 1].
    ImVec2 point(const StripGeometry& g, float t) const {
        const float u = 1.0f - t;
        const float c = height * 1.333f;
        return g.point((u * u * u + 3 * u * u * t) * ua + (3 * u * t * t + t * t * t) * ub,
                       (3 * u * u * t + 3 * u * t * t) * c);
    }
};

ArcShape arc_shape(float ua, float ub, float max_h, float max_span) {
    const float fs = ImGui::GetFontSize();
    const float d = std::abs(ub - ua);
    const float h = d < 1.0f ? fs * 1.65f
                             : fs * 0.9f + (max_h - fs * 0.9f) * std::min(1.0f, d / std::max(1.0f, max_span));
    return ArcShape{ua, ub, h};
}

void draw_arc(ImDrawList* dl, const StripGeometry& g, const ArcShape& a, ImU32 col, float thickness) {
    const float fs = ImGui::GetFontSize();
    if (std::abs(a.ub - a.ua) < 1.0f) {  // a token attending to itself: a small loop
        dl->AddBezierCubic(g.point(a.ua - fs * 0.35f, 0.0f), g.point(a.ua - fs * 1.3f, fs * 2.2f),
                           g.point(a.ua + fs * 1.3f, fs * 2.2f), g.point(a.ua + fs * 0.35f, 0.0f), col,
                           thickness, 24);
        return;
    }
    const float c = a.height * 1.333f;  // a cubic with both control points at 4/3 h peaks at h halfway
    dl->AddBezierCubic(g.point(a.ua, 0.0f), g.point(a.ua, c), g.point(a.ub, c), g.point(a.ub, 0.0f), col,
                       thickness, 32);
}

void chip_tooltip(const AppState& s, int i, int shown_query, const attention::HeadResult* head) {
    const lesson::Token& tok = s.derived.tokens.tokens[static_cast<std::size_t>(i)];
    ImGui::BeginTooltip();
    ImGui::Text("\"%s\"  token %d, bytes %zu..%zu", lesson::token_display_label(tok.text).c_str(), i,
                tok.byte_begin, tok.byte_end);
    if (const std::string cps = code_point_line(tok.text); !cps.empty())
        ImGui::TextDisabled("%s", cps.c_str());
    ImGui::TextDisabled("%s", lesson::LessonModel::instance().describe_token(tok.text).c_str());
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

    // Chip geometry: one row, scrolled horizontally when the sentence is long; a column, scrolled
    // vertically, when the row would not fit and the column shows more of the tokens at once.
    StripGeometry g;
    const float total = chip_row_width(labels);
    const float pitch = fs * 2.2f;  // a column's chip and its weight bar under it
    const float fit_in_row = avail.x / std::max(1.0f, total) * static_cast<float>(n);
    const float fit_in_column = (avail.y - fs * 0.3f) / pitch;
    g.vertical = total > avail.x && n > 1 && fit_in_column > fit_in_row * 1.2f;
    if (g.vertical) {
        const float chip_w = std::max(fs * 1.5f, avail.x * 0.6f);
        for (std::string& label : labels) label = elide_to_width(label, chip_w - 0.9f * fs);
        g.chips = chip_column(labels, origin.x, origin.y + fs * 0.3f, chip_w, pitch);
        g.base = g.chips.front().max.x + 2.0f;
        g.bar_h = g.chips.front().max.x - g.chips.front().min.x;
    } else {
        g.bar_h = std::clamp(avail.y * 0.12f, fs * 0.5f, fs * 1.2f);
        const float chip_y = origin.y + avail.y - fs * 1.7f - g.bar_h - fs * 0.4f;
        g.chips = chip_row(labels, origin.x, avail.x, chip_y);
        g.base = chip_y - 2.0f;
    }

    // Hit testing first, so this frame's hover drives this frame's arcs.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    std::vector<Rect> chips(static_cast<std::size_t>(n));
    int hovered = -1;
    for (int i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const ImVec2 a = g.chips[iu].min;
        const ImVec2 b = g.chips[iu].max;
        s.layout.widgets.note("token_chip", i, g.chips[iu]);
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##chip", ImVec2(b.x - a.x, b.y - a.y))) set_query(s, i);
        if (ImGui::IsItemHovered()) hovered = i;
        ImGui::PopID();
    }
    // Reserve the whole row (or column) so the child scrolls, and bring a new query into view.
    const Rect& last = g.chips.back();
    if (g.vertical) {
        ImGui::SetCursorScreenPos(ImVec2(origin.x, last.max.y + fs * 0.6f));
        ImGui::Dummy(ImVec2(1.0f, 1.0f));
    } else {
        ImGui::SetCursorScreenPos(ImVec2(origin.x, last.max.y + g.bar_h + fs * 0.3f));
        ImGui::Dummy(ImVec2(total, 1.0f));
    }
    s.selection.hover_token = hovered;

    const int shown = hovered >= 0 ? hovered : s.selection.query;
    const attention::HeadResult* head = nullptr;
    // While a quiz hides the weights there is no head to draw from: no arcs, numbers or bars.
    if (!s.quiz.hidden() && s.derived.result() &&
        s.selection.focus_head < static_cast<int>(s.derived.result()->heads.size())) {
        head = &s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    }

    // A new query, or the strip at a new size, is brought into view with the key the query looks at most
    // when both fit (never while a quiz hides the weights: the scroll would give the answer away).
    const bool overflows = g.vertical ? last.max.y + fs * 0.6f > origin.y + avail.y : total > avail.x;
    const bool resized =
        avail.x != s.layout.strip_scrolled_size.x || avail.y != s.layout.strip_scrolled_size.y;
    if (s.selection.query >= 0 && (s.selection.query != s.layout.strip_scrolled_to || resized) && overflows) {
        const int q = std::min(s.selection.query, n - 1);
        // Where to scroll: a position along the strip and where it lands in the view (0: its start,
        // 1: its end). Both chips whole when they fit; else the query at the edge away from the key, so
        // the arcs towards the key and the tokens between stay in view.
        float at = g.along(static_cast<std::size_t>(q));
        float ratio = 0.5f;
        if (head != nullptr && q < head->weights.rows()) {
            int top = -1;
            for (int j = 0; j < n && j < head->weights.cols(); ++j) {
                if (s.derived.result()->visible(q, j) &&
                    (top < 0 || head->weights(q, j) > head->weights(q, top)))
                    top = j;
            }
            if (top >= 0 && top != q) {
                const Rect& a = g.chips[static_cast<std::size_t>(q)];
                const Rect& b = g.chips[static_cast<std::size_t>(top)];
                const float a0 = g.vertical ? a.min.y : a.min.x, a1 = g.vertical ? a.max.y : a.max.x;
                const float b0 = g.vertical ? b.min.y : b.min.x, b1 = g.vertical ? b.max.y : b.max.x;
                const float lo = std::min(a0, b0), hi = std::max(a1, b1);
                if (hi - lo < (g.vertical ? avail.y : avail.x) - fs * 0.5f) {
                    at = 0.5f * (lo + hi);
                } else if (b0 < a0) {
                    at = a1 + fs * 0.3f;
                    ratio = 1.0f;
                } else {
                    at = a0 - fs * 0.3f;
                    ratio = 0.0f;
                }
            }
        }
        if (g.vertical) {
            ImGui::SetScrollFromPosY(at - ImGui::GetWindowPos().y, ratio);
        } else {
            ImGui::SetScrollFromPosX(at - ImGui::GetWindowPos().x, ratio);
        }
        s.layout.strip_scrolled_to = s.selection.query;
        s.layout.strip_scrolled_size = avail;
    }

    const float alpha = s.view.weights_alpha;  // fades the weights in after a quiz's reveal
    const auto faded = [alpha](ImU32 col) {
        ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
        c.w *= alpha;
        return ImGui::ColorConvertFloat4ToU32(c);
    };
    if (head != nullptr) s.layout.widgets.note("weight_text", -1, Rect{});

    // Arcs from the shown query to every key it can see.
    const float max_arc_h = g.vertical ? std::max(fs, origin.x + avail.x - g.base - fs * 0.6f)
                                       : std::max(fs, g.base - origin.y - fs * 0.9f);
    std::vector<int> ranked;
    if (head != nullptr && shown >= 0 && shown < n) {
        for (int j = 0; j < n; ++j) {
            if (s.derived.result()->visible(shown, j)) ranked.push_back(j);
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [&](int a, int b) { return head->weights(shown, a) > head->weights(shown, b); });
        const float uq = g.along(static_cast<std::size_t>(shown));
        // The farthest chip from this query gets the tallest arc.
        const float max_span =
            std::max({uq - g.along(0), g.along(static_cast<std::size_t>(n - 1)) - uq, fs * 4.0f});
        // Draw weakest first so strong arcs sit on top.
        for (auto it = ranked.rbegin(); it != ranked.rend(); ++it) {
            const float w = head->weights(shown, *it);
            if (w < kMinArcWeight) continue;
            const float uk = g.along(static_cast<std::size_t>(*it));
            ImVec4 c = ImGui::ColorConvertU32ToFloat4(pal.arc);
            c.w = (0.18f + 0.82f * std::min(1.0f, w * 1.4f)) * alpha;
            draw_arc(dl, g, arc_shape(uq, uk, max_arc_h, max_span), ImGui::ColorConvertFloat4ToU32(c),
                     1.2f + 11.0f * w);
        }
        for (int r = 0; r < std::min<int>(kLabelledArcs, static_cast<int>(ranked.size())); ++r) {
            const int j = ranked[static_cast<std::size_t>(r)];
            const float w = head->weights(shown, j);
            if (w < 0.05f) break;
            const float uk = g.along(static_cast<std::size_t>(j));
            const std::string text = format_weight(w);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            // On the arc near its key end, where arcs to different keys are apart; beside a column's chip
            // (the arcs there are too flat to hold a number).
            ImVec2 on_arc = arc_shape(uq, uk, max_arc_h, max_span).point(g, 0.82f);
            if (g.vertical) {
                on_arc = g.point(uk, ts.x * 0.5f + fs * 0.3f);
            } else if (std::abs(uk - uq) < 1.0f) {
                on_arc = g.point(uk, fs * 1.65f);
            }
            const ImVec2 p(on_arc.x - ts.x * 0.5f, on_arc.y - ts.y * 0.5f);
            dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + ts.x + 3, p.y + ts.y + 1),
                              faded(pal.panel_bg), 3.0f);
            dl->AddText(p, faded(pal.text), text.c_str());
        }
    }

    // Chips, then the weight bars under them.
    for (int i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const Rect& r = g.chips[iu];
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
            const float bl = std::max(1.0f, g.bar_h * w);
            if (g.vertical) {  // across under the chip, from its left edge
                const float by = r.max.y + fs * 0.15f;
                dl->AddRectFilled(ImVec2(r.min.x, by), ImVec2(r.min.x + bl, by + fs * 0.35f), faded(pal.arc));
            } else {  // down from the chip
                const float bx0 = r.min.x + (r.max.x - r.min.x) * 0.2f;
                const float bx1 = r.max.x - (r.max.x - r.min.x) * 0.2f;
                const float by = r.max.y + fs * 0.25f;
                dl->AddRectFilled(ImVec2(bx0, by), ImVec2(bx1, by + bl), faded(pal.arc));
            }
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
