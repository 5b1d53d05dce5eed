// Issue 15 §1: the picture keeps priority at every screen and text size a classroom uses. At 1024x768,
// 1280x800 and 1920x1080 and text at 100%, 150% and 200%: no tab label is cut (tabs become a selector),
// the heatmap keeps a large share of the main area, nothing is placed outside the window, and the layout
// does not move when a status line appears.
#include "app/gui/app_actions.h"
#include "app/gui/style/theme.h"
#include "app/gui/views/views.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

/// The share of the main area's shorter side the matrix should keep (issue 15 §1).
constexpr float kMinHeatmapShare = 0.5f;

struct Screen {
    float w, h, scale;
};

class LayoutAtScale : public ::testing::TestWithParam<Screen> {};

/// The scale as the platform applies it: a bigger font and every size scaled (fonts.cpp rebuilds the
/// atlas; here the default font is scaled).
void apply_scale(float scale) {
    ImGui::GetIO().FontGlobalScale = scale;
    apply_theme(Theme::kDark, scale);
}

TEST_P(LayoutAtScale, ThePictureKeepsPriority) {
    const Screen sc = GetParam();
    HeadlessImGui ui(sc.w, sc.h);
    apply_scale(sc.scale);
    AppState s;
    s.view.font_scale = sc.scale;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    ui.frames(s, 3);
    const std::string where = std::to_string(static_cast<int>(sc.w)) + "x" +
                              std::to_string(static_cast<int>(sc.h)) + " at " +
                              std::to_string(static_cast<int>(sc.scale * 100)) + "%";

    // Tabs whole, or a selector instead.
    if (!testing::drawn(s, "view_tab")) {
        EXPECT_GT(s.layout.view_selector.max.x, s.layout.view_selector.min.x) << where;
    } else {
        ASSERT_EQ(testing::widget_count(s, "view_tab"), views().size()) << where;
        for (const ViewInfo& v : views()) {
            const float need = ImGui::CalcTextSize(v.tab_label).x;
            const Rect tab = testing::widget(s, "view_tab", static_cast<int>(v.id));
            EXPECT_GE(tab.max.x - tab.min.x, need) << where << ": tab " << v.tab_label;
        }
    }

    // The heatmap's matrix keeps a share of the main area's shorter side.
    const Rect& main = s.layout.main_area;
    const float shorter = std::min(main.max.x - main.min.x, main.max.y - main.min.y);
    const Rect hm = testing::widget(s, "heatmap");
    const float side = std::min(hm.max.x - hm.min.x, hm.max.y - hm.min.y);
    EXPECT_GE(side, kMinHeatmapShare * shorter) << where << ": heatmap " << side << " px of " << shorter;

    // Nothing placed outside the window.
    const Rect slider_now = testing::widget(s, "temperature_slider");
    const Rect causal = testing::widget(s, "causal_checkbox");
    for (const Rect* r : {&main, &hm, &slider_now, &causal, &std::as_const(s.layout.view_selector)}) {
        EXPECT_GE(r->min.x, 0.0f) << where;
        EXPECT_GE(r->min.y, 0.0f) << where;
        EXPECT_LE(r->max.x, sc.w + 0.5f) << where;
    }
    ASSERT_TRUE(testing::drawn(s, "token_chip")) << where;
    const Rect strip = testing::token_strip_view();  // chips may scroll inside it, the strip may not
    EXPECT_GE(strip.min.y, main.min.y) << where;
    EXPECT_LE(strip.max.x, sc.w + 0.5f) << where;
    EXPECT_LE(main.max.y, sc.h + 0.5f) << where;

    // A status line appearing moves nothing.
    const Rect slider = testing::widget(s, "temperature_slider");
    const Rect heat = testing::widget(s, "heatmap");
    set_status(s, "saved /home/teacher/Pictures/attnviz/attnviz-pod.png");
    ui.frames(s, 2);
    EXPECT_EQ(testing::widget(s, "temperature_slider").min.y, slider.min.y) << where;
    EXPECT_EQ(testing::widget(s, "heatmap").min.y, heat.min.y) << where;
    // Nor does the lesson's explanation going (a typed sentence is no lesson).
    set_sentence(s, "the pod crashed because it ran out of memory again");
    ui.frames(s, 2);
    EXPECT_EQ(testing::widget(s, "temperature_slider").min.y, slider.min.y) << where;
}

INSTANTIATE_TEST_SUITE_P(Classroom, LayoutAtScale,
                         ::testing::Values(Screen{1024, 768, 1.0f}, Screen{1024, 768, 1.5f},
                                           Screen{1024, 768, 2.0f}, Screen{1280, 800, 1.0f},
                                           Screen{1280, 800, 1.5f}, Screen{1280, 800, 2.0f},
                                           Screen{1920, 1080, 1.0f}, Screen{1920, 1080, 1.5f},
                                           Screen{1920, 1080, 2.0f}));

}  // namespace
}  // namespace attnviz::gui
