// Every text colour against every background it is drawn on, in both themes: at least 4.5:1 (WCAG AA),
// computed from the palette and the ImGui style the themes set.
#include "app/gui/style/theme.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::gui {
namespace {

/// A style colour made opaque over the window background (ChildBg and PopupBg may be translucent).
ImU32 over_window(ImGuiCol col) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const ImVec4 bg = st.Colors[ImGuiCol_WindowBg];
    const ImVec4 c = st.Colors[col];
    return ImGui::ColorConvertFloat4ToU32(ImVec4(c.x * c.w + bg.x * (1.0f - c.w),
                                                 c.y * c.w + bg.y * (1.0f - c.w),
                                                 c.z * c.w + bg.z * (1.0f - c.w), 1.0f));
}

TEST(ThemeContrast, EveryTextIsAtLeast4p5To1InBothThemes) {
    testing::HeadlessImGui ui;
    for (const Theme theme : {Theme::kDark, Theme::kLight}) {
        apply_theme(theme, 1.0f);
        const Palette& p = palette(theme);
        const std::string name = theme == Theme::kDark ? "dark" : "light";
        const std::vector<std::pair<const char*, ImU32>> texts = {
            {"text", p.text},
            {"text_dim", p.text_dim},
            {"accent", p.accent},
            {"arc", p.arc},
            {"error", p.error},
            {"warning", p.warning},
            {"success", p.success},
            {"focus", p.focus},
            {"ImGui Text", over_window(ImGuiCol_Text)},
            {"ImGui TextDisabled (section headers)", over_window(ImGuiCol_TextDisabled)},
        };
        const std::vector<std::pair<const char*, ImU32>> backgrounds = {
            {"WindowBg", over_window(ImGuiCol_WindowBg)},
            {"ChildBg", over_window(ImGuiCol_ChildBg)},
            {"PopupBg", over_window(ImGuiCol_PopupBg)},
            {"MenuBarBg", over_window(ImGuiCol_MenuBarBg)},
            {"panel_bg", p.panel_bg},
        };
        for (const auto& [tn, tc] : texts) {
            for (const auto& [bn, bc] : backgrounds) {
                EXPECT_GE(contrast_ratio(tc, bc), 4.5f) << name << ": " << tn << " on " << bn;
            }
        }
        // Text inside fields, buttons, tabs and chips (the Open dialog's text box, a token chip).
        const ImU32 text = over_window(ImGuiCol_Text);
        for (const auto& [bn, bc] :
             std::vector<std::pair<const char*, ImU32>>{{"FrameBg", over_window(ImGuiCol_FrameBg)},
                                                        {"Button", over_window(ImGuiCol_Button)},
                                                        {"Tab", over_window(ImGuiCol_Tab)},
                                                        {"TabActive", over_window(ImGuiCol_TabActive)},
                                                        {"Header", over_window(ImGuiCol_Header)}}) {
            EXPECT_GE(contrast_ratio(text, bc), 4.5f) << name << ": Text on " << bn;
        }
        EXPECT_GE(contrast_ratio(p.text, p.chip), 4.5f) << name << ": text on a chip";
        EXPECT_GE(contrast_ratio(p.text, p.chip_hover), 4.5f) << name << ": text on a hovered chip";
        EXPECT_GE(contrast_ratio(IM_COL32(20, 20, 20, 255), p.chip_query), 4.5f)
            << name << ": the query chip";
        // The focused head's frame is no KV group's colour (far apart in RGB: white or black against the
        // Okabe-Ito hues; the old gold focus frame was group 0's colour).
        for (int g = 0; g < 8; ++g) {
            const ImVec4 a = ImGui::ColorConvertU32ToFloat4(p.focus);
            const ImVec4 b = ImGui::ColorConvertU32ToFloat4(group_color(g));
            const float dist =
                std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z));
            EXPECT_GE(dist, 0.4f) << name << ": focus frame against KV group " << g;
        }
    }
}

TEST(ThemeContrast, RatioMatchesWcagReferences) {
    testing::HeadlessImGui ui;
    EXPECT_NEAR(contrast_ratio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)), 21.0f, 1e-3f);
    EXPECT_NEAR(contrast_ratio(IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 255, 255)), 1.0f, 1e-6f);
    // #777777 on white is the classic 4.48:1 just below AA.
    EXPECT_NEAR(contrast_ratio(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32(255, 255, 255, 255)), 4.48f, 0.01f);
}

}  // namespace
}  // namespace attnviz::gui
