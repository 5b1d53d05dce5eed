// ImGui styles for dark and light themes and attnviz's own palette.
#include "app/gui/style/theme.h"

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
    }
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
        IM_COL32(255, 115, 89, 255),  IM_COL32(242, 191, 77, 255),  IM_COL32(89, 212, 115, 255)};
    static const Palette light{
        IM_COL32(20, 20, 25, 255),    IM_COL32(110, 110, 118, 255), IM_COL32(228, 232, 240, 255),
        IM_COL32(160, 166, 180, 255), IM_COL32(230, 159, 0, 255),   IM_COL32(190, 210, 235, 255),
        IM_COL32(240, 240, 240, 255), IM_COL32(0, 114, 178, 255),   IM_COL32(213, 94, 0, 255),
        IM_COL32(248, 248, 246, 255), IM_COL32(200, 200, 204, 255), IM_COL32(225, 180, 180, 255),
        IM_COL32(190, 40, 25, 255),   IM_COL32(150, 95, 0, 255),    IM_COL32(20, 130, 50, 255)};
    return theme == Theme::kDark ? dark : light;
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
