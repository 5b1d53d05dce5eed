// Compare (A/B): the alignment, difference and ranking worked by hand, then the four lessons and a real
// model driven through real frames (pin, change, Compare view), every number against the engine's own runs.
#include "app/gui/compute/compare.h"
#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/session.h"
#include "core/attention/attention.h"
#include "core/lesson/lesson_run.h"
#include "core/model/forward.h"
#include "tests/support/gui_model_folder.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

// [SECTION] the computation, by hand

CompareSide side(std::vector<std::string> labels, MatrixRM w, MaskMatrix visible) {
    CompareSide s;
    s.query_labels = labels;
    s.key_labels = std::move(labels);
    s.weights = std::move(w);
    s.visible = std::move(visible);
    return s;
}

MaskMatrix causal(int n) {
    MaskMatrix m = MaskMatrix::Zero(n, n);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j <= i; ++j) m(i, j) = 1;
    }
    return m;
}

TEST(CompareCompute, MatchTokensIsALongestCommonSubsequenceInOrder) {
    using P = std::vector<std::pair<int, int>>;
    EXPECT_EQ(match_tokens({"The", "cat", "sat"}, {"The", "cat", "sat", "down"}),
              (P{{0, 0}, {1, 1}, {2, 2}}));
    EXPECT_EQ(match_tokens({"a", "b", "c"}, {"a", "x", "c"}), (P{{0, 0}, {2, 2}}));
    EXPECT_EQ(match_tokens({"the", "cat", "sat"}, {"the", "big", "cat", "sat"}), (P{{0, 0}, {1, 2}, {2, 3}}));
    // Two matchings of length 1: the earliest token of A wins.
    EXPECT_EQ(match_tokens({"x", "y"}, {"y", "x"}), (P{{0, 1}}));
    EXPECT_TRUE(match_tokens({"a"}, {"b"}).empty());
    EXPECT_TRUE(match_tokens({}, {"b"}).empty());
}

TEST(CompareCompute, DifferenceAndRankingWorkedByHand) {
    MatrixRM wa(2, 2), wb(2, 2);
    wa << 1.0f, 0.0f, 0.5f, 0.5f;
    wb << 0.875f, 0.125f, 0.25f, 0.75f;  // B sees the future in row 0
    MaskMatrix all = MaskMatrix::Ones(2, 2);
    const Comparison c = compare_sides(side({"a", "b"}, wa, causal(2)), side({"a", "b"}, wb, all));
    EXPECT_EQ(c.alignment, CompareAlignment::kSameTokens);
    EXPECT_TRUE(c.note.empty());
    ASSERT_TRUE(c.has_diff());
    EXPECT_EQ(c.diff(0, 0), -0.125f);
    EXPECT_EQ(c.diff(0, 1), 0.125f);  // masked in A (weight 0), visible in B
    EXPECT_EQ(c.diff(1, 0), -0.25f);
    EXPECT_EQ(c.diff(1, 1), 0.25f);
    EXPECT_EQ(c.visible.cast<int>().sum(), 4);
    EXPECT_EQ(c.min_delta, -0.25f);
    EXPECT_EQ(c.max_delta, 0.25f);
    EXPECT_EQ(c.n_changed, 4);
    // |delta| descending; equal |delta|: row, then column.
    ASSERT_EQ(c.ranked.size(), 4u);
    const int want[4][2] = {{1, 0}, {1, 1}, {0, 0}, {0, 1}};
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(c.ranked[static_cast<std::size_t>(i)].row, want[i][0]) << i;
        EXPECT_EQ(c.ranked[static_cast<std::size_t>(i)].col, want[i][1]) << i;
    }
    EXPECT_EQ(describe_change(c, c.ranked[0]),
              "b \xE2\x86\x92 a: 0.50 \xE2\x86\x92 0.25 (\xE2\x88\x92"
              "0.25)");
    // The row of "a" alone.
    const std::vector<CellChange> row0 =
        row_changes(c, side({"a", "b"}, wa, causal(2)), side({"a", "b"}, wb, all), 0);
    ASSERT_EQ(row0.size(), 2u);
    EXPECT_EQ(row0[0].col, 0);
    EXPECT_EQ(row0[0].a, 1.0f);
    EXPECT_EQ(row0[0].b, 0.875f);
}

