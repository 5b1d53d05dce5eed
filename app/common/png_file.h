// PNG files from pixels in memory (stb_image_write from Debian's libstb), written atomically.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <string>

namespace attnviz::cmdline {

/// Writes width x height pixels of `channels` bytes each (3 = RGB, 4 = RGBA), top row first.
Status write_png_file(const std::string& path, const std::uint8_t* pixels, int width, int height,
                      int channels);

}  // namespace attnviz::cmdline
