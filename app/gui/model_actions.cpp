// The real-model actions (contracts in model_actions.h).
#include "app/gui/model_actions.h"

#include "app/gui/app_actions.h"

#include "core/attention/attention_config.h"
#include "core/base/seeded_random.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace attnviz::gui {

namespace {

/// Something the computation depends on changed: recompute, and the KV cache no longer matches.
void interventions_changed(AppState& s) {
    s.model.kv_session.reset();
    s.inputs_changed();
}

const model::ModelConfig* open_config(const AppState& s) {
    return s.model.open && s.model.open->model ? &s.model.open->model->config : nullptr;
}

}  // namespace

model::ModelJob& model_job(AppState& s) {
    if (!s.model.job) s.model.job = std::make_shared<model::ModelJob>();
    return *s.model.job;
}

bool model_open(const AppState& s) {
    return open_config(s) != nullptr;
}

void open_model(AppState& s, const std::string& source) {
    if (source.empty()) {
        s.model.load_error = "type or pick a model folder first";
        return;
    }
    s.model.load_error.clear();
    s.model.pending_restore.reset();  // a session's settings were for the model it named
    s.model.loading = source;
    model::LoadRequest request;
    request.source = source;
    model_job(s).load(std::move(request));
}

void close_model(AppState& s) {
    if (s.model.job) s.model.job->cancel();
    s.model.open.reset();
    s.model.loading.clear();
    s.model.generated_ids.clear();
    s.model.kv_session.reset();
    s.model.interventions = model::Interventions{};
    s.model.pending_restore.reset();
    s.derived.model = ModelDerived{};
    s.selection.layer = 0;
    s.selection.focus_head = 0;
    s.selection.query = -1;
    s.inputs_changed();
}

void cancel_model_jobs(AppState& s) {
    if (!s.model.job) return;
    s.model.job->cancel();
    s.model.loading.clear();
    s.derived.model.submitted = 0;
    s.model.decode_requested = false;
    set_status(s, "cancelled: the model and the run on screen stay");
}

bool set_model_temperature(AppState& s, double temperature, InterventionScope scope) {
    const model::ModelConfig* config = open_config(s);
    if (config == nullptr) return false;
    if (Status err = attention::validate_temperature(temperature); !err.empty()) {
        s.temperature_message = err + "; kept T = " + std::to_string(focused_head_temperature(s));
        return false;
    }
    s.temperature_message.clear();
    model::Interventions& iv = s.model.interventions;
    const int layer = s.selection.layer;
    const int head = s.selection.focus_head;
    if (scope == InterventionScope::kAllLayers) {
        if (iv.temperature == temperature && iv.temperatures.empty()) return true;
        iv.temperature = temperature;
        iv.temperatures.clear();  // one temperature for every head again
    } else {
        const int h = scope == InterventionScope::kThisHead ? head : -1;
        if (iv.temperature_for(layer, std::max(0, h)) == temperature &&
            (h >= 0 || std::all_of(iv.temperatures.begin(), iv.temperatures.end(),
                                   [&](const model::HeadTemperature& t) { return t.layer != layer; }))) {
            return true;
        }
        // Entries this one covers are dropped, so the list stays short and later entries win.
        iv.temperatures.erase(std::remove_if(iv.temperatures.begin(), iv.temperatures.end(),
                                             [&](const model::HeadTemperature& t) {
                                                 return t.layer == layer && (h < 0 || t.head == h);
                                             }),
                              iv.temperatures.end());
        iv.temperatures.push_back(model::HeadTemperature{layer, h, temperature});
    }
    interventions_changed(s);
    return true;
}

double focused_head_temperature(const AppState& s) {
    return s.model.interventions.temperature_for(s.selection.layer, s.selection.focus_head);
}

void set_model_causal(AppState& s, bool causal) {
    if (!model_open(s) || s.model.interventions.causal == causal) return;
    s.model.interventions.causal = causal;
    interventions_changed(s);
}

void set_model_window(AppState& s, int window) {
    window = std::max(-1, window);
    if (!model_open(s) || s.model.interventions.window == window) return;
    s.model.interventions.window = window;
    interventions_changed(s);
}

bool head_ablated(const AppState& s, int layer, int head) {
    const auto& a = s.model.interventions.ablated;
    return std::any_of(a.begin(), a.end(),
                       [&](const model::HeadRef& r) { return r.layer == layer && r.head == head; });
}

