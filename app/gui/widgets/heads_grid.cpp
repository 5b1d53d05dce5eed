// Small multiples of every head's weights, framed in the colour of the KV head they read; click one to
// focus it in the heatmap, the arcs and the readout.
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/lesson_model.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

void draw_heads_grid(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##heads_grid", size, true);
    const Derived& d = s.derived;
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    const bool real_model = d.run && d.run->real_model();
    if (real_model) {
        ImGui::Text("Heads of layer %d", d.run->model_layer);
        ImGui::SameLine();
        ImGui::TextDisabled("\xC2\xB7 every layer: Layers \xC3\x97 heads tab");
    } else {
        ImGui::TextUnformatted("Heads");
        ImGui::SameLine();
        ImGui::TextDisabled("\xC2\xB7 %s", lesson::kLessonModelLabel);
    }
    if (!real_model && ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Each head is built by hand to show a pattern trained models are known for.\nIt is not a trained "
            "LLM.");
    }
    if (!d.result() || !d.forward()) {
        ImGui::EndChild();
        return;
    }
    const int n = static_cast<int>(d.result()->heads.size());
    const int group = d.config() ? std::max(1, d.config()->group_size()) : 1;
    if (group > 1) {
        ImGui::TextDisabled("frame colour = KV head");
        ImGui::SameLine();
        ImGui::TextColored(text_color(pal.focus), "%s", "focused head = this colour");
    }

    // The column count that makes the thumbnails largest.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const float label_h = ImGui::GetTextLineHeightWithSpacing();
    float best = 0.0f;
    int cols = 1;
    for (int c = 1; c <= n; ++c) {
        const int rows = (n + c - 1) / c;
        const float side =
            std::min((avail.x - sp * static_cast<float>(c - 1)) / static_cast<float>(c),
                     (avail.y - static_cast<float>(rows) * (label_h + sp)) / static_cast<float>(rows));
        if (side > best) {
            best = side;
            cols = c;
        }
    }
    const float side = std::max(fs * 2.0f, std::floor(best) - 6.0f);
    // At the smallest readable size the columns that fit across (the rest scroll down), none cut off.
    cols = std::clamp(static_cast<int>((avail.x - 3.0f + sp) / (side + 6.0f + sp)), 1, std::max(1, cols));
    const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
    s.layout.thumbnail_pixels = ImVec2(std::round(side * fb.x), std::round(side * fb.y));

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    for (int h = 0; h < n; ++h) {
        const auto hu = static_cast<std::size_t>(h);
        const int col = h % cols;
        const int row = h / cols;
        const ImVec2 p(origin.x + 3.0f + static_cast<float>(col) * (side + 6.0f + sp),
                       origin.y + 3.0f + static_cast<float>(row) * (side + 6.0f + label_h + sp));
        ImGui::SetCursorScreenPos(p);
        ImGui::PushID(h);
        if (!s.quiz.hidden() && hu < s.textures.head_thumbnails.size() &&
            s.textures.head_thumbnails[hu] != nullptr) {
            ImGui::Image(s.textures.head_thumbnails[hu], ImVec2(side, side), ImVec2(0, 0), ImVec2(1, 1),
                         ImVec4(1, 1, 1, s.view.weights_alpha));
        } else {
            ImGui::Dummy(ImVec2(side, side));
        }
        const bool hovered = ImGui::IsItemHovered();
        if (ImGui::IsItemClicked()) {
            if (real_model && ImGui::GetIO().KeyAlt) {
                toggle_head_ablation(s, d.run->model_layer, h);
            } else {
                focus_head(s, h);
            }
        }
        ImGui::PopID();
        s.layout.widgets.note("head_thumbnail", h, Rect{p, ImVec2(p.x + side, p.y + side)});

        const int g = h / group;
        const bool focused = h == s.selection.focus_head;
        dl->AddRect(ImVec2(p.x - 3, p.y - 3), ImVec2(p.x + side + 3, p.y + side + 3), group_color(g), 2.0f, 0,
                    3.0f);
        if (focused)
            dl->AddRect(ImVec2(p.x - 6, p.y - 6), ImVec2(p.x + side + 6, p.y + side + 6), pal.focus, 3.0f, 0,
                        2.5f);
        // The designed heads' short names and roles belong to the lesson model, not to the hand example or a
        // real model. (Cross-attention swaps in a translation head: the run's own names then.)
        const bool designed = d.run && d.run->kind == SourceKind::kLessonModel;
        const std::vector<lesson::LessonHeadInfo> infos =
            designed ? lesson::LessonModel::instance().heads() : std::vector<lesson::LessonHeadInfo>{};
        const std::string label =
            real_model ? "H" + std::to_string(h) + (head_ablated(s, d.run->model_layer, h) ? " off" : "")
                       : std::to_string(h) + " " +
                             (s.quiz.names_hidden() ? "?"
                              : hu < infos.size()   ? infos[hu].short_name
                                                    : d.forward()->head_names[hu]);
        std::string shown = label;
        for (int chars = static_cast<int>(label.size());
             chars > 3 && ImGui::CalcTextSize(shown.c_str()).x > side + 8.0f; --chars) {
            shown = shorten(label, chars);
        }
        dl->AddText(ImVec2(p.x - 2, p.y + side + 4), focused ? pal.focus : pal.text_dim, shown.c_str());
        if (hovered && !s.quiz.names_hidden()) {
            ImGui::BeginTooltip();
            ImGui::Text("head %d: %s", h, d.forward()->head_names[hu].c_str());
            if (hu < infos.size()) {
                ImGui::PushTextWrapPos(fs * 24.0f);
                ImGui::TextDisabled("%s", infos[hu].role.c_str());
                ImGui::PopTextWrapPos();
            }
            if (group > 1) {
                ImGui::Text("reads KV head %d, shared with heads %d\xE2\x80\x93%d", g, g * group,
                            g * group + group - 1);
            } else {
                ImGui::Text("has its own KV head %d", g);
            }
            ImGui::TextDisabled("click to focus");
            ImGui::EndTooltip();
        }
    }
    // The last row's labels too are inside what the grid scrolls over.
    const int rows = (n + cols - 1) / cols;
    ImGui::SetCursorScreenPos(
        ImVec2(origin.x, origin.y + static_cast<float>(rows) * (side + 6.0f + label_h + sp)));
    ImGui::Dummy(ImVec2(1.0f, 1.0f));
    ImGui::EndChild();
}

}  // namespace attnviz::gui
