// Presenter mode through real frames: F5 shows the stage, PageDown / PageUp step through lessons and
// their predict / reveal / explanation steps, L cycles the pointer, Esc puts everything back.
#include "app/gui/app_actions.h"
#include "app/gui/export_actions.h"
#include "app/gui/keys.h"
#include "app/gui/model_actions.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/session.h"
#include "app/gui/style/theme.h"
#include "core/lesson/scenario.h"
#include "core/model/builtin_model.h"
#include "tests/support/gui_model_folder.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/widget_lookup.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

class Presenter : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(testing::open_lesson(ui, s, "pod")); }
    static bool window_drawn(const char* name) {
        const ImGuiWindow* w = ImGui::FindWindowByName(name);
        return w != nullptr && w->Active;
    }
    int lesson_index(const char* name) const {
        const auto& all = lesson::builtin_scenarios();
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].name == name) return static_cast<int>(i);
        }
        return -1;
    }
    /// Whether the last frame drew a vertex of exactly this colour over everything (the pointer).
    static bool foreground_has(ImU32 colour) {
        const ImDrawList* fg = ImGui::GetForegroundDrawList();
        for (const ImDrawVert& v : fg->VtxBuffer) {
            if (v.col == colour) return true;
        }
        return false;
    }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(Presenter, F5HidesTheControlsAndTheViewFillsTheWindow) {
    set_sentence(s, "the cat sat on the mat");  // no lesson: no caption under the view
    ui.frames(s, 3);
    const Rect before = s.layout.main_area;
    ASSERT_GT(before.min.x, 100.0f) << "the controls column is left of the view";
    ASSERT_TRUE(window_drawn("##sentence_bar"));
    const float scale_before = s.view.font_scale;

    ui.key(s, kKeyF5);
    ASSERT_TRUE(s.presenter.active);
    EXPECT_EQ(s.presenter.lesson, -1);
    EXPECT_TRUE(s.view.fullscreen);
    EXPECT_GE(s.view.font_scale, 1.6f * scale_before - 1e-5f);
    const Rect r = s.layout.main_area;
    EXPECT_FLOAT_EQ(r.min.x, 0.0f);
    EXPECT_FLOAT_EQ(r.min.y, 0.0f);
    EXPECT_FLOAT_EQ(r.max.x, 1280.0f);
    EXPECT_FLOAT_EQ(r.max.y, 800.0f);
    EXPECT_FALSE(window_drawn("##sentence_bar"));
    EXPECT_FALSE(window_drawn("Controls"));
    EXPECT_FALSE(window_drawn("##MainMenuBar"));
    EXPECT_FALSE(testing::drawn(s, "view_tab")) << "no tabs on the stage";
    EXPECT_NE(HeadlessImGui::drawn_text().find("yoursentence"), std::string::npos)
        << "the step indicator: " << HeadlessImGui::drawn_text();
}

bool inside(const Rect& chip, const Rect& view) {
    return chip.min.x >= view.min.x - 0.5f && chip.max.x <= view.max.x + 0.5f &&
           chip.min.y >= view.min.y - 0.5f && chip.max.y <= view.max.y + 0.5f;
}

// On the stage the strip shares a narrow column with the heads: a 4:3 screen stacks the chips in a column
// with the arcs beside them, a 16:10 one keeps the row; either way "it" and "pod", the key it looks at
// most, are in view together (the lesson's whole point), not just the query.
TEST(PresenterStrip, TheQueryAndTheKeyItLooksAtMostAreInViewTogether) {
    for (const auto& [w, h, vertical] :
         {std::tuple{1280.0f, 1024.0f, true}, std::tuple{1280.0f, 800.0f, false}}) {
        SCOPED_TRACE(std::to_string(static_cast<int>(w)) + "x" + std::to_string(static_cast<int>(h)));
        HeadlessImGui ui{w, h};
        AppState s;
        ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
        enter_presenter(s, 0.0);
        // The stage's large text as the platform applies it (fonts.cpp rebuilds the atlas; here the
        // default font is scaled, as in layout_scale_test.cpp).
        ImGui::GetIO().FontGlobalScale = s.view.font_scale;
        apply_theme(Theme::kDark, s.view.font_scale);
        ui.frames(s, 4);
        ASSERT_EQ(testing::widget_count(s, "token_chip"), 9u);
        std::vector<Rect> chips;
        for (int i = 0; i < 9; ++i) chips.push_back(testing::widget(s, "token_chip", i));
        ASSERT_EQ(s.selection.query, 4);  // "it"
        const Rect view = testing::token_strip_view();
        ASSERT_GT(view.max.x - view.min.x, 10.0f);
        EXPECT_LT(view.max.x - view.min.x, w * 0.5f) << "the strip is in the right column";
        EXPECT_TRUE(inside(chips[4], view)) << "the query \"it\"";
        EXPECT_TRUE(inside(chips[1], view)) << "the key it looks at most, \"pod\"";
        for (std::size_t i = 1; i < chips.size(); ++i) {
            if (vertical) {
                EXPECT_FLOAT_EQ(chips[i].min.x, chips[0].min.x) << i;
                EXPECT_GT(chips[i].min.y, chips[i - 1].max.y) << i;
            } else {
                EXPECT_FLOAT_EQ(chips[i].min.y, chips[0].min.y) << i;
                EXPECT_GT(chips[i].min.x, chips[i - 1].max.x) << i;
            }
        }
    }
}

