// Interventions on a real model's attention: per-head temperatures, which layers they change, validation.
#include "core/model/forward.h"

#include <algorithm>
#include <string>

namespace attnviz::model {

namespace {

bool is_ablated(const Interventions& iv, int layer, int head) {
    return std::any_of(iv.ablated.begin(), iv.ablated.end(),
                       [&](const HeadRef& r) { return r.layer == layer && r.head == head; });
}

/// Whether layer `layer` computes the same under a and b. Heads are not known here (the model is not),
/// so the heads named in either list are compared, plus one head named by neither (it stands for every
/// other head); a head index beyond the model can only make the answer "changed", which costs a
/// recomputation but never a wrong result.
bool layer_differs(const Interventions& a, const Interventions& b, int layer) {
    std::vector<int> heads;
    for (const Interventions* iv : {&a, &b}) {
        for (const HeadTemperature& t : iv->temperatures) {
            if ((t.layer == -1 || t.layer == layer) && t.head >= 0) heads.push_back(t.head);
        }
        for (const HeadRef& r : iv->ablated) {
            if (r.layer == layer) heads.push_back(r.head);
        }
    }
    int unnamed = 0;
    while (std::find(heads.begin(), heads.end(), unnamed) != heads.end()) ++unnamed;
    heads.push_back(unnamed);
    for (const int h : heads) {
        // Temperatures compare exactly: any change of the number changes the softmax.
        if (a.temperature_for(layer, h) != b.temperature_for(layer, h)) return true;
        if (is_ablated(a, layer, h) != is_ablated(b, layer, h)) return true;
    }
    return false;
}

}  // namespace

double Interventions::temperature_for(int layer, int head) const {
    double t = temperature;
    for (const HeadTemperature& o : temperatures) {
        if ((o.layer == -1 || o.layer == layer) && (o.head == -1 || o.head == head)) t = o.temperature;
    }
    return t;
}

int Interventions::first_changed_layer(const Interventions& other, int n_layers) const {
    // The mask and the window apply to every layer.
    if (causal != other.causal || window != other.window) return 0;
    for (int l = 0; l < n_layers; ++l) {
        if (layer_differs(*this, other, l)) return l;
    }
    return n_layers;
}

Status validate_interventions(const Interventions& iv, const ModelConfig& config) {
    if (Status s = attention::validate_temperature(iv.temperature); !s.empty()) return s;
    for (std::size_t i = 0; i < iv.temperatures.size(); ++i) {
        const HeadTemperature& t = iv.temperatures[i];
        const std::string where = "temperature override " + std::to_string(i) + " (layer " +
                                  std::to_string(t.layer) + ", head " + std::to_string(t.head) + ")";
        if (t.layer < -1 || t.layer >= config.n_layers) {
            return where + ": layer " + std::to_string(t.layer) + " is not in this model (layers 0.." +
                   std::to_string(config.n_layers - 1) + ", or -1 for every layer)";
        }
        if (t.head < -1 || t.head >= config.n_heads) {
            return where + ": head " + std::to_string(t.head) + " is not in this model (heads 0.." +
                   std::to_string(config.n_heads - 1) + ", or -1 for every head)";
        }
        if (Status s = attention::validate_temperature(t.temperature); !s.empty()) return where + ": " + s;
    }
    if (iv.window < -1) {
        return "sliding window " + std::to_string(iv.window) +
               " is invalid; use -1 for the model's own, 0 for none, or W >= 1 keys";
    }
    for (const HeadRef& r : iv.ablated) {
        if (r.layer < 0 || r.layer >= config.n_layers || r.head < 0 || r.head >= config.n_heads) {
            return "head " + std::to_string(r.layer) + "." + std::to_string(r.head) +
                   " to switch off is not in this model (" + std::to_string(config.n_layers) + " layers of " +
                   std::to_string(config.n_heads) + " heads, numbered from 0)";
        }
    }
    return {};
}

}  // namespace attnviz::model
