// The left column while a real model is open: the model and its job (progress, Cancel, errors), the
// interventions on its attention, the next-token prediction beside the unmodified run's, and Generate.
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/model/model_catalog.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace attnviz::gui {

namespace {

void section(const char* title) {
    ImGui::Spacing();
    ImGui::TextDisabled("%s", title);
    ImGui::Separator();
}

void wrapped_colored(ImU32 color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

std::string temperature_text(double t) {
    if (t == 0.0) return "0 (argmax)";
    if (std::isinf(t)) return "\xE2\x88\x9E (uniform)";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", t);
    return buf;
}

void draw_model_header(AppState& s) {
    const model::LoadedModel& m = *s.model.open;
    const model::ModelConfig& c = m.model->config;
    const Palette& pal = palette(s.view.theme);
    section("Model");
    ImGui::TextUnformatted(model::model_display_name(m.source).c_str());
    ImGui::TextDisabled("%d layers \xC3\x97 %d heads \xC2\xB7 %s", c.n_layers, c.n_heads,
                        attention::attention_kind_name(c.n_heads, c.n_kv_heads));
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%d query heads read %d KV heads per layer; head dim %d, d_model %d, context %d",
                          c.n_heads, c.n_kv_heads, c.head_dim, c.d_model, c.n_ctx);
    }
    if (ImGui::SmallButton("Open model\xE2\x80\xA6")) s.requests.open_model = true;
    ImGui::SameLine();
    if (ImGui::SmallButton("Lesson model")) close_model(s);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("back to the designed heads; the text stays");

    model::ModelJob* job = s.model.job.get();
    const bool loading = job != nullptr && job->loading();
    const bool computing = job != nullptr && job->computing();
    if (loading || computing) {
        const double p = loading ? job->load_progress() : job->compute_progress();
        char overlay[96];
        std::snprintf(overlay, sizeof overlay, "%s %.0f%%", loading ? "loading" : "computing", p * 100.0);
        ImGui::ProgressBar(static_cast<float>(p), ImVec2(-ImGui::GetFontSize() * 4.5f, 0.0f), overlay);
        ImGui::SameLine();
        if (ImGui::SmallButton("Cancel")) cancel_model_jobs(s);
    }
    if (!s.model.load_error.empty())
        wrapped_colored(pal.error, "Could not open the model: " + s.model.load_error);
    if (!s.derived.model.compute_error.empty())
        wrapped_colored(pal.error, "The run failed: " + s.derived.model.compute_error);
}

void draw_interventions(AppState& s) {
    section("Interventions on the attention");
    const model::ModelConfig& c = s.model.open->model->config;
    const model::Interventions& iv = s.model.interventions;
    const int layer = s.selection.layer;
    const int head = s.selection.focus_head;

    // One slider (the focused head's temperature) and where a change applies.
    const std::string head_name = "L" + std::to_string(layer) + " H" + std::to_string(head);
    const double t_head = iv.temperature_for(layer, head);
    float value = std::isinf(t_head) ? 20.0f : static_cast<float>(std::max(0.05, t_head));
    const std::string format = "T = " + (t_head == 0.0 ? std::string("0 (argmax)") : std::string("%.3g"));
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderFloat("##model_temperature", &value, 0.05f, 20.0f, format.c_str(),
                           ImGuiSliderFlags_Logarithmic)) {
        set_model_temperature(s, static_cast<double>(value), s.model.temperature_scope);
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("softmax(scores / T) in the heads chosen below (T key: all)");
    const InterventionScope scopes[] = {InterventionScope::kAllLayers, InterventionScope::kThisLayer,
                                        InterventionScope::kThisHead};
    const std::string scope_labels[] = {"all layers", "layer " + std::to_string(layer), head_name};
    for (int i = 0; i < 3; ++i) {
        if (ImGui::RadioButton(scope_labels[i].c_str(), s.model.temperature_scope == scopes[i]))
            s.model.temperature_scope = scopes[i];
        if (i < 2) ImGui::SameLine();
    }
    ImGui::TextDisabled("%s runs at T = %s", head_name.c_str(), temperature_text(t_head).c_str());
    if (!s.temperature_message.empty()) wrapped_colored(palette(s.view.theme).error, s.temperature_message);

    bool causal = iv.causal;
    if (ImGui::Checkbox("Causal mask  (M)", &causal)) set_model_causal(s, causal);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "off: every position also sees the tokens after it,\nwhich the model never saw in training");
    }
    bool windowed = iv.window > 0;
    const int n = std::max(1, static_cast<int>(s.derived.tokens.tokens.size()));
    if (ImGui::Checkbox("Sliding window", &windowed)) set_model_window(s, windowed ? std::min(4, n) : -1);
    if (windowed) {
        int w = iv.window;
        ImGui::SetNextItemWidth(-1.0f);
        if (ImGui::SliderInt("##model_window", &w, 1, std::max(n, iv.window), "W = %d keys"))
            set_model_window(s, w);
    } else if (c.sliding_window > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(model's own: %d)", c.sliding_window);
    }

    ImGui::TextUnformatted("Heads switched off");
    ImGui::TextDisabled("Alt+click a thumbnail (Layers \xC3\x97 heads)");
    if (iv.ablated.empty()) {
        ImGui::TextDisabled("none");
    } else {
        for (std::size_t i = 0; i < iv.ablated.size(); ++i) {
            const model::HeadRef r = iv.ablated[i];
            ImGui::PushID(static_cast<int>(i));
            const std::string label =
                "L" + std::to_string(r.layer) + " H" + std::to_string(r.head) + " \xC3\x97";
            if (ImGui::SmallButton(label.c_str())) toggle_head_ablation(s, r.layer, r.head);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("switch it on again");
            ImGui::PopID();
            if (i + 1 < iv.ablated.size() && (i + 1) % 4 != 0) ImGui::SameLine();
        }
    }
    const bool head_off = head_ablated(s, layer, head);
    if (ImGui::SmallButton(head_off ? "Switch the focused head on" : "Switch the focused head off"))
        toggle_head_ablation(s, layer, head);
    ImGui::SameLine();
    if (ImGui::SmallButton("Reset all")) reset_interventions(s);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the model as trained");
}

