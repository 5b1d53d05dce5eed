// The File > Export dialog's choices: format, path, picture size and frame rate.
#pragma once

#include <string>

namespace attnviz::gui {

enum class ExportFormat {
    kPngWindow,       ///< the window (or the main view) at 1x, 2x or 4x (the main loop renders it)
    kPngHeatmap,      ///< the focused head's heatmap drawn on the CPU at a chosen size, no text
    kSvgHeatmap,      ///< the focused head: cells, axis labels, legend
    kSvgArcs,         ///< the token strip with the query's arcs
    kCsv,             ///< the focused head's weights
    kNpyHead,         ///< float32 [n_q, n_k]
    kNpyLayer,        ///< float32 [n_heads, n_q, n_k]
    kNpyAll,          ///< float32 [n_layers, n_heads, n_q, n_k]
    kJson,            ///< tokens, settings, every weight; loads back
    kGifTemperature,  ///< the heatmap over T from 0.05 to 20
    kGifMask,         ///< the heatmap with the causal mask on and off
    kGifFlash,        ///< flash attention's tiles one by one (the flash view's tile sizes)
    kCount
};

struct ExportDialogState {
    ExportFormat format = ExportFormat::kSvgHeatmap;
    std::string path;          ///< empty: a name made from the lesson, head and format
    int size = 512;            ///< PNG heatmap and GIF: pixels on a side
    float fps = 8.0f;          ///< GIF frames per second
    int frames = 24;           ///< GIF temperature frames
    int png_scale = 1;         ///< window PNG: 1, 2 or 4 times the window's pixels
    bool png_controls = true;  ///< window PNG: with the menus and controls, or the main view alone
    std::string message;       ///< the last export's result or error
};

}  // namespace attnviz::gui
