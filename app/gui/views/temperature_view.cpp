// The "Temperature" view: the query row's logits beside its softmax at the current T with the T -> 0
// and T -> inf limits, the weights swept over T (click or drag to set T), and the 1/sqrt(d) lesson.
//
// [SECTION] helpers
// [SECTION] logits and probabilities
// [SECTION] sweep plot
// [SECTION] the 1/sqrt(d) lesson
// [SECTION] view
#include "app/gui/app_actions.h"
#include "app/gui/compute/lab_compute.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/lesson_model.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

namespace attnviz::gui {

namespace {

// [SECTION] helpers

/// Keys shown as bars: the visible keys of the row, in sentence order; at most kMaxBars (the largest
/// logits) so labels stay readable on a long sentence.
constexpr int kMaxBars = 24;
/// Keys drawn in colour (and named) in the sweep: the largest logits; the rest are grey.
constexpr int kTopKeys = 5;

std::vector<int> shown_keys(const attention::AttentionResult& r, const attention::HeadResult& head, int q) {
    std::vector<int> keys;
    for (int j = 0; j < r.n_k; ++j) {
        if (r.visible(q, j)) keys.push_back(j);
    }
    if (static_cast<int>(keys.size()) > kMaxBars) {
        std::stable_sort(keys.begin(), keys.end(),
                         [&](int a, int b) { return head.scores(q, a) > head.scores(q, b); });
        keys.resize(kMaxBars);
        std::sort(keys.begin(), keys.end());
    }
    return keys;
}

/// The keys ranked by logit (the ranking every T > 0 keeps), largest first.
std::vector<int> ranked_keys(const attention::AttentionResult& r, const attention::HeadResult& head, int q) {
    std::vector<int> keys;
    for (int j = 0; j < r.n_k; ++j) {
        if (r.visible(q, j)) keys.push_back(j);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [&](int a, int b) { return head.scores(q, a) > head.scores(q, b); });
    return keys;
}

std::string format_t(double t) {
    if (t == 0.0) return "0";
    if (std::isinf(t)) return "\xE2\x88\x9E";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", t);
    return buf;
}

float log_frac(double t, double lo, double hi) {
    return static_cast<float>((std::log(t) - std::log(lo)) / (std::log(hi) - std::log(lo)));
}

void frame_box(ImDrawList* dl, ImVec2 a, ImVec2 b, const Palette& pal) {
    dl->AddRect(a, b, pal.chip_border, 0.0f, 0, 1.0f);
}

void dashed_hline(ImDrawList* dl, float x0, float x1, float y, ImU32 col, float thickness) {
    for (float x = x0; x < x1; x += 8.0f)
        dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 4.0f, x1), y), col, thickness);
}

/// A token label under its bar, shortened until it fits the bar's slot (horizontal text reads best).
/// Clicking it makes that token the query (the shared selection); hovering shows the whole token.
Rect bar_label(AppState& s, ImDrawList* dl, float cx, float y, float slot, int token, ImU32 col) {
    const std::string full = key_label(s, token);
    std::string text = shorten(full, 10);
    for (int n = 9; n >= 2 && ImGui::CalcTextSize(text.c_str()).x > slot - 2.0f; --n) text = shorten(full, n);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const ImVec2 a(cx - slot * 0.5f, y);
    const ImVec2 b(cx + slot * 0.5f, y + ts.y);
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(a, b)) {
        dl->AddRectFilled(a, b, palette(s.view.theme).chip_hover);
        ImGui::SetTooltip("\"%s\": click to make it the query", full.c_str());
        if (ImGui::IsMouseClicked(0)) set_query(s, token);
    }
    // Too narrow for two letters (hundreds of keys): the slot stays clickable, its name in the tooltip.
    if (ts.x <= slot - 2.0f) dl->AddText(ImVec2(cx - ts.x * 0.5f, y), col, text.c_str());
    return Rect{a, b};
}

// [SECTION] logits and probabilities

