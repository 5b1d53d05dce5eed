// Heatmap normalisation (linear, log, rank, ignore-first-key) and the colormap tables.
#include "app/gui/compute/heatmap_cells.h"
#include "app/gui/style/colormap.h"

#include <gtest/gtest.h>

namespace attnviz::gui {
namespace {

MatrixRM weights_3x3() {
    MatrixRM w(3, 3);
    w << 1.0f, 0.0f, 0.0f,  //
        0.5f, 0.5f, 0.0f,   //
        0.8f, 0.1f, 0.1f;
    return w;
}

MaskMatrix causal_3x3() {
    MaskMatrix m(3, 3);
    m << 1, 0, 0, 1, 1, 0, 1, 1, 1;
    return m;
}

TEST(HeatmapCells, LinearScaleStatesAndRange) {
    const MaskMatrix mask = causal_3x3();
    const HeatmapCells c = make_heatmap_cells(weights_3x3(), &mask, {});
    EXPECT_EQ(c.range.vmin, 0.0f);
    EXPECT_EQ(c.range.vmax, 1.0f);
    EXPECT_EQ(c.state(0, 1), CellState::kMasked);
    EXPECT_EQ(c.state(1, 1), CellState::kValue);
    EXPECT_FLOAT_EQ(c.t(1, 0), 0.5f);
    EXPECT_FLOAT_EQ(c.t(2, 0), 0.8f);
}

TEST(HeatmapCells, RowsWithNoVisibleKeyAreMarked) {
    MaskMatrix mask = causal_3x3();
    mask.row(1).setZero();
    const HeatmapCells c = make_heatmap_cells(weights_3x3(), &mask, {});
    for (int j = 0; j < 3; ++j) EXPECT_EQ(c.state(1, j), CellState::kEmptyRow);
}

TEST(HeatmapCells, IgnoreFirstKeyRescalesTheRest) {
    const MaskMatrix mask = causal_3x3();
    ColorScaleSettings s;
    s.ignore_first_key = true;
    const HeatmapCells c = make_heatmap_cells(weights_3x3(), &mask, s);
    EXPECT_FLOAT_EQ(c.range.vmax, 0.5f);  // column 0's 1.0 and 0.8 no longer set the top
    EXPECT_FLOAT_EQ(c.t(1, 1), 1.0f);
    EXPECT_FLOAT_EQ(c.t(2, 1), 0.2f);
    EXPECT_FLOAT_EQ(c.t(0, 0), 1.0f) << "the sink saturates";
}

TEST(HeatmapCells, LogScaleSpansFourDecades) {
    MatrixRM w(1, 4);
    w << 1.0f, 0.1f, 1e-6f, 0.01f;
    ColorScaleSettings s;
    s.scale = ColorScale::kLog;
    const HeatmapCells c = make_heatmap_cells(w, nullptr, s);
    EXPECT_NEAR(c.range.vmin, 1e-4f, 1e-9f);
    EXPECT_FLOAT_EQ(c.t(0, 0), 1.0f);
    EXPECT_NEAR(c.t(0, 1), 0.75f, 1e-5f);
    EXPECT_NEAR(c.t(0, 3), 0.5f, 1e-5f);
    EXPECT_EQ(c.t(0, 2), 0.0f);
}

TEST(HeatmapCells, RankScaleOrdersVisibleValues) {
    const MaskMatrix mask = causal_3x3();
    ColorScaleSettings s;
    s.scale = ColorScale::kRank;
    const HeatmapCells c = make_heatmap_cells(weights_3x3(), &mask, s);
    // visible values sorted: 0.1 0.1 0.5 0.5 0.8 1.0 -> ranks by lower bound / 5
    EXPECT_FLOAT_EQ(c.t(2, 1), 0.0f);
    EXPECT_FLOAT_EQ(c.t(1, 0), 0.4f);
    EXPECT_FLOAT_EQ(c.t(0, 0), 1.0f);
}

TEST(HeatmapCells, ReusedCellsEqualFreshOnesWhateverTheyHeldBefore) {
    // The GUI rebuilds the focused head into the same buffer on every frame of a drag: nothing of the
    // last matrix (a masked cell, an empty row, another size) may survive into the next.
    MaskMatrix mask = causal_3x3();
    mask.row(1).setZero();
    HeatmapCells reused;
    make_heatmap_cells(MatrixRM::Constant(4, 5, 0.3f), nullptr, {}, reused);
    for (const ColorScale scale : {ColorScale::kLinear, ColorScale::kLog, ColorScale::kRank}) {
        ColorScaleSettings s;
        s.scale = scale;
        const HeatmapCells fresh = make_heatmap_cells(weights_3x3(), &mask, s);
        make_heatmap_cells(weights_3x3(), &mask, s, reused);
        EXPECT_EQ(reused.n_rows, 3);
        EXPECT_EQ(reused.n_cols, 3);
        EXPECT_EQ(reused.data, fresh.data) << color_scale_name(scale);
        make_heatmap_cells(weights_3x3(), nullptr, s, reused);  // then all visible again
        EXPECT_EQ(reused.data, make_heatmap_cells(weights_3x3(), nullptr, s).data);
    }
}

TEST(DownsampledCells, BlockMeansOfVisibleCellsForRectangularMatrices) {
    // 5 x 7 into at most 3 a side: blocks of ceil(7 / 3) = 3 -> 2 x 3 cells; the last block is partial.
    MatrixRM w(5, 7);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 7; ++j) w(i, j) = static_cast<float>(10 * i + j);
    MaskMatrix visible = MaskMatrix::Ones(5, 7);
    visible.block(0, 3, 3, 3).setZero();  // block (0, 1) has no visible cell
    visible(4, 6) = 0;                    // block (1, 2) keeps only (3, 6)
    const HeatmapCells c = make_downsampled_cells(w, visible, 3, {});
    ASSERT_EQ(c.n_rows, 2);
    ASSERT_EQ(c.n_cols, 3);
    EXPECT_EQ(c.state(0, 1), CellState::kMasked);
    // block (0, 0): rows 0-2, cols 0-2 -> mean 11; block (1, 0): rows 3-4, cols 0-2 -> mean 36;
    // block (1, 2): only (3, 6) = 36; block (0, 2): rows 0-2, col 6 -> 16; block (1, 1): rows 3-4,
    // cols 3-5 -> 39 (the largest, t = 1 on the zero-based linear scale).
    EXPECT_FLOAT_EQ(c.range.vmax, 39.0f);
    EXPECT_FLOAT_EQ(c.t(0, 0), 11.0f / 39.0f);
    EXPECT_FLOAT_EQ(c.t(1, 0), 36.0f / 39.0f);
    EXPECT_FLOAT_EQ(c.t(1, 2), 36.0f / 39.0f);
    EXPECT_FLOAT_EQ(c.t(0, 2), 16.0f / 39.0f);
    EXPECT_FLOAT_EQ(c.t(1, 1), 1.0f);
}

TEST(DownsampledCells, SmallMatricesAreTheFullCells) {
    const MaskMatrix mask = causal_3x3();
    EXPECT_EQ(make_downsampled_cells(weights_3x3(), mask, 3, {}).data,
              make_heatmap_cells(weights_3x3(), &mask, {}).data);
}

TEST(Colormap, TablesRunDarkToBrightAndIndexRounds) {
    for (Colormap c : {Colormap::kViridis, Colormap::kMagma, Colormap::kGrey}) {
        const auto& t = colormap_table(c);
        const auto luma = [](Rgb8 p) { return 0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b; };
        EXPECT_LT(luma(t.front()), 60.0) << colormap_name(c);
        EXPECT_GT(luma(t.back()), 180.0) << colormap_name(c);
    }
    // viridis endpoints of matplotlib: #440154 .. #fde725 (the polynomial fit is within a few LSB)
    const Rgb8 lo = colormap_table(Colormap::kViridis).front();
    const Rgb8 hi = colormap_table(Colormap::kViridis).back();
    EXPECT_NEAR(lo.r, 0x44, 6);
    EXPECT_NEAR(lo.b, 0x54, 6);
    EXPECT_NEAR(hi.r, 0xfd, 6);
    EXPECT_NEAR(hi.g, 0xe7, 6);
    EXPECT_EQ(colormap_index(0.0f), 0);
    EXPECT_EQ(colormap_index(1.0f), 255);
    EXPECT_EQ(colormap_index(0.5f), 128);
    EXPECT_EQ(colormap_index(-3.0f), 0);
    EXPECT_EQ(colormap_index(std::nanf("")), 0);
}

}  // namespace
}  // namespace attnviz::gui
