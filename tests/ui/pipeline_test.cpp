// The pipeline view and the cell inspector through the real panels: clicking stage cells selects
// (query, key), the inspector's numbers are the engine's, the hand example recomputes when dragged,
// and the formula and the stages light each other.
#include "app/gui/app_actions.h"
#include "app/gui/compute/cell_inspection.h"
#include "app/gui/compute/pipeline_stages.h"
#include "app/gui/views/views.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

/// The centre of cell (row, col) of a stage's grid, from the rects the panel recorded.
ImVec2 cell_center(const AppState& s, PipelineStage stage, int row, int col, int n_rows, int n_cols) {
    const Rect r = testing::widget(s, "stage_grid", static_cast<int>(stage));
    const float w = (r.max.x - r.min.x) / static_cast<float>(n_cols);
    const float h = (r.max.y - r.min.y) / static_cast<float>(n_rows);
    return ImVec2(r.min.x + (static_cast<float>(col) + 0.5f) * w,
                  r.min.y + (static_cast<float>(row) + 0.5f) * h);
}

bool on_screen(ImVec2 p) {
    return p.x > 0 && p.y > 0 && p.x < 1280 && p.y < 800;
}

class Pipeline : public ::testing::Test {
  protected:
    void open(const char* scenario) {
        const lesson::Scenario* sc = lesson::find_builtin_scenario(scenario);
        ASSERT_NE(sc, nullptr);
        apply_scenario(s, *sc);
        show_view(s, *find_view("pipeline"));
        ui.frames(s, 4);
        ASSERT_TRUE(s.derived.result() != nullptr) << s.derived.status;
        ASSERT_EQ(s.view.main_view, MainView::kPipeline);
        ASSERT_EQ(testing::widget_count(s, "stage_grid"), static_cast<std::size_t>(PipelineStage::kCount));
    }
    HeadlessImGui ui;
    AppState s;
};

// Tolerance for rebuilding exp((s - m) / T) / S: the engine's vectorised exp may differ from std::exp
// by about an ulp.
constexpr float kRebuildTol = 1e-6f;

TEST_F(Pipeline, ClickingAWeightCellSelectsItAndTheInspectorShowsTheEnginesNumbers) {
    open("pod");
    const int n = s.derived.result()->n_q;
    // The strip scrolls: clicking "softmax(" in the formula brings the weights stage into view.
    ui.click(s, testing::widget(s, "formula_part", static_cast<int>(FormulaPart::kSoftmax)).center());
    ui.frames(s, 2);
    // Query 6 ("ran"), key 3 ("because"): visible under the causal mask.
    const ImVec2 p = cell_center(s, PipelineStage::kWeights, 6, 3, n, n);
    ASSERT_TRUE(on_screen(p)) << p.x << "," << p.y;
    ui.click(s, p);
    EXPECT_EQ(s.selection.selected_cell_row, 6);
    EXPECT_EQ(s.selection.selected_cell_col, 3);
    EXPECT_EQ(s.selection.query, 6);
    // The panel shows that cell, with the engine's weight.
    EXPECT_EQ(testing::widget_value(s, "inspector_row"), 6.0);
    EXPECT_EQ(testing::widget_value(s, "inspector_col"), 3.0);

    const InspectedCell c = inspect_cell(s);
    ASSERT_TRUE(c.valid) << c.why_not;
    const attention::HeadResult& h =
        s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    EXPECT_EQ(c.raw_score, h.raw_scores(6, 3));
    EXPECT_EQ(c.scaled_score, h.scores(6, 3));
    EXPECT_EQ(c.weight, h.weights(6, 3));
    EXPECT_EQ(c.row_max, h.rows.max[6]);
    EXPECT_EQ(c.row_sum, h.rows.sum[6]);
    EXPECT_TRUE(c.visible);
    EXPECT_NEAR(c.weight_rebuilt, c.weight, kRebuildTol);
    EXPECT_NEAR(c.products_sum, c.raw_score, 1e-4f * std::max(1.0f, std::fabs(c.raw_score)));
    ASSERT_EQ(c.contribution.size(), c.v.size());
    for (std::size_t t = 0; t < c.v.size(); ++t) EXPECT_EQ(c.contribution[t], c.weight * c.v[t]);
    EXPECT_EQ(testing::widget_value(s, "inspector_weight"), static_cast<double>(h.weights(6, 3)));
}

TEST_F(Pipeline, ClickingTheRawScoreStageAndTheMainHeatmapSelectTheSameWay) {
    open("hand-example");
    const int n = s.derived.result()->n_q;
    ASSERT_EQ(n, 4);
    s.view.pipeline.scroll_to = PipelineStage::kRaw;
    ui.frames(s, 2);
    const ImVec2 p = cell_center(s, PipelineStage::kRaw, 2, 1, n, n);
    ASSERT_TRUE(on_screen(p)) << p.x << "," << p.y;
    ui.click(s, p);
    EXPECT_EQ(s.selection.selected_cell_row, 2);
    EXPECT_EQ(s.selection.selected_cell_col, 1);

    // The Attention view's heatmap: a click there selects the cell too.
    show_view(s, MainView::kAttention);
    ui.frames(s, 3);
    const Rect hm = testing::widget(s, "heatmap");
    ASSERT_GT(hm.max.x - hm.min.x, 20.0f);
    const float cw = (hm.max.x - hm.min.x) / 4.0f;
    ui.click(s, ImVec2(hm.min.x + 3.5f * cw, hm.min.y + 0.5f * cw));
    EXPECT_EQ(s.selection.selected_cell_row, 0);
    EXPECT_EQ(s.selection.selected_cell_col, 3);
    EXPECT_EQ(s.selection.query, 0);
}

