// The stage in a window of its own (a second monitor or --stage-window), headless: the main window keeps
// its controls and text size, the stage is drawn through a second ImGui context into its own layout, and
// the keys of each window do what they should (PageDown steps from both, Esc in either leaves).
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/keys.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/settings_file.h"
#include "app/gui/stage_surface.h"
#include "app/gui/startup.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/widget_lookup.h"

#include <gtest/gtest.h>
#include <imgui.h>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

/// A second ImGui context, as the stage window's: its own size and font atlas.
class StageContext {
  public:
    StageContext(float width, float height) {
        ImGuiContext* previous = ImGui::GetCurrentContext();
        m_context = ImGui::CreateContext();
        ImGui::SetCurrentContext(m_context);
        testing::init_headless_io(width, height, kBaseFontPixels * 1.75f);
        ImGui::SetCurrentContext(previous);
    }
    ~StageContext() {
        ImGuiContext* previous = ImGui::GetCurrentContext();
        ImGui::DestroyContext(m_context);
        ImGui::SetCurrentContext(previous == m_context ? nullptr : previous);
    }
    StageContext(const StageContext&) = delete;
    StageContext& operator=(const StageContext&) = delete;

    /// One frame of the stage window, as StageWindow::frame runs it; the main context stays current.
    void frame(AppState& s) {
        ImGuiContext* main = ImGui::GetCurrentContext();
        ImGui::SetCurrentContext(m_context);
        ImGui::NewFrame();
        stage_window_frame(s, surface);
        ImGui::Render();
        text = HeadlessImGui::drawn_text();
        ImGui::SetCurrentContext(main);
    }
    void key(AppState& s, int key_index, bool ctrl = false) {
        with_io([&](ImGuiIO& io) {
            io.KeysDown[key_index] = true;
            io.KeyCtrl = ctrl;
        });
        frame(s);
        with_io([&](ImGuiIO& io) {
            io.KeysDown[key_index] = false;
            io.KeyCtrl = false;
        });
        frame(s);
    }
    template <typename F>
    void with_io(F f) {
        ImGuiContext* main = ImGui::GetCurrentContext();
        ImGui::SetCurrentContext(m_context);
        f(ImGui::GetIO());
        ImGui::SetCurrentContext(main);
    }

    StageSurface surface;
    std::string text;  ///< what the last frame drew

  private:
    ImGuiContext* m_context = nullptr;
};

bool same_rect(const Rect& a, const Rect& b) {
    return a.min.x == b.min.x && a.min.y == b.min.y && a.max.x == b.max.x && a.max.y == b.max.y;
}

class StageWindowUi : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
        s.stage_output.second_monitor = true;  // as the platform reports a second monitor
    }
    /// A frame of both windows, in the main loop's order.
    void both_frames(int n = 1) {
        for (int i = 0; i < n; ++i) {
            ui.frame(s);
            stage.frame(s);
        }
    }
    HeadlessImGui ui;
    StageContext stage{1600.0f, 900.0f};
    AppState s;
};

TEST_F(StageWindowUi, F5OpensTheStageElsewhereAndThisWindowKeepsItsControls) {
    ui.frames(s, 2);
    const Rect main_before = s.layout.main_area;
    const Rect heatmap_before = testing::widget(s, "heatmap");
    const ImVec2 pixels_before = s.layout.heatmap_pixels;
    const float scale = s.view.font_scale;
    ASSERT_GT(main_before.min.x, 100.0f) << "the controls column is left of the view";

    ui.key(s, kKeyF5);
    ASSERT_TRUE(s.presenter.active);
    EXPECT_TRUE(s.presenter.in_window);
    EXPECT_FLOAT_EQ(s.view.font_scale, scale) << "this window keeps its text size";
    EXPECT_FLOAT_EQ(s.presenter.stage_font_scale, scale * kStageFontFactor);
    EXPECT_FALSE(s.view.fullscreen);

    both_frames(3);
    // The main window: its controls and its layout, untouched by the stage drawn in between.
    EXPECT_TRUE(same_rect(s.layout.main_area, main_before));
    EXPECT_TRUE(same_rect(testing::widget(s, "heatmap"), heatmap_before));
    EXPECT_EQ(s.layout.heatmap_pixels.x, pixels_before.x);
    EXPECT_EQ(s.layout.heatmap_pixels.y, pixels_before.y);
    EXPECT_FALSE(!testing::drawn(s, "view_tab") && s.layout.view_selector.max.x == 0.0f)
        << "the views' tabs or selector are drawn here";
    // The stage: the whole other window (its caption at the bottom), in its own layout.
    const Rect st = stage.surface.layout.main_area;
    EXPECT_FLOAT_EQ(st.min.x, 0.0f);
    EXPECT_FLOAT_EQ(st.min.y, 0.0f);
    EXPECT_FLOAT_EQ(st.max.x, 1600.0f);
    EXPECT_GT(st.max.y, 450.0f);
    EXPECT_GT(testing::widget(stage.surface.layout, "heatmap").max.x -
                  testing::widget(stage.surface.layout, "heatmap").min.x,
              heatmap_before.max.x - heatmap_before.min.x)
        << "the stage's heatmap is larger than the desk's";
    EXPECT_NE(stage.text.find("Lesson1/"), std::string::npos) << stage.text;
}

