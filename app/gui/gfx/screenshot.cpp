// Framebuffer read-back and PNG encoding (stb_image_write, linked from Debian's libstb).
#include "app/gui/gfx/screenshot.h"

#include "app/gui/gfx/gl.h"
#include "core/io/file_io.h"

#include <stb_image_write.h>

#include <cstring>

namespace attnviz::gui {

std::vector<std::uint8_t> read_framebuffer_rgba(int width, int height) {
    const std::size_t row = static_cast<std::size_t>(width) * 4;
    std::vector<std::uint8_t> bottom_up(row * static_cast<std::size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up.data());
    std::vector<std::uint8_t> top_down(bottom_up.size());
    for (int y = 0; y < height; ++y) {
        std::memcpy(&top_down[static_cast<std::size_t>(y) * row],
                    &bottom_up[static_cast<std::size_t>(height - 1 - y) * row], row);
    }
    for (std::size_t i = 3; i < top_down.size(); i += 4) top_down[i] = 255;  // the window is opaque
    return top_down;
}

namespace {

void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
}

}  // namespace

Status write_png(const std::string& path, const std::vector<std::uint8_t>& rgba, int width, int height) {
    if (width < 1 || height < 1 ||
        rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
        return "cannot write " + path + ": the image is empty";
    }
    std::string png;
    if (stbi_write_png_to_func(append_bytes, &png, width, height, 4, rgba.data(), width * 4) == 0) {
        return "cannot write " + path + ": PNG encoding failed";
    }
    return io::write_file_atomically(path, png);
}

}  // namespace attnviz::gui