TEST_F(Pipeline, WithNoCellClickedTheInspectorExplainsTheQuerysStrongestKey) {
    open("hand-example");
    ASSERT_EQ(s.selection.selected_cell_col, -1);
    const InspectedCell c = inspect_cell(s);
    ASSERT_TRUE(c.valid);
    EXPECT_TRUE(c.chosen_by_default);
    EXPECT_EQ(c.query_label, "sat");
    EXPECT_EQ(c.key_label, "cat") << "W_k swaps d1 and d2: the verb finds the noun";
}

TEST_F(Pipeline, TheInspectorExplainsMaskedCellsAndTheTemperatureLimits) {
    open("hand-example");
    set_causal(s, true);
    ui.frames(s, 2);
    ASSERT_TRUE(select_cell(s, 0, 2));
    ui.frames(s, 2);
    InspectedCell c = inspect_cell(s);
    ASSERT_TRUE(c.valid);
    EXPECT_FALSE(c.visible);
    EXPECT_EQ(c.weight, 0.0f);
    EXPECT_NE(c.verdict.find("masked"), std::string::npos);
    EXPECT_NE(c.verdict.find("exactly 0"), std::string::npos);

    ASSERT_TRUE(set_temperature(s, 0.0));
    ASSERT_TRUE(select_cell(s, 3, 0));
    ui.frames(s, 2);
    c = inspect_cell(s);
    EXPECT_EQ(c.regime, attention::TemperatureRegime::kArgmax);
    EXPECT_EQ(c.weight_rebuilt, c.weight);
    EXPECT_NE(c.verdict.find("T = 0"), std::string::npos);

    ASSERT_TRUE(set_temperature(s, std::numeric_limits<double>::infinity()));
    ui.frames(s, 2);
    c = inspect_cell(s);
    EXPECT_EQ(c.regime, attention::TemperatureRegime::kUniform);
    EXPECT_FLOAT_EQ(c.weight, 0.25f);
    EXPECT_FLOAT_EQ(c.weight_rebuilt, c.weight);
}

TEST_F(Pipeline, DraggingAnEmbeddingValueRecomputesTheWeights) {
    open("hand-example");
    ASSERT_TRUE(s.hand_model.has_value());
    const MatrixRM before = s.derived.result()->heads[0].weights;
    const float x_before = s.hand_model->x(1, 2);
    const int n = 4;
    const int d = static_cast<int>(s.hand_model->x.cols());
    const ImVec2 from = cell_center(s, PipelineStage::kX, 1, 2, n, d);
    ASSERT_TRUE(on_screen(from));
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = from;
    ui.frame(s);
    io.MouseDown[0] = true;
    ui.frame(s);
    for (int i = 1; i <= 4; ++i) {
        io.MousePos = ImVec2(from.x + 10.0f * static_cast<float>(i), from.y);
        ui.frame(s);
        if (i == 4) {
            EXPECT_TRUE(s.recompute_pending()) << "an edit asks the next update for a run";
        }
    }
    io.MouseDown[0] = false;
    ui.frames(s, 2);
    EXPECT_FALSE(s.recompute_pending());
    EXPECT_GT(s.hand_model->x(1, 2), x_before + 0.2f) << "dragged right by 40 px at 0.01 per px";
    EXPECT_FLOAT_EQ(s.derived.forward()->x_query(1, 2), s.hand_model->x(1, 2));
    const MatrixRM& after = s.derived.result()->heads[0].weights;
    EXPECT_GT((after - before).cwiseAbs().maxCoeff(), 1e-3f) << "the weights follow the embedding";
}

TEST_F(Pipeline, EditingTheSentenceLeavesTheHandExample) {
    open("hand-example");
    ASSERT_TRUE(s.hand_model.has_value());
    set_sentence(s, "the pod crashed");
    ui.frames(s, 2);
    EXPECT_FALSE(s.hand_model.has_value());
    EXPECT_NE(s.status_message.find("left the hand example"), std::string::npos);
    ASSERT_TRUE(s.derived.result() != nullptr);
    EXPECT_GT(s.derived.result()->heads.size(), 1u) << "the lesson model's heads again";
    EXPECT_FALSE(set_hand_value(s, HandMatrix::kX, 0, 0, 1.0f));
}