void draw_prediction(AppState& s) {
    const ModelDerived& m = s.derived.model;
    const Palette& pal = palette(s.view.theme);
    section("Next token");
    if (!m.prediction || !s.model.open) {
        ImGui::TextDisabled("%s", m.result ? "no prediction" : "computing\xE2\x80\xA6");
        return;
    }
    const model::Tokenizer& tok = *s.model.open->tokenizer;
    const int row = m.prediction_row;
    ImGui::TextDisabled("after \"%s\" (position %d)", token_label(s, row).c_str(), row);
    if (!m.prediction_note.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", m.prediction_note.c_str());
        ImGui::PopTextWrapPos();
    }
    const bool changed = m.result && m.result->base != m.result->run;
    const model::PredictionDiff& p = *m.prediction;
    const float bar_w = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto row_of = [&](const model::PredictionChange& c, bool dropped) {
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        dl->AddRectFilled(pos, ImVec2(pos.x + bar_w * static_cast<float>(c.probability), pos.y + h),
                          (pal.accent & 0x00FFFFFFu) | 0x55000000u);
        if (changed) {
            const float xb = pos.x + bar_w * static_cast<float>(c.base_probability);
            dl->AddLine(ImVec2(xb, pos.y), ImVec2(xb, pos.y + h), pal.text_dim, 2.0f);
        }
        ImGui::TextUnformatted(shorten(tok.display(c.id), 12).c_str());
        ImGui::SameLine(ImGui::GetFontSize() * 6.0f);
        if (changed) {
            ImGui::Text("%.3f \xE2\x86\x92 %.3f", c.base_probability, c.probability);
        } else {
            ImGui::Text("%.3f", c.probability);
        }
        if (dropped && ImGui::IsItemHovered())
            ImGui::SetTooltip("in the unmodified run's top 10, pushed out");
    };
    for (const model::PredictionChange& c : p.top) row_of(c, false);
    if (changed) {
        for (const model::PredictionChange& c : p.dropped) row_of(c, true);
        ImGui::Text("KL(unmodified \xE2\x80\x96 now) = %.4f nats", p.kl_base_new);
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip(
                "how much worse the changed model predicts what the unmodified one predicts\n"
                "(the bar's tick marks the unmodified probability)");
        }
    } else {
        ImGui::TextDisabled("change the attention to compare with this run");
    }
}

void draw_generate(AppState& s) {
    section("Generate");
    if (ImGui::Button("Generate  (G)")) generate_token(s);
    ImGui::SameLine();
    bool greedy = s.model.generate_mode == GenerateMode::kGreedy;
    if (ImGui::RadioButton("greedy", greedy)) set_generate_mode(s, GenerateMode::kGreedy);
    ImGui::SameLine();
    if (ImGui::RadioButton("sample", !greedy)) set_generate_mode(s, GenerateMode::kSample);
    if (!greedy) {
        float t = static_cast<float>(s.model.output_temperature);
        ImGui::SetNextItemWidth(-1.0f);
        if (ImGui::SliderFloat("##output_t", &t, 0.05f, 5.0f, "output T = %.2f",
                               ImGuiSliderFlags_Logarithmic))
            set_output_temperature(s, static_cast<double>(t));
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip(
                "divides the output logits before sampling the next token;\n"
                "a different knob from the attention temperature above");
        }
    }
    if (!s.model.generated_ids.empty()) {
        ImGui::TextDisabled("%zu generated", s.model.generated_ids.size());
        ImGui::SameLine();
        if (ImGui::SmallButton("Clear")) clear_generated(s);
    }
    const ModelDerived& m = s.derived.model;
    if (!m.decode_message.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", m.decode_message.c_str());
        ImGui::PopTextWrapPos();
    }
}

}  // namespace

void draw_model_panel(AppState& s) {
    draw_model_header(s);
    draw_interventions(s);
    draw_prediction(s);
    draw_generate(s);
}

}  // namespace attnviz::gui
