// GL tests (run under Xvfb): shaders compile, and the heatmap shader paints exactly the CPU colormap.
#include "app/gui/gfx/heatmap_renderer.h"
#include "app/gui/gfx/platform_glfw.h"
#include "app/gui/gfx/shader_program.h"
#include "app/gui/style/colormap.h"
#include "app/gui/style/theme.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace attnviz::gui {
namespace {

// Colours are compared channel by channel: the shader fetches the same 8-bit table entry the CPU
// picks, so anything beyond rounding (1 LSB) is a bug.
constexpr int kLsbTolerance = 1;

class GlContext : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_platform = std::make_unique<Platform>();
        PlatformOptions o;
        o.width = 320;
        o.height = 240;
        o.vsync = false;
        s_error = s_platform->init(o);
    }
    static void TearDownTestSuite() { s_platform.reset(); }
    void SetUp() override { ASSERT_EQ(s_error, "") << "needs a display: run under xvfb-run -a"; }

    static std::unique_ptr<Platform> s_platform;
    static Status s_error;
};
std::unique_ptr<Platform> GlContext::s_platform;
Status GlContext::s_error;

std::vector<std::uint8_t> read_texture(ImTextureID id, int w, int h) {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(id)));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    return px;
}

void expect_color(const std::vector<std::uint8_t>& px, int w, int x, int y, ImU32 expected,
                  const char* what) {
    const std::size_t k =
        4 * (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x));
    const int r = static_cast<int>(expected & 0xFF), g = static_cast<int>((expected >> 8) & 0xFF),
              b = static_cast<int>((expected >> 16) & 0xFF);
    EXPECT_LE(std::abs(px[k] - r), kLsbTolerance) << what << " at " << x << "," << y;
    EXPECT_LE(std::abs(px[k + 1] - g), kLsbTolerance) << what << " at " << x << "," << y;
    EXPECT_LE(std::abs(px[k + 2] - b), kLsbTolerance) << what << " at " << x << "," << y;
}

TEST_F(GlContext, EveryShaderCompilesAndLinks) {
    for (const std::string& version : {s_platform->glsl_version_line(), std::string("#version 330 core")}) {
        Expected<GLuint> p = build_program(version, "fullscreen_quad.vert", "heatmap.frag");
        ASSERT_TRUE(p.ok()) << p.error();
        glDeleteProgram(*p);
    }
    Expected<GLuint> missing = build_program("#version 330 core", "fullscreen_quad.vert", "nope.frag");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().find("missing embedded shader nope.frag"), std::string::npos);
}

TEST_F(GlContext, ColormapShaderMatchesTheCpuColormapAtProbePixels) {
    HeatmapRenderer renderer;
    ASSERT_EQ(renderer.init(s_platform->glsl_version_line()), "");
    // 4 x 5 cells: a ramp of t values, one masked cell, and row 3 with no visible key.
    HeatmapCells cells;
    cells.n_rows = 4;
    cells.n_cols = 5;
    cells.data.assign(2 * 20, 0.0f);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 5; ++j)
            cells.data[2 * static_cast<std::size_t>(i * 5 + j)] = static_cast<float>(i * 5 + j) / 14.0f;
    }
    cells.data[2 * (0 * 5 + 4) + 1] = static_cast<float>(CellState::kMasked);
    for (int j = 0; j < 5; ++j)
        cells.data[2 * static_cast<std::size_t>(15 + j) + 1] = static_cast<float>(CellState::kEmptyRow);

    for (Colormap cmap : {Colormap::kViridis, Colormap::kMagma, Colormap::kGrey}) {
        SCOPED_TRACE(colormap_name(cmap));
        HeatmapRequest req;
        req.cells = &cells;
        req.cells_version = static_cast<std::uint64_t>(cmap);
        req.colormap = cmap;
        req.width_px = 200;  // 40 x 40 pixel cells
        req.height_px = 160;
        const ImTextureID tex = renderer.render(0, req);
        ASSERT_NE(tex, nullptr);
        const std::vector<std::uint8_t> px = read_texture(tex, 200, 160);
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 5; ++j) {
                if (i == 0 && j == 4) continue;
                const Rgb8 c = colormap_color(cmap, cells.t(i, j));
                // texture row i*40 + 20 holds matrix row i (ImGui shows texture row 0 at the top)
                expect_color(px, 200, j * 40 + 20, i * 40 + 20, IM_COL32(c.r, c.g, c.b, 255), "cell");
            }
        }
        // The masked cell is hatched: every pixel is one of the two hatch colours, and both appear.
        const Palette& pal = palette(Theme::kDark);
        int base = 0, line = 0;
        for (int y = 5; y < 35; ++y) {
            for (int x = 165; x < 195; ++x) {
                const std::size_t k = 4 * (static_cast<std::size_t>(y) * 200 + static_cast<std::size_t>(x));
                const ImU32 got = IM_COL32(px[k], px[k + 1], px[k + 2], 255);
                base += got == pal.masked_cell ? 1 : 0;
                line += got == pal.text_dim ? 1 : 0;
            }
        }
        EXPECT_EQ(base + line, 900);
        EXPECT_GT(line, 50);
        EXPECT_GT(base, 300);
        expect_color(px, 200, 100, 140, pal.empty_row, "row with no visible key");
    }
    renderer.shutdown();
}

TEST_F(GlContext, RendersOnlyWhenSomethingChanged) {
    HeatmapRenderer renderer;
    ASSERT_EQ(renderer.init(s_platform->glsl_version_line()), "");
    HeatmapCells cells;
    cells.n_rows = cells.n_cols = 2;
    cells.data = {0.0f, 0, 1.0f, 0, 1.0f, 0, 0.0f, 0};
    HeatmapRequest req;
    req.cells = &cells;
    req.cells_version = 1;
    req.width_px = req.height_px = 64;
    const ImTextureID a = renderer.render(3, req);
    cells.data[0] = 1.0f;  // changed without a new version: the old image stays
    const ImTextureID b = renderer.render(3, req);
    EXPECT_EQ(a, b);
    std::vector<std::uint8_t> px = read_texture(b, 64, 64);
    const Rgb8 lo = colormap_color(Colormap::kViridis, 0.0f);
    expect_color(px, 64, 10, 10, IM_COL32(lo.r, lo.g, lo.b, 255), "unchanged");
    req.cells_version = 2;
    px = read_texture(renderer.render(3, req), 64, 64);
    const Rgb8 hi = colormap_color(Colormap::kViridis, 1.0f);
    expect_color(px, 64, 10, 10, IM_COL32(hi.r, hi.g, hi.b, 255), "after a new version");
    renderer.shutdown();
}

}  // namespace
}  // namespace attnviz::gui
