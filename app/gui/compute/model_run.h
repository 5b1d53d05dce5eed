// A real model's forward pass as the views read it: the shown layer through the reference engine (so the
// pipeline, the cell inspector and the temperature lab see every stage of a real head), thumbnails of
// every head, and the previews of the model view.
#pragma once

#include "app/gui/attention_run.h"
#include "app/gui/compute/heatmap_cells.h"
#include "core/model/forward.h"
#include "core/model/tokenizer.h"

#include <string>
#include <vector>

namespace attnviz::gui {

/// "L3 H5": the name of a real head everywhere in the GUI.
std::string model_head_name(int layer, int head);

/// The run of one layer of `run` (kept attention and q/k/v; 0 <= layer < n_layers): the layer's q, k, v
/// run again through the reference engine, every head at the temperature the forward pass gave it, so
/// its weights are the forward pass's own and every stage (raw scores, scaled, masked) is there.
/// tokens: [n] the run's tokens (labels). Errors: the run kept no q/k/v, the layer is out of range.
Expected<AttentionRun> model_layer_run(const model::ForwardResult& run,
                                       const std::vector<model::Token>& tokens, int layer);

/// Thumbnails of every head of every layer, [n_layers * n_heads] layer-major, each at most max_cells a
/// side. Layers without kept weights give empty cells.
std::vector<HeatmapCells> model_thumbnails(const model::ForwardResult& run, int max_cells,
                                           const ColorScaleSettings& color);

/// The visibility of a layer's attention on n tokens (its config's mask).
MaskMatrix layer_visibility(const model::LayerAttention& layer, int n);

}  // namespace attnviz::gui
