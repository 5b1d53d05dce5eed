// A Dear ImGui context without GL or a window (imgui v1.86 example_null): runs the GUI's real frames
// and injects mouse and keyboard input, so tests can assert on AppState.
#pragma once

#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/app_state.h"
#include "core/lesson/scenario.h"
#include "tests/support/widget_lookup.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <map>
#include <string>
#include <utility>

namespace attnviz::testing {

/// Sets up the current ImGui context as a window of this size with the default font at font_pixels, a
/// built atlas and the arrow, Enter and Esc keys at their GLFW codes (as the real backend maps them).
inline void init_headless_io(float width, float height, float font_pixels) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(width, height);
    io.IniFilename = nullptr;
    io.DeltaTime = 1.0f / 60.0f;
    ImFontConfig cfg;
    cfg.SizePixels = font_pixels;
    io.Fonts->AddFontDefault(&cfg);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.KeyMap[ImGuiKey_LeftArrow] = 263;
    io.KeyMap[ImGuiKey_RightArrow] = 262;
    io.KeyMap[ImGuiKey_UpArrow] = 265;
    io.KeyMap[ImGuiKey_DownArrow] = 264;
    io.KeyMap[ImGuiKey_Enter] = 257;
    io.KeyMap[ImGuiKey_Escape] = 256;
}

class HeadlessImGui {
  public:
    explicit HeadlessImGui(float width = 1280.0f, float height = 800.0f) {
        ImGui::CreateContext();
        init_headless_io(width, height, gui::kBaseFontPixels);
    }
    ~HeadlessImGui() { ImGui::DestroyContext(); }
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;

    /// One frame in the order of the real loop: shortcuts, update, draw.
    void frame(gui::AppState& s) {
        ImGui::NewFrame();
        gui::handle_shortcuts(s);
        gui::update(s);
        gui::draw(s);
        ImGui::Render();
    }
    void frames(gui::AppState& s, int n) {
        for (int i = 0; i < n; ++i) frame(s);
    }

    // Input lands while panels draw; update() applies it at the start of the next frame, as in the
    // real loop. Every input helper therefore ends with one settling frame.

    /// Moves the mouse there, presses and releases the left button, as a person would.
    void click(gui::AppState& s, ImVec2 pos) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = pos;
        frame(s);
        io.MouseDown[0] = true;
        frame(s);
        io.MouseDown[0] = false;
        frames(s, 2);
    }

    /// Presses at `from`, moves to `to` over a few frames, releases.
    void drag(gui::AppState& s, ImVec2 from, ImVec2 to) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = from;
        frame(s);
        io.MouseDown[0] = true;
        frame(s);
        for (int i = 1; i <= 4; ++i) {
            io.MousePos = ImVec2(from.x + (to.x - from.x) * static_cast<float>(i) / 4.0f,
                                 from.y + (to.y - from.y) * static_cast<float>(i) / 4.0f);
            frame(s);
        }
        io.MouseDown[0] = false;
        frames(s, 2);
    }

    void hover(gui::AppState& s, ImVec2 pos) {
        ImGui::GetIO().MousePos = pos;
        frames(s, 2);
    }

    /// Presses and releases a key (io.KeysDown index) with optional modifiers.
    void key(gui::AppState& s, int key_index, bool ctrl = false, bool shift = false) {
        ImGuiIO& io = ImGui::GetIO();
        io.KeyCtrl = ctrl;
        io.KeyShift = shift;
        io.KeysDown[key_index] = true;
        frame(s);
        io.KeysDown[key_index] = false;
        io.KeyCtrl = io.KeyShift = false;
        frames(s, 2);
    }

    /// Types one character with no text field active (a letter shortcut), as the platform's char
    /// callback delivers it whatever the keyboard layout.
    void character(gui::AppState& s, unsigned int c) {
        ImGui::GetIO().AddInputCharacter(c);
        frame(s);
        frames(s, 2);
    }

    /// The text drawn by the last frame, every window in draw order, read back from the glyph quads of
    /// its draw lists (so text drawn through ImDrawList::AddText counts too). Spaces draw nothing and are
    /// missing: "for \"cat\"" reads for"cat".
    static std::string drawn_text() {
        std::map<std::pair<float, float>, const ImFontGlyph*> by_uv;
        for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) {
            for (const ImFontGlyph& g : font->Glyphs) {
                if (g.Visible) by_uv.emplace(std::make_pair(g.U0, g.V0), &g);
            }
        }
        std::string out;
        const ImDrawData* data = ImGui::GetDrawData();
        for (int l = 0; data != nullptr && l < data->CmdListsCount; ++l) {
            const ImVector<ImDrawVert>& v = data->CmdLists[l]->VtxBuffer;
            for (int k = 0; k + 3 < v.Size; ++k) {
                const auto it = by_uv.find(std::make_pair(v[k].uv.x, v[k].uv.y));
                if (it == by_uv.end() || v[k + 2].uv.x != it->second->U1 || v[k + 2].uv.y != it->second->V1)
                    continue;
                char utf8[5] = {};
                ImTextCharToUtf8(utf8, it->second->Codepoint);
                out += utf8;
                k += 3;
            }
        }
        return out;
    }

    /// Types into the text field `item` of window `window` (their ImGui names): the field is activated
    /// by its ImGui id, as keyboard navigation would, so its whole text is selected and replaced.
    void type_into(gui::AppState& s, const char* window, const char* item, const std::string& text) {
        const ImGuiID id = ImHashStr(item, 0, ImHashStr(window, 0, 0));
        ImGui::ActivateItem(id);
        GImGui->NavNextActivateFlags = ImGuiActivateFlags_PreferInput;  // as Enter on a focused field
        frames(s, 2);
        ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
        frames(s, 2);
        ImGui::ClearActiveID();
        frames(s, 2);
    }

    void mouse_away() { ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX); }
};

/// Loads the built-in lesson `name` and renders until it has a result: the usual start of a view test
/// (ASSERT_TRUE(open_lesson(ui, s, "pod"))).
inline ::testing::AssertionResult open_lesson(HeadlessImGui& ui, gui::AppState& s, const char* name) {
    const lesson::Scenario* lesson = lesson::find_builtin_scenario(name);
    if (lesson == nullptr) return ::testing::AssertionFailure() << "no built-in lesson \"" << name << "\"";
    gui::apply_scenario(s, *lesson);
    ui.frames(s, 3);
    if (s.derived.result() == nullptr) return ::testing::AssertionFailure() << s.derived.status;
    return ::testing::AssertionSuccess();
}

/// The index of the first token with exactly this text, or -1.
inline int token_index(const gui::AppState& s, const std::string& text) {
    const auto& toks = s.derived.tokens.tokens;
    for (std::size_t i = 0; i < toks.size(); ++i) {
        if (toks[i].text == text) return static_cast<int>(i);
    }
    return -1;
}

/// The token strip's visible rectangle in the last frame (its child window's clip rectangle); empty when
/// no strip was drawn. Chips scrolled out of the strip lie outside it.
inline gui::Rect token_strip_view() {
    for (const ImGuiWindow* w : GImGui->Windows) {
        if (w->Active && std::string(w->Name).find("##token_strip") != std::string::npos)
            return gui::Rect{w->InnerClipRect.Min, w->InnerClipRect.Max};
    }
    return gui::Rect{};
}

}  // namespace attnviz::testing
