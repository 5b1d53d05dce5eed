// update(): the one place the engine is called; draw(): the fixed panel layout; shortcuts.
#include "app/gui/app.h"

#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/compute/lab_compute.h"
#include "app/gui/compute/model_compute.h"
#include "app/gui/compute/model_run.h"
#include "app/gui/export_actions.h"
#include "app/gui/keys.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/session.h"
#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>

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
    if (model_open(s)) {
        // A real model runs in the background; what is on screen stays until its result arrives.
        submit_model_compute(s);
        d.compute_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        return;
    }
    d.notices.clear();
    d.status.clear();
    d.run.reset();
    d.tokens = tokenize(s.sentence, kDefaultTokenCap);
    if (d.tokens.n_invalid_bytes > 0) {
        d.notices.push_back(std::to_string(d.tokens.n_invalid_bytes) +
                            " invalid UTF-8 byte(s) replaced by \xEF\xBF\xBD");
        s.sentence = d.tokens.text;  // the editor only ever holds valid UTF-8
    }
    if (d.tokens.truncated()) {
        d.notices.push_back("showing the first " + std::to_string(d.tokens.tokens.size()) + " of " +
                            std::to_string(d.tokens.n_tokens_total) + " tokens");
    }
    Tokenization key_tokens;
    if (!s.key_sentence.empty()) {
        key_tokens = tokenize(s.key_sentence, kDefaultTokenCap);
        if (key_tokens.n_invalid_bytes > 0) s.key_sentence = key_tokens.text;
        if (key_tokens.truncated()) {
            d.notices.push_back("keys: showing the first " + std::to_string(key_tokens.tokens.size()) +
                                " of " + std::to_string(key_tokens.n_tokens_total) + " tokens");
        }
        if (key_tokens.tokens.empty())
            d.notices.push_back("the key sentence is empty: showing self-attention");
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
        if (const int fallback = s.selection.pending_query_fallback; fallback >= 0) {
            // An edited sentence: the same word if it is still there, else the same place.
            const auto fu = static_cast<std::size_t>(fallback);
            const std::optional<int> i = fallback < n && d.tokens.tokens[fu].text == s.selection.pending_query
                                             ? std::optional<int>(fallback)
                                             : find_token(d.tokens.tokens, s.selection.pending_query);
            s.selection.query = i ? *i : std::min(fallback, n - 1);
        } else {
            s.selection.query = resolve_query(d.tokens, s.selection.pending_query, notice);
        }
        if (!notice.empty()) d.notices.push_back(notice);
        s.selection.pending_query.clear();
    }
    s.selection.pending_query_fallback = -1;
    if (s.selection.query < 0 || s.selection.query >= n) s.selection.query = n - 1;
    s.selection.focus_head = std::clamp(s.selection.focus_head, 0, s.settings.n_heads - 1);

    SourceInputs in;
    in.tokens = &d.tokens;
    in.key_tokens = &key_tokens;
    in.hand_model = s.hand_model ? &*s.hand_model : nullptr;
    in.settings = s.settings;
    Expected<AttentionRun> run = run_attention_source(in);
    if (!run) {
        d.status = run.error();
        return;
    }
    d.run = std::move(run).value();
    d.layer = std::clamp(s.selection.layer, 0, d.run->n_layers() - 1);
    Selection& sel = s.selection;
    if (sel.selected_cell_row >= d.result()->n_q || sel.selected_cell_col >= d.result()->n_k) {
        sel.selected_cell_row = sel.selected_cell_col = -1;
    }
    d.compute_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void rebuild_cells(AppState& s) {
    Derived& d = s.derived;
    d.head_cells.clear();
    if (!d.result()) return;
    for (const HeadResult& h : d.result()->heads) {
        d.head_cells.push_back(make_heatmap_cells(h.weights, &d.result()->visible, s.view.heatmap.color));
    }
    ModelDerived& m = d.model;
    const ColorScaleSettings& c = s.view.heatmap.color;
    if (m.result && m.result->run &&
        (c.scale != m.thumbnail_color.scale || c.ignore_first_key != m.thumbnail_color.ignore_first_key)) {
        m.thumbnails = model_thumbnails(*m.result->run, kThumbnailCells, c);
        m.thumbnail_color = c;
        ++m.thumbnails_version;
        m.preview_key.clear();
    }
}

void compute_kv_cache(AppState& s) {
    Expected<KvCacheComparison> c = compare_kv_cache(s.kv_calc.shape, s.kv_calc.n_heads);
    s.derived.kv_cache.reset();
    s.derived.kv_cache_error.clear();
    if (c) {
        s.derived.kv_cache = *c;
    } else {
        s.derived.kv_cache_error = c.error();
    }
}

