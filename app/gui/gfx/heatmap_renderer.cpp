// GPU heatmaps: cells as an RG32F texture, colormap tables as RGBA8 textures, one FBO per slot.
#include "app/gui/gfx/heatmap_renderer.h"

#include "app/gui/gfx/shader_program.h"

#include <cstdint>

namespace attnviz::gui {

namespace {

ImTextureID to_imgui(GLuint texture) {
    return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture));
}

void set_rgb(GLint location, ImU32 c) {
    const ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
    glUniform3f(location, v.x, v.y, v.z);
}

}  // namespace

HeatmapRenderer::~HeatmapRenderer() {
    shutdown();
}

Status HeatmapRenderer::init(const std::string& version_line) {
    Expected<GLuint> program = build_program(version_line, "fullscreen_quad.vert", "heatmap.frag");
    if (!program) return program.error();
    m_program = *program;
    m_u_cells = glGetUniformLocation(m_program, "u_cells");
    m_u_lut = glGetUniformLocation(m_program, "u_lut");
    m_u_window = glGetUniformLocation(m_program, "u_window");
    m_u_target = glGetUniformLocation(m_program, "u_target_px");
    m_u_masked = glGetUniformLocation(m_program, "u_masked_rgb");
    m_u_masked_line = glGetUniformLocation(m_program, "u_masked_line_rgb");
    m_u_empty = glGetUniformLocation(m_program, "u_empty_rgb");
    m_u_grid = glGetUniformLocation(m_program, "u_grid_rgb");
    glGenVertexArrays(1, &m_vao);

    glGenTextures(kColormapCount, m_lut.data());
    for (int c = 0; c < kColormapCount; ++c) {
        const auto& table = colormap_table(static_cast<Colormap>(c));
        std::vector<std::uint8_t> rgba;
        for (const Rgb8& e : table) rgba.insert(rgba.end(), {e.r, e.g, e.b, 255});
        glBindTexture(GL_TEXTURE_2D, m_lut[static_cast<std::size_t>(c)]);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kColormapSize, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    }
    glBindTexture(GL_TEXTURE_2D, 0);
    return {};
}

void HeatmapRenderer::upload_cells(Slot& slot, const HeatmapCells& cells) {
    if (slot.cells_texture == 0) glGenTextures(1, &slot.cells_texture);
    glBindTexture(GL_TEXTURE_2D, slot.cells_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RG32F, cells.n_cols, cells.n_rows, 0, GL_RG, GL_FLOAT,
                 cells.data.data());
    slot.n_rows = cells.n_rows;
    slot.n_cols = cells.n_cols;
}

void HeatmapRenderer::resize_target(Slot& slot, int width, int height) {
    if (slot.framebuffer == 0) {
        glGenFramebuffers(1, &slot.framebuffer);
        glGenTextures(1, &slot.color_texture);
    }
    glBindTexture(GL_TEXTURE_2D, slot.color_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindFramebuffer(GL_FRAMEBUFFER, slot.framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, slot.color_texture, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    slot.width = width;
    slot.height = height;
}

ImTextureID HeatmapRenderer::render(int slot_index, const HeatmapRequest& req) {
    if (m_program == 0 || req.cells == nullptr || req.cells->n_rows == 0 || req.cells->n_cols == 0 ||
        req.width_px < 1 || req.height_px < 1 || slot_index < 0) {
        return nullptr;
    }
    if (static_cast<std::size_t>(slot_index) >= m_slots.size())
        m_slots.resize(static_cast<std::size_t>(slot_index) + 1);
    Slot& slot = m_slots[static_cast<std::size_t>(slot_index)];

    bool dirty = false;
    if (slot.cells != req.cells || slot.cells_version != req.cells_version) {
        upload_cells(slot, *req.cells);
        slot.cells = req.cells;
        slot.cells_version = req.cells_version;
        dirty = true;
    }
    if (slot.width != req.width_px || slot.height != req.height_px) {
        resize_target(slot, req.width_px, req.height_px);
        dirty = true;
    }
    dirty = dirty || slot.colormap != req.colormap || slot.theme != req.theme || slot.window != req.window;
    if (!dirty) return to_imgui(slot.color_texture);
    slot.colormap = req.colormap;
    slot.theme = req.theme;
    slot.window = req.window;

    GLint old_viewport[4];
    glGetIntegerv(GL_VIEWPORT, old_viewport);
    glBindFramebuffer(GL_FRAMEBUFFER, slot.framebuffer);
    glViewport(0, 0, slot.width, slot.height);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_DEPTH_TEST);
    glUseProgram(m_program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, slot.cells_texture);
    glUniform1i(m_u_cells, 0);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, m_lut[static_cast<std::size_t>(req.colormap)]);
    glUniform1i(m_u_lut, 1);
    glUniform4f(m_u_window, req.window[0], req.window[1], req.window[2], req.window[3]);
    glUniform2f(m_u_target, static_cast<float>(slot.width), static_cast<float>(slot.height));
    const Palette& pal = palette(req.theme);
    set_rgb(m_u_masked, pal.masked_cell);
    set_rgb(m_u_masked_line, pal.text_dim);
    set_rgb(m_u_empty, pal.empty_row);
    set_rgb(m_u_grid, pal.panel_bg);
    glBindVertexArray(m_vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glActiveTexture(GL_TEXTURE0);
    glUseProgram(0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(old_viewport[0], old_viewport[1], old_viewport[2], old_viewport[3]);
    return to_imgui(slot.color_texture);
}

void HeatmapRenderer::shutdown() {
    for (Slot& s : m_slots) {
        if (s.cells_texture) glDeleteTextures(1, &s.cells_texture);
        if (s.color_texture) glDeleteTextures(1, &s.color_texture);
        if (s.framebuffer) glDeleteFramebuffers(1, &s.framebuffer);
    }
    m_slots.clear();
    if (m_lut[0]) glDeleteTextures(kColormapCount, m_lut.data());
    m_lut = {};
    if (m_vao) glDeleteVertexArrays(1, &m_vao);
    m_vao = 0;
    if (m_program) glDeleteProgram(m_program);
    m_program = 0;
}

}  // namespace attnviz::gui