TEST(CompareCompute, CellsMaskedOnBothSidesAndUnchangedCellsAreNotChanges) {
    MatrixRM wa(2, 2), wb(2, 2);
    wa << 1.0f, 0.0f, 0.5f, 0.5f;
    wb << 1.0f, 0.0f, 0.75f, 0.25f;
    const Comparison c = compare_sides(side({"a", "b"}, wa, causal(2)), side({"a", "b"}, wb, causal(2)));
    EXPECT_EQ(c.visible(0, 1), 0);
    EXPECT_EQ(c.n_changed, 2);
    ASSERT_EQ(c.ranked.size(), 2u);
    EXPECT_EQ(c.ranked[0].row, 1);
    EXPECT_EQ(c.min_delta, -0.25f);
    EXPECT_EQ(c.max_delta, 0.25f);
}

TEST(CompareCompute, TokenListsThatDifferAreComparedPositionallyMatchedByTextOrNotAtAll) {
    MatrixRM w3 = MatrixRM::Constant(3, 3, 1.0f / 3.0f);
    MatrixRM w4 = MatrixRM::Constant(4, 4, 0.25f);
    const MaskMatrix m3 = MaskMatrix::Ones(3, 3), m4 = MaskMatrix::Ones(4, 4);
    // As many tokens, one label differs: position by position, and the note says which.
    const Comparison same_n =
        compare_sides(side({"The", "cat", "sat"}, w3, m3), side({"The", "cats", "sat"}, w3, m3));
    EXPECT_EQ(same_n.alignment, CompareAlignment::kLabelsDiffer);
    EXPECT_NE(same_n.note.find("cat / cats"), std::string::npos) << same_n.note;
    EXPECT_EQ(same_n.row_labels[1], "cat / cats");
    EXPECT_EQ(same_n.n_changed, 0);
    // A token more: the three both have are matched; the extra one is named.
    MatrixRM w4b = w4;
    w4b(2, 0) = 0.5f;
    const Comparison by_text =
        compare_sides(side({"The", "cat", "sat"}, w3, m3), side({"The", "cat", "sat", "down"}, w4b, m4));
    EXPECT_EQ(by_text.alignment, CompareAlignment::kMatchedByText);
    EXPECT_NE(by_text.note.find("only in B: \"down\""), std::string::npos) << by_text.note;
    ASSERT_EQ(by_text.diff.rows(), 3);
    EXPECT_EQ(by_text.rows_b, (std::vector<int>{0, 1, 2}));
    EXPECT_FLOAT_EQ(by_text.diff(2, 0), 0.5f - 1.0f / 3.0f);
    EXPECT_FLOAT_EQ(by_text.diff(0, 0), 0.25f - 1.0f / 3.0f);
    // Nothing in common: no difference, and the note says why.
    const Comparison none = compare_sides(side({"a", "b", "c"}, w3, m3), side({"w", "x", "y", "z"}, w4, m4));
    EXPECT_EQ(none.alignment, CompareAlignment::kNoCommonTokens);
    EXPECT_FALSE(none.has_diff());
    EXPECT_NE(none.note.find("no cell-wise difference"), std::string::npos) << none.note;
}