void draw_logit_bars(AppState& s, const attention::HeadResult& head, int q, const std::vector<int>& keys,
                     ImVec2 size) {
    ImGui::BeginChild("##logits", size, true);
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    ImGui::TextUnformatted(s.settings.scale ? "Logits  s = q\xC2\xB7k / \xE2\x88\x9A"
                                              "d"
                                            : "Logits  s = q\xC2\xB7k  (unscaled)");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "The engine's scaled scores of this row (before / T and softmax), visible keys only");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float label_h = fs * 1.5f;
    const float axis_w = fs * 2.6f;
    const ImVec2 a(o.x + axis_w, o.y + fs * 1.2f);
    const ImVec2 b(o.x + avail.x - fs * 0.3f, o.y + avail.y - label_h);
    if (keys.empty() || b.y - a.y < fs || b.x - a.x < fs) {
        ImGui::EndChild();
        return;
    }
    float lo = 0.0f, hi = 0.0f;
    for (int j : keys) {
        lo = std::min(lo, head.scores(q, j));
        hi = std::max(hi, head.scores(q, j));
    }
    if (hi - lo < 1e-6f) hi = lo + 1.0f;
    const auto y_of = [&](float v) { return b.y - (v - lo) / (hi - lo) * (b.y - a.y); };
    frame_box(dl, a, b, pal);
    const float y0 = y_of(0.0f);
    dl->AddLine(ImVec2(a.x, y0), ImVec2(b.x, y0), pal.text_dim, 1.0f);
    char buf[32];
    for (float v : {lo, 0.0f, hi}) {
        std::snprintf(buf, sizeof buf, "%.2g", static_cast<double>(v));
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(a.x - ts.x - 4.0f, y_of(v) - ts.y * 0.5f), pal.text_dim, buf);
    }
    const float slot = (b.x - a.x) / static_cast<float>(keys.size());
    const float bar_w = std::max(2.0f, slot * 0.7f);
    const int argmax = *std::max_element(keys.begin(), keys.end(),
                                         [&](int x, int y) { return head.scores(q, x) < head.scores(q, y); });
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const int j = keys[k];
        const float v = head.scores(q, j);
        const float cx = a.x + slot * (static_cast<float>(k) + 0.5f);
        const ImVec2 r0(cx - bar_w * 0.5f, std::min(y0, y_of(v)));
        const ImVec2 r1(cx + bar_w * 0.5f, std::max(y0, y_of(v)));
        dl->AddRectFilled(r0, r1, j == argmax ? pal.accent : pal.arc);
        s.layout.widgets.note("logit_bar", static_cast<int>(k), Rect{r0, r1});
        if (slot > fs * 2.2f) {
            std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
            const ImVec2 ts = ImGui::CalcTextSize(buf);
            // Negative values sit above the zero line, clear of the token labels.
            dl->AddText(ImVec2(cx - ts.x * 0.5f, v >= 0.0f ? r0.y - ts.y : y0 - ts.y), pal.text, buf);
        }
        s.layout.widgets.note("logit_label", static_cast<int>(k),
                              bar_label(s, dl, cx, b.y + 3.0f, slot, j, j == q ? pal.chip_query : pal.text));
    }
    ImGui::EndChild();
}

