// End to end for the systems lessons' views: `attnviz --panel kv-cache|quiz|flash|cross` renders, writes a
// screenshot, exits 0, and the picture shows what the view is about (and, for the quiz, no weights).
#include "tests/support/gui_e2e.h"

#include <gtest/gtest.h>

namespace {

using attnviz::testing::screenshot_of;
using attnviz::testing::Shot;

TEST(SystemsViewsEndToEnd, KvCacheViewShowsGroupsAndBars) {
    const Shot s = screenshot_of("--scenario gqa-minimind --panel kv-cache", "kv.png");
    ASSERT_EQ(s.run.code, 0) << s.run.output;
    ASSERT_EQ(s.image.w, 1280);
    EXPECT_GT(s.image.count_near(213, 94, 0, 12), 2000) << "the MHA bar (Okabe-Ito vermillion)";
    EXPECT_GT(s.image.count_near(87, 181, 232, 12), 2000) << "KV group 1 and the GQA bar (sky blue)";
    // The focused head's frame is no longer KV group 0's orange (issue 15 §4), and the GQA note takes two
    // lines from the boxes: fewer orange pixels than the old 2000.
    EXPECT_GT(s.image.count_near(230, 158, 0, 12), 1000) << "KV group 0 (orange)";
}

TEST(SystemsViewsEndToEnd, QuizViewAsksWithTheWeightsHidden) {
    const Shot s = screenshot_of("--panel quiz", "quiz.png");
    ASSERT_EQ(s.run.code, 0) << s.run.output;
    ASSERT_EQ(s.image.w, 1280);
    EXPECT_GT(s.image.count_near(230, 159, 0, 12), 500) << "the query chip the question is about";
    EXPECT_LT(s.image.count_near(253, 231, 37, 20), 20)
        << "no heatmap or thumbnail: viridis' bright end must be absent";
}

TEST(SystemsViewsEndToEnd, FlashViewShowsTheTiledHeatmap) {
    const Shot s = screenshot_of("--panel flash", "flash.png");
    ASSERT_EQ(s.run.code, 0) << s.run.output;
    ASSERT_EQ(s.image.w, 1280);
    EXPECT_GT(s.image.count_near(253, 231, 37, 20), 200)
        << "the first tile's weights (viridis' bright end) are visible";
    EXPECT_GT(s.image.count_near(230, 140, 60, 12), 200) << "the standard-attention HBM bar";
}

TEST(SystemsViewsEndToEnd, CrossViewShowsTwoSentences) {
    const Shot s = screenshot_of("--scenario cross-attention --panel cross", "cross.png");
    ASSERT_EQ(s.run.code, 0) << s.run.output;
    ASSERT_EQ(s.image.w, 1280);
    EXPECT_GT(s.image.count_near(230, 159, 0, 12), 500) << "the query chip";
    EXPECT_GT(s.image.count_near(253, 231, 37, 40) + s.image.count_near(180, 222, 44, 40), 500)
        << "a colormapped rectangular heatmap";
}

}  // namespace
