// Renders heatmaps on the GPU: a matrix's cells (HeatmapCells) become a float texture, coloured by the
// heatmap shader into an offscreen texture that ImGui shows as an image. Re-renders only on change.
#pragma once

#include "app/gui/compute/heatmap_cells.h"
#include "app/gui/gfx/gl.h"
#include "app/gui/style/colormap.h"
#include "app/gui/style/theme.h"
#include "core/base/expected.h"

#include <imgui.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::gui {

/// One heatmap to draw.
struct HeatmapRequest {
    const HeatmapCells* cells = nullptr;  ///< [n_rows, n_cols]; must stay alive during render()
    std::uint64_t cells_version = 0;      ///< changes whenever the cells' contents change
    Colormap colormap = Colormap::kViridis;
    Theme theme = Theme::kDark;
    int width_px = 0;  ///< size of the image on screen, framebuffer pixels
    int height_px = 0;
    std::array<float, 4> window{0.0f, 0.0f, 1.0f, 1.0f};  ///< visible part of the matrix (zoom)
};

class HeatmapRenderer {
  public:
    HeatmapRenderer() = default;
    HeatmapRenderer(const HeatmapRenderer&) = delete;
    HeatmapRenderer& operator=(const HeatmapRenderer&) = delete;
    ~HeatmapRenderer();

    /// Compiles the shader and uploads the colormap tables. Needs a current GL context.
    Status init(const std::string& glsl_version_line);
    bool ready() const { return m_program != 0; }

    /// Renders request into slot `slot` (any small integer; one per heatmap on screen) if anything
    /// changed since the last call, and returns the image for ImGui::Image (nullptr if not ready or
    /// the request is empty). Leaves the default framebuffer bound.
    ImTextureID render(int slot, const HeatmapRequest& request);

    /// Frees every GL object; call while the context is still current.
    void shutdown();

  private:
    struct Slot {
        GLuint cells_texture = 0;
        GLuint framebuffer = 0;
        GLuint color_texture = 0;
        int width = 0, height = 0;
        int n_rows = 0, n_cols = 0;
        const HeatmapCells* cells = nullptr;
        std::uint64_t cells_version = ~0ULL;
        Colormap colormap = Colormap::kViridis;
        Theme theme = Theme::kDark;
        std::array<float, 4> window{};
    };
    void upload_cells(Slot& slot, const HeatmapCells& cells);
    void resize_target(Slot& slot, int width, int height);

    GLuint m_program = 0;
    GLuint m_vao = 0;
    std::array<GLuint, kColormapCount> m_lut{};
    std::vector<Slot> m_slots;
    GLint m_u_cells = -1, m_u_lut = -1, m_u_window = -1, m_u_target = -1;
    GLint m_u_masked = -1, m_u_masked_line = -1, m_u_empty = -1, m_u_grid = -1;
};

}  // namespace attnviz::gui
