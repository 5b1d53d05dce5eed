// Colour-blind-safe colormaps as 256-entry tables: the single source of colour for the GUI's heatmap
// shader (uploaded as a lookup texture), its legend, the exported SVG, PNG and GIF images, and the tests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace attnviz::exports {

enum class Colormap { kViridis, kMagma, kGrey };
constexpr int kColormapCount = 3;
constexpr int kColormapSize = 256;

struct Rgb8 {
    std::uint8_t r, g, b;
};

/// "viridis", "magma", "grey".
const char* colormap_name(Colormap cmap);

/// The colormap a name names (as colormap_name writes it), or std::nullopt.
std::optional<Colormap> colormap_from_name(const std::string& name);

/// The table of a colormap: entry 0 is the lowest value, entry 255 the highest.
const std::array<Rgb8, kColormapSize>& colormap_table(Colormap cmap);

/// Table index of a normalised value t (clamped to [0, 1]): round(t * 255). The GLSL shader computes
/// exactly this, so CPU and GPU pick the same entry.
int colormap_index(float t);

/// Colour of a normalised value t.
inline Rgb8 colormap_color(Colormap cmap, float t) {
    return colormap_table(cmap)[static_cast<std::size_t>(colormap_index(t))];
}

/// The diverging map of signed differences (Compare's B - A): blue for t < 0.5 (negative), a light
/// neutral grey at t = 0.5 (zero), red for t > 0.5 (positive); ColorBrewer's RdBu, reversed, blended
/// linearly between its 9 stops. t is clamped to [0, 1].
Rgb8 diverging_color(float t);

}  // namespace attnviz::exports
