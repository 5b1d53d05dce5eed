// End to end for the systems lessons' views: `attnviz --panel kv-cache|quiz|flash|cross` renders, writes a
// screenshot, exits 0, and the picture shows what the view is about (and, for the quiz, no weights).
#include <gtest/gtest.h>

#include <stb_image.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

struct Shot {
    int code = -1;
    std::string output;
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;

    int count_near(int r, int g, int b, int tol) const {
        int n = 0;
        for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
            n += (std::abs(rgb[i] - r) <= tol && std::abs(rgb[i + 1] - g) <= tol && std::abs(rgb[i + 2] - b) <= tol) ? 1 : 0;
        }
        return n;
    }
};

Shot screenshot_of(const std::string& args, const char* name) {
    const std::string png =
        (std::filesystem::temp_directory_path() / (std::string("attnviz_sys_e2e_") + std::to_string(::getpid()) + name)).string();
    Shot s;
    const std::string command = std::string(ATTNVIZ_GUI_BINARY) + " " + args + " --frames 8 --screenshot " + png + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::array<char, 512> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) s.output += buf.data();
    const int status = pclose(pipe.release());
    s.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    int channels = 0;
    unsigned char* data = stbi_load(png.c_str(), &s.w, &s.h, &channels, 3);
    if (data != nullptr) {
        s.rgb.assign(data, data + static_cast<std::size_t>(s.w) * static_cast<std::size_t>(s.h) * 3);
        stbi_image_free(data);
    }
    std::filesystem::remove(png);
    return s;
}

TEST(SystemsViewsEndToEnd, KvCacheViewShowsGroupsAndBars) {
    const Shot s = screenshot_of("--scenario gqa-minimind --panel kv-cache", "kv.png");
    ASSERT_EQ(s.code, 0) << s.output;
    ASSERT_EQ(s.w, 1280);
    EXPECT_GT(s.count_near(213, 94, 0, 12), 2000) << "the MHA bar (Okabe-Ito vermillion)";
    EXPECT_GT(s.count_near(87, 181, 232, 12), 2000) << "KV group 1 and the GQA bar (sky blue)";
    // The focused head's frame is no longer KV group 0's orange (issue 15 §4), and the GQA note takes two
    // lines from the boxes: fewer orange pixels than the old 2000.
    EXPECT_GT(s.count_near(230, 158, 0, 12), 1000) << "KV group 0 (orange)";
}

TEST(SystemsViewsEndToEnd, QuizViewAsksWithTheWeightsHidden) {
    const Shot s = screenshot_of("--panel quiz", "quiz.png");
    ASSERT_EQ(s.code, 0) << s.output;
    ASSERT_EQ(s.w, 1280);
    EXPECT_GT(s.count_near(230, 159, 0, 12), 500) << "the query chip the question is about";
    EXPECT_LT(s.count_near(253, 231, 37, 20), 20) << "no heatmap or thumbnail: viridis' bright end must be absent";
}

TEST(SystemsViewsEndToEnd, FlashViewShowsTheTiledHeatmap) {
    const Shot s = screenshot_of("--panel flash", "flash.png");
    ASSERT_EQ(s.code, 0) << s.output;
    ASSERT_EQ(s.w, 1280);
    EXPECT_GT(s.count_near(253, 231, 37, 20), 200) << "the first tile's weights (viridis' bright end) are visible";
    EXPECT_GT(s.count_near(230, 140, 60, 12), 200) << "the standard-attention HBM bar";
}

TEST(SystemsViewsEndToEnd, CrossViewShowsTwoSentences) {
    const Shot s = screenshot_of("--scenario cross-attention --panel cross", "cross.png");
    ASSERT_EQ(s.code, 0) << s.output;
    ASSERT_EQ(s.w, 1280);
    EXPECT_GT(s.count_near(230, 159, 0, 12), 500) << "the query chip";
    EXPECT_GT(s.count_near(253, 231, 37, 40) + s.count_near(180, 222, 44, 40), 500) << "a colormapped rectangular heatmap";
}

}  // namespace
