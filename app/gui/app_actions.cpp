// State changes with their validation, shared by panels and shortcuts.
#include "app/gui/app_actions.h"

#include "core/attention_config.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

namespace attnviz::gui {

void set_sentence(AppState& s, std::string sentence) {
    if (sentence == s.sentence) return;
    s.sentence = std::move(sentence);
    leave_hand_example(s);
    s.dirty = true;
}

void leave_hand_example(AppState& s) {
    if (!s.hand_model) return;
    s.hand_model.reset();
    s.settings.n_heads = s.settings.n_kv_heads = EngineSettings{}.n_heads;
    s.selection.selected_cell_row = s.selection.selected_cell_col = -1;
    s.status_message = "left the hand example: a new sentence is computed by the lesson model";
    s.dirty = true;
}

void apply_scenario(AppState& s, const Scenario& sc) {
    s.sentence = sc.sentence;
    s.scenario_name = sc.name;
    s.scenario_title = sc.title;
    s.scenario_explanation = sc.explanation;
    s.settings.n_heads = sc.n_heads;
    s.settings.n_kv_heads = sc.n_kv_heads;
    s.settings.temperature = sc.temperature;
    s.settings.causal = sc.causal;
    s.settings.window = sc.window;
    s.settings.scale = sc.scale;
    s.hand_model = sc.hand_model;
    s.selection.selected_cell_row = s.selection.selected_cell_col = -1;
    s.selection.query = -1;
    s.selection.pending_query = sc.query;
    s.selection.focus_head = 0;
    s.temperature_message.clear();
    s.load_message.clear();
    s.status_message.clear();
    s.dirty = true;
}

bool load_scenario_from_file(AppState& s, const std::string& path) {
    Expected<Scenario> sc = load_scenario_file(path);
    if (!sc) {
        s.load_message = sc.error();
        return false;
    }
    apply_scenario(s, *sc);
    s.load_message = "loaded " + path;
    for (const std::string& w : sc->warnings) s.load_message += "\nwarning: " + w;
    return true;
}

void request_screenshot(AppState& s) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    s.screenshot_request = "attnviz-" + (s.scenario_name.empty() ? std::string("sentence") : s.scenario_name) + "-" + stamp + ".png";
}

void set_query(AppState& s, int index) {
    const int n = static_cast<int>(s.derived.tokens.tokens.size());
    if (n == 0) return;
    s.selection.query = std::clamp(index, 0, n - 1);
    s.selection.pending_query.clear();
    if (s.selection.selected_cell_col >= 0) s.selection.selected_cell_row = s.selection.query;  // the inspector follows
}

bool select_cell(AppState& s, int row, int col) {
    if (!s.derived.result) return false;
    if (row < 0 || row >= s.derived.result->n_q || col < 0 || col >= s.derived.result->n_k) return false;
    s.selection.selected_cell_row = row;
    s.selection.selected_cell_col = col;
    set_query(s, row);
    return true;
}

bool set_hand_value(AppState& s, HandMatrix which, int row, int col, float value) {
    if (!s.hand_model) return false;
    if (!std::isfinite(value) || std::fabs(value) > kHandModelMaxAbs) return false;
    HandModel& m = *s.hand_model;
    MatrixRM* target = nullptr;
    switch (which) {
        case HandMatrix::kX: target = &m.x; break;
        case HandMatrix::kWq: target = &m.w_q; break;
        case HandMatrix::kWk: target = &m.w_k; break;
        case HandMatrix::kWv: target = &m.w_v; break;
    }
    if (target == nullptr || row < 0 || row >= target->rows() || col < 0 || col >= target->cols()) return false;
    if ((*target)(row, col) == value) return true;
    (*target)(row, col) = value;
    s.dirty = true;
    return true;
}

void move_query(AppState& s, int delta) { set_query(s, (s.selection.query < 0 ? 0 : s.selection.query) + delta); }

bool set_temperature(AppState& s, double t) {
    if (Status err = validate_temperature(t); !err.empty()) {
        s.temperature_message = err + "; kept T = " + std::to_string(s.settings.temperature);
        return false;
    }
    s.temperature_message.clear();
    if (t == s.settings.temperature) return true;
    s.settings.temperature = t;
    s.dirty = true;
    return true;
}

void step_temperature(AppState& s, double factor) {
    const double t = s.settings.temperature;
    // The log slider spans [0.05, 20]; stepping off either end lands on the exact limit.
    constexpr double kMin = 0.05, kMax = 20.0;
    double next = t;
    if (t == 0.0) {
        next = factor > 1.0 ? kMin : 0.0;
    } else if (std::isinf(t)) {
        next = factor < 1.0 ? kMax : t;
    } else {
        next = t * factor;
        if (next < kMin) next = 0.0;
        if (next > kMax) next = std::numeric_limits<double>::infinity();
    }
    set_temperature(s, next);
}

void set_causal(AppState& s, bool causal) {
    if (causal == s.settings.causal) return;
    s.settings.causal = causal;
    s.dirty = true;
}

void set_window(AppState& s, int window) {
    window = std::max(0, window);
    if (window == s.settings.window) return;
    s.settings.window = window;
    s.dirty = true;
}

void set_scale(AppState& s, bool scale) {
    if (scale == s.settings.scale) return;
    s.settings.scale = scale;
    s.dirty = true;
}

std::vector<int> kv_head_choices(int n_heads) {
    std::vector<int> out;
    for (int k = n_heads; k >= 1; --k) {
        if (n_heads % k == 0) out.push_back(k);
    }
    return out;
}

void set_heads(AppState& s, int n_heads, int max_heads) {
    n_heads = std::clamp(n_heads, 1, std::max(1, max_heads));
    if (n_heads == s.settings.n_heads) return;
    s.settings.n_heads = n_heads;
    int kv = std::min(s.settings.n_kv_heads, n_heads);
    while (n_heads % kv != 0) --kv;
    s.settings.n_kv_heads = kv;
    s.selection.focus_head = std::min(s.selection.focus_head, n_heads - 1);
    s.dirty = true;
}

void set_kv_heads(AppState& s, int n_kv_heads) {
    if (n_kv_heads < 1 || n_kv_heads > s.settings.n_heads || s.settings.n_heads % n_kv_heads != 0) return;
    if (n_kv_heads == s.settings.n_kv_heads) return;
    s.settings.n_kv_heads = n_kv_heads;
    s.dirty = true;
}

void focus_head(AppState& s, int head) {
    if (head < 0 || head >= s.settings.n_heads) return;
    s.selection.focus_head = head;
}

void next_head(AppState& s) { focus_head(s, (s.selection.focus_head + 1) % std::max(1, s.settings.n_heads)); }

void set_colormap(AppState& s, Colormap cmap) {
    if (cmap == s.view.heatmap.colormap) return;
    s.view.heatmap.colormap = cmap;
    s.cells_dirty = true;
}

void set_color_scale(AppState& s, ColorScale scale) {
    if (scale == s.view.heatmap.color.scale) return;
    s.view.heatmap.color.scale = scale;
    s.cells_dirty = true;
}

void set_ignore_first_key(AppState& s, bool ignore) {
    if (ignore == s.view.heatmap.color.ignore_first_key) return;
    s.view.heatmap.color.ignore_first_key = ignore;
    s.cells_dirty = true;
}

void set_font_scale(AppState& s, float scale) { s.view.font_scale = std::clamp(scale, 0.6f, 3.0f); }

}  // namespace attnviz::gui
