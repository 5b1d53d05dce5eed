// AppState: everything the GUI shows and edits, in one explicit struct passed to every panel.
// Panels read it and change it through app_actions.h; update() (app.h) recomputes what is derived.
#pragma once

#include "app/gui/attention_run.h"
#include "app/gui/compare_state.h"
#include "app/gui/compute/heatmap_cells.h"
#include "app/gui/compute/quiz.h"
#include "app/gui/export_state.h"
#include "app/gui/flash_playback.h"
#include "app/gui/model_state.h"
#include "app/gui/session_state.h"
#include "app/gui/style/colormap.h"
#include "app/gui/widgets/widget_registry.h"
#include "core/attention/attention.h"
#include "core/lab/io_model.h"
#include "core/lab/kv_cache.h"
#include "core/lab/scaling_demo.h"
#include "core/lab/temperature_sweep.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/scenario.h"
#include "core/lesson/tokenizer.h"

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::gui {

enum class Theme { kDark, kLight };

/// The tabs of the main view area (see views/views.h for their names and draw functions).
enum class MainView {
    kAttention,
    kPipeline,
    kTemperature,
    kGallery,
    kPermutation,
    kKvCache,
    kFlash,
    kCross,
    kQuiz,
    kModel,
    kCompare
};

/// Who is selected: one selection shared by every view.
struct Selection {
    int query = -1;                   ///< locked query token (a heatmap row); -1 until update() picks one
    std::string pending_query;        ///< token text or index to resolve after the next tokenization
    int pending_query_fallback = -1;  ///< when pending_query is no token: this index (clamped), not the last
    int hover_token = -1;             ///< token under the mouse this frame (a preview), -1 = none
    int layer = 0;                    ///< the layer shown (the lesson sources have one)
    int focus_head = 0;               ///< the head shown in the heatmap and the arcs
    int hover_cell_row = -1;          ///< heatmap cell under the mouse, -1 = none
    int hover_cell_col = -1;
    int selected_cell_row = -1;  ///< the (query, key) cell the inspector explains; -1 = none
    int selected_cell_col = -1;
};

/// Parts of the formula softmax(mask(Q K^T / sqrt(d_k)) / T) V that the pipeline view can highlight.
enum class FormulaPart { kNone = -1, kSoftmax, kMask, kQ, kKt, kScale, kTemperature, kV, kOutput, kCount };

/// The stages of the pipeline view, left to right.
enum class PipelineStage {
    kNone = -1,
    kX,
    kWq,
    kWk,
    kWv,
    kQ,
    kK,
    kV,
    kRaw,
    kScaled,
    kMasked,
    kTempered,
    kWeights,
    kOutput,
    kCount
};

struct PipelineViewState {
    FormulaPart hover_formula = FormulaPart::kNone;    ///< formula part under the mouse (last frame)
    PipelineStage hover_stage = PipelineStage::kNone;  ///< stage under the mouse (last frame)
    PipelineStage scroll_to = PipelineStage::kNone;    ///< bring this stage into view (a formula click)
};

struct HeatmapViewState {
    Colormap colormap = Colormap::kViridis;
    ColorScaleSettings color;
    float zoom = 1.0f;   ///< >= 1; how many times the matrix is magnified in the heatmap panel
    float pan_x = 0.0f;  ///< top-left of the visible window, in [0, 1 - 1/zoom] of the matrix
    float pan_y = 0.0f;
};

/// The temperature lab's own controls.
struct TemperatureLabState {
    int scaling_d = 64;  ///< the d of the 1/sqrt(d) lesson's random vectors, 1..1024
};

/// The permutation experiment (issue 7): the sentence before shuffling and how it was shuffled.
struct PermutationState {
    bool active = false;                       ///< the sentence on screen is a shuffle of original_sentence
    std::string original_sentence;             ///< the tokens before shuffling, joined by spaces
    std::string original_text;                 ///< the sentence exactly as it was typed, restored at the end
    std::vector<std::string> original_tokens;  ///< [n_tokens] their texts, in the original order
    std::vector<int> perm;                     ///< [n_tokens] shuffled token i is original token perm[i]
    std::uint64_t seed = 1;                    ///< the next shuffle's seed (each click takes the next one)
    bool causal_before = true;                 ///< the causal setting to restore
    std::string lesson_title_before;           ///< the lesson's title and explanation while shuffled
    std::string lesson_explanation_before;
};

struct ViewState {
    Theme theme = Theme::kDark;
    float font_scale = 1.0f;  ///< the platform rebuilds the font atlas when it changes
    bool show_help = false;
    bool fullscreen = false;  ///< requested; the platform applies it
    MainView main_view = MainView::kAttention;
    float weights_alpha = 1.0f;  ///< opacity of every weight drawn this frame (0 while a quiz hides them)
    HeatmapViewState heatmap;
    TemperatureLabState temperature_lab;
    PipelineViewState pipeline;
};

/// The gallery card previews: the engine's weights of each card's head under the card's settings.
struct PatternPreview {
    MatrixRM weights;    ///< [n, n] the card's head, n <= the preview token cap
    MaskMatrix visible;  ///< [n, n]
};

/// The permutation experiment's check: the original order run beside the shuffled one on screen.
struct PermutationCheck {
    bool valid = false;
    std::string message;                     ///< why there is no check (token counts differ, engine error)
    std::vector<MatrixRM> original_outputs;  ///< [n_heads][n, d_v], rows in the original order
    std::vector<float> token_diff;  ///< [n] max over heads and dims |O_shuffled[i] - O_original[perm[i]]|
    float max_diff = 0.0f;          ///< the max of token_diff
};

/// What the lab views show besides the main result, computed by update() (lab_compute.h).
struct LabDerived {
    std::optional<lab::TemperatureSweep> sweep;  ///< the focused head's query row over T (log 0.05..20)
    std::optional<lab::TemperatureSweep> lesson_points;  ///< the same row at the lesson's T = 0.1, 1, 5
    std::vector<lab::ScalingStats> scaling_curve;        ///< d = 1, 2, 4, ..., 1024
    std::optional<lab::ScalingStats> scaling_at_d;       ///< at view.temperature_lab.scaling_d
    std::vector<PatternPreview> gallery;                 ///< [patterns()], empty until the gallery is shown
    PermutationCheck permutation;
    // What they were computed from, so update() recomputes only on change.
    std::uint64_t sweep_version = 0;
    int sweep_query = -1;
    int sweep_head = -1;
    std::uint64_t gallery_version = 0;
    std::uint64_t permutation_version = 0;
};

/// The KV-cache calculator's inputs (a model shape, not the lesson model's): edited through app_actions.h.
struct KvCalculatorState {
    int preset = 0;  ///< index into model_presets(), -1 once a field is edited by hand
    /// The cache the numbers are for (core/lab/kv_cache.h): 32 layers, 8 KV heads (the chosen GQA) of
    /// dim 128, 131072 tokens, batch 1, fp16, no sliding window.
    lab::KvCacheShape shape{32, 8, 128, 131072, 1, lab::KvDtype::kFp16, 0};
    std::int64_t n_heads = 32;  ///< query heads (the shape's KV heads divide them)
};

/// The calculator's three number fields while a person types in them: a value is applied when its
/// field is left (Enter, Tab or a click elsewhere), not at each keystroke (typing 32 passes through
/// 3, which would reset the KV-heads choice), and is never lost by clicking away.
struct KvFieldEdits {
    std::int64_t values[3] = {32, 32, 128};  ///< layers, query heads, head dim as shown in the fields
    bool active[3] = {false, false, false};  ///< the field had keyboard focus last frame
};

/// Results of the last update(); never edited by panels.
/// The heads grid's thumbnails are averaged down to at most this many cells a side.
inline constexpr int kHeadThumbnailCells = 96;

struct Derived {
    lesson::Tokenization tokens;  ///< the sentence as tokenized (its chips show even when the engine fails)
    /// What the engine computed, with the config it ran with and the labels of its queries and keys:
    /// the single source every view reads (attention_run.h).
    std::optional<AttentionRun> run;
    int layer = 0;  ///< the layer the accessors below return: Selection::layer, kept in range by update()

    /// The shown layer of the run, or null when nothing is computed.
    const LayerRun* shown_layer() const {
        return run && layer >= 0 && layer < run->n_layers() ? &run->layers[static_cast<std::size_t>(layer)]
                                                            : nullptr;
    }
    const attention::AttentionResult* result() const {
        return shown_layer() ? &shown_layer()->result : nullptr;
    }
    const lesson::LessonForward* forward() const { return shown_layer() ? &shown_layer()->forward : nullptr; }
    const attention::AttentionConfig* config() const {
        return shown_layer() ? &shown_layer()->config : nullptr;
    }

    /// The focused head's cells under the current colour settings (the main heatmap and its legend); only
    /// that head's: at 512 tokens each head's cells are 2 MB, rebuilt on every frame of a slider drag.
    HeatmapCells focus_cells;
    int focus_cells_head = -1;  ///< the head focus_cells show, -1 for none
    /// [n_heads] every head averaged down to at most kHeadThumbnailCells a side (the heads grid's pictures,
    /// finer than a real model's kThumbnailCells: they are larger on screen and there are few of them).
    std::vector<HeatmapCells> head_thumbnail_cells;
    bool head_thumbnails_current = false;  ///< built for this run and colours (only while a view shows them)
    std::string status;                    ///< why nothing is drawn ("Type a sentence", an engine error)
    std::vector<std::string> notices;      ///< non-fatal remarks (invalid bytes replaced, token cap)
    double compute_ms = 0.0;               ///< time of the last recompute (tokenize + model + attention)
    std::optional<lab::KvCacheComparison>
        kv_cache;                      ///< the calculator's MHA / GQA / MQA sizes (core/lab/kv_cache.h)
    std::string kv_cache_error;        ///< why the calculator has no numbers
    std::uint64_t version = 0;         ///< grows whenever results or cells change (textures follow)
    FlashDerived flash;                ///< the flash view's numbers (computed while it is shown)
    lab::IoEstimate flash_io;          ///< the IO comparison at the flash view's N, d and SRAM
    std::uint64_t result_version = 0;  ///< the AppState::inputs_version the run was computed from
    /// Grows whenever `run` is replaced: a lesson recompute, a real model's delivered run or another of
    /// its layers shown (a model computes in the background, so its runs arrive between input changes).
    std::uint64_t run_version = 0;
    std::uint64_t cells_run_version = 0;  ///< the run_version the cells were built from
    std::uint64_t colour_version = 0;     ///< the AppState::colour_version the cells were built with
    LabDerived lab;
    ModelDerived model;      ///< the open real model's last run (empty while the lesson model is the source)
    CompareDerived compare;  ///< A against B while the Compare view is shown (compare_actions.h)
};

/// Where panels drew this frame: the few places production code reads back (the texture sizes, the PNG
/// crop, which thumbnails are on screen, the selector's place), and every widget by name for tests.
struct FrameLayout {
    ImVec2 heatmap_pixels{0, 0};  ///< size the heatmap texture should have (framebuffer pixels)
    ImVec2 thumbnail_pixels{0, 0};
    int strip_scrolled_to = -1;        ///< the query the token strip last scrolled into view
    ImVec2 strip_scrolled_size{0, 0};  ///< the strip's size then (a new size scrolls again)
    Rect main_area;                    ///< the main view's window (tabs or selector and the view)
    Rect view_selector;                ///< the view selector, when the tabs do not fit (empty: not drawn yet)
    /// Whether the tabs do not fit and the view selector sits in the menu bar (the main area keeps
    /// that row for the picture); decided by draw() before the menu bar.
    bool views_in_menu = false;
    /// Model view: the thumbnails drawn this frame (index layer * n_heads + head) and where.
    std::vector<std::pair<int, Rect>> model_thumbs;
    ImVec2 model_thumb_pixels{0, 0};
    ImVec2 model_preview_pixels{0, 0};
    /// Every widget drawn this frame, by name: where tests find what to click and check. Production
    /// code only notes into it (the layering test keeps it so); draw() clears it.
    WidgetRegistry widgets;
};

/// GPU images the panels show; set by the gfx layer each frame, null without GL (headless tests).
struct Textures {
    ImTextureID heatmap = nullptr;
    std::vector<ImTextureID> head_thumbnails;
    std::vector<ImTextureID> model_thumbnails;  ///< [n_layers * n_heads], null where not on screen
    ImTextureID model_preview = nullptr;        ///< the model view's preview / aggregate heatmap
};

/// Which lesson is on screen: one value, set by a scenario or a pattern card, gone when a sentence is typed.
struct LessonIdentity {
    std::string name;  ///< the scenario's name ("pod"); empty for a card that is no scenario file
    std::string title;
    std::string explanation;
    std::optional<lesson::ScenarioQuiz> quiz;  ///< the lesson's own question, if its file has one
};

/// What a frame asks of the next frame or of the main loop; each is cleared where it is carried out.
struct Requests {
    bool open_scenario = false;       ///< open the File > Open scenario dialog on the next frame
    bool open_model = false;          ///< open the File > Open model dialog on the next frame
    bool open_export = false;         ///< open the File > Export dialog on the next frame
    bool open_session = false;        ///< open the File > Save / Open session dialog on the next frame
    std::string screenshot;           ///< a PNG path the main loop writes once screenshot_wait_frames is 0
    int screenshot_wait_frames = 0;   ///< frames to render first (the menu that asked closes in one)
    int screenshot_scale = 1;         ///< 1, 2 or 4 times the window's pixels (above 1: rendered offscreen)
    bool screenshot_controls = true;  ///< false: the main view alone (the picture cropped to it)
    bool quit = false;                ///< the main loop ends after this frame
    std::optional<MainView> view;     ///< select this view's tab on the next frame (--panel, links, tests)
};

/// Presenter mode's pointer (L cycles it): none, a laser dot, or the dot with the rest dimmed.
enum class StagePointer { kOff, kLaser, kSpotlight };

/// What F5 found on screen, put back exactly when presenter mode is left.
struct StageSnapshot {
    std::string sentence;
    std::string key_sentence;
    std::optional<lesson::HandModel> hand_model;
    std::optional<LessonIdentity> lesson;
    lesson::LessonRunSettings settings;
    Selection selection;
    ViewState view;
    QuizState quiz;
    PermutationState permutation;
};

/// Presenter mode (F5, presenter_actions.h): a clean stage stepping through the built-in lessons.
struct PresenterState {
    bool active = false;
    int lesson = -1;              ///< index into builtin_scenarios() on stage; -1 = the sentence F5 found
    int step = 0;                 ///< the lesson's step (presenter_step_names): predict, reveal, explanation
    bool reveal_pending = false;  ///< reveal the quiz once update() has built its question
    StagePointer pointer = StagePointer::kOff;
    double step_time = 0.0;  ///< ImGui time of the last step: the step indicator fades after it
    StageSnapshot saved;
    /// The stage is drawn in its own window (a second monitor, or --stage-window) and this window keeps
    /// the controls at their size; false: the stage fills this window.
    bool in_window = false;
    float stage_font_scale = 1.0f;  ///< the stage window's text size (while in_window)
};

/// Where the stage may go (View > Stage on): set by the menu and the command line, and each frame by the
/// platform from the monitors connected. Kept when presenter mode is left.
struct StageOutput {
    bool prefer_second_monitor = true;  ///< the menu's choice: "second monitor" (else "this window")
    bool second_monitor = false;        ///< the platform found a monitor for the stage (stage_placement.h)
    bool forced_window = false;  ///< --stage-window: a window of its own even on one monitor (if preferred)
};

struct AppState {
    std::string sentence;
    std::string key_sentence;  ///< non-empty: cross-attention, K and V come from this sentence
    /// The hand example's explicit embeddings and W matrices (scenario "hand_model"); when set, update()
    /// computes one head from them instead of the lesson model. Edited live in the pipeline view.
    std::optional<lesson::HandModel> hand_model;
    std::optional<LessonIdentity> lesson;  ///< the lesson on screen; none once the sentence is one's own
    /// What the engine computes from: the one settings struct of scenario files and attnviz-cli lesson.
    lesson::LessonRunSettings settings;
    Selection selection;
    ViewState view;
    std::string temperature_message;  ///< why the last typed temperature was refused, shown inline
    std::string temperature_typed;    ///< the typed-T field's text while a person types in it
    std::string load_message;         ///< result of the last scenario load (error or warnings)
    std::string open_scenario_path;   ///< the path typed into File > Open scenario
    Requests requests;
    std::string status_message;  ///< a passing remark for the sentence bar ("saved shot.png"): set_status
    bool status_for_pending_run =
        false;  ///< the remark is about the recompute pending now: it survives that one
    bool unshaped_notice_given = false;  ///< the one-time "shown unshaped" remark (unshaped_script_notice)
    PermutationState permutation;
    ExportDialogState export_dialog;
    SessionState session;  ///< session dialogs and the undo / redo history
    PresenterState presenter;
    StageOutput stage_output;

    /// What changed, as counters that only grow. Actions bump them; whatever update() derives records
    /// the version it was computed from and is recomputed when the two differ (the one way it decides).
    std::uint64_t inputs_version = 1;  ///< engine inputs: sentences, settings, hand model
    std::uint64_t colour_version = 0;  ///< colour settings only: the engine re-runs nothing
    /// The sentence, a setting or the hand model changed: update() re-runs the engine.
    void inputs_changed() { ++inputs_version; }
    /// Only how weights are coloured changed: update() rebuilds the cells and nothing else.
    void colours_changed() { ++colour_version; }
    /// update() has not computed the latest inputs yet (the main loop does not wait for input then).
    bool recompute_pending() const { return derived.result_version != inputs_version; }

    ModelState model;  ///< the real model, when one is open (else the lesson sources above)

    KvCalculatorState kv_calc;
    KvFieldEdits kv_field_edits;
    QuizState quiz;
    CompareState compare;  ///< the pinned A of Compare (A/B)

    Derived derived;
    FrameLayout layout;
    Textures textures;
    FlashPlayback flash;
    bool animating = false;  ///< a view is animating: the main loop keeps drawing without waiting
};

}  // namespace attnviz::gui