/// Builds the open quiz question from the scenario and the engine's result.
void build_quiz_question(AppState& s) {
    QuizState& q = s.quiz;
    const Derived& d = s.derived;
    if (model_open(s)) {
        if (q.active()) end_quiz(s);  // the questions are about the lesson model's heads
        return;
    }
    if (q.active() && !q.revealed() && s.sentence != q.sentence) {
        end_quiz(s);  // someone typed another sentence: the question no longer applies
        return;
    }
    if (!q.active() || !q.needs_question() || !d.result() || !d.forward()) return;
    const std::vector<LessonHeadInfo> infos = LessonModel::instance().heads();
    std::vector<std::string> names, short_names, roles;
    for (std::size_t h = 0; h < infos.size() && h < d.result()->heads.size(); ++h) {
        names.push_back(infos[h].name);
        short_names.push_back(infos[h].short_name);
        roles.push_back(infos[h].role);
    }
    const int n_heads = static_cast<int>(d.result()->heads.size());
    QuizKind kind = q.kind;
    if (kind == QuizKind::kScenario && !(s.lesson && s.lesson->quiz)) kind = QuizKind::kTemperature;
    if (kind == QuizKind::kScenario) {
        const ScenarioQuiz& authored = *s.lesson->quiz;
        if (!authored.query.empty()) {  // the question is about another token than the lesson's
            if (const std::optional<int> i = find_token(d.tokens.tokens, authored.query))
                s.selection.query = *i;
        }
        q.question = scenario_question(authored, names);
        derive_answer_from_engine(q.question, d.tokens, *d.result(), s.selection.query);
    } else if (kind == QuizKind::kHeadRole) {
        q.question = head_role_question(q.round % std::max(1, n_heads), short_names, roles);
        focus_head(s, q.question.head);  // the pattern to judge
    } else {
        const int query = s.selection.query;
        const int head = std::max(0, head_named_in("coreference head", names));
        if (query < 0 || query >= d.result()->n_q ||
            d.result()->heads[0].rows.n_visible[static_cast<std::size_t>(query)] == 0)
            return;
        const int h = std::min(head, n_heads - 1);
        q.question =
            temperature_question(d.tokens, *d.result(), h, query, names[static_cast<std::size_t>(h)]);
    }
    q.phase = QuizPhase::kAsking;
}

}  // namespace

/// The flash path on the same inputs, traced for the focused head, and its distance to the reference.
void recompute_flash(AppState& s) {
    Derived& d = s.derived;
    FlashDerived& f = d.flash;
    f = FlashDerived{};
    f.version = d.run_version;
    if (!d.result() || !d.forward() || !d.config()) {
        f.status = d.status.empty() ? "nothing to compute yet" : d.status;
        return;
    }
    const int n_q = d.result()->n_q;
    const int n_k = d.result()->n_k;
    FlashPlayback& p = s.flash;
    p.block_q = std::clamp(p.block_q, 1, std::max(1, n_q));
    p.block_k = std::clamp(p.block_k, 1, std::max(1, n_k));
    f.block_q = p.block_q;
    f.block_k = p.block_k;
    f.head = std::clamp(s.selection.focus_head, 0, static_cast<int>(d.result()->heads.size()) - 1);
    FlashOptions options;
    options.block_q = p.block_q;
    options.block_k = p.block_k;
    options.rebuild_weights = true;
    options.trace_head = f.head;
    Expected<FlashResult> r = compute_flash_attention(*d.config(), d.forward()->inputs, options);
    if (!r) {
        f.status = r.error();
        return;
    }
    f.result = std::move(r).value();
    for (std::size_t h = 0; h < d.result()->heads.size(); ++h) {
        const HeadResult& ref = d.result()->heads[h];
        const auto hi = static_cast<int>(h);
        const MatrixRM wd = (f.result->weights->mat(hi) - ref.weights).cwiseAbs();
        f.max_weight_diff = std::max(f.max_weight_diff, wd.maxCoeff());
        f.max_output_diff =
            std::max(f.max_output_diff, (f.result->output.mat(hi) - ref.output).cwiseAbs().maxCoeff());
        if (hi == f.head) f.weight_diff = wd;
    }
    const auto n_heads = static_cast<double>(d.result()->heads.size());
    f.reference_bytes = 3.0 * n_heads * n_q * n_k * sizeof(float);  // raw scores, scores, weights
    f.flash_scratch_bytes = 2.0 * p.block_q * p.block_k * sizeof(float);
    f.flash_packed_key_bytes =
        static_cast<double>(d.config()->n_kv_heads) * n_k * d.config()->head_dim * sizeof(float);
    p.step = std::clamp(p.step, 0, static_cast<int>(f.result->trace->steps.size()));
}

