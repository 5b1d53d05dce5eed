// End to end: the real attnviz binary renders frames under Xvfb, writes a screenshot, exits 0, and the
// picture has content; bad starts exit with the documented codes and messages.
#include "tests/support/gui_e2e.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

using attnviz::testing::gui_binary;
using attnviz::testing::Image;
using attnviz::testing::load_png;
using attnviz::testing::ProcessRun;
using attnviz::testing::run_process;
using attnviz::testing::temp_png;

TEST(GuiEndToEnd, DefaultLessonRendersAScreenshotAndStats) {
    const std::string png = temp_png("default.png");
    const ProcessRun r = run_process(gui_binary() + " --frames 12 --screenshot " + png + " --stats");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("frames=12 frame_ms_median="), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("compute_ms_median="), std::string::npos) << r.output;
    const Image img = load_png(png);
    ASSERT_EQ(img.w, 1280);
    ASSERT_EQ(img.h, 800);
    EXPECT_GT(img.distinct_colors(), 200u) << "a real interface, not a blank window";
    EXPECT_GT(img.count_near(230, 159, 0, 12), 200) << "the orange query chip and outlines";
    EXPECT_GT(img.count_near(253, 231, 37, 30), 300) << "viridis' bright end in the heatmap";
    std::filesystem::remove(png);
}

TEST(GuiEndToEnd, PipelinePanelOpensOnTheDefaultLessonAndTheHandExample) {
    for (const std::string& extra : {std::string(), std::string(" --scenario hand-example")}) {
        const std::string png = temp_png("pipeline.png");
        const ProcessRun r =
            run_process(gui_binary() + " --panel pipeline" + extra + " --frames 5 --screenshot " + png);
        ASSERT_EQ(r.code, 0) << extra << "\n" << r.output;
        const Image img = load_png(png);
        ASSERT_EQ(img.w, 1280);
        ASSERT_EQ(img.h, 800);
        EXPECT_GT(img.distinct_colors(), 200u) << extra << ": stages drawn, not a blank tab";
        EXPECT_GT(img.count_near(253, 231, 37, 40), 100)
            << extra << ": viridis' bright end in the stage cells";
        std::filesystem::remove(png);
    }
}

TEST(GuiEndToEnd, LightThemeLargeFontAndOwnSentence) {
    const std::string png = temp_png("light.png");
    const ProcessRun r =
        run_process(gui_binary() +
                    " --theme light --font-scale 1.4 --size 1000x700 --sentence 'the cat sat on the mat'"
                    " --query 3 --frames 6 --screenshot " +
                    png);
    ASSERT_EQ(r.code, 0) << r.output;
    const Image img = load_png(png);
    ASSERT_EQ(img.w, 1000);
    ASSERT_EQ(img.h, 700);
    EXPECT_GT(img.count_near(247, 247, 245, 6), 50000) << "a light background";
    std::filesystem::remove(png);
}

class LabViewEndToEnd : public ::testing::TestWithParam<const char*> {};

TEST_P(LabViewEndToEnd, PanelOpensAndRendersContent) {
    const std::string png = temp_png((std::string("panel_") + GetParam() + ".png").c_str());
    const ProcessRun r =
        run_process(gui_binary() + " --panel " + GetParam() + " --frames 5 --screenshot " + png);
    ASSERT_EQ(r.code, 0) << r.output;
    const Image img = load_png(png);
    ASSERT_EQ(img.w, 1280);
    ASSERT_EQ(img.h, 800);
    EXPECT_GT(img.distinct_colors(), 150u) << "charts and text, not a blank view";
    EXPECT_GT(img.count_near(230, 159, 0, 12), 100)
        << "the orange of the query chip, the accent or the top key";
    std::filesystem::remove(png);
}

INSTANTIATE_TEST_SUITE_P(Views, LabViewEndToEnd, ::testing::Values("temperature", "gallery", "permutation"));

TEST(GuiEndToEnd, BadArgumentsExitTwoWithOneLine) {
    ProcessRun r = run_process(gui_binary() + " --frames 0");
    EXPECT_EQ(r.code, 2) << r.output;
    r = run_process(gui_binary() + " --scenario no_such_lesson --frames 1");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("neither a built-in lesson"), std::string::npos) << r.output;
    r = run_process(gui_binary() + " --theme purple");
    EXPECT_EQ(r.code, 2);
    r = run_process(gui_binary() + " --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.output.find("--screenshot"), std::string::npos);
}

TEST(GuiEndToEnd, NoDisplayExitsOneSuggestingXvfbAndTheCli) {
    const ProcessRun r = run_process("env -u DISPLAY -u WAYLAND_DISPLAY " + gui_binary() + " --frames 1");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("DISPLAY"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("xvfb-run -a"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("attnviz-cli"), std::string::npos) << r.output;
}

}  // namespace

namespace {

// `attnviz FILE.attnviz` opens a saved session; a corrupt one stops the start with exit 2 and says why.
TEST(GuiEndToEnd, SessionFileOnTheCommandLine) {
    const std::string session = temp_png("session.attnviz");
    {
        std::FILE* f = std::fopen(session.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fputs(
            "{\"format\":\"attnviz-session\",\"version\":1,\"sentence\":\"The cat sat on the mat\","
            "\"settings\":{\"heads\":4,\"kv_heads\":2,\"temperature\":0.5},\"selection\":{\"query\":5},"
            "\"colors\":{\"colormap\":\"magma\"},\"view\":{\"theme\":\"light\"}}",
            f);
        std::fclose(f);
    }
    const std::string png = temp_png("session.png");
    const ProcessRun r = run_process(gui_binary() + " " + session + " --frames 4 --screenshot " + png);
    EXPECT_EQ(r.code, 0) << r.output;
    const Image img = load_png(png);
    EXPECT_GT(img.w, 0);
    EXPECT_GT(img.distinct_colors(), 50u);
    std::remove(png.c_str());

    std::FILE* f = std::fopen(session.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"format\":\"attnviz-session\",\"version\":1,\"settings\":{\"heads\":99}}", f);
    std::fclose(f);
    const ProcessRun bad = run_process(gui_binary() + " " + session + " --frames 2");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.output.find("nothing changed"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("settings.heads"), std::string::npos) << bad.output;
    std::remove(session.c_str());
}

}  // namespace
