// Left column: temperature (log slider with exact T = 0 and T = inf), masks, scale, heads and KV heads,
// then the query row's readout.
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/lesson_model.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <cstdio>
#include <limits>

namespace attnviz::gui {

namespace {

void section(const char* title) {
    ImGui::Spacing();
    ImGui::TextDisabled("%s", title);
    ImGui::Separator();
}

void draw_temperature(AppState& s) {
    section("Temperature  (T)");
    const double t = s.settings.temperature;
    char format[64];
    if (t == 0.0) {
        std::snprintf(format, sizeof format, "T = 0 (argmax)");
    } else if (std::isinf(t)) {
        std::snprintf(format, sizeof format, "T = \xE2\x88\x9E (uniform)");
    } else {
        std::snprintf(format, sizeof format, "T = %%.3g");
    }
    float value = std::isinf(t) ? 20.0f : static_cast<float>(t);
    ImGui::SetNextItemWidth(-1.0f);
    // Typing goes through the field below (applied when left, "inf" allowed), not Ctrl+click: the
    // slider's own text input applies every keystroke ("-0" on the way to "-0.5" set T = 0).
    if (ImGui::SliderFloat("##temperature", &value, 0.05f, 20.0f, format,
                           ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoInput)) {
        set_temperature(s, static_cast<double>(value));
    }
    note_item(s.layout.widgets, "temperature_slider");
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "softmax((s - max) / T): low T sharpens, high T flattens.\nType an exact value in the field "
            "below (0 and inf allowed).");
    }
    const float third = (ImGui::GetContentRegionAvail().x - 2.0f * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
    // Narrow (large text): "0", "1", "inf" rather than cut labels.
    const bool narrow = ImGui::CalcTextSize("T = 1").x + ImGui::GetStyle().FramePadding.x * 2.0f > third;
    if (ImGui::Button(narrow ? "0" : "T = 0", ImVec2(third, 0))) set_temperature(s, 0.0);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("argmax: the top key(s) share all the weight");
    ImGui::SameLine();
    if (ImGui::Button(narrow ? "1" : "T = 1", ImVec2(third, 0))) set_temperature(s, 1.0);
    ImGui::SameLine();
    if (ImGui::Button(narrow ? "\xE2\x88\x9E" : "T = \xE2\x88\x9E", ImVec2(third, 0)))
        set_temperature(s, std::numeric_limits<double>::infinity());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("uniform: every visible key gets the same weight");
    ImGui::SetNextItemWidth(-1.0f);
    ImGui::InputTextWithHint("##temperature_typed", "type T: 0.5, 2, inf", &s.temperature_typed);
    note_item(s.layout.widgets, "temperature_field");
    if (ImGui::IsItemDeactivatedAfterEdit()) {
        set_temperature_text(s, s.temperature_typed);
        s.temperature_typed.clear();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("an exact temperature, applied on Enter: >= 0, or inf");
    if (!s.temperature_message.empty()) {
        ImGui::PushTextWrapPos();
        ImGui::TextColored(text_color(palette(s.view.theme).error), "%s", s.temperature_message.c_str());
        ImGui::PopTextWrapPos();
    }
}

void draw_masks(AppState& s) {
    section("Masks");
    if (is_cross(s)) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled(
            "Cross-attention: every query sees the whole other sentence; causal and window masks do not "
            "apply.");
        ImGui::PopTextWrapPos();
        return;
    }
    bool causal = s.settings.causal;
    if (ImGui::Checkbox("Causal mask  (M)", &causal)) set_causal(s, causal);
    note_item(s.layout.widgets, "causal_checkbox");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("a token may look only at itself and earlier tokens");

    bool windowed = s.settings.window > 0;
    const int n_tokens = std::max(1, static_cast<int>(s.derived.tokens.tokens.size()));
    if (ImGui::Checkbox("Sliding window", &windowed)) set_window(s, windowed ? std::min(3, n_tokens) : 0);
    if (windowed) {
        int w = s.settings.window;
        ImGui::SetNextItemWidth(-1.0f);
        if (ImGui::SliderInt("##window", &w, 1, std::max(n_tokens, s.settings.window), "W = %d keys"))
            set_window(s, w);
        ImGui::TextDisabled(s.settings.causal ? "sees itself and the W-1 tokens before it"
                                              : "sees tokens closer than W");
    }
    bool scale = s.settings.scale;
    const int d = s.derived.forward() ? s.derived.forward()->inputs.q.n_cols()
                                      : lesson::LessonModel::instance().head_dim();
    char label[64];
    std::snprintf(label, sizeof label,
                  "Scale scores by 1/\xE2\x88\x9A"
                  "d  (d = %d)",
                  d);
    if (ImGui::Checkbox(label, &scale)) set_scale(s, scale);
}

void draw_heads(AppState& s) {
    section("Heads");
    const int max_heads = lesson::LessonModel::instance().max_heads();
    int n = s.settings.n_heads;
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderInt("##heads", &n, 1, max_heads, n == 1 ? "%d query head" : "%d query heads"))
        set_heads(s, n, max_heads);

    const auto kv_label = [&](int kv) {
        char buf[96];
        const int r = s.settings.n_heads / kv;
        if (kv == s.settings.n_heads) {
            std::snprintf(buf, sizeof buf, "%s (MHA)", count_of(kv, "KV head").c_str());
        } else if (kv == 1) {
            std::snprintf(buf, sizeof buf, "1 KV head (MQA: all %d share it)", s.settings.n_heads);
        } else {
            std::snprintf(buf, sizeof buf, "%d KV heads (GQA: %d share each)", kv, r);
        }
        return std::string(buf);
    };
    ImGui::SetNextItemWidth(-1.0f);
    const bool open = ImGui::BeginCombo("##kv_heads", kv_label(s.settings.n_kv_heads).c_str());
    note_item(s.layout.widgets, "kv_heads_combo");
    const bool combo_hovered = ImGui::IsItemHovered();
    if (open) {
        for (int kv : kv_head_choices(s.settings.n_heads)) {
            if (ImGui::Selectable(kv_label(kv).c_str(), kv == s.settings.n_kv_heads)) set_kv_heads(s, kv);
            note_item(s.layout.widgets, "kv_heads_choice", kv);
        }
        ImGui::EndCombo();
    }
    if (combo_hovered && !open) {
        ImGui::SetTooltip(
            "Query heads that share a KV head use the mean of their K and V projections\n"
            "(as when a multi-head model is converted to GQA): their patterns blur together.");
    }
}

}  // namespace

void draw_controls_panel(AppState& s, ImVec2 pos, ImVec2 size) {
    begin_fixed_window("Controls", pos, size, ImGuiWindowFlags_NoTitleBar);
    if (s.layout.views_in_menu && s.layout.view_selector.max.x <= s.layout.view_selector.min.x) {
        // The views' tabs would be cut and the menu bar had no room for their selector: it heads this
        // column, so the main area still keeps its whole height for the picture.
        draw_view_selector(s, ImGui::GetContentRegionAvail().x);
    }
    if (model_open(s)) {
        draw_model_panel(s);
        ImGui::Spacing();
        draw_query_readout(s);
        ImGui::End();
        return;
    }
    draw_temperature(s);
    draw_masks(s);
    draw_heads(s);
    ImGui::Spacing();
    draw_query_readout(s);
    ImGui::End();
}

}  // namespace attnviz::gui
