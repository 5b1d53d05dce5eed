// Compare (A/B): pinning, and the description of the settings a side was made with.
#include "app/gui/compare_actions.h"

#include "app/gui/app_actions.h"
#include "app/gui/compute/model_run.h"
#include "app/gui/model_actions.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/scenario.h"
#include "core/model/model_catalog.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace attnviz::gui {

namespace {

const char* const kDot = " \xC2\xB7 ";  // " · "

std::string mask_text(bool causal, int window, bool cross) {
    if (cross) return "none (cross-attention)";
    std::string m = causal ? "causal" : "none (sees the future)";
    if (window > 0) m += ", window " + std::to_string(window);
    return m;
}

/// The interventions the run on screen was computed with (the delivered run's, not the pending ones).
const model::Interventions& shown_interventions(const AppState& s) {
    const ModelDerived& m = s.derived.model;
    return m.result && m.result->run ? m.result->run->interventions : s.model.interventions;
}

/// `shown` names what the side holds: the head ("L2 H1") or an aggregate of the layer.
void describe_model(const AppState& s, CompareSide& side, int layer, int head, const std::string& shown) {
    const model::Interventions& iv = shown_interventions(s);
    const std::string name = model::model_display_name(s.model.open->source);
    const double t = iv.temperature_for(layer, head);
    std::string temperature = format_temperature(t);
    if (!iv.temperatures.empty())
        temperature += t == iv.temperature ? " (other heads differ)" : " (this head)";
    std::string mask = iv.causal ? "causal" : "none (sees the future)";
    if (iv.window == 0) mask += ", no sliding window";
    if (iv.window > 0) mask += ", window " + std::to_string(iv.window);
    std::string off;
    for (const model::HeadRef& r : iv.ablated)
        off += (off.empty() ? "" : ", ") + model_head_name(r.layer, r.head);
    std::string text = s.sentence;
    if (!s.model.generated_ids.empty())
        text += " (+" + std::to_string(s.model.generated_ids.size()) + " generated)";
    side.settings = {{"model", name}, {"text", text},
                     {"head", shown}, {"temperature", temperature},
                     {"mask", mask},  {"heads off", off.empty() ? "none" : off}};
    side.title = name + kDot + shown + kDot + "T = " + temperature + kDot + mask;
    if (!off.empty()) side.title += kDot + off + " off";
}

/// With the model view showing the layer's mean over heads or the rollout, that is what a side holds
/// (the same rows and columns as a head: every token as query and key). Returns what it holds then
/// ("layer 2 mean over heads"), or nothing when the side keeps the head.
std::optional<std::string> use_model_aggregate(const AppState& s, CompareSide& side, int layer) {
    const ModelDerived& m = s.derived.model;
    if (s.model.aggregate == ModelAggregate::kHead || !m.result || !m.result->run) return std::nullopt;
    const bool mean = s.model.aggregate == ModelAggregate::kLayerMean;
    const std::vector<MatrixRM>& all = mean ? m.result->layer_means : m.result->rollout;
    if (layer < 0 || static_cast<std::size_t>(layer) >= all.size() ||
        static_cast<std::size_t>(layer) >= m.result->run->layers.size())
        return std::nullopt;
    const MatrixRM& values = all[static_cast<std::size_t>(layer)];
    if (values.rows() != side.weights.rows() || values.cols() != side.weights.cols()) return std::nullopt;
    side.weights = values;
    side.visible = layer_visibility(m.result->run->layers[static_cast<std::size_t>(layer)],
                                    static_cast<int>(values.rows()));
    return mean ? "layer " + std::to_string(layer) + " mean over heads"
                : "rollout through layer " + std::to_string(layer);
}

void describe_lesson(const AppState& s, CompareSide& side, const AttentionRun& run, int head) {
    const lesson::LessonRunSettings& st = s.settings;
    std::string head_name = std::to_string(head);
    std::string source = "lesson model";
    if (run.kind == SourceKind::kHandExample) {
        source = "hand example";
    } else {
        const std::vector<lesson::LessonHeadInfo> infos = lesson::LessonModel::instance().heads();
        if (head >= 0 && head < static_cast<int>(infos.size()))
            head_name += " " + infos[static_cast<std::size_t>(head)].short_name;
    }
    const std::string lesson = s.lesson && !s.lesson->name.empty() ? s.lesson->name : "(own sentence)";
    const std::string mask = mask_text(st.causal, st.window, run.cross());
    side.settings = {{"source", source}, {"lesson", lesson}, {"sentence", s.sentence}};
    if (run.cross()) side.settings.emplace_back("keys from", s.key_sentence);
    side.settings.emplace_back("head", head_name);
    side.settings.emplace_back("temperature", format_temperature(st.temperature));
    side.settings.emplace_back("mask", mask);
    if (run.kind != SourceKind::kHandExample) {
        side.settings.emplace_back(
            "heads", std::to_string(st.n_heads) + " query, " + std::to_string(st.n_kv_heads) + " KV");
        side.settings.emplace_back("positions", st.use_positions ? "on" : "off");
    }
    side.settings.emplace_back("scale", st.scale ? "1/\xE2\x88\x9A"
                                                   "d"
                                                 : "off");
    side.title = (s.lesson && !s.lesson->name.empty() ? s.lesson->name : source) + kDot + "head " +
                 head_name + kDot + "T = " + format_temperature(st.temperature) + kDot + mask;
}

}  // namespace

