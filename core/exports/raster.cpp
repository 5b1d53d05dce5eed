// CPU heatmap rendering: each pixel samples its cell (nearest), exactly the shader's colour index rule.
#include "core/exports/raster.h"

#include <algorithm>
#include <cmath>

namespace attnviz::exports {

std::vector<Rgb8> code_colors(Colormap cmap) {
    const std::array<Rgb8, kColormapSize>& table = colormap_table(cmap);
    std::vector<Rgb8> colors(table.begin(), table.end());
    colors.push_back({220, 220, 220});  // kCodeMasked
    colors.push_back({154, 154, 154});  // kCodeMaskedLine
    colors.push_back({180, 180, 180});  // kCodeEmptyRow
    colors.push_back({255, 255, 255});  // kCodeBackground
    colors.push_back({60, 60, 60});     // kCodeBar
    colors.push_back({236, 240, 246});  // kCodePending
    return colors;
}

CodeImage render_heatmap(const HeatmapCells& cells, int width, int height, float progress) {
    CodeImage img;
    img.width = std::max(1, width);
    img.height = std::max(1, height);
    img.codes.assign(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height),
                     kCodeBackground);
    const bool bar = progress >= 0.0f;
    const int bar_h = bar ? std::min(img.height - 1, std::max(3, img.height / 24)) : 0;
    const int map_h = img.height - bar_h;
    if (cells.n_rows < 1 || cells.n_cols < 1 || map_h < 1) return img;
    for (int y = 0; y < map_h; ++y) {
        const int i =
            std::min(cells.n_rows - 1, static_cast<int>(static_cast<long long>(y) * cells.n_rows / map_h));
        std::uint16_t* row = &img.codes[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width)];
        for (int x = 0; x < img.width; ++x) {
            const int j = std::min(cells.n_cols - 1,
                                   static_cast<int>(static_cast<long long>(x) * cells.n_cols / img.width));
            switch (cells.state(i, j)) {
                case CellState::kValue:
                    row[x] = static_cast<std::uint16_t>(colormap_index(cells.t(i, j)));
                    break;
                case CellState::kMasked:
                    // Diagonal hatching, 7 pixels apart, as the shader draws it.
                    row[x] = (x + y) % 7 < 2 ? kCodeMaskedLine : kCodeMasked;
                    break;
                case CellState::kEmptyRow:
                    row[x] = kCodeEmptyRow;
                    break;
            }
        }
    }
    if (bar) {
        const int filled =
            static_cast<int>(std::lround(std::clamp(progress, 0.0f, 1.0f) * static_cast<float>(img.width)));
        for (int y = map_h + 1; y < img.height; ++y) {
            for (int x = 0; x < filled; ++x)
                img.codes[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) +
                          static_cast<std::size_t>(x)] = kCodeBar;
        }
    }
    return img;
}

void overlay_tiles(CodeImage& img, const MaskMatrix& tiles, bool has_bar) {
    const int n_rows = static_cast<int>(tiles.rows());
    const int n_cols = static_cast<int>(tiles.cols());
    const int bar_h = has_bar ? std::min(img.height - 1, std::max(3, img.height / 24)) : 0;
    const int map_h = img.height - bar_h;
    if (n_rows < 1 || n_cols < 1 || map_h < 1) return;
    const auto cell_of = [](int p, int n, int extent) {
        return std::min(n - 1, static_cast<int>(static_cast<long long>(p) * n / extent));
    };
    for (int y = 0; y < map_h; ++y) {
        const int i = cell_of(y, n_rows, map_h);
        for (int x = 0; x < img.width; ++x) {
            const int j = cell_of(x, n_cols, img.width);
            std::uint16_t& code =
                img.codes[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) +
                          static_cast<std::size_t>(x)];
            const std::uint8_t st = tiles(i, j);
            if (st == 2 && code < kColormapSize) code = kCodePending;
            if (st != 1) continue;
            // The current tile's border: a pixel whose neighbour 2 pixels away lies outside the tile.
            const auto outside = [&](int xx, int yy) {
                if (xx < 0 || yy < 0 || xx >= img.width || yy >= map_h) return true;
                return tiles(cell_of(yy, n_rows, map_h), cell_of(xx, n_cols, img.width)) != 1;
            };
            if (outside(x - 2, y) || outside(x + 2, y) || outside(x, y - 2) || outside(x, y + 2))
                code = kCodeBar;
        }
    }
}

RgbImage to_rgb(const CodeImage& image, Colormap cmap) {
    const std::vector<Rgb8> colors = code_colors(cmap);
    RgbImage out;
    out.width = image.width;
    out.height = image.height;
    out.rgb.resize(image.codes.size() * 3);
    for (std::size_t p = 0; p < image.codes.size(); ++p) {
        const Rgb8 c = colors[std::min<std::size_t>(image.codes[p], colors.size() - 1)];
        out.rgb[3 * p] = c.r;
        out.rgb[3 * p + 1] = c.g;
        out.rgb[3 * p + 2] = c.b;
    }
    return out;
}

}  // namespace attnviz::exports
