// End to end with a real model: the attnviz binary opens a tiny random checkpoint written by the test
// helper (--model), shows its layers x heads, and a folder that is not a model gives the error on screen
// while the lesson stays.
#include "tests/support/gui_e2e.h"
#include "tests/support/hf_checkpoint_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

namespace hf = attnviz::testing::hf;

using attnviz::testing::gui_binary;
using attnviz::testing::Image;
using attnviz::testing::load_png;
using attnviz::testing::ProcessRun;
using attnviz::testing::run_process;

/// Pixels of viridis' bright end (253, 231, 37), as in the other end-to-end tests.
int bright_viridis(const Image& img) {
    return img.count_near(253, 231, 37, 40);
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
    const ProcessRun r =
        run_process(gui_binary() + " --model " + dir.path() +
                    " --sentence 'Lily saw a dog. The dog saw Lily.' --frames 8 --screenshot " + png);
    ASSERT_EQ(r.code, 0) << r.output;
    const Image img = load_png(png);
    ASSERT_EQ(img.w, 1280);
    EXPECT_GT(img.distinct_colors(), 300u) << "thumbnails and a heatmap, not a blank view";
    EXPECT_GT(bright_viridis(img), 200) << "viridis' bright end in the heatmaps";
}

TEST(ModelEndToEnd, AFolderThatIsNoModelKeepsTheLessonAndExitsCleanly) {
    hf::ScratchDir dir("e2e_not_model");
    const std::string png = dir.file("shot.png");
    const ProcessRun r =
        run_process(gui_binary() + " --model " + dir.path() + " --frames 6 --screenshot " + png);
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_GT(load_png(png).distinct_colors(), 100u) << "the window still shows the lesson and the error";
}

}  // namespace