std::optional<CompareSide> compare_side_now(const AppState& s) {
    const Derived& d = s.derived;
    const attention::AttentionResult* r = d.result();
    if (!d.run || r == nullptr || r->heads.empty()) return std::nullopt;
    const int head = std::clamp(s.selection.focus_head, 0, static_cast<int>(r->heads.size()) - 1);
    CompareSide side;
    side.weights = r->heads[static_cast<std::size_t>(head)].weights;
    side.visible = r->visible;
    side.query_labels = d.run->query_labels;
    side.key_labels = d.run->key_labels;
    if (side.weights.rows() != static_cast<Eigen::Index>(side.query_labels.size()) ||
        side.weights.cols() != static_cast<Eigen::Index>(side.key_labels.size()) ||
        side.visible.rows() != side.weights.rows() || side.visible.cols() != side.weights.cols())
        return std::nullopt;  // weights not kept, or a run that does not match its labels
    side.query = s.selection.query < r->n_q ? s.selection.query : -1;
    if (d.run->real_model() && model_open(s)) {
        const int layer = d.run->model_layer;
        const std::optional<std::string> aggregate = use_model_aggregate(s, side, layer);
        describe_model(s, side, layer, head, aggregate ? *aggregate : model_head_name(layer, head));
    } else {
        describe_lesson(s, side, *d.run, head);
    }
    return side;
}

bool pin_compare(AppState& s) {
    std::optional<CompareSide> side = compare_side_now(s);
    if (!side) {
        set_status(s, "nothing to pin yet: wait until the attention is computed");
        return false;
    }
    const bool replaced = s.compare.pinned.has_value();
    s.compare.pinned = std::move(side);
    ++s.compare.pin_version;
    set_status(s, std::string(replaced ? "re-pinned A: " : "pinned A: ") + s.compare.pinned->title +
                      ". Change anything; View > Compare shows A, B and B \xE2\x88\x92 A");
    return true;
}

void clear_compare_pin(AppState& s) {
    if (!s.compare.pinned) return;
    s.compare.pinned.reset();
    ++s.compare.pin_version;
}

void set_compare_query_row_only(AppState& s, bool only) {
    s.compare.query_row_only = only;
}

namespace {

constexpr CompareDemo kDemos[] = {CompareDemo::kMask, CompareDemo::kTemperature, CompareDemo::kHead,
                                  CompareDemo::kPlural};

/// B's one change of a lesson, made once A is pinned.
void apply_demo_change(AppState& s, CompareDemo demo) {
    switch (demo) {
        case CompareDemo::kMask:
            set_causal(s, false);
            break;
        case CompareDemo::kTemperature:
            set_temperature(s, 0.1);
            break;
        case CompareDemo::kHead:
            focus_head(s, 7);
            break;
        case CompareDemo::kPlural:
            set_sentence(s, "The cats sat");
            break;
        case CompareDemo::kNone:
            break;
    }
}

}  // namespace

void start_compare_demo(AppState& s, CompareDemo demo) {
    if (demo == CompareDemo::kNone) return;
    if (model_open(s)) {
        set_status(s,
                   "the Compare lessons use the lesson model: File > Lesson model first, or pin your own A");
        return;
    }
    const bool cat_sat = demo == CompareDemo::kMask || demo == CompareDemo::kPlural;
    const lesson::Scenario* sc = lesson::find_builtin_scenario(cat_sat ? "cat-sat" : "pod");
    if (sc == nullptr) return;
    apply_scenario(s, *sc);
    if (demo == CompareDemo::kTemperature) set_temperature(s, 1.0);
    if (demo == CompareDemo::kHead) focus_head(s, 3);
    s.compare.demo_pending = demo;
    show_view(s, MainView::kCompare);
}

CompareDemo compare_demo_from_name(const std::string& name) {
    for (CompareDemo d : kDemos) {
        if (name == compare_demo_name(d)) return d;
    }
    return CompareDemo::kNone;
}

const char* compare_demo_name(CompareDemo demo) {
    switch (demo) {
        case CompareDemo::kMask:
            return "mask";
        case CompareDemo::kTemperature:
            return "temperature";
        case CompareDemo::kHead:
            return "head";
        case CompareDemo::kPlural:
            return "plural";
        case CompareDemo::kNone:
            break;
    }
    return "";
}

const char* compare_demo_label(CompareDemo demo) {
    switch (demo) {
        case CompareDemo::kMask:
            return "mask on vs off";
        case CompareDemo::kTemperature:
            return "T = 1 vs T = 0.1";
        case CompareDemo::kHead:
            return "head 3 vs head 7";
        case CompareDemo::kPlural:
            return "\"The cat sat\" vs \"The cats sat\"";
        case CompareDemo::kNone:
            break;
    }
    return "";
}

void update_compare(AppState& s) {
    if (s.compare.demo_pending != CompareDemo::kNone && !s.recompute_pending() && s.derived.run) {
        const CompareDemo demo = s.compare.demo_pending;
        s.compare.demo_pending = CompareDemo::kNone;
        if (pin_compare(s)) apply_demo_change(s, demo);
    }
    CompareDerived& c = s.derived.compare;
    if (!s.compare.pinned) {
        c.current.reset();
        c.comparison.reset();
        c.pin_version = s.compare.pin_version;
        return;
    }
    if (s.view.main_view != MainView::kCompare) return;
    if (c.pin_version == s.compare.pin_version && c.run_version == s.derived.run_version &&
        c.head == s.selection.focus_head && c.current) {
        if (c.query != s.selection.query) c.current->query = c.query = s.selection.query;  // a mark only
        return;
    }
    c.pin_version = s.compare.pin_version;
    c.run_version = s.derived.run_version;
    c.head = s.selection.focus_head;
    c.query = s.selection.query;
    c.current = compare_side_now(s);
    c.comparison.reset();
    if (c.current) c.comparison = compare_sides(*s.compare.pinned, *c.current);
}

}  // namespace attnviz::gui