void advance_flash_playback(AppState& s, double now) {
    FlashPlayback& p = s.flash;
    const FlashDerived& f = s.derived.flash;
    s.animating = false;
    if (!p.playing || s.view.main_view != MainView::kFlash || !f.result || !f.result->trace) return;
    s.animating = true;  // the main loop keeps drawing without waiting for input
    const int n_steps = static_cast<int>(f.result->trace->steps.size());
    const double per_step = 1.0 / static_cast<double>(p.steps_per_second);
    const auto due = static_cast<int>(std::min(1e6, std::floor((now - p.last_step_time) / per_step)));
    if (due >= 1) {
        p.last_step_time += due * per_step;
        p.step = std::min(n_steps, p.step + due);
        if (p.step >= n_steps) p.playing = false;
    }
}

void update(AppState& s) {
    update_model(s);  // a real model's delivered run (or another shown layer) replaces the run
    Derived& d = s.derived;
    if (d.result_version != s.inputs_version) {
        d.result_version = s.inputs_version;  // first: an input recompute() adjusts asks for another run
        recompute(s);
        ++d.run_version;
        // A remark about an older result goes; one made with the change just computed stays once.
        if (!s.status_for_pending_run) s.status_message.clear();
        s.status_for_pending_run = false;
    }
    if (d.cells_run_version != d.run_version || d.colour_version != s.colour_version) {
        d.cells_run_version = d.run_version;
        d.colour_version = s.colour_version;
        rebuild_cells(s);
        ++d.version;
    }
    const FlashDerived& f = s.derived.flash;
    // Keyed on the engine's result, not on the cells: a colour change re-runs nothing in the engine.
    if (s.view.main_view == MainView::kFlash &&
        (f.version != s.derived.run_version || f.block_q != s.flash.block_q || f.block_k != s.flash.block_k ||
         (f.result && f.head != s.selection.focus_head))) {
        recompute_flash(s);
    }
    advance_flash_playback(s, ImGui::GetTime());
    IoHardware hw;
    hw.sram_bytes = static_cast<double>(s.flash.io_sram_mb) * 1e6;
    s.derived.flash_io =
        estimate_attention_io(std::int64_t{1} << s.flash.io_log2_tokens, s.flash.io_head_dim, hw);
    update_lab(s);
    compute_kv_cache(s);
    build_quiz_question(s);
    update_compare(s);
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
    s.view.weights_alpha = quiz_weights_alpha(s.quiz, ImGui::GetTime());
    s.layout.weight_text_drawn = false;

    const float bar_h = draw_sentence_bar(s, origin, size.x);
    const float top = origin.y + bar_h;
    // The controls scroll; at large text they take less of the width so the picture keeps it.
    const float left_w = std::clamp(fs * 19.0f, 240.0f, size.x * (fs > 20.0f ? 0.26f : 0.34f));
    draw_controls_panel(s, ImVec2(origin.x, top), ImVec2(left_w, size.y - bar_h));
    draw_main_view(s, ImVec2(origin.x + left_w, top), ImVec2(size.x - left_w, size.y - bar_h));
    if (s.view.show_help) draw_help_window(s);
}

// [SECTION] shortcuts

void handle_shortcuts(AppState& s) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsAnyItemActive()) return;
    record_undo_point(s);  // not mid-drag or mid-typing: a finished change is one step
    const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (io.KeyCtrl) {
        if (pressed(kKeyZ) && !io.KeyShift) undo(s);
        if ((pressed(kKeyZ) && io.KeyShift) || pressed(kKeyY)) redo(s);
        if (pressed(kKeyEqual) || pressed(kKeyKpAdd)) set_font_scale(s, s.view.font_scale * 1.1f);
        if (pressed(kKeyMinus) || pressed(kKeyKpSubtract)) set_font_scale(s, s.view.font_scale / 1.1f);
        if (pressed(kKey0)) set_font_scale(s, 1.0f);
        if (pressed(kKeyQ)) request_quit(s);
        if (pressed(kKeyS)) request_screenshot(s);
        if (pressed(kKeyO)) s.requests.open_model = true;
        if (pressed(kKeyE)) request_export_dialog(s);
        return;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) move_query(s, -1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) move_query(s, +1);
    // Letters follow the character typed, not the key's US position (M is M on AZERTY too).
    for (const ImWchar c : io.InputQueueCharacters) {
        if (c == 'm' || c == 'M')
            set_causal(s, !(model_open(s) ? s.model.interventions.causal : s.settings.causal));
        if ((c == 'g' || c == 'G') && model_open(s)) generate_token(s);
        if (c == 'h' || c == 'H') next_head(s);
        if (c == 'p' || c == 'P') pin_compare(s);
        if (c == 't') step_temperature(s, 1.5);
        if (c == 'T') step_temperature(s, 1.0 / 1.5);
    }
    if (pressed(kKeyF1)) set_show_help(s, !s.view.show_help);
    if (pressed(kKeyF11)) toggle_fullscreen(s);
}

}  // namespace attnviz::gui
