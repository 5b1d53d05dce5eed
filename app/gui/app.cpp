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
#include "app/gui/presenter_actions.h"
#include "app/gui/session.h"
#include "app/gui/shortcuts.h"
#include "app/gui/views/views.h"
#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"
#include "core/base/parallel.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

namespace attnviz::gui {

// [SECTION] update

namespace {

/// The token a scenario or the command line names, else the last one (with a notice).
int resolve_query(const lesson::Tokenization& t, const std::string& wanted, std::string& notice) {
    if (const std::optional<int> i = lesson::find_token(t.tokens, wanted)) return *i;
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
    d.tokens = lesson::tokenize(s.sentence, lesson::kDefaultTokenCap);
    if (d.tokens.n_invalid_bytes > 0) {
        d.notices.push_back(std::to_string(d.tokens.n_invalid_bytes) +
                            " invalid UTF-8 byte(s) replaced by \xEF\xBF\xBD");
        s.sentence = d.tokens.text;  // the editor only ever holds valid UTF-8
    }
    if (d.tokens.truncated()) {
        d.notices.push_back("showing the first " + std::to_string(d.tokens.tokens.size()) + " of " +
                            std::to_string(d.tokens.n_tokens_total) + " tokens");
    }
    lesson::Tokenization key_tokens;
    if (!s.key_sentence.empty()) {
        key_tokens = lesson::tokenize(s.key_sentence, lesson::kDefaultTokenCap);
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

    const lesson::LessonModel& model = lesson::LessonModel::instance();
    set_heads(s, s.settings.n_heads, s.hand_model ? 1 : model.max_heads());
    if (!s.selection.pending_query.empty()) {
        std::string notice;
        if (const int fallback = s.selection.pending_query_fallback; fallback >= 0) {
            // An edited sentence: the same word if it is still there, else the same place.
            const auto fu = static_cast<std::size_t>(fallback);
            const std::optional<int> i = fallback < n && d.tokens.tokens[fu].text == s.selection.pending_query
                                             ? std::optional<int>(fallback)
                                             : lesson::find_token(d.tokens.tokens, s.selection.pending_query);
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

/// The focused head's cells at full size.
void rebuild_focus_cells(AppState& s) {
    Derived& d = s.derived;
    const attention::AttentionResult* r = d.result();
    const int h = s.selection.focus_head;
    d.focus_cells_head = -1;
    if (!r || h < 0 || h >= static_cast<int>(r->heads.size())) return;
    make_heatmap_cells(r->heads[static_cast<std::size_t>(h)].weights, &r->visible, s.view.heatmap.color,
                       d.focus_cells);
    d.focus_cells_head = h;
}

/// Every head's thumbnail, from block averages (each uploads a small texture, not a 2 MB one), spread
/// over the cores.
void rebuild_head_thumbnails(AppState& s) {
    Derived& d = s.derived;
    d.head_thumbnail_cells.clear();
    const attention::AttentionResult* r = d.result();
    if (!r) return;
    d.head_thumbnail_cells.resize(r->heads.size());
    const double n_cells = static_cast<double>(r->n_q) * r->n_k * static_cast<double>(r->heads.size());
    parallel_for(static_cast<int>(r->heads.size()), n_cells * 16.0 > kParallelWorkThreshold ? 0 : 1,
                 [&](int i) {
                     const auto h = static_cast<std::size_t>(i);
                     d.head_thumbnail_cells[h] = make_downsampled_cells(
                         r->heads[h].weights, r->visible, kHeadThumbnailCells, s.view.heatmap.color);
                 });
}

/// What a new run or colour setting changes: the focused head's cells, the model view's thumbnails;
/// the heads' thumbnails are built when a view shows them (update()).
void rebuild_cells(AppState& s) {
    Derived& d = s.derived;
    d.head_thumbnails_current = false;
    d.head_thumbnail_cells.clear();
    rebuild_focus_cells(s);
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
    Expected<lab::KvCacheComparison> c = lab::compare_kv_cache(s.kv_calc.shape, s.kv_calc.n_heads);
    s.derived.kv_cache.reset();
    s.derived.kv_cache_error.clear();
    if (c) {
        s.derived.kv_cache = *c;
    } else {
        s.derived.kv_cache_error = c.error();
    }
    // An open model's own cache, from its config (float32, as attnviz runs it, at its context).
    ModelDerived& m = s.derived.model;
    m.kv_cache.reset();
    m.kv_cache_error.clear();
    if (!model_open(s) || !s.model.open->model) return;
    const model::ModelConfig& config = s.model.open->model->config;
    lab::KvCacheShape shape;
    shape.n_layers = config.n_layers;
    shape.n_kv_heads = config.n_kv_heads;
    shape.head_dim = config.head_dim;
    shape.seq_len = std::max(1, config.n_ctx);
    shape.dtype = lab::KvDtype::kFp32;
    Expected<lab::KvCacheComparison> mc = lab::compare_kv_cache(shape, config.n_heads);
    if (mc) {
        m.kv_cache = *mc;
    } else {
        m.kv_cache_error = mc.error();
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
    const std::vector<lesson::LessonHeadInfo> infos = lesson::LessonModel::instance().heads();
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
        const lesson::ScenarioQuiz& authored = *s.lesson->quiz;
        if (!authored.query.empty()) {  // the question is about another token than the lesson's
            if (const std::optional<int> i = lesson::find_token(d.tokens.tokens, authored.query))
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
    attention::FlashOptions options;
    options.block_q = p.block_q;
    options.block_k = p.block_k;
    options.rebuild_weights = true;
    options.trace_head = f.head;
    Expected<attention::FlashResult> r =
        attention::compute_flash_attention(*d.config(), d.forward()->inputs, options);
    if (!r) {
        f.status = r.error();
        return;
    }
    f.result = std::move(r).value();
    for (std::size_t h = 0; h < d.result()->heads.size(); ++h) {
        const attention::HeadResult& ref = d.result()->heads[h];
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

FramePlan plan_frame(bool iconified, int framebuffer_width, int framebuffer_height, bool timed_run,
                     bool work_pending) {
    FramePlan plan;
    if (timed_run) return plan;
    plan.draw = !iconified && framebuffer_width >= 1 && framebuffer_height >= 1;
    plan.wait_for_events = !plan.draw || !work_pending;
    return plan;
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
        notice_unshaped_text_once(s);
    }
    if (d.cells_run_version != d.run_version || d.colour_version != s.colour_version) {
        d.cells_run_version = d.run_version;
        d.colour_version = s.colour_version;
        rebuild_cells(s);
        ++d.version;
    } else if (d.result() && d.focus_cells_head != s.selection.focus_head) {
        rebuild_focus_cells(s);  // another head focused: its cells, the rest stays
        ++d.version;
    }
    // Only what the view shows: at 512 tokens a slider drag rebuilds these on every frame.
    if (!d.head_thumbnails_current && view_info(s.view.main_view).shows_head_thumbnails) {
        rebuild_head_thumbnails(s);
        d.head_thumbnails_current = true;
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
    lab::IoHardware hw;
    hw.sram_bytes = static_cast<double>(s.flash.io_sram_mb) * 1e6;
    s.derived.flash_io =
        lab::estimate_attention_io(std::int64_t{1} << s.flash.io_log2_tokens, s.flash.io_head_dim, hw);
    update_lab(s);
    compute_kv_cache(s);
    build_quiz_question(s);
    update_presenter(s, ImGui::GetTime());
    update_compare(s);
}

// [SECTION] layout and panels

void draw(AppState& s) {
    s.layout.widgets.clear();
    if (s.presenter.active && !s.presenter.in_window) {
        s.view.weights_alpha = quiz_weights_alpha(s.quiz, ImGui::GetTime());
        draw_stage(s);
        return;
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float fs = ImGui::GetFontSize();
    // The controls scroll; at large text they take less of the width so the picture keeps it.
    const float left_w = std::clamp(fs * 19.0f, 240.0f, vp->Size.x * (fs > 20.0f ? 0.26f : 0.34f));
    // When the views' tabs would be cut, their selector goes into the menu bar.
    s.layout.view_selector = Rect{};
    s.layout.views_in_menu =
        !view_tabs_fit(s, vp->Size.x - left_w - ImGui::GetStyle().WindowPadding.x * 2.0f);
    const float menu_h = draw_menu_bar(s);
    // WorkPos/WorkSize already exclude the main menu bar.
    static_cast<void>(menu_h);
    const ImVec2 origin = vp->WorkPos;
    const ImVec2 size = vp->WorkSize;
    s.view.weights_alpha = quiz_weights_alpha(s.quiz, ImGui::GetTime());

    const float bar_h = draw_sentence_bar(s, origin, size.x);
    const float top = origin.y + bar_h;
    draw_controls_panel(s, ImVec2(origin.x, top), ImVec2(left_w, size.y - bar_h));
    draw_main_view(s, ImVec2(origin.x + left_w, top), ImVec2(size.x - left_w, size.y - bar_h));
    if (s.view.show_help) draw_help_window(s);
}

// [SECTION] shortcuts

namespace {

/// On the stage (presenter mode) undo / redo and the dialogs are off: they live with the controls.
void apply_shortcut(AppState& s, Shortcut action, bool stage) {
    if (stage && (action == Shortcut::kUndo || action == Shortcut::kRedo || action == Shortcut::kOpenModel ||
                  action == Shortcut::kExport))
        return;
    switch (action) {
        case Shortcut::kNone:
            break;
        case Shortcut::kUndo:
            undo(s);
            break;
        case Shortcut::kRedo:
            redo(s);
            break;
        case Shortcut::kLargerText:
            set_font_scale(s, s.view.font_scale * 1.1f);
            break;
        case Shortcut::kSmallerText:
            set_font_scale(s, s.view.font_scale / 1.1f);
            break;
        case Shortcut::kResetText:
            set_font_scale(s, 1.0f);
            break;
        case Shortcut::kQuit:
            request_quit(s);
            break;
        case Shortcut::kScreenshot:
            request_screenshot(s);
            break;
        case Shortcut::kOpenModel:
            s.requests.open_model = true;
            break;
        case Shortcut::kExport:
            request_export_dialog(s);
            break;
        case Shortcut::kToggleCausal:
            set_causal(s, !(model_open(s) ? s.model.interventions.causal : s.settings.causal));
            break;
        case Shortcut::kGenerate:
            if (model_open(s)) generate_token(s);
            break;
        case Shortcut::kNextHead:
            next_head(s);
            break;
        case Shortcut::kPinCompare:
            pin_compare(s);
            break;
        case Shortcut::kHotter:
            step_temperature(s, 1.5);
            break;
        case Shortcut::kColder:
            step_temperature(s, 1.0 / 1.5);
            break;
    }
}

}  // namespace

namespace {

/// The keys of one window. stage_here: this window shows the stage (presenter mode in this window, or
/// the stage's own window): the arrows and Space step there, and undo, redo and the dialogs are off.
/// PageDown / PageUp (what clickers send), L, Esc and F5 work in every window while presenting.
void handle_keys(AppState& s, bool stage_here, bool desk_keys) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsAnyItemActive()) return;
    const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (pressed(kKeyF5)) toggle_presenter(s, ImGui::GetTime());
    if (s.presenter.active) {
        // The stage: what a presentation clicker sends steps; the lesson's own steps are not undo steps.
        const auto repeat = [](int key) { return ImGui::IsKeyPressed(key, true); };
        if (pressed(kKeyEscape)) leave_presenter(s);
        if (repeat(kKeyPageDown) || (stage_here && (repeat(kKeyRight) || repeat(kKeySpace))))
            presenter_next(s, ImGui::GetTime());
        if (repeat(kKeyPageUp) || (stage_here && repeat(kKeyLeft))) presenter_previous(s, ImGui::GetTime());
        for (const ImWchar c : io.InputQueueCharacters) {
            if (c == 'l' || c == 'L') cycle_stage_pointer(s);
        }
    }
    const bool stage = stage_here && s.presenter.active;
    if (!stage) record_undo_point(s);  // not mid-drag or mid-typing: a finished change is one step
    if (io.KeyCtrl) {
        // The platform has already turned each key into the one its layout types (layout_key), so
        // Ctrl+Z is the key that types 'z' on AZERTY too.
        for (int key = 0; key < IM_ARRAYSIZE(io.KeysDown); ++key) {
            if (ImGui::IsKeyPressed(key, false)) apply_shortcut(s, ctrl_shortcut(key, io.KeyShift), stage);
        }
        return;
    }
    // On the stage the arrows step (above); the letters (M for the mask, T, H) still work there.
    if (!stage && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) move_query(s, -1);
    if (!stage && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) move_query(s, +1);
    // Letters follow the character typed, not the key's US position (M is M on AZERTY too).
    for (const ImWchar c : io.InputQueueCharacters) apply_shortcut(s, char_shortcut(c), stage);
    if (pressed(kKeyF1) && !stage) set_show_help(s, !s.view.show_help);
    if (pressed(kKeyF11) && desk_keys) toggle_fullscreen(s);
}

}  // namespace

void handle_shortcuts(AppState& s) {
    handle_keys(s, s.presenter.active && !s.presenter.in_window, true);
}

void handle_stage_window_shortcuts(AppState& s) {
    PresenterState& p = s.presenter;
    if (!p.active) return;
    // Ctrl +/- there sizes the stage's text, not this window's.
    std::swap(s.view.font_scale, p.stage_font_scale);
    handle_keys(s, true, false);
    if (s.presenter.active) std::swap(s.view.font_scale, p.stage_font_scale);  // else the view is restored
}

}  // namespace attnviz::gui
