// The stage's monitor: the desk is the monitor holding the main window, the stage goes on another that
// is not a mirror of it; layouts of one, two and three monitors, ties and windows off every screen.
#include "app/gui/stage_placement.h"

#include <gtest/gtest.h>

#include <vector>

namespace attnviz::gui {
namespace {

const ScreenRect kLaptop{0, 0, 1920, 1080};
const ScreenRect kProjectorRight{1920, 0, 1280, 720};

TEST(StagePlacement, OverlapArea) {
    EXPECT_EQ(overlap_area({0, 0, 10, 10}, {5, 5, 10, 10}), 25);
    EXPECT_EQ(overlap_area({0, 0, 10, 10}, {10, 0, 10, 10}), 0) << "touching edges do not overlap";
    EXPECT_EQ(overlap_area({0, 0, 10, 10}, {2, 2, 0, 5}), 0) << "an empty rectangle";
    EXPECT_EQ(overlap_area({-100, -50, 100, 50}, {-10, -10, 20, 20}), 100);
}

TEST(StagePlacement, NoSecondMonitorNoStageWindow) {
    EXPECT_EQ(stage_monitor({}, {100, 100, 1280, 800}), -1);
    EXPECT_EQ(desk_monitor({}, {100, 100, 1280, 800}), -1);
    EXPECT_EQ(stage_monitor({kLaptop}, {100, 100, 1280, 800}), -1);
    EXPECT_EQ(desk_monitor({kLaptop}, {100, 100, 1280, 800}), 0);
}

TEST(StagePlacement, TheStageGoesOnTheMonitorWithoutTheMainWindow) {
    const std::vector<ScreenRect> two{kLaptop, kProjectorRight};
    EXPECT_EQ(stage_monitor(two, {100, 100, 1280, 800}), 1);
    EXPECT_EQ(stage_monitor(two, {2000, 50, 800, 600}), 0) << "the controls moved to the projector";
    // The projector listed first (GLFW's primary) changes nothing: the window decides.
    EXPECT_EQ(stage_monitor({kProjectorRight, kLaptop}, {100, 100, 1280, 800}), 0);
    // A monitor left of the primary, at negative coordinates.
    EXPECT_EQ(stage_monitor({kLaptop, {-1280, 0, 1280, 1024}}, {100, 100, 1280, 800}), 1);
    EXPECT_EQ(stage_monitor({kLaptop, {-1280, 0, 1280, 1024}}, {-1200, 10, 800, 600}), 0);
    // Stacked vertically.
    EXPECT_EQ(stage_monitor({kLaptop, {0, 1080, 1920, 1080}}, {0, 1500, 1000, 500}), 0);
}

TEST(StagePlacement, AWindowAcrossTwoMonitorsBelongsToTheOneWithMoreOfIt) {
    const std::vector<ScreenRect> two{kLaptop, kProjectorRight};
    // 1000 px wide: 400 on the laptop, 600 on the projector.
    EXPECT_EQ(desk_monitor(two, {1520, 0, 1000, 500}), 1);
    EXPECT_EQ(stage_monitor(two, {1520, 0, 1000, 500}), 0);
    // 600 on the laptop, 400 on the projector.
    EXPECT_EQ(stage_monitor(two, {1320, 0, 1000, 500}), 1);
    // An exact tie: the earlier monitor (GLFW lists the primary first) is the desk.
    EXPECT_EQ(desk_monitor(two, {1420, 0, 1000, 500}), 0);
    EXPECT_EQ(stage_monitor(two, {1420, 0, 1000, 500}), 1);
}

TEST(StagePlacement, AWindowOffEveryScreenBelongsToTheNearestMonitor) {
    const std::vector<ScreenRect> two{kLaptop, kProjectorRight};
    EXPECT_EQ(desk_monitor(two, {5000, 100, 400, 300}), 1);
    EXPECT_EQ(stage_monitor(two, {5000, 100, 400, 300}), 0);
    EXPECT_EQ(desk_monitor(two, {-3000, -3000, 400, 300}), 0);
    EXPECT_EQ(stage_monitor(two, {-3000, -3000, 400, 300}), 1);
    // A window with no size yet: its position decides.
    EXPECT_EQ(desk_monitor(two, {2500, 100, 0, 0}), 1);
}

TEST(StagePlacement, AMirroredDisplayIsNoPlaceForTheStage) {
    // A projector cloning the laptop shows the desk itself: the stage stays in the main window.
    EXPECT_EQ(stage_monitor({kLaptop, kLaptop}, {100, 100, 1280, 800}), -1);
    EXPECT_EQ(stage_monitor({kLaptop, {0, 0, 1280, 720}}, {100, 100, 1280, 800}), -1)
        << "a clone at a lower resolution overlaps the desk";
    // A mirror and a real second screen: the real one.
    EXPECT_EQ(stage_monitor({kLaptop, kLaptop, kProjectorRight}, {100, 100, 1280, 800}), 2);
}

TEST(StagePlacement, ThreeMonitorsTheLargestOtherTakesTheStage) {
    const ScreenRect small{-1280, 0, 1280, 720};
    const ScreenRect large{1920, 0, 3840, 2160};
    EXPECT_EQ(stage_monitor({kLaptop, small, large}, {100, 100, 1280, 800}), 2);
    EXPECT_EQ(stage_monitor({kLaptop, large, small}, {100, 100, 1280, 800}), 1);
    // Two others of the same area: the earlier.
    const ScreenRect left{-1280, 0, 1280, 720};
    EXPECT_EQ(stage_monitor({kLaptop, kProjectorRight, left}, {100, 100, 1280, 800}), 1);
    EXPECT_EQ(stage_monitor({kLaptop, left, kProjectorRight}, {100, 100, 1280, 800}), 1);
    // The controls on the large monitor: the laptop is the larger of the others.
    EXPECT_EQ(stage_monitor({kLaptop, small, large}, {2500, 100, 1280, 800}), 0);
}

TEST(StagePlacement, MonitorsWithoutAreaAreNeverChosen) {
    // A monitor GLFW reports without a video mode (0 x 0) while it is being connected.
    EXPECT_EQ(stage_monitor({kLaptop, {1920, 0, 0, 0}}, {100, 100, 1280, 800}), -1);
    EXPECT_EQ(desk_monitor({{0, 0, 0, 0}, kProjectorRight}, {-500, -500, 100, 100}), 1);
}

}  // namespace
}  // namespace attnviz::gui