TEST(CompareCompute, ChangedSettingsAndSignedNumbers) {
    CompareSide a, b;
    a.settings = {{"head", "0"}, {"temperature", "1"}, {"mask", "causal"}};
    b.settings = {{"head", "0"}, {"temperature", "0.1"}, {"mask", "causal"}, {"heads off", "L0 H1"}};
    const std::vector<std::string> ch = changed_settings(a, b);
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_EQ(ch[0], "temperature: 1 \xE2\x86\x92 0.1");
    EXPECT_EQ(ch[1], "heads off: \xE2\x80\x94 \xE2\x86\x92 L0 H1");
    EXPECT_EQ(format_delta(0.32f), "+0.32");
    EXPECT_EQ(format_delta(-0.32f),
              "\xE2\x88\x92"
              "0.32");
    EXPECT_EQ(format_delta(-0.0012f),
              "\xE2\x88\x92"
              "0.0012")
        << "small, but not shown as no change";
    EXPECT_EQ(format_delta(0.0f), "0.00");
}

// [SECTION] the four lessons through the GUI

/// The focused head's weights as the engine computes them: run_lesson for the inputs, then
/// compute_attention called directly.
MatrixRM engine_weights(const std::string& sentence, const lesson::LessonRunSettings& settings, int head) {
    Expected<lesson::LessonRun> run = lesson::run_lesson(sentence, "", settings);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error());
    Expected<attention::AttentionResult> r = attention::compute_attention(run->config, run->forward.inputs);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r->heads[static_cast<std::size_t>(head)].weights;
}

struct EngineSide {
    std::string sentence;
    lesson::LessonRunSettings settings;
    int head = 0;
};

EngineSide engine_side(const AppState& s) {
    return {s.sentence, s.settings, s.selection.focus_head};
}

class CompareLessonTest : public ::testing::Test {
  protected:
    HeadlessImGui ui{1600.0f, 1000.0f};
    AppState s;
    EngineSide a_side;

    /// Opens the lesson and pins it with the tab bar's button, as a person would.
    void open_and_pin(const char* lesson) {
        ASSERT_TRUE(testing::open_lesson(ui, s, lesson));
        ASSERT_TRUE(testing::drawn(s, "pin_button"));
        ui.click(s, testing::widget(s, "pin_button").center());
        ASSERT_TRUE(s.compare.pinned.has_value()) << s.status_message;
        a_side = engine_side(s);
    }

    /// Shows the Compare view and checks its numbers against the engine's runs of A and B: every cell of
    /// B - A, the ranking's order and values, and the first line of the list.
    const Comparison& check_against_engine() {
        show_view(s, MainView::kCompare);
        ui.frames(s, 3);
        EXPECT_TRUE(s.derived.compare.comparison.has_value());
        const Comparison& c = *s.derived.compare.comparison;
        const EngineSide b_side = engine_side(s);
        const MatrixRM wa = engine_weights(a_side.sentence, a_side.settings, a_side.head);
        const MatrixRM wb = engine_weights(b_side.sentence, b_side.settings, b_side.head);
        EXPECT_EQ(wa.rows(), wb.rows()) << "these lessons keep the token count";
        EXPECT_EQ(c.diff.rows(), wa.rows());
        EXPECT_EQ(c.diff.cols(), wa.cols());
        if (c.diff.rows() != wa.rows() || wa.rows() != wb.rows()) return c;
        const MatrixRM want = wb - wa;
        EXPECT_LT((c.diff - want).cwiseAbs().maxCoeff(), 1e-7f);
        // The ranking: every visible changed cell, |delta| descending, each with the engine's numbers.
        int n_changed = 0;
        float max_abs = 0.0f;
        for (int i = 0; i < want.rows(); ++i) {
            for (int j = 0; j < want.cols(); ++j) {
                if (c.visible(i, j) == 0 || want(i, j) == 0.0f) continue;
                ++n_changed;
                max_abs = std::max(max_abs, std::fabs(want(i, j)));
            }
        }
        EXPECT_EQ(c.n_changed, n_changed);
        EXPECT_EQ(c.ranked.size(), static_cast<std::size_t>(std::min<int>(n_changed, 200)));
        for (std::size_t k = 0; k < c.ranked.size(); ++k) {
            const CellChange& ch = c.ranked[k];
            EXPECT_NEAR(ch.a, wa(ch.row_a, ch.col_a), 1e-7f);
            EXPECT_NEAR(ch.b, wb(ch.row_b, ch.col_b), 1e-7f);
            EXPECT_NEAR(ch.delta, want(ch.row, ch.col), 1e-7f);
            if (k + 1 < c.ranked.size()) {
                EXPECT_GE(std::fabs(ch.delta), std::fabs(c.ranked[k + 1].delta)) << k;
            }
        }
        if (!c.ranked.empty()) {
            EXPECT_NEAR(std::fabs(c.ranked[0].delta), max_abs, 1e-7f);
            const CellChange& top = c.ranked[0];
            char line[160];
            std::snprintf(line, sizeof line, "%s \xE2\x86\x92 %s: %.2f \xE2\x86\x92 %.2f (%s%.2f)",
                          c.row_labels[static_cast<std::size_t>(top.row)].c_str(),
                          c.col_labels[static_cast<std::size_t>(top.col)].c_str(),
                          static_cast<double>(wa(top.row_a, top.col_a)),
                          static_cast<double>(wb(top.row_b, top.col_b)),
                          want(top.row, top.col) < 0 ? "\xE2\x88\x92" : "+",
                          static_cast<double>(std::fabs(want(top.row, top.col))));
            EXPECT_EQ(describe_change(c, top), line);
        }
        return c;
    }
};