TEST_F(Pipeline, HandValuesAreChecked) {
    open("hand-example");
    ASSERT_FALSE(s.recompute_pending());
    EXPECT_FALSE(set_hand_value(s, HandMatrix::kWq, 3, 0, 1.0f));  // W_q is 3 x 3
    EXPECT_FALSE(set_hand_value(s, HandMatrix::kX, 0, 0, std::numeric_limits<float>::quiet_NaN()));
    EXPECT_FALSE(set_hand_value(s, HandMatrix::kX, 0, 0, 1e6f));
    EXPECT_FALSE(s.recompute_pending());
    EXPECT_TRUE(set_hand_value(s, HandMatrix::kWv, 2, 2, -0.5f));
    EXPECT_TRUE(s.recompute_pending());
}

TEST_F(Pipeline, HoveringAFormulaPartLightsItsStageAndBack) {
    open("hand-example");
    ASSERT_EQ(testing::widget_count(s, "formula_part"), static_cast<std::size_t>(FormulaPart::kCount));
    ui.hover(s, testing::widget(s, "formula_part", static_cast<int>(FormulaPart::kMask)).center());
    EXPECT_EQ(s.view.pipeline.hover_formula, FormulaPart::kMask);
    EXPECT_TRUE(stage_highlighted(s.view.pipeline, PipelineStage::kMasked));
    EXPECT_FALSE(stage_highlighted(s.view.pipeline, PipelineStage::kWeights));

    ui.mouse_away();
    s.view.pipeline.scroll_to = PipelineStage::kRaw;
    ui.frames(s, 2);
    const ImVec2 p = cell_center(s, PipelineStage::kRaw, 0, 0, 4, 4);
    ASSERT_TRUE(on_screen(p));
    ui.hover(s, p);
    EXPECT_EQ(s.view.pipeline.hover_formula, FormulaPart::kNone);
    EXPECT_EQ(s.view.pipeline.hover_stage, PipelineStage::kRaw);
    EXPECT_TRUE(formula_part_highlighted(s.view.pipeline, FormulaPart::kQ));
    EXPECT_TRUE(formula_part_highlighted(s.view.pipeline, FormulaPart::kKt));
    EXPECT_FALSE(formula_part_highlighted(s.view.pipeline, FormulaPart::kSoftmax));
}

TEST(PipelineStages, TheTemperatureStageDividesOrNamesTheLimit) {
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("hand-example"));
    set_causal(s, true);
    set_temperature(s, 2.0);
    ui.frames(s, 3);
    const attention::HeadResult& h = s.derived.result()->heads[0];
    StageMatrix t = stage_matrix(s, PipelineStage::kTempered);
    EXPECT_EQ(t.values(3, 1), h.scores(3, 1) / 2.0f);
    EXPECT_TRUE(std::isinf(t.values(1, 3))) << "masked: -inf";
    EXPECT_TRUE(t.masked);
    set_temperature(s, 0.0);
    ui.frames(s, 2);
    t = stage_matrix(s, PipelineStage::kTempered);
    EXPECT_NE(t.note.find("T = 0"), std::string::npos);
    EXPECT_EQ(t.values(3, 1), s.derived.result()->heads[0].scores(3, 1)) << "no division at T = 0";
    set_temperature(s, std::numeric_limits<double>::infinity());
    ui.frames(s, 2);
    EXPECT_NE(stage_matrix(s, PipelineStage::kTempered).note.find("every visible key"), std::string::npos);
}

TEST(PipelineStages, EveryFormulaPartPointsAtAStageThatPointsBack) {
    for (int p = 0; p < static_cast<int>(FormulaPart::kCount); ++p) {
        const auto part = static_cast<FormulaPart>(p);
        const PipelineStage st = formula_stage(part);
        ASSERT_NE(st, PipelineStage::kNone) << p;
        EXPECT_NE(stage_formula_parts(st) & (1u << static_cast<unsigned>(p)), 0u) << p;
    }
}

TEST(PipelineStages, StageMatricesAreTheEnginesOwn) {
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("pod"));
    ui.frames(s, 3);
    focus_head(s, 2);
    ui.frames(s, 1);
    const attention::HeadResult& h = s.derived.result()->heads[2];
    EXPECT_EQ(stage_matrix(s, PipelineStage::kRaw).values, h.raw_scores);
    EXPECT_EQ(stage_matrix(s, PipelineStage::kScaled).values, h.scores);
    EXPECT_EQ(stage_matrix(s, PipelineStage::kWeights).values, h.weights);
    EXPECT_EQ(stage_matrix(s, PipelineStage::kOutput).values, h.output);
    EXPECT_EQ(stage_matrix(s, PipelineStage::kQ).values, MatrixRM(s.derived.forward()->inputs.q.mat(2)));
    const StageMatrix x = stage_matrix(s, PipelineStage::kX);
    EXPECT_EQ(x.col_names, lesson::LessonModel::instance().embedding_dim_names());
    EXPECT_FALSE(x.editable.has_value());
    const StageMatrix masked = stage_matrix(s, PipelineStage::kMasked);
    EXPECT_TRUE(std::isinf(masked.values(0, 1)) && masked.values(0, 1) < 0)
        << "causal: key 1 hidden from query 0";
}

}  // namespace
}  // namespace attnviz::gui
