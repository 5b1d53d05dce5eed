// Writing what is on screen to a PNG file.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::gui {

/// Reads the current read framebuffer, [height, width] RGBA8, top row first.
std::vector<std::uint8_t> read_framebuffer_rgba(int width, int height);

/// Encodes RGBA8 pixels (top row first) as PNG and writes them atomically to path.
Status write_png(const std::string& path, const std::vector<std::uint8_t>& rgba, int width, int height);

}  // namespace attnviz::gui
