// The flash playback and cross-attention views: state changes through the real panels.
#include "app/gui/app_actions.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <functional>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

void open_view(AppState& s, MainView v) {
    show_view(s, v);
}

TEST(FlashView, TraceCoversTheMatrixAndEndsEqualToTheReference) {
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("pod"));
    open_view(s, MainView::kFlash);
    ui.frames(s, 3);
    const FlashDerived& f = s.derived.flash;
    ASSERT_TRUE(f.result.has_value()) << f.status;
    ASSERT_TRUE(f.result->trace.has_value());
    const attention::FlashTrace& t = *f.result->trace;
    // 9 tokens in 2 x 3 tiles: 5 query blocks x 3 key blocks; the causal mask skips the tiles above
    // the diagonal.
    EXPECT_EQ(t.steps.size(), 15u);
    int skipped = 0;
    for (const attention::FlashTraceStep& st : t.steps) skipped += st.skipped;
    EXPECT_GT(skipped, 0);
    EXPECT_LE(f.max_weight_diff, 1e-5f);
    EXPECT_LE(f.max_output_diff, 1e-5f);
    // The last visited tile of every query block leaves M and S equal to the reference's row max and sum.
    const attention::HeadResult& ref = s.derived.result()->heads[static_cast<std::size_t>(f.head)];
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
        const bool last_of_block = k + 1 == t.steps.size() || t.steps[k + 1].q_begin != t.steps[k].q_begin;
        if (!last_of_block) continue;
        for (int r = 0; r < t.steps[k].q_end - t.steps[k].q_begin; ++r) {
            const auto i = static_cast<std::size_t>(t.steps[k].q_begin + r);
            EXPECT_NEAR(t.steps[k].row_max[static_cast<std::size_t>(r)], ref.rows.max[i], 1e-5f);
            EXPECT_NEAR(t.steps[k].row_sum[static_cast<std::size_t>(r)], ref.rows.sum[i], 1e-4f);
        }
    }
}

TEST(FlashView, BlockSizesAndFocusRetraceAndPlaybackAdvances) {
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("pod"));
    open_view(s, MainView::kFlash);
    ui.frames(s, 2);
    s.flash.block_q = 9;
    s.flash.block_k = 9;
    ui.frames(s, 2);
    ASSERT_TRUE(s.derived.flash.result.has_value());
    EXPECT_EQ(s.derived.flash.result->trace->steps.size(), 1u) << "one tile holds the whole 9 x 9 matrix";
    focus_head(s, 3);
    ui.frames(s, 2);
    EXPECT_EQ(s.derived.flash.head, 3);
    EXPECT_EQ(s.derived.flash.result->trace->head, 3);
    s.flash.block_q = 1;
    s.flash.block_k = 1;
    ui.frames(s, 1);
    const int n_steps = static_cast<int>(s.derived.flash.result->trace->steps.size());
    ASSERT_EQ(n_steps, 81);
    s.flash.step = 0;
    s.flash.playing = true;
    s.flash.steps_per_second = 120.0f;  // two tiles a frame at 60 frames a second
    s.flash.last_step_time = ImGui::GetTime();
    ui.frames(s, 5);
    EXPECT_GE(s.flash.step, 8);
    EXPECT_LE(s.flash.step, 10);
    EXPECT_TRUE(s.animating) << "the loop must keep drawing while the playback runs";
    // Faster than the frame rate: many tiles a frame, and the playback stops at the last one.
    s.flash.steps_per_second = 2000.0f;
    ui.frames(s, 3);
    EXPECT_EQ(s.flash.step, n_steps);
    EXPECT_FALSE(s.flash.playing);
}

TEST(FlashView, AColourChangeRecomputesNothingInTheEngine) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    show_view(s, MainView::kFlash);
    ui.frames(s, 3);
    ASSERT_TRUE(s.derived.flash.result.has_value());
    const std::uint64_t result_version = s.derived.result_version;
    const std::uint64_t flash_version = s.derived.flash.version;
    const std::function<void()> colour_changes[] = {
        [&] { set_colormap(s, Colormap::kMagma); },
        [&] { set_color_scale(s, ColorScale::kLog); },
        [&] { set_ignore_first_key(s, !s.view.heatmap.color.ignore_first_key); },
    };
    for (const auto& change : colour_changes) {
        const std::uint64_t cells_version = s.derived.version;
        change();
        EXPECT_FALSE(s.recompute_pending()) << "a colour is no engine input";
        ui.frames(s, 2);
        EXPECT_GT(s.derived.version, cells_version) << "the cells follow the colours";
        EXPECT_EQ(s.derived.result_version, result_version);
        EXPECT_EQ(s.derived.flash.version, flash_version) << "the traced flash path is not re-run";
    }
}

TEST(CrossView, SecondSentenceGivesRectangularUnmaskedAttention) {
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("cross-attention"));
    open_view(s, MainView::kCross);
    ui.frames(s, 3);
    ASSERT_TRUE(s.derived.result() != nullptr) << s.derived.status;
    EXPECT_TRUE(s.derived.run->cross());
    // Queries: "the black cat sleeps" (the decoder); keys and values: another source sentence.
    set_key_sentence(s, "le petit chat noir dort sur le canap\xC3\xA9");
    ui.frames(s, 2);
    EXPECT_EQ(s.derived.result()->n_q, 4);
    EXPECT_EQ(s.derived.result()->n_k, 8);
    EXPECT_EQ(s.derived.result()->visible.cast<int>().sum(), 32) << "no causal mask across sentences";
    EXPECT_EQ(s.selection.focus_head, 5) << "the scenario focuses the aligning head";
    // Clicking a query chip selects it.
    ASSERT_EQ(testing::widget_count(s, "token_chip"), 4u);
    ui.click(s, testing::widget(s, "token_chip", 2).center());
    EXPECT_EQ(s.selection.query, 2);
    // The translation head aligns cat -> chat by meaning (chat is key 2 here, not at cat's position).
    Eigen::Index best = 0;
    s.derived.result()->heads[5].weights.row(2).maxCoeff(&best);
    EXPECT_EQ(best, 2);
    set_key_sentence(s, "");
    ui.frames(s, 2);
    EXPECT_FALSE(s.derived.run->cross());
    EXPECT_EQ(s.derived.result()->n_k, 4);
    set_causal(s, true);
    ui.frames(s, 2);
    EXPECT_EQ(s.derived.result()->visible(0, 3), 0) << "in self-attention the causal mask applies again";
}

}  // namespace
}  // namespace attnviz::gui
