// update(): the one place the engine is called; draw(): the fixed panel layout; shortcuts.
#include "app/gui/app.h"

#include "app/gui/app_actions.h"
#include "app/gui/keys.h"
#include "app/gui/panels/panels.h"
#include "core/attention.h"
#include "core/lesson_run.h"

#include <algorithm>
#include <chrono>

namespace attnviz::gui {

// [SECTION] update

namespace {

/// The token a scenario or the command line names, else the last one (with a notice).
int resolve_query(const Tokenization& t, const std::string& wanted, std::string& notice) {
    if (const std::optional<int> i = find_token(t.tokens, wanted)) return *i;
    notice = "query \"" + wanted + "\" is not a token of this sentence; showing the last token";
    return static_cast<int>(t.tokens.size()) - 1;
}

void recompute(AppState& s) {
    const auto start = std::chrono::steady_clock::now();
    Derived& d = s.derived;
    d.notices.clear();
    d.status.clear();
    d.result.reset();
    d.forward.reset();
    d.tokens = tokenize(s.sentence, kDefaultTokenCap);
    if (d.tokens.n_invalid_bytes > 0) {
        d.notices.push_back(std::to_string(d.tokens.n_invalid_bytes) + " invalid UTF-8 byte(s) replaced by \xEF\xBF\xBD");
        s.sentence = d.tokens.text;  // the editor only ever holds valid UTF-8
    }
    if (d.tokens.truncated()) {
        d.notices.push_back("showing the first " + std::to_string(d.tokens.tokens.size()) + " of " +
                            std::to_string(d.tokens.n_tokens_total) + " tokens");
    }
    const int n = static_cast<int>(d.tokens.tokens.size());
    if (n == 0) {
        d.status = "Type a sentence to see its attention.";
        return;
    }

    const LessonModel& model = LessonModel::instance();
    set_heads(s, s.settings.n_heads, s.hand_model ? 1 : model.max_heads());
    if (!s.selection.pending_query.empty()) {
        std::string notice;
        s.selection.query = resolve_query(d.tokens, s.selection.pending_query, notice);
        if (!notice.empty()) d.notices.push_back(notice);
        s.selection.pending_query.clear();
    }
    if (s.selection.query < 0 || s.selection.query >= n) s.selection.query = n - 1;
    s.selection.focus_head = std::clamp(s.selection.focus_head, 0, s.settings.n_heads - 1);

    LessonRunSettings ls;
    ls.model.n_heads = s.settings.n_heads;
    ls.model.n_kv_heads = s.settings.n_kv_heads;
    ls.temperature = s.settings.temperature;
    ls.causal = s.settings.causal;
    ls.window = s.settings.window;
    ls.scale = s.settings.scale;
    Expected<LessonRun> run = s.hand_model ? run_hand_example(d.tokens, *s.hand_model, ls) : run_lesson(d.tokens, Tokenization{}, ls);
    if (!run) {
        d.status = run.error();
        return;
    }
    d.forward = std::move(run->forward);
    d.result = std::move(run->result);
    Selection& sel = s.selection;
    if (sel.selected_cell_row >= d.result->n_q || sel.selected_cell_col >= d.result->n_k) {
        sel.selected_cell_row = sel.selected_cell_col = -1;
    }
    d.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void rebuild_cells(AppState& s) {
    Derived& d = s.derived;
    d.head_cells.clear();
    if (!d.result) return;
    for (const HeadResult& h : d.result->heads) {
        d.head_cells.push_back(make_heatmap_cells(h.weights, &d.result->visible, s.view.heatmap.color));
    }
}

}  // namespace

void update(AppState& s) {
    if (s.dirty) {
        s.dirty = false;
        recompute(s);
        s.cells_dirty = true;
    }
    if (s.cells_dirty) {
        s.cells_dirty = false;
        rebuild_cells(s);
        ++s.derived.version;
    }
}

// [SECTION] layout and panels

void draw(AppState& s) {
    const float menu_h = draw_menu_bar(s);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    // WorkPos/WorkSize already exclude the main menu bar.
    static_cast<void>(menu_h);
    const ImVec2 origin = vp->WorkPos;
    const ImVec2 size = vp->WorkSize;
    const float fs = ImGui::GetFontSize();

    const float bar_h = draw_sentence_bar(s, origin, size.x);
    const float top = origin.y + bar_h;
    const float left_w = std::clamp(fs * 19.0f, 240.0f, size.x * 0.34f);
    draw_controls_panel(s, ImVec2(origin.x, top), ImVec2(left_w, size.y - bar_h));
    draw_main_view(s, ImVec2(origin.x + left_w, top), ImVec2(size.x - left_w, size.y - bar_h));
    if (s.view.show_help) draw_help_window(s);
}

// [SECTION] shortcuts

void handle_shortcuts(AppState& s) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsAnyItemActive()) return;
    const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (io.KeyCtrl) {
        if (pressed(kKeyEqual) || pressed(kKeyKpAdd)) set_font_scale(s, s.view.font_scale * 1.1f);
        if (pressed(kKeyMinus) || pressed(kKeyKpSubtract)) set_font_scale(s, s.view.font_scale / 1.1f);
        if (pressed(kKey0)) set_font_scale(s, 1.0f);
        if (pressed(kKeyQ)) s.quit_requested = true;
        if (pressed(kKeyS)) request_screenshot(s);
        return;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) move_query(s, -1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) move_query(s, +1);
    if (pressed(kKeyM)) set_causal(s, !s.settings.causal);
    if (pressed(kKeyH)) next_head(s);
    if (pressed(kKeyT)) step_temperature(s, io.KeyShift ? 1.0 / 1.5 : 1.5);
    if (pressed(kKeyF1)) s.view.show_help = !s.view.show_help;
    if (pressed(kKeyF11)) s.view.fullscreen = !s.view.fullscreen;
}

}  // namespace attnviz::gui
