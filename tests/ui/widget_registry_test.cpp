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

}  // namespace
}  // namespace attnviz::gui
