// PNG encoding into memory, then one atomic file write (core/io/file_io.h).
#include "app/common/png_file.h"

#include "core/io/file_io.h"

#include <stb_image_write.h>

namespace attnviz::cmdline {

namespace {

void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
}

}  // namespace

Status write_png_file(const std::string& path, const std::uint8_t* pixels, int width, int height,
                      int channels) {
    if (pixels == nullptr || width < 1 || height < 1 || channels < 1 || channels > 4) {
        return "cannot write " + path + ": the image is empty";
    }
    std::string png;
    if (stbi_write_png_to_func(append_bytes, &png, width, height, channels, pixels, width * channels) == 0) {
        return "cannot write " + path + ": PNG encoding failed";
    }
    return io::write_file_atomically(path, png);
}

}  // namespace attnviz::cmdline
