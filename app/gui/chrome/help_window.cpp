// Help: every keyboard shortcut and mouse action, and the terms the views use.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "core/model/head_scores.h"

#include <imgui.h>

namespace attnviz::gui {

namespace {

const char* const kShortcuts[][2] = {
    {"\xE2\x86\x90 / \xE2\x86\x92", "move the query to the previous / next token"},
    {"click a token", "lock it as the query (hover previews another)"},
    {"M", "causal mask on / off"},
    {"H", "next head"},
    {"P", "pin what the focused head shows as A; View > Compare shows A, B (now) and B \xE2\x88\x92 A"},
    {"T / Shift+T", "temperature warmer / cooler (past the ends: T = \xE2\x88\x9E or T = 0)"},
    {"Ctrl + / Ctrl - / Ctrl 0", "larger / smaller / normal text"},
    {"F11", "full screen"},
    {"F5",
     "presenter mode: a clean stage in large type, on a second monitor when there is one (View > "
     "Stage on); Esc or F5 in either window leaves, everything comes back"},
    {"PageDown / PageUp",
     "presenter mode: next / previous step or lesson (also \xE2\x86\x92 / \xE2\x86\x90, Space on the "
     "stage)"},
    {"L", "presenter mode: laser dot, spotlight, off"},
    {"F1", "this help"},
    {"Ctrl+Q", "quit"},
    {"Ctrl+S", "save a screenshot (File > Save screenshot)"},
    {"Ctrl+E", "export the view: SVG, PNG (1x / 2x / 4x), CSV, .npy, JSON, GIF"},
    {"Ctrl+Z / Ctrl+Shift+Z", "undo / redo a setting change"},
    {"Ctrl+O", "open a model (a folder, the built-in stories260K, the Hugging Face cache)"},
    {"G", "real model: generate the next token (decoded from the cached K and V)"},
    {"click / Alt+click a thumbnail", "real model: focus that head / switch it off or on"},
    {"mouse wheel on the heatmap", "zoom; right-drag pans; double-click resets"},
};

}  // namespace

void draw_help_window(AppState& s) {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextWindowSize(ImVec2(fs * 34.0f, fs * 26.0f), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    bool open = true;
    const bool visible = ImGui::Begin("Help: shortcuts and terms", &open, ImGuiWindowFlags_NoSavedSettings);
    if (!open) set_show_help(s, false);
    if (!visible) {
        ImGui::End();
        return;
    }
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        for (const auto& row : kShortcuts) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row[0]);
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", row[1]);
        }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextWrapped(
        "Rows are queries (the token that is looking); columns are keys (the tokens looked at). Each row of "
        "weights sums to 1. Masked cells are hatched: the query may not see that key. A row with no visible "
        "key "
        "is drawn dark red and has weight 0 everywhere.");
    ImGui::TextWrapped(
        "The heads come from the lesson model: designed heads built to show patterns trained models are "
        "known "
        "for. It is not a trained LLM.");
    if (ImGui::CollapsingHeader("Real models: the head badges")) {
        ImGui::TextWrapped(
            "Each thumbnail of the Layers \xC3\x97 heads view carries a score in [0, 1] computed from that "
            "head's weights W on your text (rows i are queries, columns j keys, t the token ids):");
        for (model::HeadBadge b :
             {model::HeadBadge::kFirstToken, model::HeadBadge::kPreviousToken, model::HeadBadge::kSelf,
              model::HeadBadge::kInduction, model::HeadBadge::kDuplicateToken}) {
            ImGui::Bullet();
            ImGui::TextWrapped("%s", model::head_badge_formula(b));
        }
        ImGui::TextWrapped(
            "Induction needs a text that repeats; when yours has fewer than %d repeated token pairs, it is "
            "measured on a built-in probe of 20 random tokens repeated once (Olsson et al. 2022). Layer "
            "mean: the average of a layer's heads. Rollout (Abnar & Zuidema 2020): each layer's mean mixed "
            "half and half with the identity, rows renormalised, multiplied through the layers.",
            model::kMinRepeatedBigrams);
    }
    ImGui::End();
}

}  // namespace attnviz::gui
