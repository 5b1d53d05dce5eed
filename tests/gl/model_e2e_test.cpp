// End to end with a real model: the attnviz binary opens a tiny random checkpoint written by the test
// helper (--model), shows its layers x heads, and a folder that is not a model gives the error on screen
// while the lesson stays.
#include "tests/support/hf_checkpoint_writer.h"

#include <gtest/gtest.h>

#include <stb_image.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

namespace {

namespace hf = attnviz::testing::hf;

int run(const std::string& command, std::string& output) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
    std::array<char, 512> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) output += buf.data();
    const int status = pclose(pipe.release());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Distinct colours and the count of pixels near one colour, of a PNG.
struct Picture {
    int w = 0, h = 0;
    std::size_t distinct = 0;
    int bright_viridis = 0;
};

Picture look(const std::string& path) {
    Picture p;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &p.w, &p.h, &channels, 3);
    if (data == nullptr) return p;
    std::set<unsigned> colors;
    const std::size_t n = static_cast<std::size_t>(p.w) * static_cast<std::size_t>(p.h) * 3;
    for (std::size_t i = 0; i + 2 < n; i += 3) {
        colors.insert(static_cast<unsigned>(data[i] << 16 | data[i + 1] << 8 | data[i + 2]));
        p.bright_viridis +=
            (std::abs(data[i] - 253) < 40 && std::abs(data[i + 1] - 231) < 40 && data[i + 2] < 90) ? 1 : 0;
    }
    stbi_image_free(data);
    p.distinct = colors.size();
    return p;
}

TEST(ModelEndToEnd, OpensATinyCheckpointAndShowsEveryHead) {
    hf::ScratchDir dir("e2e_model");
    hf::WriteOptions o;
    o.n_layers = 4;
    o.n_heads = 4;
    o.n_kv_heads = 2;
    o.vocab = 512;
    o.n_ctx = 64;
    hf::write_checkpoint(dir.path(), o);
    std::filesystem::copy_file(std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K/tokenizer.json",
                               dir.file("tokenizer.json"));
    const std::string png = dir.file("shot.png");
    std::string out;
    const int code = run(std::string(ATTNVIZ_GUI_BINARY) + " --model " + dir.path() +
                             " --sentence 'Lily saw a dog. The dog saw Lily.' --frames 8 --screenshot " + png,
                         out);
    ASSERT_EQ(code, 0) << out;
    const Picture p = look(png);
    ASSERT_EQ(p.w, 1280);
    EXPECT_GT(p.distinct, 300u) << "thumbnails and a heatmap, not a blank view";
    EXPECT_GT(p.bright_viridis, 200) << "viridis' bright end in the heatmaps";
}

TEST(ModelEndToEnd, AFolderThatIsNoModelKeepsTheLessonAndExitsCleanly) {
    hf::ScratchDir dir("e2e_not_model");
    const std::string png = dir.file("shot.png");
    std::string out;
    const int code = run(
        std::string(ATTNVIZ_GUI_BINARY) + " --model " + dir.path() + " --frames 6 --screenshot " + png, out);
    EXPECT_EQ(code, 0) << out;
    const Picture p = look(png);
    EXPECT_GT(p.distinct, 100u) << "the window still shows the lesson and the error";
}

}  // namespace
