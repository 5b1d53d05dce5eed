// The widget registry (app/gui/widgets/widget_registry.h) and the tests' look-ups on it
// (tests/support/widget_lookup.h): exact name and index, last one wins, empty at each frame, and a
// widget that was not drawn fails the look-up with its name.
#include "app/gui/widgets/widget_registry.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/widget_lookup.h"

#include <gtest/gtest.h>

#include <string>

namespace attnviz::gui {
namespace {

using testing::drawn;
using testing::HeadlessImGui;
using testing::widget;
using testing::widget_count;
using testing::widget_indices;
using testing::WidgetNotDrawn;

Rect at(float x, float y) {
    return Rect{ImVec2(x, y), ImVec2(x + 10.0f, y + 5.0f)};
}

TEST(WidgetRegistry, FindsByNameAndExactIndex) {
    WidgetRegistry w;
    w.note("slider", -1, at(1, 2));
    w.note("chip", 0, at(10, 0));
    w.note("chip", 1, at(20, 0));
    w.note("chip", 2, at(30, 0), 0.25);
    ASSERT_NE(w.find("slider"), nullptr);
    EXPECT_EQ(w.find("slider")->rect.min.x, 1.0f);
    ASSERT_NE(w.find("chip", 2), nullptr);
    EXPECT_EQ(w.find("chip", 2)->rect.min.x, 30.0f);
    EXPECT_EQ(w.find("chip", 2)->value, 0.25);
    EXPECT_EQ(w.find("chip"), nullptr) << "no chip was noted without an index";
    EXPECT_EQ(w.find("chip", 3), nullptr);
    EXPECT_EQ(w.find("slider", 0), nullptr);
    EXPECT_EQ(w.find("chi"), nullptr) << "whole names only";
    EXPECT_EQ(w.find("chips", 0), nullptr);
    ASSERT_EQ(w.all("chip").size(), 3u);
    EXPECT_EQ(w.all("chip")[1]->index, 1) << "in draw order";
    EXPECT_TRUE(w.all("none").empty());
}

TEST(WidgetRegistry, NamesCompareByTextAndTheLastNoteWins) {
    WidgetRegistry w;
    const std::string name = "heatmap";
    w.note("heatmap", -1, at(1, 1));
    w.note("heatmap", -1, at(7, 7));  // drawn twice: the second place counts
    ASSERT_NE(w.find(name), nullptr);
    EXPECT_EQ(w.find(name)->rect.min.x, 7.0f);
    EXPECT_EQ(w.records().size(), 2u);
    w.clear();
    EXPECT_EQ(w.find(name), nullptr);
    EXPECT_TRUE(w.records().empty());
}

class WidgetLookup : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(testing::open_lesson(ui, s, "pod")); }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(WidgetLookup, FindsWhatTheFrameDrewWhereItIs) {
    const Rect slider = widget(s, "temperature_slider");
    EXPECT_GT(slider.max.x - slider.min.x, 50.0f);
    EXPECT_GE(slider.min.x, 0.0f);
    EXPECT_LE(slider.max.x, 1280.0f);
    EXPECT_EQ(widget_count(s, "token_chip"), s.derived.tokens.tokens.size());
    // The chips left to right, each where a click selects its token.
    EXPECT_LT(widget(s, "token_chip", 0).max.x, widget(s, "token_chip", 1).min.x + 0.5f);
    ui.click(s, widget(s, "token_chip", 2).center());
    EXPECT_EQ(s.selection.query, 2);
}

TEST_F(WidgetLookup, AWidgetNotDrawnFailsWithItsName) {
    ASSERT_EQ(s.view.main_view, MainView::kAttention);
    EXPECT_FALSE(drawn(s, "quiz_reveal"));
    EXPECT_THROW(widget(s, "quiz_reveal"), WidgetNotDrawn);
    try {
        widget(s, "quiz_reveal");
        ADD_FAILURE() << "no throw";
    } catch (const WidgetNotDrawn& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("\"quiz_reveal\" was not drawn"), std::string::npos) << what;
        EXPECT_NE(what.find("temperature_slider"), std::string::npos) << "lists what was drawn: " << what;
    }
    try {
        widget(s, "token_chip", 99);
        ADD_FAILURE() << "no throw";
    } catch (const WidgetNotDrawn& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("#99"), std::string::npos) << what;
        EXPECT_NE(what.find("with index 0 1 2"), std::string::npos) << "lists the indices drawn: " << what;
    }
    EXPECT_THROW(testing::widget_value(s, "inspector_weight"), WidgetNotDrawn)
        << "the cell inspector is the Pipeline view's";
}

TEST_F(WidgetLookup, EachFrameStartsEmpty) {
    show_view(s, MainView::kQuiz);  // opening the view asks the lesson's question
    ui.frames(s, 3);
    ASSERT_TRUE(drawn(s, "quiz_reveal"));
    ASSERT_TRUE(drawn(s, "quiz_chip", 0));
    const std::size_t per_frame = s.layout.widgets.records().size();
    ui.frames(s, 3);
    EXPECT_EQ(s.layout.widgets.records().size(), per_frame) << "nothing piles up across frames";
    show_view(s, MainView::kKvCache);
    ui.frames(s, 2);
    EXPECT_FALSE(drawn(s, "quiz_reveal")) << "the quiz view's widgets are gone with it, not stale";
    EXPECT_FALSE(drawn(s, "quiz_chip"));
    EXPECT_TRUE(drawn(s, "gqa_query_box", 0));
    EXPECT_EQ(widget_indices(s, "gqa_query_box").size(), static_cast<std::size_t>(s.settings.n_heads));
}

}  // namespace
}  // namespace attnviz::gui