TEST_F(CompareLessonTest, MaskOnAgainstOff) {
    open_and_pin("cat-sat");
    ui.character(s, 'm');  // the causal mask off
    ASSERT_FALSE(s.settings.causal);
    const Comparison& c = check_against_engine();
    EXPECT_EQ(c.alignment, CompareAlignment::kSameTokens);
    // Each row of A and of B sums to 1, so each row of B - A sums to 0; the future (upper triangle) only
    // gains weight.
    for (int i = 0; i < c.diff.rows(); ++i) {
        EXPECT_NEAR(c.diff.row(i).sum(), 0.0f, 1e-6f) << "row " << i;
        for (int j = i + 1; j < c.diff.cols(); ++j) EXPECT_GT(c.diff(i, j), 0.0f) << i << "," << j;
    }
    EXPECT_EQ(c.diff.row(c.diff.rows() - 1).cwiseAbs().maxCoeff(), 0.0f) << "\"sat\" saw everything already";
    const std::vector<std::string> changed = changed_settings(*s.compare.pinned, *s.derived.compare.current);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0], "mask: causal \xE2\x86\x92 none (sees the future)");
    EXPECT_NE(ui.drawn_text().find("Changed:"), std::string::npos);
}

TEST_F(CompareLessonTest, TemperatureOneAgainstPointOne) {
    open_and_pin("pod");
    ASSERT_EQ(s.settings.temperature, 1.0);
    ASSERT_TRUE(set_temperature(s, 0.1));
    const Comparison& c = check_against_engine();
    // The coreference head's "it" row sharpens onto "pod": its largest change there is a rise.
    const int it = testing::token_index(s, "it");
    const int pod = testing::token_index(s, "pod");
    EXPECT_GT(c.diff(it, pod), 0.0f);
    for (int j = 0; j < c.diff.cols(); ++j) {
        if (j != pod) {
            EXPECT_LE(c.diff(it, j), 0.0f) << "key " << j;
        }
    }
    const std::vector<std::string> changed = changed_settings(*s.compare.pinned, *s.derived.compare.current);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0], "temperature: 1 \xE2\x86\x92 0.1");
}

TEST_F(CompareLessonTest, HeadThreeAgainstHeadSeven) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    focus_head(s, 3);
    ui.frames(s, 2);
    ui.character(s, 'p');  // the shortcut pins too
    ASSERT_TRUE(s.compare.pinned.has_value());
    a_side = engine_side(s);
    ASSERT_EQ(a_side.head, 3);
    for (int i = 0; i < 4; ++i) ui.character(s, 'h');  // next head, four times
    ASSERT_EQ(s.selection.focus_head, 7);
    check_against_engine();
    const std::vector<std::string> changed = changed_settings(*s.compare.pinned, *s.derived.compare.current);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].rfind("head: 3 ", 0), 0u) << changed[0];
}

