// ImGui styles for dark and light themes and attnviz's own palette.
#include "app/gui/style/theme.h"

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

void apply_theme(Theme theme, float size_scale) {
    ImGuiStyle style;
    if (theme == Theme::kDark) {
        ImGui::StyleColorsDark(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.10f, 0.105f, 0.12f, 1.0f);
        style.Colors[ImGuiCol_ChildBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.0f);
    } else {
        ImGui::StyleColorsLight(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1.0f);
        style.Colors[ImGuiCol_MenuBarBg] = ImVec4(0.95f, 0.95f, 0.94f, 1.0f);  // 0.86 left dim text at 3.6:1
    }
    // Section headers and hints (TextDisabled) in the palette's dim text, >= 4.5:1 on every panel.
    style.Colors[ImGuiCol_TextDisabled] = text_color(palette(theme).text_dim);
    style.WindowRounding = 0.0f;
    style.FrameRounding = 4.0f;
    style.GrabRounding = 4.0f;
    style.TabRounding = 4.0f;
    style.WindowBorderSize = 1.0f;
    style.FramePadding = ImVec2(6.0f, 4.0f);
    style.ItemSpacing = ImVec2(8.0f, 6.0f);
    style.ScaleAllSizes(size_scale);
    ImGui::GetStyle() = style;
}

const Palette& palette(Theme theme) {
    static const Palette dark{
        IM_COL32(235, 235, 235, 255), IM_COL32(150, 150, 155, 255), IM_COL32(48, 52, 62, 255),
        IM_COL32(90, 96, 110, 255),   IM_COL32(230, 159, 0, 255),   IM_COL32(70, 90, 120, 255),
        IM_COL32(38, 40, 46, 255),    IM_COL32(86, 180, 233, 255),  IM_COL32(230, 159, 0, 255),
        IM_COL32(26, 27, 31, 255),    IM_COL32(60, 60, 64, 255),    IM_COL32(92, 40, 40, 255),
        IM_COL32(255, 115, 89, 255),  IM_COL32(242, 191, 77, 255),  IM_COL32(89, 212, 115, 255),
        IM_COL32(250, 250, 250, 255)};
    static const Palette light{
        IM_COL32(20, 20, 25, 255),    IM_COL32(92, 92, 100, 255),   IM_COL32(228, 232, 240, 255),
        IM_COL32(160, 166, 180, 255), IM_COL32(230, 159, 0, 255),   IM_COL32(190, 210, 235, 255),
        IM_COL32(240, 240, 240, 255), IM_COL32(0, 100, 160, 255),   IM_COL32(170, 70, 0, 255),
        IM_COL32(248, 248, 246, 255), IM_COL32(200, 200, 204, 255), IM_COL32(225, 180, 180, 255),
        IM_COL32(180, 35, 20, 255),   IM_COL32(135, 85, 0, 255),    IM_COL32(15, 115, 40, 255),
        IM_COL32(20, 20, 25, 255)};
    return theme == Theme::kDark ? dark : light;
}

float contrast_ratio(ImU32 a, ImU32 b) {
    const auto luminance = [](ImU32 c) {
        const ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
        const auto lin = [](float x) {
            return x <= 0.04045f ? x / 12.92f : std::pow((x + 0.055f) / 1.055f, 2.4f);
        };
        return 0.2126f * lin(v.x) + 0.7152f * lin(v.y) + 0.0722f * lin(v.z);
    };
    const float la = luminance(a);
    const float lb = luminance(b);
    return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

ImU32 group_color(int g, float alpha) {
    // Okabe & Ito (2008) colour-blind-safe qualitative palette, without black.
    static const ImVec4 kColors[] = {
        {0.90f, 0.62f, 0.00f, 1}, {0.34f, 0.71f, 0.91f, 1}, {0.00f, 0.62f, 0.45f, 1},
        {0.94f, 0.89f, 0.26f, 1}, {0.00f, 0.45f, 0.70f, 1}, {0.84f, 0.37f, 0.00f, 1},
        {0.80f, 0.47f, 0.65f, 1}, {0.60f, 0.60f, 0.60f, 1},
    };
    ImVec4 c = kColors[static_cast<std::size_t>((g % 8 + 8) % 8)];
    c.w = alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

}  // namespace attnviz::gui