TEST_F(StageWindowUi, PageDownInEitherWindowStepsTheStageAndTheArrowsStayWithTheDesk) {
    ui.key(s, kKeyF5);
    both_frames(2);
    ASSERT_EQ(s.presenter.lesson, 0);
    ASSERT_EQ(s.presenter.step, 2);

    // The arrows at the desk move the query, as without a stage.
    const int query = s.selection.query;
    ASSERT_GT(query, 0);
    ui.key(s, kKeyLeft);
    EXPECT_EQ(s.presenter.lesson, 0);
    EXPECT_EQ(s.presenter.step, 2);
    EXPECT_EQ(s.selection.query, query - 1);

    ui.key(s, kKeyPageDown);  // the clicker at the laptop
    both_frames(2);
    EXPECT_EQ(s.presenter.lesson, 1);
    EXPECT_EQ(s.presenter.step, 0);
    EXPECT_NE(stage.text.find("Lesson2/"), std::string::npos) << "the stage shows the step: " << stage.text;

    stage.key(s, kKeyRight);  // in the stage window the arrows step
    EXPECT_EQ(s.presenter.step, 1);
    stage.key(s, kKeyPageDown);
    EXPECT_EQ(s.presenter.step, 2);
    stage.key(s, kKeyPageUp);
    EXPECT_EQ(s.presenter.step, 1);
    ui.key(s, kKeyPageUp);
    EXPECT_EQ(s.presenter.step, 0);

    // L in the stage window: the laser.
    stage.with_io([](ImGuiIO& io) { io.AddInputCharacter('l'); });
    stage.frame(s);
    EXPECT_EQ(s.presenter.pointer, StagePointer::kLaser);
}

TEST_F(StageWindowUi, TextSizeKeysInTheStageWindowSizeTheStage) {
    ui.key(s, kKeyF5);
    const float desk = s.view.font_scale;
    const float staged = s.presenter.stage_font_scale;
    stage.key(s, kKeyEqual, true);
    EXPECT_FLOAT_EQ(s.view.font_scale, desk);
    EXPECT_GT(s.presenter.stage_font_scale, staged);
    ui.key(s, kKeyMinus, true);
    EXPECT_LT(s.view.font_scale, desk) << "Ctrl - at the desk sizes the desk";
}

TEST_F(StageWindowUi, EscInTheStageWindowLeavesAndRestoresTheMainWindow) {
    ui.frames(s, 2);
    const Rect main_before = s.layout.main_area;
    const ViewState view_before = s.view;
    ui.key(s, kKeyF5);
    both_frames(2);
    ui.key(s, kKeyPageDown);
    both_frames(2);
    stage.key(s, kKeyEscape);
    EXPECT_FALSE(s.presenter.active);
    EXPECT_FALSE(s.presenter.in_window);
    ui.frames(s, 2);
    EXPECT_EQ(s.view.main_view, view_before.main_view);
    EXPECT_FLOAT_EQ(s.view.font_scale, view_before.font_scale);
    EXPECT_EQ(s.view.fullscreen, view_before.fullscreen);
    EXPECT_TRUE(same_rect(s.layout.main_area, main_before));
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_EQ(s.lesson->name, "pod");
}

