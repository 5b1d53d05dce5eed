// The query row in numbers: keys ranked by weight, entropy, effective number of keys, compute time.
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

namespace attnviz::gui {

void draw_query_readout(AppState& s) {
    const Derived& d = s.derived;
    const int q = s.selection.hover_token >= 0 ? s.selection.hover_token : s.selection.query;
    ImGui::TextDisabled("Query row");
    ImGui::Separator();
    if (!d.result() || q < 0 || q >= d.result()->n_q) {
        ImGui::TextDisabled("no query selected");
        return;
    }
    if (s.quiz.hidden()) {
        ImGui::TextWrapped("Weights hidden until the quiz's Reveal.");
        return;
    }
    s.layout.widgets.note("weight_text", -1, Rect{});
    const int h = s.selection.focus_head;
    const attention::HeadResult& head = d.result()->heads[static_cast<std::size_t>(h)];
    const std::string head_name = s.quiz.names_hidden() ? "?"
                                  : d.forward() && h < static_cast<int>(d.forward()->head_names.size())
                                      ? d.forward()->head_names[static_cast<std::size_t>(h)]
                                      : "";
    ImGui::TextWrapped("\"%s\" looking, head %d (%s)", shorten(token_label(s, q), 16).c_str(), h,
                       head_name.c_str());

    const auto qi = static_cast<std::size_t>(q);
    const int n_visible = head.rows.n_visible[qi];
    if (n_visible == 0) {
        ImGui::TextColored(text_color(palette(s.view.theme).error), "sees no key: every weight is 0");
        return;
    }
    std::vector<int> keys;
    for (int j = 0; j < d.result()->n_k; ++j) {
        if (d.result()->visible(q, j)) keys.push_back(j);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [&](int a, int b) { return head.weights(q, a) > head.weights(q, b); });

    const float fs = ImGui::GetFontSize();
    const float label_w = fs * 6.0f;
    const int shown = std::min<int>(static_cast<int>(keys.size()), 8);
    for (int r = 0; r < shown; ++r) {
        const int j = keys[static_cast<std::size_t>(r)];
        const float w = head.weights(q, j);
        ImGui::TextUnformatted(shorten(key_label(s, j), 9).c_str());
        ImGui::SameLine(label_w);
        ImGui::ProgressBar(w, ImVec2(-1.0f, 0.0f), format_weight(w).c_str());
    }
    if (static_cast<int>(keys.size()) > shown)
        ImGui::TextDisabled("\xE2\x80\xA6 %d more keys", static_cast<int>(keys.size()) - shown);

    const float entropy = head.rows.entropy[qi];
    const float effective = head.rows.effective_keys[qi];
    ImGui::Text("entropy H = %.2f nats", static_cast<double>(entropy));
    ImGui::Text("effective keys e^H = %.1f of %d", static_cast<double>(effective), n_visible);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("1 = all weight on one key; %d = spread evenly over every visible key", n_visible);
    }
    ImGui::TextDisabled("recompute %.2f ms", d.compute_ms);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("tokenize + lesson model + attention, all heads");
}

}  // namespace attnviz::gui