void draw_probability_bars(AppState& s, const attention::HeadResult& head, int q,
                           const std::vector<int>& keys, ImVec2 size) {
    ImGui::BeginChild("##probs", size, true);
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    const auto qi = static_cast<std::size_t>(q);
    ImGui::Text("Softmax at T = %s", format_t(s.settings.temperature).c_str());
    ImGui::TextDisabled("H = %.2f nats,  e^H = %.1f of %d keys", static_cast<double>(head.rows.entropy[qi]),
                        static_cast<double>(head.rows.effective_keys[qi]), head.rows.n_visible[qi]);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "entropy H and the effective number of keys e^H, from the engine:\n1 = all weight on one key, %d "
            "= uniform",
            head.rows.n_visible[qi]);
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float label_h = fs * 1.5f;
    const float legend_h = 2.0f * ImGui::GetTextLineHeightWithSpacing();
    const float axis_w = fs * 2.0f;
    const ImVec2 a(o.x + axis_w, o.y + fs * 1.2f);
    const ImVec2 b(o.x + avail.x - fs * 0.3f, o.y + avail.y - label_h - legend_h);
    const std::optional<lab::TemperatureSweep>& sw = s.derived.lab.sweep;
    if (keys.empty() || !sw || b.y - a.y < fs || b.x - a.x < fs) {
        ImGui::EndChild();
        return;
    }
    const auto y_of = [&](float v) { return b.y - v * (b.y - a.y); };
    frame_box(dl, a, b, pal);
    for (float v : {0.0f, 0.5f, 1.0f}) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(v));
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(a.x - ts.x - 4.0f, y_of(v) - ts.y * 0.5f), pal.text_dim, buf);
    }
    const float slot = (b.x - a.x) / static_cast<float>(keys.size());
    const float bar_w = std::max(2.0f, slot * 0.7f);
    const ImU32 limit0 = pal.accent;
    const ImU32 limit_inf = pal.text;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const int j = keys[k];
        const auto ju = static_cast<std::size_t>(j);
        const float w = head.weights(q, j);
        const float cx = a.x + slot * (static_cast<float>(k) + 0.5f);
        dl->AddRectFilled(ImVec2(cx - bar_w * 0.5f, y_of(w)), ImVec2(cx + bar_w * 0.5f, b.y), pal.arc);
        // T -> 0: a ghost outline of the one-hot bar; T -> inf: a dashed line at 1/k.
        if (sw->argmax_limit[ju] > 0.0f) {
            dl->AddRect(ImVec2(cx - bar_w * 0.5f, y_of(sw->argmax_limit[ju])), ImVec2(cx + bar_w * 0.5f, b.y),
                        limit0, 0.0f, 0, 2.0f);
        }
        dashed_hline(dl, cx - slot * 0.5f, cx + slot * 0.5f, y_of(sw->uniform_limit[ju]), limit_inf, 2.0f);
        {
            // Only where it fits its slot: "<0.01" is wider than "0.5", and neighbours must not run together.
            const std::string t = format_weight(w);
            const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
            if (ts.x + fs * 0.3f < slot)
                dl->AddText(ImVec2(cx - ts.x * 0.5f, y_of(w) - ts.y), pal.text, t.c_str());
        }
        bar_label(s, dl, cx, b.y + 3.0f, slot, j, j == q ? pal.chip_query : pal.text);
    }
    ImGui::SetCursorScreenPos(ImVec2(o.x, b.y + label_h));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.arc), "bars: T = %s",
                       format_t(s.settings.temperature).c_str());
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(limit0), "  outline: T \xE2\x86\x92 0");
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(limit_inf),
                       "dashes: T \xE2\x86\x92 \xE2\x88\x9E, uniform 1/%d", head.rows.n_visible[qi]);
    ImGui::EndChild();
}

// [SECTION] sweep plot