TEST_F(StageWindowUi, EscInTheMainWindowLeavesToo) {
    ui.key(s, kKeyF5);
    both_frames(2);
    ui.key(s, kKeyEscape);
    EXPECT_FALSE(s.presenter.active);
}

TEST_F(StageWindowUi, OneMonitorOrThisWindowChosenTheStageFillsThisWindow) {
    s.stage_output.second_monitor = false;
    ui.key(s, kKeyF5);
    EXPECT_FALSE(s.presenter.in_window);
    EXPECT_TRUE(s.view.fullscreen);
    ui.key(s, kKeyEscape);

    s.stage_output.second_monitor = true;
    set_stage_preference(s, false);  // View > Stage on > This window
    ui.key(s, kKeyF5);
    EXPECT_FALSE(s.presenter.in_window);
    EXPECT_FLOAT_EQ(s.layout.main_area.min.x, 0.0f) << "the stage fills this window";
    ui.key(s, kKeyEscape);

    // --stage-window: a window of its own on one monitor too, unless "this window" is chosen.
    s.stage_output.second_monitor = false;
    s.stage_output.forced_window = true;
    ui.key(s, kKeyF5);
    EXPECT_FALSE(s.presenter.in_window);
    set_stage_preference(s, true);
    EXPECT_TRUE(s.presenter.in_window) << "a stage on screen moves at once";
    ui.key(s, kKeyEscape);
    ui.key(s, kKeyF5);
    EXPECT_TRUE(s.presenter.in_window);
}

TEST_F(StageWindowUi, ASecondMonitorUnpluggedBringsTheStageBackIntoThisWindow) {
    const float desk = s.view.font_scale;
    ui.key(s, kKeyF5);
    both_frames(2);
    ASSERT_TRUE(s.presenter.in_window);
    const float staged = s.presenter.stage_font_scale;

    update_stage_output(s, false);  // the platform's monitor callback: gone
    EXPECT_TRUE(s.presenter.active) << "still presenting";
    EXPECT_FALSE(s.presenter.in_window);
    EXPECT_FLOAT_EQ(s.view.font_scale, staged);
    EXPECT_TRUE(s.view.fullscreen);
    EXPECT_NE(s.status_message.find("disconnected"), std::string::npos);
    ui.frames(s, 2);
    EXPECT_FLOAT_EQ(s.layout.main_area.min.x, 0.0f) << "the stage fills this window";
    stage.frame(s);  // a stage frame after the move draws nothing and changes nothing
    EXPECT_TRUE(s.presenter.active);

    // Chosen again from the menu once the monitor is back: the stage moves out, the desk returns.
    update_stage_output(s, true);
    EXPECT_FALSE(s.presenter.in_window) << "a monitor plugged in does not move a stage on its own";
    set_stage_preference(s, true);
    EXPECT_TRUE(s.presenter.in_window);
    EXPECT_FLOAT_EQ(s.view.font_scale, desk);
    EXPECT_FALSE(s.view.fullscreen);
    ui.key(s, kKeyEscape);
    EXPECT_FLOAT_EQ(s.view.font_scale, desk);
}

TEST(StageOnSetting, RememberedBetweenRunsAndUnknownValuesKeepTheDefault) {
    AppState s;
    SettingsFile settings;
    set_stage_preference(s, false);
    EXPECT_TRUE(store_appearance(s, settings));
    EXPECT_EQ(settings.get("stage_on"), "this_window");
    EXPECT_FALSE(store_appearance(s, settings)) << "nothing changed";
    AppState next;
    ASSERT_TRUE(next.stage_output.prefer_second_monitor) << "the default: a second monitor";
    apply_saved_appearance(next, settings, GuiOptions{});
    EXPECT_FALSE(next.stage_output.prefer_second_monitor);

    AppState other;
    apply_saved_appearance(other, SettingsFile::parse("stage_on=projector\n", "settings.ini"), GuiOptions{});
    EXPECT_TRUE(other.stage_output.prefer_second_monitor);
}

}  // namespace
}  // namespace attnviz::gui
