// Offscreen rendering of ImGui's draw data into a framebuffer larger than the window: the PNG export at
// 2x and 4x the window's pixels.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <vector>

struct ImDrawData;

namespace attnviz::gui {

/// The largest width or height an offscreen picture can have on this GL context: the least of
/// GL_MAX_RENDERBUFFER_SIZE, GL_MAX_TEXTURE_SIZE and GL_MAX_VIEWPORT_DIMS.
int max_offscreen_size();

/// An RGBA8 picture, [height, width], top row first.
struct RgbaPicture {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;
};

/// Renders `data` (its DisplaySize x FramebufferScale pixels) over a cleared background into a fresh
/// framebuffer object and reads it back; the window's framebuffer is bound again afterwards. Errors name
/// the size and the GL limit it passed.
Expected<RgbaPicture> render_offscreen(ImDrawData* data, float clear_r, float clear_g, float clear_b);

}  // namespace attnviz::gui
