// End to end: the real attnviz binary renders frames under Xvfb, writes a screenshot, exits 0, and the
// picture has content; bad starts exit with the documented codes and messages.
#include <gtest/gtest.h>

#include <stb_image.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <sys/wait.h>

namespace {

struct ProcessRun {
    int code = -1;
    std::string output;
};

ProcessRun run(const std::string& command) {
    ProcessRun r;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
    std::array<char, 512> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) r.output += buf.data();
    const int status = pclose(pipe.release());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string binary() { return ATTNVIZ_GUI_BINARY; }

std::string temp_png(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("attnviz_e2e_") + std::to_string(::getpid()) + name)).string();
}

struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    std::size_t distinct_colors() const {
        std::set<unsigned> colors;
        for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) colors.insert(rgb[i] << 16 | rgb[i + 1] << 8 | rgb[i + 2]);
        return colors.size();
    }
    /// Pixels within `tol` of a colour.
    int count_near(int r, int g, int b, int tol) const {
        int n = 0;
        for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
            n += (std::abs(rgb[i] - r) <= tol && std::abs(rgb[i + 1] - g) <= tol && std::abs(rgb[i + 2] - b) <= tol) ? 1 : 0;
        }
        return n;
    }
};

Image load(const std::string& path) {
    Image img;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &channels, 3);
    if (data != nullptr) {
        img.rgb.assign(data, data + static_cast<std::size_t>(img.w) * static_cast<std::size_t>(img.h) * 3);
        stbi_image_free(data);
    }
    return img;
}

TEST(GuiEndToEnd, DefaultLessonRendersAScreenshotAndStats) {
    const std::string png = temp_png("default.png");
    const ProcessRun r = run(binary() + " --frames 12 --screenshot " + png + " --stats");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("frames=12 frame_ms_median="), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("compute_ms_median="), std::string::npos) << r.output;
    const Image img = load(png);
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
        const ProcessRun r = run(binary() + " --panel pipeline" + extra + " --frames 5 --screenshot " + png);
        ASSERT_EQ(r.code, 0) << extra << "\n" << r.output;
        const Image img = load(png);
        ASSERT_EQ(img.w, 1280);
        ASSERT_EQ(img.h, 800);
        EXPECT_GT(img.distinct_colors(), 200u) << extra << ": stages drawn, not a blank tab";
        EXPECT_GT(img.count_near(253, 231, 37, 40), 100) << extra << ": viridis' bright end in the stage cells";
        std::filesystem::remove(png);
    }
}

TEST(GuiEndToEnd, LightThemeLargeFontAndOwnSentence) {
    const std::string png = temp_png("light.png");
    const ProcessRun r = run(binary() + " --theme light --font-scale 1.4 --size 1000x700 --sentence 'the cat sat on the mat'"
                      " --query 3 --frames 6 --screenshot " + png);
    ASSERT_EQ(r.code, 0) << r.output;
    const Image img = load(png);
    ASSERT_EQ(img.w, 1000);
    ASSERT_EQ(img.h, 700);
    EXPECT_GT(img.count_near(247, 247, 245, 6), 50000) << "a light background";
    std::filesystem::remove(png);
}

class LabViewEndToEnd : public ::testing::TestWithParam<const char*> {};

TEST_P(LabViewEndToEnd, PanelOpensAndRendersContent) {
    const std::string png = temp_png((std::string("panel_") + GetParam() + ".png").c_str());
    const ProcessRun r = run(binary() + " --panel " + GetParam() + " --frames 5 --screenshot " + png);
    ASSERT_EQ(r.code, 0) << r.output;
    const Image img = load(png);
    ASSERT_EQ(img.w, 1280);
    ASSERT_EQ(img.h, 800);
    EXPECT_GT(img.distinct_colors(), 150u) << "charts and text, not a blank view";
    EXPECT_GT(img.count_near(230, 159, 0, 12), 100) << "the orange of the query chip, the accent or the top key";
    std::filesystem::remove(png);
}

INSTANTIATE_TEST_SUITE_P(Views, LabViewEndToEnd, ::testing::Values("temperature", "gallery", "permutation"));

TEST(GuiEndToEnd, BadArgumentsExitTwoWithOneLine) {
    ProcessRun r = run(binary() + " --frames 0");
    EXPECT_EQ(r.code, 2) << r.output;
    r = run(binary() + " --scenario no_such_lesson --frames 1");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("neither a built-in lesson"), std::string::npos) << r.output;
    r = run(binary() + " --theme purple");
    EXPECT_EQ(r.code, 2);
    r = run(binary() + " --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.output.find("--screenshot"), std::string::npos);
}

TEST(GuiEndToEnd, NoDisplayExitsOneSuggestingXvfbAndTheCli) {
    const ProcessRun r = run("env -u DISPLAY -u WAYLAND_DISPLAY " + binary() + " --frames 1");
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
        std::fputs("{\"format\":\"attnviz-session\",\"version\":1,\"sentence\":\"The cat sat on the mat\","
                   "\"settings\":{\"heads\":4,\"kv_heads\":2,\"temperature\":0.5},\"selection\":{\"query\":5},"
                   "\"colors\":{\"colormap\":\"magma\"},\"view\":{\"theme\":\"light\"}}",
                   f);
        std::fclose(f);
    }
    const std::string png = temp_png("session.png");
    const ProcessRun r = run(binary() + " " + session + " --frames 4 --screenshot " + png);
    EXPECT_EQ(r.code, 0) << r.output;
    const Image img = load(png);
    EXPECT_GT(img.w, 0);
    EXPECT_GT(img.distinct_colors(), 50u);
    std::remove(png.c_str());

    std::FILE* f = std::fopen(session.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"format\":\"attnviz-session\",\"version\":1,\"settings\":{\"heads\":99}}", f);
    std::fclose(f);
    const ProcessRun bad = run(binary() + " " + session + " --frames 2");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.output.find("nothing changed"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("settings.heads"), std::string::npos) << bad.output;
    std::remove(session.c_str());
}

}  // namespace
