// The "Permutation" view (issue 7, section 5): switch positions off, shuffle the tokens, and see that the
// outputs are the original outputs permuted the same way: attention alone has no notion of order.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attnviz::gui {

namespace {

/// The tolerance under which two outputs count as equal: float sums over keys in another order.
constexpr float kSameTolerance = 1e-5f;

ImU32 to_u32(Rgb8 c) {
    return IM_COL32(c.r, c.g, c.b, 255);
}

/// A row of token chips across width; returns their rectangles.
std::vector<Rect> draw_chips(ImDrawList* dl, ImVec2 p, float width, const std::vector<std::string>& labels,
                             const Palette& pal, int highlight) {
    std::vector<Rect> out;
    const float fs = ImGui::GetFontSize();
    const float slot = width / static_cast<float>(std::max<std::size_t>(1, labels.size()));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string text = shorten(labels[i], std::max(2, static_cast<int>(slot / (fs * 0.55f))));
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        const float cx = p.x + slot * (static_cast<float>(i) + 0.5f);
        const ImVec2 a(cx - std::min(slot * 0.46f, ts.x * 0.5f + fs * 0.3f), p.y);
        const ImVec2 b(cx + std::min(slot * 0.46f, ts.x * 0.5f + fs * 0.3f), p.y + fs * 1.6f);
        dl->AddRectFilled(a, b, static_cast<int>(i) == highlight ? pal.chip_query : pal.chip, fs * 0.25f);
        dl->AddRect(a, b, pal.chip_border, fs * 0.25f);
        dl->AddText(ImVec2(cx - ts.x * 0.5f, p.y + fs * 0.3f), pal.text, text.c_str());
        out.push_back(Rect{a, b});
    }
    return out;
}

/// n x d_v output rows as colour cells, with the token of each row on its left.
void draw_output_matrix(ImDrawList* dl, ImVec2 p, ImVec2 size, const MatrixRM& m,
                        const std::vector<std::string>& labels, float lo, float hi, Colormap cmap,
                        const Palette& pal) {
    const float fs = ImGui::GetFontSize();
    const float label_w = fs * 5.0f;
    const int n = static_cast<int>(m.rows());
    const int dv = static_cast<int>(m.cols());
    if (n == 0 || dv == 0) return;
    const float ch = std::min(fs * 1.3f, size.y / static_cast<float>(n));
    const float cw = (size.x - label_w) / static_cast<float>(dv);
    for (int i = 0; i < n; ++i) {
        const float y = p.y + ch * static_cast<float>(i);
        if (ch >= fs * 0.8f)
            dl->AddText(ImVec2(p.x, y + (ch - fs) * 0.5f), pal.text,
                        shorten(labels[static_cast<std::size_t>(i)], 7).c_str());
        for (int c = 0; c < dv; ++c) {
            const ImVec2 a(p.x + label_w + cw * static_cast<float>(c), y);
            dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch),
                              to_u32(colormap_color(cmap, (m(i, c) - lo) / std::max(1e-6f, hi - lo))));
        }
    }
    dl->AddRect(ImVec2(p.x + label_w, p.y), ImVec2(p.x + size.x, p.y + ch * static_cast<float>(n)),
                pal.chip_border);
}

}  // namespace

