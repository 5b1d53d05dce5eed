// The "Layers x heads" view: every head of a real model as a thumbnail of the current text's weights,
// framed by KV group, with a badge score; hover previews a head large, click focuses it in every view,
// Alt+click switches it off. Beside the grid: the focused head, a layer's mean or the rollout.
#include "app/gui/compute/model_run.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/model/builtin_model.h"
#include "core/model/head_scores.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attnviz::gui {

namespace {

constexpr model::HeadBadge kBadges[] = {model::HeadBadge::kFirstToken, model::HeadBadge::kPreviousToken,
                                        model::HeadBadge::kSelf, model::HeadBadge::kInduction,
                                        model::HeadBadge::kDuplicateToken};

std::string score_text(double v) {
    if (std::isnan(v)) return "\xE2\x80\x93";
    if (v >= 0.995) return "1";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf + 1;  // ".83": the leading 0 costs width on a small thumbnail
}

void draw_no_model(AppState& s) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 42.0f);
    ImGui::TextWrapped(
        "This view shows every layer and head of a trained model on your text: the sink on the first "
        "token, previous-token and induction heads, the heads that share a KV group.");
    ImGui::Spacing();
    ImGui::TextWrapped(
        "attnviz never downloads a model. It ships one small trained model (stories260K) and opens any "
        "Hugging Face folder you point it at: GPT-2, Llama, Qwen, Mistral, SmolLM (config.json, "
        "model.safetensors, tokenizer.json).");
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (ImGui::Button("Open the built-in stories260K")) open_model(s, model::kBuiltinModelName);
    ImGui::SameLine();
    if (ImGui::Button("Open model\xE2\x80\xA6  (Ctrl+O)")) s.requests.open_model = true;
    if (!s.model.loading.empty()) ImGui::TextDisabled("loading %s\xE2\x80\xA6", s.model.loading.c_str());
    if (!s.model.load_error.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(text_color(palette(s.view.theme).error), "Could not open the model: %s",
                           s.model.load_error.c_str());
        ImGui::PopTextWrapPos();
    }
}

void draw_toolbar(AppState& s) {
    const char* shows[] = {"Focused head", "Layer mean", "Rollout"};
    const ModelAggregate aggregates[] = {ModelAggregate::kHead, ModelAggregate::kLayerMean,
                                         ModelAggregate::kRollout};
    ImGui::TextUnformatted("Show");
    for (int i = 0; i < 3; ++i) {
        ImGui::SameLine();
        if (ImGui::RadioButton(shows[i], s.model.aggregate == aggregates[i]))
            set_model_aggregate(s, aggregates[i]);
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Rollout: each layer's head mean mixed half and half with the identity (the residual),\n"
            "rows renormalised, multiplied through the layers: how much of each input token reaches a\n"
            "position (Abnar & Zuidema 2020).");
    }
    ImGui::SameLine();
    bool words = s.model.merge_words;
    if (ImGui::Checkbox("words", &words)) set_merge_words(s, words);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "merge subwords into words in the large heatmap: a word's key columns are summed\n"
            "(the attention it gets in all), its query rows averaged (each token counts once)");
    }
    ImGui::SameLine(0.0f, ImGui::GetFontSize() * 1.5f);
    ImGui::TextUnformatted("Badge");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7.0f);
    if (ImGui::BeginCombo("##badge", model::head_badge_name(s.model.badge))) {
        for (model::HeadBadge b : kBadges) {
            if (ImGui::Selectable(model::head_badge_name(b), b == s.model.badge)) set_model_badge(s, b);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", model::head_badge_formula(b));
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", model::head_badge_formula(s.model.badge));
    ImGui::SameLine();
    bool sorted = s.model.sort_by_badge;
    if (ImGui::Checkbox("rank by it", &sorted)) set_model_sort(s, sorted);
    const ModelDerived& m = s.derived.model;
    if (m.result && m.result->scores && s.model.badge == model::HeadBadge::kInduction) {
        ImGui::SameLine();
        ImGui::TextDisabled(m.result->scores->induction_from_probe ? "(on a repeated random probe)"
                                                                   : "(on your text)");
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip(
                "Induction needs a text that repeats. When yours has fewer than %d repeated pairs, the "
                "score\n"
                "is measured on a built-in probe: 20 random tokens, then the same 20 again.",
                model::kMinRepeatedBigrams);
        }
    }
}

/// The order the grid shows heads in: layer-major, or ranked by the badge.
std::vector<model::HeadRef> grid_order(const AppState& s, int n_layers, int n_heads) {
    const ModelDerived& m = s.derived.model;
    if (s.model.sort_by_badge && m.result && m.result->scores) {
        return model::rank_heads(*m.result->scores, s.model.badge);
    }
    std::vector<model::HeadRef> out;
    for (int l = 0; l < n_layers; ++l)
        for (int h = 0; h < n_heads; ++h) out.push_back(model::HeadRef{l, h});
    return out;
}

