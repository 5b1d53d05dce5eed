// giflib's encoder writing into memory (EGifOpen with an output function), then one atomic file write.
#include "core/exports/gif.h"

#include "core/io/file_io.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace attnviz::exports {

namespace {

constexpr int kLevels = 256 - (kCodeCount - kColormapSize);  // colormap levels; the rest: the fixed colours

int append_bytes(GifFileType* gif, const GifByteType* data, int size) {
    static_cast<std::string*>(gif->UserData)
        ->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
    return size;
}

std::string gif_error(int code) {
    const char* text = GifErrorString(code);
    return text != nullptr ? text : "giflib error " + std::to_string(code);
}

}  // namespace

std::vector<Rgb8> gif_palette(Colormap cmap) {
    const std::vector<Rgb8> colors = code_colors(cmap);
    std::vector<Rgb8> palette;
    for (int k = 0; k < kLevels; ++k) {
        palette.push_back(colors[static_cast<std::size_t>(std::lround(k * 255.0 / (kLevels - 1)))]);
    }
    for (int c = kColormapSize; c < kCodeCount; ++c) palette.push_back(colors[static_cast<std::size_t>(c)]);
    return palette;
}

int gif_palette_index(std::uint16_t code) {
    if (code < kColormapSize) return static_cast<int>(std::lround(code * (kLevels - 1) / 255.0));
    return std::min(255, kLevels + (code - kColormapSize));
}

Status write_gif(const std::string& path, const std::vector<CodeImage>& frames, Colormap cmap, double fps) {
    if (frames.empty()) return "cannot write " + path + ": no frames";
    const int w = frames.front().width;
    const int h = frames.front().height;
    if (w < 1 || h < 1 || w > 65535 || h > 65535)
        return "cannot write " + path + ": a GIF is 1 to 65535 pixels on a side";
    for (const CodeImage& f : frames) {
        if (f.width != w || f.height != h ||
            f.codes.size() != static_cast<std::size_t>(w) * static_cast<std::size_t>(h)) {
            return "cannot write " + path + ": the frames differ in size";
        }
    }
    if (!(fps >= kGifMinFps && fps <= kGifMaxFps)) {
        return "cannot write " + path + ": the frame rate must be between 0.1 and 50 frames per second";
    }
    const int delay_cs = std::max(2, static_cast<int>(std::lround(100.0 / fps)));

    std::string bytes;
    int err = 0;
    GifFileType* gif = EGifOpen(&bytes, append_bytes, &err);
    if (gif == nullptr) return "cannot write " + path + ": " + gif_error(err);
    std::vector<GifColorType> colors;
    for (const Rgb8& c : gif_palette(cmap)) colors.push_back({c.r, c.g, c.b});
    ColorMapObject* map = GifMakeMapObject(256, colors.data());
    const auto fail = [&](const std::string& what) {
        int close_err = 0;
        EGifCloseFile(gif, &close_err);
        GifFreeMapObject(map);
        return "cannot write " + path + ": " + what;
    };
    if (map == nullptr) return fail("out of memory");
    EGifSetGifVersion(gif, true);
    if (EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_ERROR) return fail(gif_error(gif->Error));
    // The NETSCAPE2.0 application extension: loop forever.
    static const GifByteType kNetscape[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    static const GifByteType kLoop[] = {1, 0, 0};
    if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, sizeof kNetscape, kNetscape) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, sizeof kLoop, kLoop) == GIF_ERROR ||
        EGifPutExtensionTrailer(gif) == GIF_ERROR) {
        return fail(gif_error(gif->Error));
    }
    std::vector<GifPixelType> line(static_cast<std::size_t>(w));
    for (const CodeImage& f : frames) {
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = delay_cs;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        const std::size_t n_ext = EGifGCBToExtension(&gcb, ext);
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(n_ext), ext) == GIF_ERROR ||
            EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) {
            return fail(gif_error(gif->Error));
        }
        for (int y = 0; y < h; ++y) {
            const std::uint16_t* row = &f.codes[static_cast<std::size_t>(y) * static_cast<std::size_t>(w)];
            for (int x = 0; x < w; ++x)
                line[static_cast<std::size_t>(x)] = static_cast<GifPixelType>(gif_palette_index(row[x]));
            if (EGifPutLine(gif, line.data(), w) == GIF_ERROR) return fail(gif_error(gif->Error));
        }
    }
    if (EGifCloseFile(gif, &err) == GIF_ERROR) {
        GifFreeMapObject(map);
        return "cannot write " + path + ": " + gif_error(err);
    }
    GifFreeMapObject(map);
    return io::write_file_atomically(path, bytes);
}

}  // namespace attnviz::exports