void draw_permutation_view(AppState& s) {
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    PermutationState& ps = s.permutation;
    ImGui::TextWrapped(
        "Attention compares every query with every key: nothing in q\xC2\xB7k says where a token stands. "
        "Turn positions off, shuffle the words, and each word's output is the same as before, only moved.");
    bool positions = s.settings.use_positions;
    if (ImGui::Checkbox("Positional encoding", &positions)) set_use_positions(s, positions);
    note_item(s.layout.widgets, "positions_checkbox");
    ImGui::SameLine();
    char label[64];
    std::snprintf(label, sizeof label, "Shuffle tokens (seed %llu)",
                  static_cast<unsigned long long>(ps.seed));
    if (ImGui::Button(label)) shuffle_tokens(s);
    note_item(s.layout.widgets, "shuffle_button");
    ImGui::SameLine();
    if (ImGui::Button("Positions on + original sentence")) restore_permutation(s);
    note_item(s.layout.widgets, "restore_button");
    ImGui::TextDisabled(
        "Shuffling turns the causal mask off: with it a moved word would see a different set of earlier "
        "words.");

    const Derived& d = s.derived;
    if (!d.result()) {
        ImGui::TextDisabled("%s", d.status.c_str());
        return;
    }
    const int n = d.result()->n_q;
    std::vector<std::string> now(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) now[static_cast<std::size_t>(i)] = token_label(s, i);

    // Original strip, shuffled strip, and arrows from each word's old place to its new one.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::Spacing();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float label_w = fs * 5.5f;
    const float gap = fs * 3.2f;
    if (!ps.active) {
        dl->AddText(ImVec2(top.x, top.y + fs * 0.3f), pal.text_dim, "sentence");
        draw_chips(dl, ImVec2(top.x + label_w, top.y), width - label_w, now, pal, s.selection.query);
        ImGui::Dummy(ImVec2(width, fs * 2.0f));
        ImGui::TextUnformatted(
            "1.  Untick \"Positional encoding\": the model no longer knows where each word stands.");
        ImGui::TextUnformatted(
            "2.  Press Shuffle: the words are reordered (arrows show where each one went).");
        ImGui::TextUnformatted(
            "3.  Compare each word's output before and after: the same numbers, only moved.");
        ImGui::TextUnformatted(
            "4.  Tick positions again: now the outputs change. Order comes from positions, not from "
            "attention.");
        return;
    }
    dl->AddText(ImVec2(top.x, top.y + fs * 0.3f), pal.text_dim, "original");
    dl->AddText(ImVec2(top.x, top.y + fs * 1.6f + gap + fs * 0.3f), pal.text_dim, "shuffled");
    const std::vector<Rect> orig =
        draw_chips(dl, ImVec2(top.x + label_w, top.y), width - label_w, ps.original_tokens, pal, -1);
    const std::vector<Rect> shuf = draw_chips(dl, ImVec2(top.x + label_w, top.y + fs * 1.6f + gap),
                                              width - label_w, now, pal, s.selection.query);
    for (std::size_t i = 0; i < shuf.size(); ++i) {  // a click selects the word everywhere
        if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(shuf[i].min, shuf[i].max) &&
            ImGui::IsMouseClicked(0)) {
            set_query(s, static_cast<int>(i));
        }
    }
    for (int i = 0; i < n && i < static_cast<int>(ps.perm.size()); ++i) {
        const int from = ps.perm[static_cast<std::size_t>(i)];
        if (from < 0 || from >= static_cast<int>(orig.size())) continue;
        const ImVec2 a(orig[static_cast<std::size_t>(from)].center().x,
                       orig[static_cast<std::size_t>(from)].max.y + 2.0f);
        const ImVec2 b(shuf[static_cast<std::size_t>(i)].center().x,
                       shuf[static_cast<std::size_t>(i)].min.y - 2.0f);
        const ImU32 col = group_color(i);
        dl->AddLine(a, b, col, 2.0f);
        const ImVec2 dir(b.x - a.x, b.y - a.y);
        const float len = std::max(1.0f, std::sqrt(dir.x * dir.x + dir.y * dir.y));
        const ImVec2 u(dir.x / len, dir.y / len);
        const float hs = fs * 0.45f;
        dl->AddTriangleFilled(b, ImVec2(b.x - u.x * hs - u.y * hs * 0.6f, b.y - u.y * hs + u.x * hs * 0.6f),
                              ImVec2(b.x - u.x * hs + u.y * hs * 0.6f, b.y - u.y * hs - u.x * hs * 0.6f),
                              col);
    }
    ImGui::Dummy(ImVec2(width, fs * 3.2f + gap));

    const PermutationCheck& c = d.lab.permutation;
    if (!c.valid) {
        ImGui::TextColored(text_color(palette(s.view.theme).error), "%s", c.message.c_str());
        return;
    }
    // The verdict, large.
    const bool same = c.max_diff < kSameTolerance;
    char verdict[160];
    std::snprintf(verdict, sizeof verdict, "max |difference| over all heads = %.2g",
                  static_cast<double>(c.max_diff));
    ImGui::SetWindowFontScale(1.4f);
    ImGui::TextColored(
        same ? text_color(palette(s.view.theme).success) : text_color(palette(s.view.theme).warning), "%s",
        verdict);
    ImGui::SetWindowFontScale(1.0f);
    const char* why = same ? "The outputs are the original outputs, permuted the same way (the difference is "
                             "float rounding)."
                      : s.settings.use_positions ? "With positions on, a word's vector depends on where it "
                                                   "stands: the outputs change, not just move."
                                                 : "A mask is on: a moved word sees a different set of "
                                                   "words, so its output changes. Turn masks off.";
    ImGui::TextWrapped("%s", why);

    // Side by side for the focused head: the original outputs in the shuffled order, and the shuffled run.
    const int h = std::clamp(s.selection.focus_head, 0, static_cast<int>(d.result()->heads.size()) - 1);
    const MatrixRM& shuffled = d.result()->heads[static_cast<std::size_t>(h)].output;
    const MatrixRM& original = c.original_outputs[static_cast<std::size_t>(h)];
    MatrixRM moved(shuffled.rows(), shuffled.cols());
    for (int i = 0; i < n; ++i) moved.row(i) = original.row(ps.perm[static_cast<std::size_t>(i)]);
    const float lo = std::min(moved.minCoeff(), shuffled.minCoeff());
    const float hi = std::max(moved.maxCoeff(), shuffled.maxCoeff());
    const std::string head_name = d.forward() ? d.forward()->head_names[static_cast<std::size_t>(h)] : "";
    ImGui::Text("Head %d (%s) outputs, one row per word (%d value dimensions):", h, head_name.c_str(),
                static_cast<int>(shuffled.cols()));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float diff_w = fs * 6.0f;
    const float mw = (avail.x - diff_w - fs * 2.0f) * 0.5f;
    const float mh = avail.y - fs * 1.6f;
    dl->AddText(p, pal.text_dim, "original run, rows moved by the shuffle");
    dl->AddText(ImVec2(p.x + mw + fs, p.y), pal.text_dim, "shuffled run");
    dl->AddText(ImVec2(p.x + 2.0f * mw + fs * 2.0f, p.y), pal.text_dim, "max |diff|");
    const ImVec2 mp(p.x, p.y + fs * 1.4f);
    draw_output_matrix(dl, mp, ImVec2(mw, mh), moved, now, lo, hi, s.view.heatmap.colormap, pal);
    draw_output_matrix(dl, ImVec2(p.x + mw + fs, mp.y), ImVec2(mw, mh), shuffled, now, lo, hi,
                       s.view.heatmap.colormap, pal);
    const float ch = std::min(fs * 1.3f, mh / static_cast<float>(std::max(1, n)));
    if (ch >= fs * 0.8f) {
        for (int i = 0; i < n; ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.1e",
                          static_cast<double>(c.token_diff[static_cast<std::size_t>(i)]));
            dl->AddText(
                ImVec2(p.x + 2.0f * mw + fs * 2.0f, mp.y + ch * static_cast<float>(i) + (ch - fs) * 0.5f),
                c.token_diff[static_cast<std::size_t>(i)] < kSameTolerance ? pal.text_dim : pal.accent, buf);
        }
    }
    ImGui::Dummy(ImVec2(avail.x, mh + fs * 1.4f));
}

}  // namespace attnviz::gui