void draw_sweep_plot(AppState& s, const attention::AttentionResult& r, const attention::HeadResult& head,
                     int q, ImVec2 size) {
    ImGui::BeginChild("##sweep", size, true);
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    ImGui::TextUnformatted("Weights as T changes");
    ImGui::SameLine();
    ImGui::TextDisabled("click or drag to set T");
    const std::optional<lab::TemperatureSweep>& sw = s.derived.lab.sweep;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const std::vector<int> ranked = ranked_keys(r, head, q);
    // The legend of the coloured keys flows in rows under the plot (inside it, it hid the curves).
    struct LegendEntry {
        std::string text;
        ImU32 color;  ///< the swatch; 0: none (the grey keys' line)
        ImVec2 at;    ///< offset from the legend's top left
    };
    std::vector<LegendEntry> legend;
    for (std::size_t k = 0; k < ranked.size() && static_cast<int>(k) < kTopKeys; ++k) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s  s = %.2f", shorten(key_label(s, ranked[k]), 10).c_str(),
                      static_cast<double>(head.scores(q, ranked[k])));
        legend.push_back({buf, group_color(static_cast<int>(k)), ImVec2(0, 0)});
    }
    if (static_cast<int>(ranked.size()) > kTopKeys)
        legend.push_back(
            {"grey: " + std::to_string(ranked.size() - kTopKeys) + " other keys", 0, ImVec2(0, 0)});
    const float swatch_w = fs * 1.2f;
    const float line_h = ImGui::GetTextLineHeight();
    float legend_h = 0.0f;
    {
        float x = 0.0f;
        for (LegendEntry& e : legend) {
            const float w = (e.color != 0 ? swatch_w : 0.0f) + ImGui::CalcTextSize(e.text.c_str()).x + fs;
            if (x > 0.0f && x + w > avail.x) {
                x = 0.0f;
                legend_h += line_h;
            }
            e.at = ImVec2(x, legend_h);
            x += w;
        }
        if (!legend.empty()) legend_h += line_h;
    }
    const ImVec2 a(o.x + fs * 3.0f, o.y + fs * 0.5f);
    const ImVec2 b(o.x + avail.x - fs * 0.5f, o.y + avail.y - fs * 2.6f - legend_h);
    const Rect legend_rect{ImVec2(o.x, b.y + fs * 2.5f), ImVec2(o.x + avail.x, b.y + fs * 2.5f + legend_h)};
    s.layout.widgets.note("sweep_plot", -1, Rect{a, b});
    s.layout.widgets.note("sweep_legend", -1, legend_rect);
    if (!sw || b.y - a.y < fs || b.x - a.x < fs) {
        ImGui::EndChild();
        return;
    }
    // Input first, so the line drawn this frame is where the mouse is.
    ImGui::SetCursorScreenPos(a);
    ImGui::InvisibleButton("##sweep_drag", ImVec2(b.x - a.x, b.y - a.y));
    if (ImGui::IsItemActive()) {
        const float f = std::clamp((ImGui::GetIO().MousePos.x - a.x) / (b.x - a.x), 0.0f, 1.0f);
        const double t = std::exp(std::log(kSweepTMin) +
                                  static_cast<double>(f) * (std::log(kSweepTMax) - std::log(kSweepTMin)));
        set_temperature(s, std::round(t * 1000.0) / 1000.0);
    }
    if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);

    frame_box(dl, a, b, pal);
    const auto x_of = [&](double t) { return a.x + log_frac(t, kSweepTMin, kSweepTMax) * (b.x - a.x); };
    const auto y_of = [&](float v) { return b.y - v * (b.y - a.y); };
    for (double t : {0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0}) {
        const float x = x_of(t);
        dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), pal.chip, 1.0f);
        const std::string lbl = format_t(t);
        const ImVec2 ts = ImGui::CalcTextSize(lbl.c_str());
        dl->AddText(ImVec2(std::clamp(x - ts.x * 0.5f, a.x, b.x - ts.x), b.y + 2.0f), pal.text_dim,
                    lbl.c_str());
    }
    const char* xlabel = "temperature T (log scale)";
    const ImVec2 xs = ImGui::CalcTextSize(xlabel);
    dl->AddText(ImVec2((a.x + b.x - xs.x) * 0.5f, b.y + fs * 1.3f), pal.text_dim, xlabel);
    for (float v : {0.0f, 0.5f, 1.0f}) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(v));
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(a.x - ts.x - 4.0f, y_of(v) - ts.y * 0.5f), pal.text_dim, buf);
    }
    add_text_vertical(dl, ImVec2(o.x, (a.y + b.y) * 0.5f + fs * 1.5f), pal.text_dim, "weight");

    const int n_t = static_cast<int>(sw->temperatures.size());
    std::vector<ImVec2> pts(static_cast<std::size_t>(n_t));
    // The weakest keys as one grey band up to their largest weight at each T: 500 keys drawn as lines
    // are 500 anti-aliased polylines a frame, too many for a software renderer.
    constexpr std::size_t kGreyLines = 40;
    if (ranked.size() > kTopKeys + kGreyLines) {
        std::vector<float> envelope(static_cast<std::size_t>(n_t), 0.0f);
        for (std::size_t k = kTopKeys + kGreyLines; k < ranked.size(); ++k) {
            for (int t = 0; t < n_t; ++t) {
                float& e = envelope[static_cast<std::size_t>(t)];
                e = std::max(e, sw->weights(t, ranked[k]));
            }
        }
        for (int t = 0; t + 1 < n_t; ++t) {
            const float x0 = x_of(sw->temperatures[static_cast<std::size_t>(t)]);
            const float x1 = x_of(sw->temperatures[static_cast<std::size_t>(t + 1)]);
            dl->AddQuadFilled(ImVec2(x0, y_of(0.0f)), ImVec2(x0, y_of(envelope[static_cast<std::size_t>(t)])),
                              ImVec2(x1, y_of(envelope[static_cast<std::size_t>(t + 1)])),
                              ImVec2(x1, y_of(0.0f)), pal.chip_border);
        }
    }
    // Grey lines first, coloured on top.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t k = 0; k < ranked.size() && k < kTopKeys + kGreyLines; ++k) {
            const bool top = static_cast<int>(k) < kTopKeys;
            if (top != (pass == 1)) continue;
            const int j = ranked[k];
            for (int t = 0; t < n_t; ++t) {
                pts[static_cast<std::size_t>(t)] =
                    ImVec2(x_of(sw->temperatures[static_cast<std::size_t>(t)]), y_of(sw->weights(t, j)));
            }
            dl->AddPolyline(pts.data(), n_t, top ? group_color(static_cast<int>(k)) : pal.chip_border, 0,
                            top ? 3.0f : 1.5f);
        }
    }
    // Current T; the limits sit on the plot's ends.
    const double t = s.settings.temperature;
    const float tx = t == 0.0 ? a.x : std::isinf(t) ? b.x : std::clamp(x_of(t), a.x, b.x);
    dl->AddLine(ImVec2(tx, a.y), ImVec2(tx, b.y), pal.text, 2.5f);
    const std::string tl = "T = " + format_t(t);
    const ImVec2 tls = ImGui::CalcTextSize(tl.c_str());
    const float tlx = tx + 4.0f + tls.x > b.x ? tx - 4.0f - tls.x : tx + 4.0f;
    dl->AddRectFilled(ImVec2(tlx - 2.0f, a.y + 2.0f), ImVec2(tlx + tls.x + 2.0f, a.y + 2.0f + tls.y),
                      pal.panel_bg);
    dl->AddText(ImVec2(tlx, a.y + 2.0f), pal.text, tl.c_str());

    for (const LegendEntry& e : legend) {
        ImVec2 p(legend_rect.min.x + e.at.x, legend_rect.min.y + e.at.y);
        if (e.color != 0) {
            dl->AddRectFilled(ImVec2(p.x, p.y + line_h * 0.35f),
                              ImVec2(p.x + swatch_w - fs * 0.3f, p.y + line_h * 0.65f), e.color);
            p.x += swatch_w;
        }
        dl->AddText(p, e.color != 0 ? pal.text : pal.text_dim, e.text.c_str());
    }
    ImGui::EndChild();
}

