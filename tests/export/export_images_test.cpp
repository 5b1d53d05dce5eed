// The picture exports: the heatmap SVG has one rect per cell and renders with rsvg-convert (librsvg, the
// renderer GNOME and Inkscape's import share), labels are XML-escaped, the arcs SVG draws one path per
// shown arc, the CPU raster picks the shader's colour entries, and the GIF reads back with giflib with the
// frame count, size, delay and colours asked for.
#include "core/exports/colormap.h"
#include "core/exports/export_source.h"
#include "core/exports/gif.h"
#include "core/exports/raster.h"
#include "core/exports/svg.h"
#include "core/lesson/scenario.h"
#include "tests/support/export_files.h"

#include <gif_lib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace attnviz {
namespace {

using testing::count_of;
using testing::ScratchDir;

bool have_rsvg() {
    return std::system("command -v rsvg-convert >/dev/null 2>&1") == 0;
}

/// Renders an SVG file to PNG with rsvg-convert; returns the PNG's bytes ("" when it failed).
std::string render_svg(const ScratchDir& dir, const std::string& svg, const std::string& stem) {
    const std::string in = dir.file(stem + ".svg");
    const std::string out = dir.file(stem + ".png");
    {
        std::ofstream f(in, std::ios::binary);
        f << svg;
    }
    const std::string cmd = "rsvg-convert '" + in + "' -o '" + out + "' 2>'" + dir.file(stem + ".err") + "'";
    if (std::system(cmd.c_str()) != 0) {
        ADD_FAILURE() << "rsvg-convert failed: " << testing::read_text(dir.file(stem + ".err"));
        return "";
    }
    return testing::read_text(out);
}

exports::AttentionExport pod_export() {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("pod");
    exports::ExportSource src;
    src.sentence = sc->sentence;
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    EXPECT_TRUE(e.ok()) << e.error();
    return std::move(e).value();
}

TEST(ExportSvg, HeatmapHasOneRectPerCellAndRenders) {
    const exports::AttentionExport e = pod_export();
    exports::HeatmapSvgOptions o;
    o.title = "pod \u00b7 head 0";
    o.cell = 30.0f;
    const std::string svg =
        exports::heatmap_svg(exports::head_weights(e, 0, 0), e.visible[0], e.query_labels, e.key_labels, o);
    EXPECT_EQ(count_of(svg, "class=\"cell\""), 81);
    EXPECT_EQ(count_of(svg, "fill=\"url(#masked)\""), 36 + 1)
        << "36 masked cells of a causal 9x9, plus the legend swatch";
    // The top-left cell (the sees only itself: weight 1) carries the colormap's last entry.
    const exports::Rgb8 top = exports::colormap_color(exports::Colormap::kViridis, 1.0f);
    char fill[32];
    std::snprintf(fill, sizeof fill, "fill=\"#%02x%02x%02x\"", top.r, top.g, top.b);
    EXPECT_NE(svg.find(fill), std::string::npos) << "viridis' top colour " << fill;
    EXPECT_NE(svg.find(">pod</text>"), std::string::npos);
    EXPECT_NE(svg.find("<linearGradient id=\"legend\""), std::string::npos);
    if (!have_rsvg())
        GTEST_SKIP() << "rsvg-convert is not installed (Debian librsvg2-bin; .ci/setup-debian installs it)";
    ScratchDir dir("svg");
    const auto [w, h] = testing::png_size(render_svg(dir, svg, "heatmap"));
    EXPECT_GT(w, 9 * 30);
    EXPECT_GT(h, 9 * 30);
}

TEST(ExportSvg, LabelsAreEscapedAndTheDocumentStillParses) {
    MatrixRM w(3, 3);
    w << 1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f;
    MaskMatrix vis(3, 3);
    vis << 1, 0, 0, 1, 1, 0, 1, 1, 1;
    const std::vector<std::string> labels = {"<b>&", "\"q'\"", std::string("ctl\x01\xff", 5)};
    const std::string svg = exports::heatmap_svg(w, vis, labels, labels, {});
    EXPECT_NE(svg.find("&lt;b&gt;&amp;"), std::string::npos);
    EXPECT_NE(svg.find("&quot;q&apos;&quot;"), std::string::npos);
    EXPECT_EQ(svg.find("<b>"), std::string::npos);
    EXPECT_EQ(svg.find('\x01'), std::string::npos);
    EXPECT_NE(svg.find("ctl\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos)
        << "control and invalid byte as U+FFFD";
    EXPECT_EQ(count_of(svg, "class=\"cell\""), 9);
    const std::string strip = exports::token_strip_svg(labels, w, vis, 2, {});
    EXPECT_EQ(strip.find("<b>"), std::string::npos);
    if (!have_rsvg()) GTEST_SKIP() << "rsvg-convert is not installed";
    ScratchDir dir("svg_escape");
    EXPECT_GT(testing::png_size(render_svg(dir, svg, "escaped")).first, 0);
    EXPECT_GT(testing::png_size(render_svg(dir, strip, "strip")).first, 0);
}

TEST(ExportSvg, TokenStripDrawsAnArcPerVisibleKeyAboveTheThreshold) {
    const exports::AttentionExport e = pod_export();
    const MatrixRM w = exports::head_weights(e, 0, 0);
    const int query = 4;  // "it": sees "the pod crashed because it"
    exports::TokenStripSvgOptions o;
    int expected = 0;
    for (int j = 0; j < 9; ++j) expected += e.visible[0](query, j) != 0 && w(query, j) >= o.min_weight;
    ASSERT_EQ(expected, 5);
    const std::string svg = exports::token_strip_svg(e.query_labels, w, e.visible[0], query, o);
    EXPECT_EQ(count_of(svg, "class=\"chip\""), 9);
    EXPECT_EQ(count_of(svg, "class=\"arc\""), expected);
    EXPECT_EQ(count_of(svg, "class=\"bar\""), 5);
    char strongest[16];
    std::snprintf(strongest, sizeof strongest, ">%.2f</text>", static_cast<double>(w(query, 1)));
    EXPECT_NE(svg.find(strongest), std::string::npos) << "the arc to pod carries its weight";
    o.min_weight = 0.5f;
    EXPECT_EQ(count_of(exports::token_strip_svg(e.query_labels, w, e.visible[0], query, o), "class=\"arc\""),
              1);
    if (!have_rsvg()) GTEST_SKIP() << "rsvg-convert is not installed";
    ScratchDir dir("strip");
    EXPECT_GT(testing::png_size(render_svg(dir, svg, "strip")).first, 0);
}

TEST(ExportRaster, PixelsTakeTheShadersTableEntries) {
    MatrixRM w(2, 2);
    w << 1.0f, 0.0f, 0.25f, 0.75f;
    MaskMatrix vis(2, 2);
    vis << 1, 0, 1, 1;
    const exports::HeatmapCells cells = exports::make_heatmap_cells(w, &vis, {});
    const exports::CodeImage img = exports::render_heatmap(cells, 4, 4);
    ASSERT_EQ(img.codes.size(), 16u);
    const auto at = [&](int x, int y) { return img.codes[static_cast<std::size_t>(y * 4 + x)]; };
    EXPECT_EQ(at(0, 0), 255);
    EXPECT_EQ(at(1, 1), 255);
    EXPECT_TRUE(at(2, 0) == exports::kCodeMasked || at(2, 0) == exports::kCodeMaskedLine);
    EXPECT_EQ(at(0, 2), exports::colormap_index(0.25f));
    EXPECT_EQ(at(3, 3), exports::colormap_index(0.75f));
    const exports::RgbImage rgb = exports::to_rgb(img, exports::Colormap::kMagma);
    const exports::Rgb8 c = exports::colormap_color(exports::Colormap::kMagma, 0.75f);
    EXPECT_EQ(rgb.rgb[(3 * 4 + 3) * 3], c.r);
    EXPECT_EQ(rgb.rgb[(3 * 4 + 3) * 3 + 1], c.g);
    EXPECT_EQ(rgb.rgb[(3 * 4 + 3) * 3 + 2], c.b);
    // A progress bar along the bottom: half filled.
    const exports::CodeImage bar = exports::render_heatmap(cells, 48, 48, 0.5f);
    EXPECT_EQ(bar.codes[47 * 48 + 10], exports::kCodeBar);
    EXPECT_EQ(bar.codes[47 * 48 + 40], exports::kCodeBackground);
}

TEST(ExportColormap, NamesRoundTrip) {
    for (exports::Colormap c :
         {exports::Colormap::kViridis, exports::Colormap::kMagma, exports::Colormap::kGrey}) {
        EXPECT_EQ(exports::colormap_from_name(exports::colormap_name(c)), c);
    }
    EXPECT_FALSE(exports::colormap_from_name("jet").has_value());
}

struct GifFile {
    GifFileType* gif = nullptr;
    explicit GifFile(const std::string& path) {
        int err = 0;
        gif = DGifOpenFileName(path.c_str(), &err);
        if (gif != nullptr && DGifSlurp(gif) != GIF_OK) {
            DGifCloseFile(gif, &err);
            gif = nullptr;
        }
    }
    ~GifFile() {
        int err = 0;
        if (gif != nullptr) DGifCloseFile(gif, &err);
    }
};

TEST(ExportGif, TemperatureSweepHasTheFramesSizeAndDelayAskedFor) {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("pod");
    exports::ExportSource src;
    src.sentence = sc->sentence;
    Expected<std::vector<exports::AnimationFrame>> frames =
        exports::animation_frames(src, exports::Animation::kTemperature, 7);
    ASSERT_TRUE(frames.ok()) << frames.error();
    ASSERT_EQ(frames->size(), 7u);
    EXPECT_NEAR(frames->front().temperature, 0.05, 1e-12);
    EXPECT_NEAR(frames->back().temperature, 20.0, 1e-9);
    // Low temperature sharpens: the largest weight of "it"'s row falls as T rises.
    EXPECT_GT(frames->front().weights.row(4).maxCoeff(), frames->back().weights.row(4).maxCoeff());
    std::vector<exports::CodeImage> images;
    for (std::size_t f = 0; f < frames->size(); ++f) {
        const exports::HeatmapCells cells =
            exports::make_heatmap_cells((*frames)[f].weights, &(*frames)[f].visible, {});
        images.push_back(exports::render_heatmap(cells, 90, 60, static_cast<float>(f) / 6.0f));
    }
    ScratchDir dir("gif");
    ASSERT_TRUE(exports::write_gif(dir.file("sweep.gif"), images, exports::Colormap::kViridis, 4.0).empty());
    GifFile g(dir.file("sweep.gif"));
    ASSERT_NE(g.gif, nullptr);
    EXPECT_EQ(g.gif->SWidth, 90);
    EXPECT_EQ(g.gif->SHeight, 60);
    EXPECT_EQ(g.gif->ImageCount, 7);
    GraphicsControlBlock gcb;
    ASSERT_EQ(DGifSavedExtensionToGCB(g.gif, 3, &gcb), GIF_OK);
    EXPECT_EQ(gcb.DelayTime, 25) << "4 fps = 25/100 s";
    // Pixel (0, 0) of frame 0 is "the" seeing only itself: the colormap's top entry.
    const GifColorType top = g.gif->SColorMap->Colors[g.gif->SavedImages[0].RasterBits[0]];
    const exports::Rgb8 want = exports::colormap_color(exports::Colormap::kViridis, 1.0f);
    EXPECT_EQ(top.Red, want.r);
    EXPECT_EQ(top.Green, want.g);
    EXPECT_EQ(top.Blue, want.b);
}

TEST(ExportGif, MaskAnimationAlternatesAndCrossAttentionRefuses) {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("pod");
    exports::ExportSource src;
    src.sentence = sc->sentence;
    Expected<std::vector<exports::AnimationFrame>> frames =
        exports::animation_frames(src, exports::Animation::kMask, 4);
    ASSERT_TRUE(frames.ok()) << frames.error();
    ASSERT_EQ(frames->size(), 4u);
    EXPECT_TRUE((*frames)[0].causal);
    EXPECT_FALSE((*frames)[1].causal);
    EXPECT_EQ((*frames)[0].visible.cast<int>().sum(), 45);
    EXPECT_EQ((*frames)[1].visible.cast<int>().sum(), 81);
    exports::ExportSource cross = src;
    cross.key_sentence = "a second sentence";
    Expected<std::vector<exports::AnimationFrame>> refused =
        exports::animation_frames(cross, exports::Animation::kMask, 2);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("cross-attention"), std::string::npos);
    EXPECT_FALSE(exports::animation_frames(src, exports::Animation::kMask, 1).ok());
}

TEST(ExportGif, FlashFramesVisitEveryTileOnceAndEndOnTheReferenceWeights) {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("pod");
    exports::ExportSource src;
    src.sentence = sc->sentence;
    src.focus_head = 1;
    Expected<std::vector<exports::AnimationFrame>> frames =
        exports::animation_frames(src, exports::Animation::kFlash, 0, 2, 3);
    ASSERT_TRUE(frames.ok()) << frames.error();
    // 9 tokens in tiles of 2 queries x 3 keys: 5 x 3 tiles, then the finished matrix.
    ASSERT_EQ(frames->size(), 16u);
    int cells_seen_current = 0;
    for (std::size_t f = 0; f + 1 < frames->size(); ++f) {
        const MaskMatrix& t = (*frames)[f].tiles;
        ASSERT_EQ(t.rows(), 9);
        ASSERT_EQ(t.cols(), 9);
        const int current = static_cast<int>((t.array() == 1).count());
        EXPECT_GE(current, 2);
        EXPECT_LE(current, 6);
        cells_seen_current += current;
        if (f > 0) {
            const MaskMatrix& before = (*frames)[f - 1].tiles;
            EXPECT_EQ((t.array() == 0).count(), (before.array() == 0).count() + (before.array() == 1).count())
                << "the previous tile is done";
        }
    }
    EXPECT_EQ(cells_seen_current, 81) << "every cell is in exactly one tile";
    EXPECT_EQ((frames->back().tiles.array() == 0).count(), 81);
    Expected<exports::AttentionExport> e = exports::compute_export(src);
    ASSERT_TRUE(e.ok());
    const MatrixRM ref = exports::head_weights(*e, 0, 1);
    EXPECT_LE((frames->back().weights - ref).cwiseAbs().maxCoeff(), 1e-6f);
    // Drawn: the first frame's pending cells are pale, the current tile framed in the bar colour.
    const std::vector<exports::CodeImage> imgs =
        exports::render_animation(*frames, exports::Animation::kFlash, {}, 90, 96);
    ASSERT_EQ(imgs.size(), 16u);
    const auto count = [](const exports::CodeImage& img, std::uint16_t code) {
        return std::count(img.codes.begin(), img.codes.end(), code);
    };
    EXPECT_GT(count(imgs.front(), exports::kCodePending), 1000);
    EXPECT_EQ(count(imgs.back(), exports::kCodePending), 0);
    EXPECT_GT(count(imgs.front(), exports::kCodeBar), 20);
    ScratchDir dir("gif_flash");
    ASSERT_TRUE(exports::write_gif(dir.file("flash.gif"), imgs, exports::Colormap::kMagma, 3.0).empty());
    GifFile g(dir.file("flash.gif"));
    ASSERT_NE(g.gif, nullptr);
    EXPECT_EQ(g.gif->ImageCount, 16);
}

TEST(ExportGif, RefusesBadInputWithoutWritingAFile) {
    ScratchDir dir("gif_bad");
    exports::CodeImage a;
    a.width = 4;
    a.height = 4;
    a.codes.assign(16, 0);
    exports::CodeImage b = a;
    b.width = 2;
    b.codes.assign(8, 0);
    EXPECT_FALSE(exports::write_gif(dir.file("x.gif"), {}, exports::Colormap::kViridis, 5.0).empty());
    EXPECT_FALSE(exports::write_gif(dir.file("x.gif"), {a, b}, exports::Colormap::kViridis, 5.0).empty());
    EXPECT_FALSE(exports::write_gif(dir.file("x.gif"), {a}, exports::Colormap::kViridis, 0.0).empty());
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.gif")));
    EXPECT_FALSE(
        exports::write_gif(dir.file("no/such/dir/x.gif"), {a}, exports::Colormap::kViridis, 5.0).empty());
}

}  // namespace
}  // namespace attnviz