TEST_F(Presenter, PageDownStepsThroughALessonThenToTheNextAndPageUpComesBack) {
    const int pod = lesson_index("pod");
    ASSERT_EQ(pod, 0);
    ASSERT_TRUE(lesson::builtin_scenarios()[1].quiz) << "lesson 2 asks a question";
    ui.key(s, kKeyF5);
    // The lesson on screen with its weights showing: its last step, the explanation under the view.
    EXPECT_EQ(s.presenter.lesson, 0);
    EXPECT_EQ(s.presenter.step, 2);
    EXPECT_LT(s.layout.main_area.max.y, 800.0f) << "the caption takes the bottom";
    EXPECT_FLOAT_EQ(s.layout.main_area.max.x, 1280.0f);
    EXPECT_NE(HeadlessImGui::drawn_text().find("Lesson1/"), std::string::npos);

    const std::string lesson2 = lesson::builtin_scenarios()[1].name;
    ui.key(s, kKeyPageDown);  // lesson 2, predict: the question with the weights hidden
    EXPECT_EQ(s.presenter.lesson, 1);
    EXPECT_EQ(s.presenter.step, 0);
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_EQ(s.lesson->name, lesson2);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kAsking);
    EXPECT_TRUE(s.quiz.hidden());
    EXPECT_EQ(s.view.main_view, MainView::kQuiz);
    EXPECT_FALSE(testing::drawn(s, "weight_text"));
    EXPECT_FLOAT_EQ(s.layout.main_area.max.y, 800.0f) << "no caption while the class predicts";

    ui.key(s, kKeyPageDown);  // reveal
    EXPECT_EQ(s.presenter.step, 1);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kRevealed);

    ui.key(s, kKeyPageDown);  // explanation: the question closed, the lesson's view and its caption
    EXPECT_EQ(s.presenter.step, 2);
    EXPECT_FALSE(s.quiz.active());
    EXPECT_EQ(s.view.main_view, lesson_view(1));
    EXPECT_NE(HeadlessImGui::drawn_text().find("step3/3"), std::string::npos);

    ui.key(s, kKeySpace);  // the next lesson (Space, Right and PageDown all step)
    EXPECT_EQ(s.presenter.lesson, 2);
    EXPECT_EQ(s.presenter.step, 0);

    ui.key(s, kKeyPageUp);  // back to lesson 2's explanation
    EXPECT_EQ(s.presenter.lesson, 1);
    EXPECT_EQ(s.presenter.step, 2);
    EXPECT_FALSE(s.quiz.active());
    EXPECT_EQ(s.lesson->name, lesson2);
    ui.key(s, kKeyLeft);  // its reveal: asked anew and revealed once the question is built
    EXPECT_EQ(s.presenter.step, 1);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kRevealed);
    ui.key(s, kKeyPageUp);  // its predict step
    EXPECT_EQ(s.presenter.step, 0);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kAsking);
    ui.key(s, kKeyPageUp);  // lesson 1's last step
    EXPECT_EQ(s.presenter.lesson, 0);
    EXPECT_EQ(s.presenter.step, 2);
    ui.key(s, kKeyPageUp);
    ui.key(s, kKeyPageUp);
    ui.key(s, kKeyPageUp);
    EXPECT_EQ(s.presenter.lesson, 0);
    EXPECT_EQ(s.presenter.step, 0) << "the very start stays put";
}

