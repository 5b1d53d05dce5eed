// The run is the single source of what was computed: the config the engine ran with and the labels of
// its queries and keys travel with the result, so no view rebuilds them (and gets them wrong).
#include "app/gui/app_actions.h"
#include "app/gui/compute/cell_inspection.h"
#include "app/gui/compute/heatmap_cells.h"
#include "app/gui/compute/lab_compute.h"
#include "app/gui/compute/pipeline_stages.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

void open_view(HeadlessImGui& ui, AppState& s, MainView v) {
    show_view(s, v);
    ui.frames(s, 3);
}

// The hand example's W_q is 3 wide: the flash path must run with the config the reference ran with,
// not one rebuilt from the lesson model's head dim (16).
TEST(RunSource, FlashViewRunsOnTheHandExample) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    open_view(ui, s, MainView::kFlash);
    ASSERT_TRUE(s.derived.flash.result.has_value()) << s.derived.flash.status;
    EXPECT_LE(s.derived.flash.max_weight_diff, 1e-6f);
    EXPECT_LE(s.derived.flash.max_output_diff, 1e-6f);
}

// Cross-attention has no causal mask whatever the checkbox says; the sweep's row at the current T must
// be the engine's row, so it must not apply one either.
TEST(RunSource, TemperatureSweepInCrossAttentionHasNoCausalMask) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "cross-attention"));
    set_causal(s, true);
    set_temperature(s, 1.0);
    open_view(ui, s, MainView::kTemperature);
    ASSERT_TRUE(s.derived.lab.sweep.has_value());
    const attention::HeadResult& head =
        s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    const int q = s.selection.query;
    const int mid = kSweepSteps / 2;
    for (int j = 0; j < s.derived.result()->n_k; ++j) {
        EXPECT_NEAR(s.derived.lab.sweep->weights(mid, j), head.weights(q, j), 1e-7f) << "key " << j;
    }
}

class CrossLabels : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testing::open_lesson(ui, s, "cross-attention"));
        ASSERT_EQ(s.derived.tokens.tokens[2].text, "cat");  // queries: the English decoder sentence
    }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(CrossLabels, CellInspectorNamesTheKeyFromTheKeySentence) {
    ASSERT_TRUE(select_cell(s, 2, 1));
    ui.frames(s, 2);
    const InspectedCell c = inspect_cell(s);
    ASSERT_TRUE(c.valid) << c.why_not;
    EXPECT_EQ(c.query_label, "cat");
    EXPECT_EQ(c.key_label, "chat");
}

TEST_F(CrossLabels, PipelineKeyAndValueRowsAreTheKeySentence) {
    for (PipelineStage stage : {PipelineStage::kK, PipelineStage::kV}) {
        const StageMatrix m = stage_matrix(s, stage);
        ASSERT_EQ(m.row_names.size(), 4u);
        EXPECT_EQ(m.row_names[1], "chat");
        EXPECT_EQ(m.row_names[3], "dort");
    }
    const StageMatrix q = stage_matrix(s, PipelineStage::kQ);
    ASSERT_EQ(q.row_names.size(), 4u);
    EXPECT_EQ(q.row_names[2], "cat");
    const StageMatrix w = stage_matrix(s, PipelineStage::kWeights);
    ASSERT_EQ(w.col_names.size(), 4u);
    EXPECT_EQ(w.col_names[3], "dort");
}

TEST_F(CrossLabels, TemperatureViewNamesTheTopKeyFromTheKeySentence) {
    open_view(ui, s, MainView::kTemperature);
    set_query(s, 2);  // "cat"; the focused translation head aligns it with "chat"
    ui.frames(s, 2);
    const std::string text = HeadlessImGui::drawn_text();
    EXPECT_NE(text.find("for\"chat\""), std::string::npos) << text;
    EXPECT_EQ(text.find("for\"cat\""), std::string::npos) << text;
    EXPECT_NE(text.find("chats="), std::string::npos) << "the sweep's legend names the key" << text;
}

// The sentence field goes through set_sentence like every other edit: typing ends the permutation
// experiment, so the next Shuffle shuffles the new sentence's tokens.
TEST(RunSource, TypingASentenceEndsThePermutationExperiment) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    shuffle_tokens(s);
    ui.frames(s, 2);
    ASSERT_TRUE(s.permutation.active);
    ui.type_into(s, "##sentence_bar", "##sentence", "the dog barked");
    ASSERT_EQ(s.sentence, "the dog barked");
    EXPECT_FALSE(s.permutation.active);
    EXPECT_FALSE(s.lesson.has_value()) << "a typed sentence is no longer the lesson";
    shuffle_tokens(s);
    ui.frames(s, 2);
    std::vector<std::string> shuffled;
    for (const lesson::Token& t : s.derived.tokens.tokens) shuffled.push_back(t.text);
    std::sort(shuffled.begin(), shuffled.end());
    EXPECT_EQ(shuffled, (std::vector<std::string>{"barked", "dog", "the"}));
}

// Only what the view shows is rebuilt: the focused head's cells always, every head's thumbnail only in a
// view that draws them (at 512 tokens a slider drag rebuilds them on every frame), and a focus change
// rebuilds that head's cells from the same run.
TEST(RunCells, FocusedHeadCellsAlwaysThumbnailsOnlyWhereShown) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    open_view(ui, s, MainView::kPipeline);
    set_temperature(s, 0.5);
    ui.frames(s, 2);
    const attention::AttentionResult& r = *s.derived.result();
    EXPECT_TRUE(s.derived.head_thumbnail_cells.empty()) << "the pipeline draws no thumbnails";
    const auto focus = static_cast<std::size_t>(s.selection.focus_head);
    ASSERT_EQ(s.derived.focus_cells_head, s.selection.focus_head);
    EXPECT_EQ(s.derived.focus_cells.data, make_heatmap_cells(r.heads[focus].weights, &r.visible, {}).data);

    open_view(ui, s, MainView::kAttention);
    ASSERT_EQ(s.derived.head_thumbnail_cells.size(), r.heads.size());
    for (std::size_t h = 0; h < r.heads.size(); ++h) {
        EXPECT_EQ(s.derived.head_thumbnail_cells[h].data,
                  make_downsampled_cells(r.heads[h].weights, r.visible, kHeadThumbnailCells, {}).data);
    }
    const int other = (s.selection.focus_head + 1) % static_cast<int>(r.heads.size());
    focus_head(s, other);
    ui.frames(s, 1);
    ASSERT_EQ(s.derived.focus_cells_head, other);
    EXPECT_EQ(s.derived.focus_cells.data,
              make_heatmap_cells(r.heads[static_cast<std::size_t>(other)].weights, &r.visible, {}).data);
}

}  // namespace
}  // namespace attnviz::gui