void toggle_head_ablation(AppState& s, int layer, int head) {
    const model::ModelConfig* config = open_config(s);
    if (config == nullptr || layer < 0 || layer >= config->n_layers || head < 0 || head >= config->n_heads)
        return;
    auto& a = s.model.interventions.ablated;
    if (head_ablated(s, layer, head)) {
        a.erase(std::remove_if(a.begin(), a.end(),
                               [&](const model::HeadRef& r) { return r.layer == layer && r.head == head; }),
                a.end());
    } else {
        a.push_back(model::HeadRef{layer, head});
    }
    interventions_changed(s);
}

void reset_interventions(AppState& s) {
    if (!model_open(s)) return;
    s.model.interventions = model::Interventions{};
    s.temperature_message.clear();
    interventions_changed(s);
}

void focus_model_head(AppState& s, int layer, int head) {
    const model::ModelConfig* config = open_config(s);
    if (config == nullptr || layer < 0 || layer >= config->n_layers || head < 0 || head >= config->n_heads)
        return;
    s.selection.layer = layer;
    s.selection.focus_head = head;
    if (s.model.aggregate == ModelAggregate::kHead) return;
    s.model.aggregate = ModelAggregate::kHead;  // a click on a head shows that head
}

void hover_model_head(AppState& s, int layer, int head) {
    s.model.hover_layer = layer;
    s.model.hover_head = head;
}

void set_model_aggregate(AppState& s, ModelAggregate aggregate) {
    s.model.aggregate = aggregate;
}

void set_model_badge(AppState& s, model::HeadBadge badge) {
    s.model.badge = badge;
}

void set_model_sort(AppState& s, bool sort_by_badge) {
    s.model.sort_by_badge = sort_by_badge;
}

void set_merge_words(AppState& s, bool merge) {
    if (s.model.merge_words == merge) return;
    s.model.merge_words = merge;
    s.derived.model.preview_key.clear();  // the model view's large heatmap is rebuilt from the same run
}

void set_generate_mode(AppState& s, GenerateMode mode) {
    s.model.generate_mode = mode;
}

void set_output_temperature(AppState& s, double temperature) {
    if (!std::isfinite(temperature)) return;
    s.model.output_temperature = std::clamp(temperature, 0.05, 5.0);
}

void generate_token(AppState& s) {
    const model::ModelConfig* config = open_config(s);
    const ModelDerived& d = s.derived.model;
    if (config == nullptr || !d.result || !d.result->run || d.result->run->logits.rows() == 0) {
        set_status(s, "Generate needs a finished run of the model first");
        return;
    }
    const model::ForwardResult& run = *d.result->run;
    if (static_cast<int>(run.token_ids.size()) >= std::min(config->n_ctx, lesson::kDefaultTokenCap)) {
        set_status(s, "Generate: the text already fills the model's context (" +
                          std::to_string(run.token_ids.size()) + " tokens)");
        return;
    }
    const int vocab = static_cast<int>(run.logits.cols());
    const float* logits = run.logits.row(run.logits.rows() - 1).data();
    int next = 0;
    if (s.model.generate_mode == GenerateMode::kGreedy) {
        next = static_cast<int>(std::max_element(logits, logits + vocab) - logits);
    } else {
        // softmax(logits / T) in float64, then one draw from the seeded generator.
        const double t = s.model.output_temperature;
        const double max = static_cast<double>(*std::max_element(logits, logits + vocab));
        std::vector<double> p(static_cast<std::size_t>(vocab));
        double sum = 0.0;
        for (int v = 0; v < vocab; ++v)
            sum += p[static_cast<std::size_t>(v)] = std::exp((static_cast<double>(logits[v]) - max) / t);
        SeededRandom rng(s.model.sample_seed++);
        double u = rng.uniform() * sum;
        next = vocab - 1;
        for (int v = 0; v < vocab; ++v) {
            u -= p[static_cast<std::size_t>(v)];
            if (u <= 0.0) {
                next = v;
                break;
            }
        }
    }
    s.model.generated_ids.push_back(next);
    s.model.decode_requested = s.model.interventions.causal;  // a KV cache needs the causal mask
    s.selection.query = -1;                                   // follow the new last row
    s.inputs_changed();
}

void clear_generated(AppState& s) {
    if (s.model.generated_ids.empty()) return;
    s.model.generated_ids.clear();
    s.model.kv_session.reset();
    s.inputs_changed();
}

void browse_folder(AppState& s, const std::string& path) {
    s.model.browser.path = path;
    s.model.browser.scanned = false;
}

}  // namespace attnviz::gui
