// The heatmap drawn on the CPU into an image of palette codes (colormap entries and a few fixed colours),
// for the command line's PNG and for GIF frames, where no GL context exists.
#pragma once

#include "core/base/types.h"
#include "core/exports/colormap.h"
#include "core/exports/heatmap_cells.h"

#include <cstdint>
#include <vector>

namespace attnviz::exports {

/// Codes 0..255 are colormap table entries; these follow them.
constexpr std::uint16_t kCodeMasked = 256;      ///< a masked cell's ground
constexpr std::uint16_t kCodeMaskedLine = 257;  ///< a masked cell's hatching
constexpr std::uint16_t kCodeEmptyRow = 258;    ///< a row that sees no key
constexpr std::uint16_t kCodeBackground = 259;
constexpr std::uint16_t kCodeBar = 260;      ///< the progress bar under an animation's frames
constexpr std::uint16_t kCodePending = 261;  ///< flash animation: a cell whose tile is not visited yet
constexpr int kCodeCount = 262;

/// [height, width] codes, row-major, top row first.
struct CodeImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint16_t> codes;
};

/// [height, width, 3] RGB bytes, top row first.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

/// The colour of every code under a colormap: [kCodeCount].
std::vector<Rgb8> code_colors(Colormap cmap);

/// Draws cells (make_heatmap_cells) into width x height pixels, cells stretched to fill, masked cells
/// hatched as the GUI's shader does. progress in [0, 1] adds a bar along the bottom (height / 24 pixels,
/// at least 3) filled to that fraction, for animations; a negative progress draws none.
/// Preconditions: width, height >= 1.
CodeImage render_heatmap(const HeatmapCells& cells, int width, int height, float progress = -1.0f);

/// Flash animation: over an image render_heatmap drew from [n_rows, n_cols] cells, paints the cells of
/// tiles not visited yet (tiles(i, j) == 2) pale and frames the current tile (== 1) with a 2-pixel border.
void overlay_tiles(CodeImage& image, const MaskMatrix& tiles, bool has_bar);

/// The image in colours.
RgbImage to_rgb(const CodeImage& image, Colormap cmap);

}  // namespace attnviz::exports
