// Animated GIF writing with Debian's giflib: frames of palette codes (raster.h) under one colormap,
// a frame rate, looping forever.
#pragma once

#include "core/base/expected.h"
#include "core/exports/colormap.h"
#include "core/exports/raster.h"

#include <string>
#include <vector>

namespace attnviz::exports {

/// Lowest and highest frame rates write_gif accepts: GIF delays are whole hundredths of a second, and
/// browsers slow delays under 2/100 s down to 1/10 s.
constexpr double kGifMinFps = 0.1;
constexpr double kGifMaxFps = 50.0;

/// The 256-colour palette of a GIF under a colormap: 250 levels of its table, then the fixed colours of
/// raster.h (masked, hatching, empty row, background, bar, pending). gif_palette_index maps a code to its
/// entry.
std::vector<Rgb8> gif_palette(Colormap cmap);
int gif_palette_index(std::uint16_t code);

/// Writes frames (all the same size, at least one) as an animated GIF89a that loops forever, each frame
/// shown 1/fps seconds (rounded to hundredths). Atomic: a failure leaves no file.
Status write_gif(const std::string& path, const std::vector<CodeImage>& frames, Colormap cmap, double fps);

}  // namespace attnviz::exports