/// The lesson's own numbers on this row: "At T = 0.1 the highest logit dominates ... at T = 5 it flattens".
void draw_lesson_line(AppState& s, const attention::HeadResult& head, int q) {
    const std::optional<lab::TemperatureSweep>& lp = s.derived.lab.lesson_points;
    if (!lp) return;
    int top = -1;
    for (int j = 0; j < static_cast<int>(lp->argmax_limit.size()); ++j) {
        if (lp->argmax_limit[static_cast<std::size_t>(j)] > 0.0f &&
            (top < 0 || head.scores(q, j) > head.scores(q, top)))
            top = j;
    }
    if (top < 0) return;
    float lo = 1.0f, hi = 0.0f;
    for (int j = 0; j < static_cast<int>(lp->uniform_limit.size()); ++j) {
        if (lp->uniform_limit[static_cast<std::size_t>(j)] <= 0.0f) continue;
        lo = std::min(lo, lp->weights(2, j));
        hi = std::max(hi, lp->weights(2, j));
    }
    if (ImGui::Button("T = 0.1")) set_temperature(s, kLessonTLow);
    ImGui::SameLine();
    if (ImGui::Button("T = 1")) set_temperature(s, 1.0);
    ImGui::SameLine();
    if (ImGui::Button("T = 5")) set_temperature(s, kLessonTHigh);
    ImGui::SameLine();
    ImGui::TextWrapped(
        "The highest logit is %.2f for \"%s\": at T = 0.1 it gets %.2f of the weight; at T = 5 the weights "
        "flatten to %.2f..%.2f (uniform: %.2f). The ranking never changes.",
        static_cast<double>(head.scores(q, top)), shorten(key_label(s, top), 12).c_str(),
        static_cast<double>(lp->weights(0, top)), static_cast<double>(lo), static_cast<double>(hi),
        static_cast<double>(lp->uniform_limit[static_cast<std::size_t>(top)]));
}

// [SECTION] the 1/sqrt(d) lesson