TEST_F(CompareLessonTest, TheCatSatAgainstTheCatsSat) {
    open_and_pin("cat-sat");
    ui.type_into(s, "##sentence_bar", "##sentence", "The cats sat");
    ASSERT_EQ(s.sentence, "The cats sat");
    const Comparison& c = check_against_engine();
    EXPECT_EQ(c.alignment, CompareAlignment::kLabelsDiffer);
    EXPECT_NE(c.note.find("cat / cats"), std::string::npos) << c.note;
    EXPECT_EQ(c.row_labels[1], "cat / cats");
}

TEST_F(CompareLessonTest, DifferentTokenCountsAreMatchedByTextAgainstTheEngine) {
    open_and_pin("cat-sat");
    ui.type_into(s, "##sentence_bar", "##sentence", "The cat sat down");
    show_view(s, MainView::kCompare);
    ui.frames(s, 3);
    ASSERT_TRUE(s.derived.compare.comparison.has_value());
    const Comparison& c = *s.derived.compare.comparison;
    ASSERT_EQ(c.alignment, CompareAlignment::kMatchedByText);
    EXPECT_NE(c.note.find("only in B: \"down\""), std::string::npos) << c.note;
    const MatrixRM wa = engine_weights(a_side.sentence, a_side.settings, a_side.head);
    const MatrixRM wb = engine_weights(s.sentence, s.settings, s.selection.focus_head);
    ASSERT_EQ(c.diff.rows(), 3);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) EXPECT_NEAR(c.diff(i, j), wb(i, j) - wa(i, j), 1e-7f);
    }
}

TEST_F(CompareLessonTest, TheLessonButtonsPinAndChangeOnce) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    show_view(s, MainView::kCompare);
    ui.frames(s, 2);
    EXPECT_NE(ui.drawn_text().find("Pinas"), std::string::npos) << "no pin: the view says how to make one";
    start_compare_demo(s, CompareDemo::kMask);
    ui.frames(s, 4);
    ASSERT_TRUE(s.compare.pinned.has_value());
    EXPECT_FALSE(s.settings.causal);
    a_side = EngineSide{"The cat sat", s.settings, s.selection.focus_head};
    a_side.settings.causal = true;
    check_against_engine();
    // Clear: the view is back to its explanation; sessions and undo never carry the pin.
    EXPECT_EQ(session_to_json(s).find("compare"), nullptr);
    clear_compare_pin(s);
    ui.frames(s, 2);
    EXPECT_FALSE(s.derived.compare.comparison.has_value());
}

// [SECTION] a real model with a head switched off