void draw_thumbnail(AppState& s, const model::HeadRef& r, ImVec2 p, float side, int group, bool ranked) {
    const ModelDerived& m = s.derived.model;
    const model::ModelConfig& c = s.model.open->model->config;
    const Palette& pal = palette(s.view.theme);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int index = r.layer * c.n_heads + r.head;
    const auto iu = static_cast<std::size_t>(index);
    const bool off = head_ablated(s, r.layer, r.head);
    ImGui::SetCursorScreenPos(p);
    ImGui::PushID(index);
    const ImTextureID tex =
        iu < s.textures.model_thumbnails.size() ? s.textures.model_thumbnails[iu] : nullptr;
    if (tex != nullptr) {
        ImGui::Image(tex, ImVec2(side, side), ImVec2(0, 0), ImVec2(1, 1), ImVec4(1, 1, 1, off ? 0.3f : 1.0f));
    } else {
        ImGui::Dummy(ImVec2(side, side));
        dl->AddRectFilled(p, ImVec2(p.x + side, p.y + side), pal.chip);
    }
    const bool hovered = ImGui::IsItemHovered();
    if (ImGui::IsItemClicked()) {
        if (ImGui::GetIO().KeyAlt) {
            toggle_head_ablation(s, r.layer, r.head);
        } else {
            focus_model_head(s, r.layer, r.head);
        }
    }
    ImGui::PopID();
    s.layout.model_thumbs.push_back({index, Rect{p, ImVec2(p.x + side, p.y + side)}});

    // KV group frame, then the focus outline outside it in the accent colour and a heavier line.
    const int g = r.head / std::max(1, group);
    dl->AddRect(ImVec2(p.x - 2, p.y - 2), ImVec2(p.x + side + 2, p.y + side + 2), group_color(g), 0.0f, 0,
                2.5f);
    const bool focused = r.layer == s.selection.layer && r.head == s.selection.focus_head;
    if (focused) {
        dl->AddRect(ImVec2(p.x - 5, p.y - 5), ImVec2(p.x + side + 5, p.y + side + 5), pal.focus, 3.0f, 0,
                    3.0f);
    }
    if (off) {
        dl->AddLine(p, ImVec2(p.x + side, p.y + side), pal.error, 2.5f);
        dl->AddLine(ImVec2(p.x + side, p.y), ImVec2(p.x, p.y + side), pal.error, 2.5f);
    }
    // The shown badge's score inside the thumbnail's bottom edge (ranked: "L2H5 .83", the order is no
    // longer the grid's), on a dark band so it reads over any colour.
    std::string label = ranked ? "L" + std::to_string(r.layer) + "H" + std::to_string(r.head) : std::string();
    if (m.result && m.result->scores && index < static_cast<int>(m.result->scores->scores.size())) {
        label +=
            (label.empty() ? "" : " ") + score_text(m.result->scores->at(r.layer, r.head).get(s.model.badge));
    }
    if (!label.empty()) {
        const float size = std::min(ImGui::GetFontSize() * 0.8f, side * 0.45f);
        const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.0f, label.c_str());
        const ImVec2 at(p.x + 1.0f, p.y + side - ts.y - 1.0f);
        dl->AddRectFilled(ImVec2(at.x - 1.0f, at.y),
                          ImVec2(std::min(p.x + side, at.x + ts.x + 2.0f), p.y + side),
                          IM_COL32(0, 0, 0, 170));
        dl->PushClipRect(p, ImVec2(p.x + side, p.y + side), true);
        dl->AddText(ImGui::GetFont(), size, at, IM_COL32(255, 255, 255, 255), label.c_str());
        dl->PopClipRect();
    }

    if (hovered) {
        hover_model_head(s, r.layer, r.head);
        ImGui::BeginTooltip();
        ImGui::Text("%s \xC2\xB7 reads KV head %d%s", model_head_name(r.layer, r.head).c_str(), g,
                    off ? " \xC2\xB7 switched off" : "");
        if (m.result && m.result->scores) {
            const model::HeadScores& sc = m.result->scores->at(r.layer, r.head);
            for (model::HeadBadge b : kBadges) {
                ImGui::Text("%-10s %s", model::head_badge_name(b), score_text(sc.get(b)).c_str());
            }
        }
        ImGui::TextDisabled("click: focus \xC2\xB7 Alt+click: switch off / on");
        ImGui::EndTooltip();
    }
}

