// A real model's layers packaged for the views (contracts in model_run.h).
#include "app/gui/compute/model_run.h"

#include "core/attention/attention.h"
#include "core/attention/mask.h"

#include <algorithm>
#include <map>
#include <utility>

namespace attnviz::gui {

std::string model_head_name(int layer, int head) {
    return "L" + std::to_string(layer) + " H" + std::to_string(head);
}

MaskMatrix layer_visibility(const model::LayerAttention& layer, int n) {
    return attention::Mask(layer.config.mask, n, n).build_matrix();
}

Expected<AttentionRun> model_layer_run(const model::ForwardResult& run,
                                       const std::vector<model::Token>& tokens, int layer) {
    if (layer < 0 || layer >= static_cast<int>(run.layers.size())) {
        return Error{"layer " + std::to_string(layer) + " is not a layer of this model"};
    }
    const model::LayerAttention& la = run.layers[static_cast<std::size_t>(layer)];
    if (la.q.empty() || la.k.empty() || la.v.empty()) {
        return Error{"this run kept no q, k, v for layer " + std::to_string(layer)};
    }
    const int n = la.q.n_rows();
    if (static_cast<int>(tokens.size()) != n) {
        return Error{"the run has " + std::to_string(n) + " positions but " + std::to_string(tokens.size()) +
                     " tokens"};
    }
    LayerRun out;
    out.config = la.config;
    out.forward.inputs.q = la.q;
    out.forward.inputs.k = la.k;
    out.forward.inputs.v = la.v;
    const int n_heads = la.config.n_heads;
    for (int h = 0; h < n_heads; ++h) out.forward.head_names.push_back(model_head_name(layer, h));

    // Heads at different temperatures (an intervention on one head) run once per temperature.
    std::map<double, std::vector<int>> by_temperature;
    for (int h = 0; h < n_heads; ++h)
        by_temperature[run.interventions.temperature_for(layer, h)].push_back(h);
    out.result.heads.resize(static_cast<std::size_t>(n_heads));
    for (const auto& [temperature, heads] : by_temperature) {
        attention::AttentionConfig config = la.config;
        config.temperature = temperature;
        Expected<attention::AttentionResult> r = attention::compute_attention(config, out.forward.inputs);
        if (!r) return Error{r.error()};
        for (int h : heads)
            out.result.heads[static_cast<std::size_t>(h)] = std::move(r->heads[static_cast<std::size_t>(h)]);
        if (heads.front() == 0 || out.result.n_q == 0) {
            out.result.n_q = r->n_q;
            out.result.n_k = r->n_k;
            out.result.scale = r->scale;
            out.result.temperature = r->temperature;
            out.result.visible = std::move(r->visible);
            out.result.empty_rows = std::move(r->empty_rows);
        }
    }
    out.config.temperature = out.result.temperature;

    AttentionRun ar;
    ar.kind = SourceKind::kModel;
    ar.model_layer = layer;
    for (const model::Token& t : tokens) ar.query_labels.push_back(t.display);
    ar.key_labels = ar.query_labels;
    ar.layers.push_back(std::move(out));
    return ar;
}

std::vector<HeatmapCells> model_thumbnails(const model::ForwardResult& run, int max_cells,
                                           const ColorScaleSettings& color) {
    std::vector<HeatmapCells> out;
    for (const model::LayerAttention& la : run.layers) {
        if (la.weights.empty()) {
            out.resize(out.size() + static_cast<std::size_t>(la.config.n_heads));
            continue;
        }
        const int n = la.weights.n_rows();
        const MaskMatrix visible = layer_visibility(la, n);
        for (int h = 0; h < la.weights.n_mats(); ++h) {
            out.push_back(make_downsampled_cells(la.weights.mat(h), visible, max_cells, color));
        }
    }
    return out;
}

}  // namespace attnviz::gui
