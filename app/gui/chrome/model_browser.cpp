// File > Open model: the built-in model and the lesson model one click away, the recently opened models,
// the Hugging Face cache, and an in-app folder browser (Debian 12 has no file-dialog library) that marks
// the folders that look like a model. The app never downloads: the user points it at a folder.
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "core/model/builtin_model.h"
#include "core/model/model_catalog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace attnviz::gui {

namespace {

constexpr const char* kPopup = "Open model";

std::string size_text(std::int64_t bytes) {
    if (bytes < 0) return "";
    char buf[32];
    if (bytes >= (std::int64_t{1} << 30)) {
        std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / 1073741824.0);
    } else {
        std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / 1048576.0);
    }
    return buf;
}

/// Opens `source` and closes the dialog (the load runs in the background; errors show in the panel).
void choose(AppState& s, const std::string& source) {
    open_model(s, source);
    ImGui::CloseCurrentPopup();
}

void rescan(AppState& s) {
    ModelBrowserState& b = s.model.browser;
    if (b.scanned) return;
    b.scanned = true;
    if (b.path.empty()) {
        const char* home = std::getenv("HOME");
        b.path = home != nullptr && *home != '\0' ? home : "/";
    }
    b.listing = model::list_folders(b.path, true);
    if (!b.listing.path.empty()) b.path = b.listing.path;
    b.check = model::looks_like_model(b.path);
    b.cache = model::scan_default_hf_cache();
}

void draw_quick_picks(AppState& s) {
    const float fs = ImGui::GetFontSize();
    ImGui::TextDisabled("Always here");
    if (ImGui::Selectable("stories260K  \xC2\xB7  built in: a 5-layer Llama trained on children's stories")) {
        choose(s, model::kBuiltinModelName);
    }
    if (ImGui::Selectable("Lesson model  \xC2\xB7  the designed heads (no download, no training)")) {
        close_model(s);
        ImGui::CloseCurrentPopup();
    }
    const auto& recent = s.model.recent.entries();
    if (!recent.empty()) {
        ImGui::Spacing();
        ImGui::TextDisabled("Recently opened");
        for (const std::string& r : recent) {
            ImGui::PushID(r.c_str());
            if (ImGui::Selectable(model::model_display_name(r).c_str())) choose(s, r);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.c_str());
            ImGui::PopID();
        }
    }
    ImGui::Spacing();
    const model::HfCacheScan& cache = s.model.browser.cache;
    ImGui::TextDisabled("Hugging Face cache  %s",
                        cache.hub_dir.empty() ? "(no HOME)" : cache.hub_dir.c_str());
    if (!cache.error.empty())
        ImGui::TextColored(text_color(palette(s.view.theme).error), "%s", cache.error.c_str());
    if (cache.models.empty()) {
        ImGui::PushTextWrapPos(fs * 30.0f);
        ImGui::TextDisabled(
            "nothing downloaded. On a machine with internet: huggingface-cli download openai-community/gpt2, "
            "then copy the cache folder here (or point the browser below at any model folder).");
        ImGui::PopTextWrapPos();
    }
    for (const model::CachedModel& m : cache.models) {
        ImGui::PushID(m.path.c_str());
        const std::string label = m.name + "  " + size_text(m.size_bytes);
        if (m.check.looks_like_model) {
            if (ImGui::Selectable(label.c_str())) choose(s, m.path);
        } else {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextDisabled("%s  (%s)", label.c_str(), m.check.reason.c_str());
            ImGui::PopTextWrapPos();
        }
        ImGui::PopID();
    }
}

void draw_folder_browser(AppState& s) {
    ModelBrowserState& b = s.model.browser;
    const Palette& pal = palette(s.view.theme);
    ImGui::TextDisabled("A model folder (config.json + model.safetensors + tokenizer.json)");
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 6.0f);
    std::string typed = b.path;
    if (ImGui::InputText("##model_path", &typed, ImGuiInputTextFlags_EnterReturnsTrue)) {
        browse_folder(s, model::expand_home(typed));
    } else if (ImGui::IsItemDeactivatedAfterEdit()) {
        browse_folder(s, model::expand_home(typed));
    }
    ImGui::SameLine();
    if (ImGui::Button("Up") && !b.listing.parent.empty()) browse_folder(s, b.listing.parent);
    if (!b.listing.error.empty()) ImGui::TextColored(text_color(pal.error), "%s", b.listing.error.c_str());

    const float list_h = ImGui::GetFontSize() * 11.0f;
    ImGui::BeginChild("##folders", ImVec2(0.0f, list_h), true);
    for (const model::FolderEntry& f : b.listing.folders) {
        ImGui::PushID(f.path.c_str());
        const std::string label = (f.looks_like_model ? "\xE2\x97\x8F " : "   ") + f.name + "/";
        if (f.looks_like_model) ImGui::PushStyleColor(ImGuiCol_Text, pal.success);
        const bool clicked = ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick);
        if (f.looks_like_model) ImGui::PopStyleColor();
        if (clicked) {
            // Double-click a model to open it; a click goes into the folder (a model's "Open" button).
            if (f.looks_like_model && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
                choose(s, f.path);
            } else {
                browse_folder(s, f.path);
            }
        }
        if (f.looks_like_model && ImGui::IsItemHovered())
            ImGui::SetTooltip("looks like a model: double-click to open");
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (b.check.looks_like_model) {
        if (ImGui::Button("Open this folder")) choose(s, b.path);
    } else {
        ImGui::BeginDisabled();
        ImGui::Button("Open this folder");
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::TextDisabled("%s", b.check.reason.c_str());
    }
}

}  // namespace

void draw_model_browser(AppState& s) {
    // Windows created while a modal is open trip ImGui's focus checks: the first frames create them.
    if (s.requests.open_model && ImGui::GetFrameCount() > 2) {
        s.requests.open_model = false;
        s.model.browser.scanned = false;
        ImGui::OpenPopup(kPopup);
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize(ImVec2(std::min(display.x * 0.9f, ImGui::GetFontSize() * 46.0f), 0.0f));
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    rescan(s);
    draw_quick_picks(s);
    ImGui::Spacing();
    ImGui::Separator();
    draw_folder_browser(s);
    if (!s.model.load_error.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(text_color(palette(s.view.theme).error), "Last load failed: %s",
                           s.model.load_error.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::Separator();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace attnviz::gui
