// Issue 15 §4, overlaps at 100%: the query row's label over its neighbours, the temperature sweep's
// legend over its curves, a number wrapped as "3.\n6e-07".
#include "app/gui/app_actions.h"
#include "app/gui/widgets/widgets.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace attnviz::gui {
namespace {

TEST(LabelledRows, TheQueryRowsLabelHasNoNeighbourCloserThanAStep) {
    // Every 3rd row labelled, the query at 7: 6 and 9 would overlap its label, 3 and 12 do not.
    EXPECT_EQ(labelled_rows(0, 14, 3, 7), (std::vector<int>{0, 3, 7, 12}));
    EXPECT_EQ(labelled_rows(0, 7, 1, 3), (std::vector<int>{0, 1, 2, 3, 4, 5, 6})) << "step 1: every row";
    EXPECT_EQ(labelled_rows(0, 10, 4, -1), (std::vector<int>{0, 4, 8})) << "no query";
    EXPECT_EQ(labelled_rows(5, 13, 4, 20), (std::vector<int>{8, 12})) << "the query scrolled away";
    // On every grid: no two labelled rows closer than the step, the query always among them.
    for (int step = 1; step <= 6; ++step) {
        for (int keep = 0; keep < 30; ++keep) {
            const std::vector<int> rows = labelled_rows(0, 30, step, keep);
            EXPECT_NE(std::find(rows.begin(), rows.end(), keep), rows.end());
            for (std::size_t i = 1; i < rows.size(); ++i)
                EXPECT_GE(rows[i] - rows[i - 1], step) << "step " << step << " query " << keep;
        }
    }
}

float chars(const std::string& t) {
    return static_cast<float>(t.size());
}

TEST(WrapAtSpaces, KeepsNumbersWhole) {
    const std::string text = "max |P_flash - P_ref| = 3.6e-07, max |O_flash - O_ref| = 1.2e-07 (all heads)";
    for (float width = 8.0f; width <= 80.0f; width += 1.0f) {
        const std::vector<std::string> lines = wrap_at_spaces(text, width, chars);
        std::string joined;
        for (const std::string& l : lines) {
            joined += (joined.empty() ? "" : " ") + l;
            EXPECT_TRUE(l.size() <= static_cast<std::size_t>(width) || l.find(' ') == std::string::npos)
                << "'" << l << "' at width " << width;
        }
        EXPECT_EQ(joined, text) << "nothing lost or cut inside a word, width " << width;
    }
    EXPECT_EQ(wrap_at_spaces("3.6e-07", 3.0f, chars), (std::vector<std::string>{"3.6e-07"}));
}

// The sweep's legend sits under its plot, not over the curves.
TEST(TemperatureView, SweepLegendIsOutsideThePlot) {
    testing::HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    show_view(s, MainView::kTemperature);
    set_temperature(s, 0.1);
    ui.frames(s, 3);
    const Rect plot = testing::widget(s, "sweep_plot");
    const Rect legend = testing::widget(s, "sweep_legend");
    ASSERT_GT(plot.max.y, plot.min.y);
    ASSERT_GT(legend.max.y, legend.min.y) << "the legend is drawn";
    EXPECT_GE(legend.min.y, plot.max.y) << "under the plot";
    EXPECT_LE(legend.max.y, s.layout.main_area.max.y + 0.5f) << "inside the window";
}

}  // namespace
}  // namespace attnviz::gui