void draw_scaling_lesson(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##scaling", size, true);
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    const LabDerived& lab = s.derived.lab;
    ImGui::TextUnformatted(
        "Why divide by \xE2\x88\x9A"
        "d?");
    ImGui::SameLine();
    ImGui::TextDisabled("random q and %d keys with unit-variance entries", kScalingKeys);
    const float left_w = ImGui::GetContentRegionAvail().x * 0.55f;

    // Left: std of q.k against d, with and without the scale.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float plot_h = ImGui::GetContentRegionAvail().y;
    const ImVec2 a(o.x + fs * 3.2f, o.y + fs * 0.4f);
    const ImVec2 b(o.x + left_w - fs * 0.5f, o.y + plot_h - fs * 2.5f);
    const int d_sel = s.view.temperature_lab.scaling_d;
    if (!lab.scaling_curve.empty() && b.y - a.y > fs && b.x - a.x > fs) {
        frame_box(dl, a, b, pal);
        const float y_max = static_cast<float>(lab.scaling_curve.back().std_unscaled) * 1.1f;
        const auto x_of = [&](int d) {
            return a.x + static_cast<float>(std::log2(static_cast<double>(d)) / 10.0) * (b.x - a.x);
        };
        const auto y_of = [&](double v) { return b.y - static_cast<float>(v) / y_max * (b.y - a.y); };
        for (int d : {1, 4, 16, 64, 256, 1024}) {
            const std::string lbl = std::to_string(d);
            const ImVec2 ts = ImGui::CalcTextSize(lbl.c_str());
            dl->AddText(ImVec2(std::clamp(x_of(d) - ts.x * 0.5f, a.x, b.x - ts.x), b.y + 2.0f), pal.text_dim,
                        lbl.c_str());
        }
        const char* xlabel = "dimension d (log scale)";
        const ImVec2 xs = ImGui::CalcTextSize(xlabel);
        dl->AddText(ImVec2((a.x + b.x - xs.x) * 0.5f, b.y + fs * 1.2f), pal.text_dim, xlabel);
        for (double v : {0.0, 10.0, 20.0, 30.0}) {
            if (v > static_cast<double>(y_max)) continue;
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", v);
            const ImVec2 ts = ImGui::CalcTextSize(buf);
            dl->AddText(ImVec2(a.x - ts.x - 4.0f, y_of(v) - ts.y * 0.5f), pal.text_dim, buf);
        }
        add_text_vertical(dl, ImVec2(o.x, (a.y + b.y) * 0.5f + fs * 2.0f), pal.text_dim, "std of score");
        std::vector<ImVec2> un, sc;
        for (const lab::ScalingStats& st : lab.scaling_curve) {
            un.emplace_back(x_of(st.d), y_of(st.std_unscaled));
            sc.emplace_back(x_of(st.d), y_of(st.std_scaled));
        }
        const ImU32 c_un = group_color(5);
        const ImU32 c_sc = group_color(1);
        dl->AddPolyline(un.data(), static_cast<int>(un.size()), c_un, 0, 3.0f);
        dl->AddPolyline(sc.data(), static_cast<int>(sc.size()), c_sc, 0, 3.0f);
        const float xd = x_of(d_sel);
        dl->AddLine(ImVec2(xd, a.y), ImVec2(xd, b.y), pal.text, 2.0f);
        dl->AddText(ImVec2(a.x + fs * 0.4f, a.y + fs * 0.2f), c_un,
                    "q\xC2\xB7k: std \xE2\x89\x88 \xE2\x88\x9A"
                    "d");
        dl->AddText(ImVec2(a.x + fs * 0.4f, a.y + fs * 1.4f), c_sc,
                    "q\xC2\xB7k / \xE2\x88\x9A"
                    "d: std \xE2\x89\x88 1");
    }

    // Right: the chosen d, its numbers, and how saturated softmax is.
    ImGui::SetCursorScreenPos(ImVec2(o.x + left_w + fs * 0.5f, o.y));
    ImGui::BeginGroup();
    const float right_w = ImGui::GetContentRegionAvail().x;
    int d = d_sel;
    ImGui::SetNextItemWidth(right_w);
    if (ImGui::SliderInt("##scaling_d", &d, 1, 1024, "d = %d", ImGuiSliderFlags_Logarithmic))
        set_scaling_d(s, d);
    note_item(s.layout.widgets, "scaling_d_slider");
    if (lab.scaling_at_d) {
        const lab::ScalingStats& st = *lab.scaling_at_d;
        ImGui::Text(
            "std of q\xC2\xB7k = %.2f   (\xE2\x88\x9A"
            "d = %.2f)",
            st.std_unscaled, std::sqrt(static_cast<double>(st.d)));
        ImGui::Text(
            "std of q\xC2\xB7k / \xE2\x88\x9A"
            "d = %.2f",
            st.std_scaled);
        ImGui::TextDisabled("largest softmax weight (uniform = %.3f):", 1.0 / kScalingKeys);
        ImGui::TextUnformatted("unscaled");
        ImGui::SameLine(fs * 5.0f);
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, group_color(5));
        ImGui::ProgressBar(static_cast<float>(st.max_weight_unscaled), ImVec2(-1.0f, 0.0f),
                           format_weight(static_cast<float>(st.max_weight_unscaled)).c_str());
        ImGui::PopStyleColor();
        ImGui::TextUnformatted("scaled");
        ImGui::SameLine(fs * 5.0f);
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, group_color(1));
        ImGui::ProgressBar(static_cast<float>(st.max_weight_scaled), ImVec2(-1.0f, 0.0f),
                           format_weight(static_cast<float>(st.max_weight_scaled)).c_str());
        ImGui::PopStyleColor();
    }
    bool scale = s.settings.scale;
    char label[80];
    std::snprintf(label, sizeof label, "Scale this sentence's scores (d = %d)",
                  lesson::LessonModel::instance().head_dim());
    if (ImGui::Checkbox(label, &scale)) set_scale(s, scale);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "The engine's 1/\xE2\x88\x9A"
            "d switch: watch the logits above grow without it");
    ImGui::EndGroup();
    ImGui::EndChild();
}

}  // namespace