TEST_F(Presenter, ALessonWithoutAQuestionHasAPictureAndAnExplanation) {
    int plain = -1;
    for (std::size_t i = 0; i < lesson::builtin_scenarios().size(); ++i) {
        if (!lesson::builtin_scenarios()[i].quiz) plain = static_cast<int>(i);
    }
    ASSERT_GE(plain, 0);
    ui.key(s, kKeyF5);
    presenter_go_to(s, plain, 0, ImGui::GetTime());
    ui.frames(s, 3);
    EXPECT_EQ(presenter_step_names(plain).size(), 2u);
    EXPECT_FALSE(s.quiz.active());
    EXPECT_EQ(s.view.main_view, lesson_view(plain));
    EXPECT_FLOAT_EQ(s.layout.main_area.max.y, 800.0f);
    ui.key(s, kKeyRight);
    EXPECT_EQ(s.presenter.step, 1);
    EXPECT_LT(s.layout.main_area.max.y, 800.0f) << "the explanation under the view";
    const int last = static_cast<int>(lesson::builtin_scenarios().size()) - 1;
    presenter_go_to(s, last, 99, ImGui::GetTime());
    ui.key(s, kKeyPageDown);
    EXPECT_EQ(s.presenter.lesson, last) << "the very end stays put";
}

TEST_F(Presenter, EscRestoresExactlyWhatF5Found) {
    set_temperature(s, 0.5);
    focus_head(s, 2);
    set_query(s, 1);
    set_font_scale(s, 1.2f);
    set_heatmap_view(s, 2.0f, 0.25f, 0.1f);
    show_view(s, MainView::kTemperature);
    ui.frames(s, 3);
    const std::string before = session_to_json(s, true).dump();
    const Rect area = s.layout.main_area;
    const std::size_t n_tabs = testing::widget_count(s, "view_tab");
    const Rect selector = s.layout.view_selector;
    const ViewState view = s.view;

    ui.key(s, kKeyF5);
    EXPECT_GE(s.view.font_scale, 1.2f * 1.6f - 1e-5f);
    for (int i = 0; i < 5; ++i) ui.key(s, kKeyPageDown);
    ui.character(s, 'L');
    ASSERT_NE(s.lesson->name, "pod");
    ui.key(s, kKeyEscape);

    EXPECT_FALSE(s.presenter.active);
    EXPECT_EQ(session_to_json(s, true).dump(), before);
    EXPECT_EQ(s.view.font_scale, view.font_scale);
    EXPECT_EQ(s.view.main_view, MainView::kTemperature);
    EXPECT_EQ(s.view.fullscreen, view.fullscreen);
    EXPECT_EQ(s.view.heatmap.zoom, 2.0f);
    EXPECT_EQ(s.lesson->name, "pod");
    EXPECT_EQ(s.selection.query, 1);
    EXPECT_EQ(s.selection.focus_head, 2);
    EXPECT_EQ(s.settings.temperature, 0.5);
    EXPECT_FALSE(s.quiz.active());
    EXPECT_TRUE(window_drawn("##sentence_bar"));
    EXPECT_EQ(testing::widget_count(s, "view_tab"), n_tabs) << "the tabs (or the view selector) are back";
    EXPECT_EQ(s.layout.view_selector.max.x, selector.max.x);
    EXPECT_EQ(s.layout.main_area.min.x, area.min.x);
    EXPECT_EQ(s.layout.main_area.max.y, area.max.y);
    ASSERT_NE(s.derived.result(), nullptr);
    EXPECT_EQ(s.derived.result()->n_q, static_cast<int>(s.derived.tokens.tokens.size()));

    ui.key(s, kKeyF5);  // F5 toggles too
    ASSERT_TRUE(s.presenter.active);
    ui.key(s, kKeyF5);
    EXPECT_FALSE(s.presenter.active);
    EXPECT_EQ(session_to_json(s, true).dump(), before);
}

TEST_F(Presenter, EscLeavesAQuizAsItWas) {
    start_quiz(s, 0, QuizKind::kScenario);
    ui.frames(s, 3);
    ASSERT_EQ(s.quiz.phase, QuizPhase::kAsking);
    ui.key(s, kKeyF5);
    EXPECT_EQ(s.presenter.step, 0) << "the question on screen is the predict step";
    ui.key(s, kKeyPageDown);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kRevealed);
    ui.key(s, kKeyEscape);
    EXPECT_EQ(s.quiz.phase, QuizPhase::kAsking) << "the class's question is still open";
    EXPECT_TRUE(s.quiz.hidden());
}

