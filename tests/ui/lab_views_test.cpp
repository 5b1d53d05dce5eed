// Headless tests of the lab views: the temperature sweep plot, the pattern gallery and the permutation
// experiment, driven by clicks and drags on the rects they record, asserting on AppState and the engine.
#include "app/gui/app_actions.h"
#include "app/gui/compute/lab_compute.h"
#include "app/gui/compute/patterns.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
using testing::widget;
using testing::widget_count;

class LabViews : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(testing::open_lesson(ui, s, "pod")); }
    void open(MainView v) {
        show_view(s, v);
        ui.frames(s, 3);
        ASSERT_EQ(s.view.main_view, v);
    }
    const attention::HeadResult& focused() const {
        return s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(LabViews, DraggingOnTheSweepPlotSetsTAndRecomputes) {
    open(MainView::kTemperature);
    const Rect r = widget(s, "sweep_plot");
    ASSERT_GT(r.max.x - r.min.x, 100.0f);
    const std::uint64_t before = s.derived.result_version;
    const float x = r.min.x + 0.75f * (r.max.x - r.min.x);
    ui.drag(s, r.center(), ImVec2(x, r.center().y));
    const double expected =
        std::exp(std::log(kSweepTMin) + 0.75 * (std::log(kSweepTMax) - std::log(kSweepTMin)));
    EXPECT_NEAR(s.settings.temperature, expected, expected * 0.03);
    EXPECT_GT(s.derived.result_version, before);
    EXPECT_FALSE(s.recompute_pending());
    EXPECT_EQ(s.derived.result()->temperature, s.settings.temperature) << "the engine ran at the plot's T";
    // The readout's engine numbers follow: a warm T spreads "it"'s row.
    EXPECT_GT(focused().rows.effective_keys[static_cast<std::size_t>(s.selection.query)], 2.0f);
    // A click at the left end cools it down to the plot's minimum.
    ui.click(s, ImVec2(r.min.x + 1.0f, r.center().y));
    EXPECT_NEAR(s.settings.temperature, kSweepTMin, 0.01);
}

TEST_F(LabViews, SweepRowAtCurrentTEqualsTheEngineRow) {
    open(MainView::kTemperature);
    set_temperature(s, 1.0);
    ui.frames(s, 2);
    ASSERT_TRUE(s.derived.lab.sweep.has_value());
    const lab::TemperatureSweep& sw = *s.derived.lab.sweep;
    // T = 1 is the middle sample of the log grid [0.05, 20] with 161 steps.
    const int mid = kSweepSteps / 2;
    ASSERT_NEAR(sw.temperatures[static_cast<std::size_t>(mid)], 1.0, 1e-9);
    const int q = s.selection.query;
    for (int j = 0; j < s.derived.result()->n_k; ++j)
        EXPECT_NEAR(sw.weights(mid, j), focused().weights(q, j), 1e-7f);
}

TEST_F(LabViews, LimitMarkersMatchTheEngineAtTZeroAndInfinity) {
    open(MainView::kTemperature);
    const int q = s.selection.query;
    const std::vector<float> argmax = s.derived.lab.sweep->argmax_limit;
    const std::vector<float> uniform = s.derived.lab.sweep->uniform_limit;
    set_temperature(s, 0.0);
    ui.frames(s, 2);
    for (int j = 0; j < s.derived.result()->n_k; ++j)
        EXPECT_EQ(argmax[static_cast<std::size_t>(j)], focused().weights(q, j)) << j;
    set_temperature(s, std::numeric_limits<double>::infinity());
    ui.frames(s, 2);
    for (int j = 0; j < s.derived.result()->n_k; ++j)
        EXPECT_EQ(uniform[static_cast<std::size_t>(j)], focused().weights(q, j)) << j;
    EXPECT_FLOAT_EQ(uniform[0], 1.0f / static_cast<float>(q + 1))
        << "causal: the query sees itself and the tokens before";
}

TEST_F(LabViews, ClickingAWordUnderTheBarsMakesItTheQueryEverywhere) {
    open(MainView::kTemperature);
    const int q = s.selection.query;
    ASSERT_EQ(widget_count(s, "logit_label"), static_cast<std::size_t>(q + 1))
        << "causal: the query sees itself and the earlier words";
    ASSERT_EQ(widget_count(s, "logit_bar"), widget_count(s, "logit_label"));
    ui.click(s, widget(s, "logit_label", 1).center());
    EXPECT_EQ(s.selection.query, 1);
    EXPECT_EQ(s.derived.lab.sweep_query, 1) << "the sweep follows the shared selection";
    EXPECT_EQ(widget_count(s, "logit_label"), 2u);
}

TEST_F(LabViews, ScalingSliderMovesTheChosenD) {
    open(MainView::kTemperature);
    ASSERT_TRUE(s.derived.lab.scaling_at_d.has_value());
    EXPECT_EQ(s.derived.lab.scaling_at_d->d, 64);
    const Rect r = widget(s, "scaling_d_slider");
    ASSERT_GT(r.max.x - r.min.x, 50.0f);
    ui.drag(s, r.center(), ImVec2(r.max.x - 2.0f, r.center().y));
    EXPECT_GT(s.view.temperature_lab.scaling_d, 500);
    EXPECT_EQ(s.derived.lab.scaling_at_d->d, s.view.temperature_lab.scaling_d);
    EXPECT_GT(s.derived.lab.scaling_at_d->max_weight_unscaled, 0.9)
        << "large d without the scale: softmax saturates";
}

TEST_F(LabViews, EachGalleryCardSetsItsSettingsAndHead) {
    open(MainView::kGallery);
    ASSERT_EQ(widget_count(s, "gallery_card"), patterns().size());
    ASSERT_EQ(s.derived.lab.gallery.size(), patterns().size());
    for (const PatternPreview& p : s.derived.lab.gallery) EXPECT_GT(p.weights.rows(), 0);
    struct Expect {
        Pattern p;
        bool causal;
        int window;
        int head;  // -1: unchanged
    };
    const Expect expects[] = {
        {Pattern::kSlidingWindow, true, kGalleryWindow, kHeadLocal},
        {Pattern::kCausal, true, 0, -1},
        {Pattern::kGlobalWindow, true, 0, kHeadLocal},
        {Pattern::kSink, true, 0, kHeadSink},
        {Pattern::kPreviousToken, true, 0, kHeadPrevious},
        {Pattern::kBidirectional, false, 0, -1},
        {Pattern::kInduction, true, 0, kHeadInduction},
    };
    for (const Expect& e : expects) {
        const int head_before = s.selection.focus_head;
        std::size_t c = 0;
        while (patterns()[c].id != e.p) ++c;
        ui.click(s, widget(s, "gallery_card", static_cast<int>(c)).center());
        SCOPED_TRACE(patterns()[c].name);
        EXPECT_EQ(s.settings.causal, e.causal);
        EXPECT_EQ(s.settings.window, e.window);
        EXPECT_EQ(s.selection.focus_head, e.head >= 0 ? e.head : head_before);
        EXPECT_FALSE(s.recompute_pending());
        ASSERT_TRUE(s.derived.result() != nullptr);
        if (e.head >= 0) {
            EXPECT_EQ(s.settings.n_kv_heads, s.settings.n_heads)
                << "the designed head itself, not a pooled group";
        }
    }
    // The induction card: "the cat sat ... the cat", the last "cat" looks at "sat".
    EXPECT_EQ(s.sentence, kInductionSentence);
    const int last = static_cast<int>(s.derived.tokens.tokens.size()) - 1;
    EXPECT_EQ(s.selection.query, last);
    Eigen::Index best = 0;
    focused().weights.row(last).maxCoeff(&best);
    EXPECT_EQ(s.derived.tokens.tokens[static_cast<std::size_t>(best)].text, "sat");
}

float max_diff(const AppState& s) {
    return s.derived.lab.permutation.max_diff;
}

TEST_F(LabViews, PermutationWithoutPositionsPermutesTheOutputs) {
    open(MainView::kPermutation);
    const std::string original = s.sentence;
    ASSERT_TRUE(s.settings.causal);
    ui.click(s, widget(s, "positions_checkbox").center());
    EXPECT_FALSE(s.settings.use_positions);
    ui.click(s, widget(s, "shuffle_button").center());
    ASSERT_TRUE(s.permutation.active);
    EXPECT_FALSE(s.settings.causal) << "the experiment needs the mask off";
    EXPECT_NE(s.sentence, original);
    EXPECT_EQ(s.derived.tokens.tokens[static_cast<std::size_t>(s.selection.query)].text, "it")
        << "the selected word moves with it";
    ASSERT_TRUE(s.derived.lab.permutation.valid) << s.derived.lab.permutation.message;
    EXPECT_LT(max_diff(s), 1e-5f);
    // Independently of the view's bookkeeping: token i of the shuffle is original token perm[i].
    for (std::size_t i = 0; i < s.permutation.perm.size(); ++i) {
        EXPECT_EQ(s.derived.tokens.tokens[i].text,
                  s.permutation.original_tokens[static_cast<std::size_t>(s.permutation.perm[i])]);
    }
    // Positions back on: order matters again.
    ui.click(s, widget(s, "positions_checkbox").center());
    EXPECT_TRUE(s.settings.use_positions);
    ASSERT_TRUE(s.derived.lab.permutation.valid);
    EXPECT_GT(max_diff(s), 1e-2f);
    // A second shuffle is another permutation of the original words.
    const std::vector<int> first = s.permutation.perm;
    ui.click(s, widget(s, "shuffle_button").center());
    EXPECT_NE(s.permutation.perm, first);
    // Restore: the original sentence, positions on, causal back.
    ui.click(s, widget(s, "restore_button").center());
    EXPECT_FALSE(s.permutation.active);
    EXPECT_EQ(s.sentence, original);
    EXPECT_TRUE(s.settings.use_positions);
    EXPECT_TRUE(s.settings.causal);
    EXPECT_EQ(s.derived.tokens.tokens[static_cast<std::size_t>(s.selection.query)].text, "it");
}

}  // namespace
}  // namespace attnviz::gui