// [SECTION] view

void draw_temperature_view(AppState& s) {
    const Derived& d = s.derived;
    const int q = s.selection.query;
    const int h = s.selection.focus_head;
    if (!d.result() || q < 0 || q >= d.result()->n_q || h < 0 ||
        h >= static_cast<int>(d.result()->heads.size())) {
        ImGui::TextDisabled("%s", d.status.empty() ? "Select a query token." : d.status.c_str());
        return;
    }
    const attention::HeadResult& head = d.result()->heads[static_cast<std::size_t>(h)];
    const std::string head_name = d.forward() && h < static_cast<int>(d.forward()->head_names.size())
                                      ? d.forward()->head_names[static_cast<std::size_t>(h)]
                                      : "";
    ImGui::Text("Query \"%s\"", shorten(token_label(s, q), 16).c_str());
    ImGui::SameLine();
    // The heads grid is on another tab: pick the focused head here too (the shared selection).
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14.0f);
    const std::string preview = "head " + std::to_string(h) + " (" + head_name + ")";
    if (ImGui::BeginCombo("##lab_head", preview.c_str())) {
        for (int k = 0; k < static_cast<int>(d.result()->heads.size()); ++k) {
            const std::string name =
                "head " + std::to_string(k) + " (" +
                (d.forward() ? d.forward()->head_names[static_cast<std::size_t>(k)] : "") + ")";
            if (ImGui::Selectable(name.c_str(), k == h)) focus_head(s, k);
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::TextDisabled(
        "click a word under the bars to make it the query; \xE2\x86\x90/\xE2\x86\x92 query, H head");
    if (head.rows.n_visible[static_cast<std::size_t>(q)] == 0) {
        ImGui::TextColored(text_color(palette(s.view.theme).error),
                           "this query sees no key: every weight is 0");
        return;
    }
    draw_lesson_line(s, head, q);

    const std::vector<int> keys = shown_keys(*d.result(), head, q);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const float top_h = std::max(60.0f, avail.y * 0.6f);
    const float bottom_h = std::max(60.0f, avail.y - top_h - ImGui::GetStyle().ItemSpacing.y);
    const float bars_w = (avail.x - 2.0f * sp) * 0.3f;
    const float sweep_w = avail.x - 2.0f * bars_w - 2.0f * sp;
    draw_logit_bars(s, head, q, keys, ImVec2(bars_w, top_h));
    ImGui::SameLine();
    draw_probability_bars(s, head, q, keys, ImVec2(bars_w, top_h));
    ImGui::SameLine();
    draw_sweep_plot(s, *d.result(), head, q, ImVec2(sweep_w, top_h));
    draw_scaling_lesson(s, ImVec2(avail.x, bottom_h));
}

}  // namespace attnviz::gui
