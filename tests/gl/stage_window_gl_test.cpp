// The stage window in process under Xvfb: a second GLFW window sharing the GL context, its own ImGui
// context; GLFW's callbacks for each window reach that window's context whichever is current, stepping
// from either window moves the stage, and Esc closes the window and gives the main window back.
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/gfx/heatmap_renderer.h"
#include "app/gui/gfx/platform_glfw.h"
#include "app/gui/gfx/screenshot.h"
#include "app/gui/gfx/stage_window.h"
#include "app/gui/gfx/view_textures.h"
#include "app/gui/presenter_actions.h"
#include "core/lesson/scenario.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include "tests/support/widget_lookup.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

namespace attnviz::gui {
namespace {

class StageWindowGl : public ::testing::Test {
  protected:
    // One main window for the suite. Xvfb resets when its last client leaves (the previous suite's
    // window), and a display opened during that reset fails: a few more tries then.
    static void SetUpTestSuite() {
        PlatformOptions o;
        o.width = 640;
        o.height = 400;
        o.vsync = false;
        for (int attempt = 0; attempt < 50; ++attempt) {
            s_platform = std::make_unique<Platform>();
            s_error = s_platform->init(o);
            if (s_error.find("Failed to open display") == std::string::npos) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        s_renderer = std::make_unique<HeatmapRenderer>();
        if (s_error.empty()) s_error = s_renderer->init(s_platform->glsl_version_line());
    }
    static void TearDownTestSuite() {
        if (s_renderer) s_renderer->shutdown();
        s_renderer.reset();
        s_platform.reset();
    }
    void SetUp() override {
        ASSERT_EQ(s_error, "") << "needs a display: run under xvfb-run -a";
        main_context = ImGui::GetCurrentContext();
        const lesson::Scenario* pod = lesson::find_builtin_scenario("pod");
        ASSERT_NE(pod, nullptr);
        apply_scenario(s, *pod);
        s.stage_output.forced_window = true;  // Xvfb has one monitor: --stage-window
        frames(3);
    }
    void TearDown() override {
        if (s_platform) stage.close(platform);
    }
    /// The main loop's frame: sync, the main window, then the stage window.
    void frames(int n) {
        for (int i = 0; i < n; ++i) {
            glfwPollEvents();
            stage.sync(s, platform);
            platform.new_frame(true);
            handle_shortcuts(s);
            update(s);
            prepare_view_textures(s, renderer);
            draw(s);
            platform.render(0.0f, 0.0f, 0.0f);
            ASSERT_EQ(stage.frame(s, platform, true), "");
            platform.swap();
            ASSERT_EQ(ImGui::GetCurrentContext(), main_context)
                << "the main context is current between frames";
        }
    }
    /// Presses and releases a key through the window's own GLFW callback, as glfwPollEvents delivers it
    /// (with the main ImGui context current).
    void press(GLFWwindow* window, int key) {
        GLFWkeyfun callback = glfwSetKeyCallback(window, nullptr);
        glfwSetKeyCallback(window, callback);
        ASSERT_NE(callback, nullptr);
        callback(window, key, 0, GLFW_PRESS, 0);
        frames(1);
        callback(window, key, 0, GLFW_RELEASE, 0);
        frames(2);
    }
    static bool key_down_in(ImGuiContext* context, int key) {
        ImGuiContext* previous = ImGui::GetCurrentContext();
        ImGui::SetCurrentContext(context);
        const bool down = ImGui::GetIO().KeysDown[key];
        ImGui::SetCurrentContext(previous);
        return down;
    }

    static std::unique_ptr<Platform> s_platform;
    static std::unique_ptr<HeatmapRenderer> s_renderer;
    static Status s_error;
    Platform& platform = *s_platform;
    HeatmapRenderer& renderer = *s_renderer;
    StageWindow stage;
    AppState s;
    ImGuiContext* main_context = nullptr;
};
std::unique_ptr<Platform> StageWindowGl::s_platform;
std::unique_ptr<HeatmapRenderer> StageWindowGl::s_renderer;
Status StageWindowGl::s_error;

TEST_F(StageWindowGl, OpensWithItsOwnContextAndDrawsTheStage) {
    const Rect desk_before = s.layout.main_area;
    enter_presenter(s, ImGui::GetTime());
    frames(3);
    ASSERT_TRUE(stage.is_open());
    EXPECT_FALSE(stage.on_monitor());
    EXPECT_NE(stage.imgui_context(), main_context);
    EXPECT_EQ(s.layout.main_area.min.x, desk_before.min.x) << "the main window keeps its controls";
    EXPECT_EQ(s.layout.main_area.max.y, desk_before.max.y);
    const Rect st = stage.surface().layout.main_area;
    EXPECT_EQ(st.min.x, 0.0f);
    EXPECT_EQ(st.max.x, 640.0f);
    // Its pixels: the stage's heatmap (a texture rendered in the main context) is on screen there.
    const std::string png = ::testing::TempDir() + "attnviz_stage_gl.png";
    ASSERT_EQ(stage.frame(s, platform, true, png), "");
    std::remove(png.c_str());
    EXPECT_NE(stage.surface().textures.heatmap, nullptr) << "the stage has its own heatmap texture";
    EXPECT_NE(stage.surface().textures.heatmap, s.textures.heatmap) << "at its own size, in its own slot";
    glfwMakeContextCurrent(stage.native_window());
    int w = 0, h = 0;
    glfwGetFramebufferSize(stage.native_window(), &w, &h);
    platform.make_current();
    EXPECT_EQ(w, 640);
    EXPECT_EQ(h, 400);
}

TEST_F(StageWindowGl, EachWindowsKeysReachItsOwnContext) {
    enter_presenter(s, ImGui::GetTime());
    frames(2);
    ASSERT_TRUE(stage.is_open());
    ASSERT_EQ(s.presenter.lesson, 0);
    ASSERT_EQ(s.presenter.step, 2);

    // A key for the stage window while the main context is current lands in the stage's context only.
    GLFWkeyfun callback = glfwSetKeyCallback(stage.native_window(), nullptr);
    glfwSetKeyCallback(stage.native_window(), callback);
    callback(stage.native_window(), GLFW_KEY_PAGE_DOWN, 0, GLFW_PRESS, 0);
    EXPECT_EQ(ImGui::GetCurrentContext(), main_context);
    EXPECT_TRUE(key_down_in(stage.imgui_context(), GLFW_KEY_PAGE_DOWN));
    EXPECT_FALSE(key_down_in(main_context, GLFW_KEY_PAGE_DOWN));
    frames(1);
    callback(stage.native_window(), GLFW_KEY_PAGE_DOWN, 0, GLFW_RELEASE, 0);
    frames(1);
    EXPECT_EQ(s.presenter.lesson, 1) << "PageDown in the stage window steps";
    EXPECT_EQ(s.presenter.step, 0);

    press(platform.native_window(), GLFW_KEY_PAGE_DOWN);  // and in the main window
    EXPECT_EQ(s.presenter.step, 1);
    press(stage.native_window(), GLFW_KEY_RIGHT);
    EXPECT_EQ(s.presenter.step, 2);
}

TEST_F(StageWindowGl, EscInTheStageWindowClosesItAndTheMainWindowIsAsBefore) {
    const Rect desk_before = s.layout.main_area;
    const Rect heatmap_before = testing::widget(s, "heatmap");
    const float scale_before = s.view.font_scale;
    enter_presenter(s, ImGui::GetTime());
    frames(2);
    ASSERT_TRUE(stage.is_open());
    press(stage.native_window(), GLFW_KEY_PAGE_DOWN);
    press(stage.native_window(), GLFW_KEY_ESCAPE);
    EXPECT_FALSE(s.presenter.active);
    EXPECT_FALSE(stage.is_open()) << "the stage window closed";
    EXPECT_EQ(s.view.font_scale, scale_before);
    EXPECT_EQ(s.layout.main_area.min.x, desk_before.min.x);
    EXPECT_EQ(s.layout.main_area.max.x, desk_before.max.x);
    EXPECT_EQ(testing::widget(s, "heatmap").min.x, heatmap_before.min.x);
    EXPECT_EQ(testing::widget(s, "heatmap").max.y, heatmap_before.max.y);
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_EQ(s.lesson->name, "pod");

    // Presenting again opens a new stage window; its close button ends presenter mode.
    enter_presenter(s, ImGui::GetTime());
    frames(2);
    ASSERT_TRUE(stage.is_open());
    glfwSetWindowShouldClose(stage.native_window(), GLFW_TRUE);
    frames(2);
    EXPECT_FALSE(s.presenter.active);
    EXPECT_FALSE(stage.is_open());
}

TEST_F(StageWindowGl, OnAMonitorItIsBorderlessOverItAndAMonitorChangePlacesItAnew) {
    // Xvfb reports one monitor: the stage is opened over a rectangle of it as sync() does on a second.
    enter_presenter(s, ImGui::GetTime());
    const ScreenRect monitor{0, 0, 800, 600};
    ASSERT_EQ(stage.open(platform, &monitor, 0, 0), "");
    frames(3);
    ASSERT_TRUE(stage.is_open());
    EXPECT_TRUE(stage.on_monitor());
    EXPECT_EQ(glfwGetWindowAttrib(stage.native_window(), GLFW_DECORATED), 0) << "borderless";
    int w = 0, h = 0;
    glfwGetWindowSize(stage.native_window(), &w, &h);
    EXPECT_EQ(w, 800);
    EXPECT_EQ(h, 600);
    EXPECT_EQ(stage.surface().layout.main_area.max.x, 800.0f) << "the stage fills that monitor";

    // A monitor connected or disconnected (GLFW's callback): the stage is placed anew, here as a window
    // of its own (--stage-window, one monitor), and presenting goes on.
    GLFWmonitorfun callback = glfwSetMonitorCallback(nullptr);
    glfwSetMonitorCallback(callback);
    ASSERT_NE(callback, nullptr);
    callback(glfwGetPrimaryMonitor(), GLFW_CONNECTED);
    frames(2);
    EXPECT_TRUE(s.presenter.active);
    ASSERT_TRUE(stage.is_open());
    EXPECT_FALSE(stage.on_monitor());
    glfwGetWindowSize(stage.native_window(), &w, &h);
    EXPECT_EQ(w, 640) << "the main window's size";

    // Without --stage-window and no second monitor any more: the stage comes back into the main window.
    s.stage_output.forced_window = false;
    callback(glfwGetPrimaryMonitor(), GLFW_DISCONNECTED);
    frames(2);
    EXPECT_TRUE(s.presenter.active);
    EXPECT_FALSE(s.presenter.in_window);
    EXPECT_FALSE(stage.is_open());
    EXPECT_EQ(s.layout.main_area.min.x, 0.0f) << "the stage fills the main window";
    leave_presenter(s);
    frames(1);
}

}  // namespace
}  // namespace attnviz::gui
