// The stage in a window of its own, through the real binary under the virtual display (one monitor, so
// --stage-window forces it): the second window shows what the one-window stage shows at that size, the
// main window keeps its controls exactly as without presenter mode.
#include "tests/support/gui_e2e.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace attnviz::testing {
namespace {

/// The share of pixels that match within tol per channel; 0 for pictures of different sizes.
double match(const Image& a, const Image& b, int tol) {
    if (a.w != b.w || a.h != b.h || a.w == 0) return 0.0;
    std::size_t matched = 0;
    for (std::size_t i = 0; i + 2 < a.rgb.size(); i += 3) {
        matched += (std::abs(a.rgb[i] - b.rgb[i]) <= tol && std::abs(a.rgb[i + 1] - b.rgb[i + 1]) <= tol &&
                    std::abs(a.rgb[i + 2] - b.rgb[i + 2]) <= tol)
                       ? 1
                       : 0;
    }
    return static_cast<double>(matched) / (static_cast<double>(a.w) * a.h);
}

// The screen's size: the one-window stage is full screen (the whole 1280x800 virtual display), and on one
// monitor the stage window opens at the main window's size.
const char kSize[] = " --size 1280x800";

TEST(StageWindow, TheSecondWindowShowsTheStageAndTheMainWindowItsControls) {
    const std::string main_png = temp_png("stage_main.png");
    const std::string stage_png = temp_png("stage_window.png");
    const ProcessRun two =
        run_process(gui_binary() + kSize + " --present --stage-window --frames 8 --screenshot " + main_png +
                    " --stage-screenshot " + stage_png);
    ASSERT_EQ(two.code, 0) << two.output;
    const Image desk = load_png(main_png);
    const Image stage = load_png(stage_png);
    std::filesystem::remove(main_png);
    std::filesystem::remove(stage_png);
    ASSERT_EQ(stage.w, 1280) << "the stage window opens at the main window's size on one monitor";
    ASSERT_EQ(stage.h, 800);
    EXPECT_GT(stage.count_near(253, 231, 37, 30), 300) << "the heatmap on the stage window";

    // The one-window stage at the same size, and the interface without presenter mode.
    const Shot single = screenshot_of(std::string(kSize) + " --present", "stage_single.png");
    const Shot plain = screenshot_of(kSize, "stage_plain.png");
    ASSERT_EQ(single.run.code, 0) << single.run.output;
    ASSERT_EQ(plain.run.code, 0) << plain.run.output;
    // The same stage (text, heatmap, caption); the step indicator fades on each run's own clock.
    const double stage_match = match(stage, single.image, 8);
    const double desk_match = match(desk, plain.image, 8);
    std::printf("stage window vs one-window stage %.4f, main window vs no presenter %.4f\n", stage_match,
                desk_match);
    EXPECT_GT(stage_match, 0.98) << "the stage window draws the one-window stage";
    // The desk is the interface as without the stage: its layout and heatmap untouched by the stage's.
    EXPECT_GT(desk_match, 0.99) << "the main window keeps its controls and layout";
    EXPECT_LT(match(desk, single.image, 8), 0.9) << "and is not the stage";
}

TEST(StageWindow, StageScreenshotNeedsPresentAndFrames) {
    const ProcessRun r = run_process(gui_binary() + " --stage-screenshot x.png --frames 2");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("--present"), std::string::npos) << r.output;
}

TEST(StageWindow, WithoutPresenterModeNoStageWindowIsOpened) {
    // --stage-window only says where a stage goes: without --present the run is the plain interface.
    const Shot with = screenshot_of(std::string(kSize) + " --stage-window", "stage_nopresent.png");
    const Shot plain = screenshot_of(kSize, "stage_plain2.png");
    ASSERT_EQ(with.run.code, 0) << with.run.output;
    EXPECT_GT(match(with.image, plain.image, 8), 0.99);
}

}  // namespace
}  // namespace attnviz::testing