void draw_grid(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##model_grid", size, true, ImGuiWindowFlags_HorizontalScrollbar);
    const model::ModelConfig& c = s.model.open->model->config;
    const float fs = ImGui::GetFontSize();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const int group = std::max(1, c.n_heads / std::max(1, c.n_kv_heads));
    const std::vector<model::HeadRef> order = grid_order(s, c.n_layers, c.n_heads);
    const bool ranked =
        s.model.sort_by_badge && order.size() == static_cast<std::size_t>(c.n_layers * c.n_heads);

    // In layer order a row is a layer and a column a head; ranked, rows fill left to right, best first.
    const float gap = 7.0f;
    const float label_w = ranked ? 0.0f : ImGui::CalcTextSize("L00").x + sp;
    const float avail = ImGui::GetContentRegionAvail().x - label_w - ImGui::GetStyle().ScrollbarSize;
    const int cols = ranked ? std::max(1, static_cast<int>(avail / (fs * 3.6f))) : c.n_heads;
    const float side = std::clamp(std::floor(avail / static_cast<float>(cols) - gap), fs * 1.3f, fs * 9.0f);
    const float cell_w = side + gap;
    const float row_h = side + gap;
    if (c.n_kv_heads < c.n_heads) {
        ImGui::TextDisabled("frame colour = KV head (GQA)");
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("%d query heads share each KV head; the focused head has the light frame",
                              group);
        }
    }
    if (!ranked) {
        // Column headers: the head index, thinned out when the columns are narrow.
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const int step = std::max(1, static_cast<int>(std::ceil(fs * 1.6f / cell_w)));
        for (int h = 0; h < cols; h += step) {
            ImGui::GetWindowDrawList()->AddText(
                ImVec2(origin.x + label_w + 4.0f + static_cast<float>(h) * cell_w, origin.y),
                palette(s.view.theme).text_dim, ("H" + std::to_string(h)).c_str());
        }
        ImGui::Dummy(ImVec2(1.0f, fs));
    }
    const int n_rows = (static_cast<int>(order.size()) + cols - 1) / cols;
    const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
    s.layout.model_thumb_pixels = ImVec2(std::round(side * fb.x), std::round(side * fb.y));
    s.layout.model_thumbs.clear();
    hover_model_head(s, -1, -1);

    ImGuiListClipper clipper;
    clipper.Begin(n_rows, row_h);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const ImVec2 origin = ImGui::GetCursorScreenPos();
            if (!ranked) {
                ImGui::GetWindowDrawList()->AddText(ImVec2(origin.x, origin.y + side * 0.5f - fs * 0.5f),
                                                    palette(s.view.theme).text_dim,
                                                    ("L" + std::to_string(row)).c_str());
            }
            for (int col = 0; col < cols; ++col) {
                const auto k = static_cast<std::size_t>(row * cols + col);
                if (k >= order.size()) break;
                const ImVec2 p(origin.x + label_w + 4.0f + static_cast<float>(col) * cell_w, origin.y + 4.0f);
                draw_thumbnail(s, order[k], p, side, group, ranked);
            }
            ImGui::SetCursorScreenPos(origin);
            ImGui::Dummy(ImVec2(label_w + static_cast<float>(cols) * cell_w, row_h));
        }
    }
    clipper.End();
    ImGui::EndChild();
}

/// The model view's large heatmap when it shows no focused head: the cells update() prepared.
void draw_preview(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##model_preview", size, true);
    const ModelDerived& m = s.derived.model;
    const float fs = ImGui::GetFontSize();
    ImGui::TextUnformatted(m.preview_title.c_str());
    ImGui::TextDisabled("rows: queries (looking) \xC2\xB7 columns: keys (looked at)");
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float legend_w = fs * 5.5f;
    const float side = std::max(20.0f, std::min(avail.x - legend_w, avail.y - fs));
    const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
    s.layout.model_preview_pixels = ImVec2(std::round(side * fb.x), std::round(side * fb.y));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (s.textures.model_preview != nullptr) {
        ImGui::Image(s.textures.model_preview, ImVec2(side, side));
    } else {
        ImGui::Dummy(ImVec2(side, side));
    }
    if (ImGui::IsItemHovered() && m.preview.n_rows > 0) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const int i =
            std::clamp(static_cast<int>((mouse.y - p.y) / side * static_cast<float>(m.preview.n_rows)), 0,
                       m.preview.n_rows - 1);
        const int j =
            std::clamp(static_cast<int>((mouse.x - p.x) / side * static_cast<float>(m.preview.n_cols)), 0,
                       m.preview.n_cols - 1);
        const auto label = [&](int k) {
            return k < static_cast<int>(m.preview_labels.size())
                       ? m.preview_labels[static_cast<std::size_t>(k)]
                       : std::string("?");
        };
        ImGui::SetTooltip("query \"%s\" \xE2\x86\x92 key \"%s\"", label(i).c_str(), label(j).c_str());
    }
    draw_legend(ImGui::GetWindowDrawList(), ImVec2(p.x + side + fs * 0.8f, p.y), ImVec2(legend_w - fs, side),
                s.view.heatmap.colormap, m.preview.range, s.view.heatmap.color.scale, s.view.theme);
    ImGui::EndChild();
}

}  // namespace

void draw_model_view(AppState& s) {
    if (!model_open(s)) {
        draw_no_model(s);
        return;
    }
    draw_toolbar(s);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float heat_w = std::clamp(avail.y * 0.95f, avail.x * 0.36f, avail.x * 0.5f);
    draw_grid(s, ImVec2(avail.x - heat_w - gap, avail.y));
    ImGui::SameLine();
    const ModelDerived& m = s.derived.model;
    const bool preview = !m.preview_key.empty() && (s.model.hover_layer >= 0 || s.model.merge_words ||
                                                    s.model.aggregate != ModelAggregate::kHead);
    if (preview) {
        draw_preview(s, ImVec2(heat_w, avail.y));
    } else {
        draw_heatmap_panel(s, ImVec2(heat_w, avail.y));
    }
}

}  // namespace attnviz::gui