TEST(CompareModel, SwitchingAHeadOffChangesTheLaterLayersAsTheEngineSays) {
    testing::GuiModelFolder folder("gui_compare");
    HeadlessImGui ui{1600.0f, 1000.0f};
    AppState s;
    ASSERT_TRUE(testing::open_tiny_model(ui, s, folder));
    focus_model_head(s, 2, 1);
    testing::settle_model(ui, s);
    ASSERT_EQ(s.derived.run->model_layer, 2);
    ui.click(s, testing::widget(s, "pin_button").center());
    ASSERT_TRUE(s.compare.pinned.has_value()) << s.status_message;
    toggle_head_ablation(s, 0, 1);  // an earlier layer's head off: layer 2's attention changes
    show_view(s, MainView::kCompare);
    testing::settle_model(ui, s);
    ASSERT_TRUE(s.derived.compare.comparison.has_value());
    const Comparison& c = *s.derived.compare.comparison;
    EXPECT_EQ(c.alignment, CompareAlignment::kSameTokens);

    const std::vector<int>& ids = s.derived.model.result->run->token_ids;
    model::ForwardOptions o;
    o.keep_attention = true;
    Expected<model::ForwardResult> base =
        model::run_forward(*s.model.open->model, ids, model::Interventions{}, o);
    model::Interventions off;
    off.ablated.push_back(model::HeadRef{0, 1});
    Expected<model::ForwardResult> ablated = model::run_forward(*s.model.open->model, ids, off, o);
    ASSERT_TRUE(base.ok() && ablated.ok());
    const MatrixRM want = ablated->layers[2].weights.mat(1) - base->layers[2].weights.mat(1);
    ASSERT_EQ(c.diff.rows(), want.rows());
    EXPECT_LT((c.diff - want).cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_GT(want.cwiseAbs().maxCoeff(), 1e-4f) << "the ablation must change something to compare";
    ASSERT_FALSE(c.ranked.empty());
    for (std::size_t k = 0; k + 1 < c.ranked.size(); ++k)
        EXPECT_GE(std::fabs(c.ranked[k].delta), std::fabs(c.ranked[k + 1].delta));
    EXPECT_NEAR(std::fabs(c.ranked[0].delta), want.cwiseAbs().maxCoeff(), 1e-6f);
    const std::vector<std::string> changed = changed_settings(*s.compare.pinned, *s.derived.compare.current);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0], "heads off: none \xE2\x86\x92 L0 H1");
}

// Showing a layer's mean over heads, the pin holds that mean (not the focused head), and B - A is the
// difference of the means that the engine's runs give, averaged here from their heads.
TEST(CompareModel, ALayerMeanOnScreenIsWhatIsPinned) {
    testing::GuiModelFolder folder("gui_compare_mean");
    HeadlessImGui ui{1600.0f, 1000.0f};
    AppState s;
    ASSERT_TRUE(testing::open_tiny_model(ui, s, folder));
    focus_model_head(s, 2, 1);
    set_model_aggregate(s, ModelAggregate::kLayerMean);
    testing::settle_model(ui, s);
    ASSERT_TRUE(pin_compare(s)) << s.status_message;
    EXPECT_NE(s.compare.pinned->title.find("layer 2 mean over heads"), std::string::npos)
        << s.compare.pinned->title;
    toggle_head_ablation(s, 0, 1);
    show_view(s, MainView::kCompare);
    testing::settle_model(ui, s);
    ASSERT_TRUE(s.derived.compare.comparison.has_value());
    const Comparison& c = *s.derived.compare.comparison;

    const std::vector<int>& ids = s.derived.model.result->run->token_ids;
    model::ForwardOptions o;
    o.keep_attention = true;
    model::Interventions off;
    off.ablated.push_back(model::HeadRef{0, 1});
    Expected<model::ForwardResult> base =
        model::run_forward(*s.model.open->model, ids, model::Interventions{}, o);
    Expected<model::ForwardResult> ablated = model::run_forward(*s.model.open->model, ids, off, o);
    ASSERT_TRUE(base.ok() && ablated.ok());
    const Tensor3& wa = base->layers[2].weights;
    const Tensor3& wb = ablated->layers[2].weights;
    MatrixRM want = MatrixRM::Zero(wa.n_rows(), wa.n_cols());
    for (int h = 0; h < wa.n_mats(); ++h) want += (wb.mat(h) - wa.mat(h)) / static_cast<float>(wa.n_mats());
    ASSERT_EQ(c.diff.rows(), want.rows());
    EXPECT_LT((c.diff - want).cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_GT(want.cwiseAbs().maxCoeff(), 1e-4f) << "the ablation must change the mean to compare";
    // The focused head alone differs from the mean: the pin did not take the head.
    const MatrixRM head_diff = wb.mat(1) - wa.mat(1);
    EXPECT_GT((c.diff - head_diff).cwiseAbs().maxCoeff(), 1e-4f);
}

}  // namespace
}  // namespace attnviz::gui