TEST_F(Presenter, LCyclesLaserSpotlightAndOff) {
    const ImU32 laser = IM_COL32(255, 30, 30, 255);
    const ImU32 dim = IM_COL32(0, 0, 0, 150);
    ui.character(s, 'l');
    EXPECT_EQ(s.presenter.pointer, StagePointer::kOff) << "only on the stage";
    ui.key(s, kKeyF5);
    ImGui::GetIO().MousePos = ImVec2(640.0f, 300.0f);
    ui.character(s, 'l');
    EXPECT_EQ(s.presenter.pointer, StagePointer::kLaser);
    EXPECT_TRUE(foreground_has(laser));
    EXPECT_FALSE(foreground_has(dim));
    ui.character(s, 'L');
    EXPECT_EQ(s.presenter.pointer, StagePointer::kSpotlight);
    EXPECT_TRUE(foreground_has(laser));
    EXPECT_TRUE(foreground_has(dim));
    ui.character(s, 'l');
    EXPECT_EQ(s.presenter.pointer, StagePointer::kOff);
    EXPECT_FALSE(foreground_has(laser));
}

TEST_F(Presenter, OnTheStageArrowsStepAndLettersStillWork) {
    ui.key(s, kKeyF5);
    const int query = s.selection.query;
    const bool causal = s.settings.causal;
    ui.character(s, 'm');  // the cat-sat lesson says "press M"
    EXPECT_NE(s.settings.causal, causal);
    ui.key(s, kKeyLeft);  // a step back, not a query move
    EXPECT_EQ(s.presenter.step, 1);
    EXPECT_EQ(s.selection.query, query);
    ui.key(s, kKeyE, true);
    EXPECT_FALSE(s.requests.open_export) << "no dialog behind the stage";
    ui.key(s, kKeyEscape);
    EXPECT_EQ(s.settings.causal, causal) << "the stage's change goes with the stage";
}

TEST_F(Presenter, TheExportDialogHandsTheScaleAndControlsToTheMainLoop) {
    ExportDialogState& d = s.export_dialog;
    d.format = ExportFormat::kPngWindow;
    d.png_scale = 4;
    d.png_controls = false;
    EXPECT_EQ(default_export_path(s, d.format), "attnviz-pod-view@4x.png");
    ASSERT_TRUE(run_export(s));
    EXPECT_EQ(s.requests.screenshot, "attnviz-pod-view@4x.png");
    EXPECT_EQ(s.requests.screenshot_scale, 4);
    EXPECT_FALSE(s.requests.screenshot_controls);
    EXPECT_EQ(s.requests.screenshot_wait_frames, 1) << "the dialog closes before the picture";
    d.png_scale = 1;
    d.png_controls = true;
    EXPECT_EQ(default_export_path(s, d.format), "attnviz-pod-window.png");
}

TEST_F(Presenter, WithARealModelOpenTheStageShowsItAndDoesNotStepLessons) {
    open_model(s, model::kBuiltinModelName);
    testing::settle_model(ui, s);  // waits for the load itself (the loop here could end before it began)
    ASSERT_TRUE(model_open(s)) << s.model.load_error;
    const std::string sentence = s.sentence;
    ui.key(s, kKeyF5);
    ui.key(s, kKeyPageDown);
    EXPECT_TRUE(model_open(s));
    EXPECT_EQ(s.sentence, sentence);
    EXPECT_NE(HeadlessImGui::drawn_text().find("realmodel"), std::string::npos);
    ui.key(s, kKeyEscape);
    EXPECT_TRUE(model_open(s));
}

TEST(PngScale, FourTimesAWindowPastTheDriverLimitIsRefusedWithTheSizes) {
    EXPECT_EQ(png_scale_unavailable(1280, 800, 2, 4096), "");
    EXPECT_EQ(png_scale_unavailable(1280, 800, 4, 8192), "");
    const std::string why = png_scale_unavailable(1280, 800, 4, 4096);
    EXPECT_NE(why.find("5120 x 3200"), std::string::npos) << why;
    EXPECT_NE(why.find("4096"), std::string::npos) << why;
    EXPECT_NE(why.find("2x fits"), std::string::npos) << why;
    EXPECT_NE(png_scale_unavailable(1280, 800, 3, 16384), "");
    EXPECT_NE(png_scale_unavailable(3000, 2000, 2, 4096).find("1x fits"), std::string::npos);
}

}  // namespace
}  // namespace attnviz::gui
