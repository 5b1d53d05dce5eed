// AppState: everything the GUI shows and edits, in one explicit struct passed to every panel.
// Panels read it and change it through app_actions.h; update() (app.h) recomputes what is derived.
#pragma once

#include "app/gui/colormap.h"
#include "app/gui/heatmap_cells.h"
#include "core/attention.h"
#include "core/hand_model.h"
#include "core/lesson_model.h"
#include "core/tokenizer.h"

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::gui {

enum class Theme { kDark, kLight };

/// The tabs of the main view area (see panels/views.h for their names and panels).
enum class MainView { kAttention, kPipeline };

/// What the engine computes from. Panels edit it and mark the state dirty.
struct EngineSettings {
    int n_heads = 8;
    int n_kv_heads = 8;
    double temperature = 1.0;  ///< 0 = argmax, +inf = uniform
    bool causal = true;
    int window = 0;  ///< 0 = no sliding window
    bool scale = true;  ///< multiply scores by 1/sqrt(head_dim)
};

/// Who is selected: one selection shared by every view.
struct Selection {
    int query = -1;              ///< locked query token (a heatmap row); -1 until update() picks one
    std::string pending_query;   ///< token text or index to resolve after the next tokenization
    int hover_token = -1;        ///< token under the mouse this frame (a preview), -1 = none
    int focus_head = 0;          ///< the head shown in the heatmap and the arcs
    int hover_cell_row = -1;     ///< heatmap cell under the mouse, -1 = none
    int hover_cell_col = -1;
    int selected_cell_row = -1;  ///< the (query, key) cell the inspector explains; -1 = none
    int selected_cell_col = -1;
};

/// Parts of the formula softmax(mask(Q K^T / sqrt(d_k)) / T) V that the pipeline view can highlight.
enum class FormulaPart { kNone = -1, kSoftmax, kMask, kQ, kKt, kScale, kTemperature, kV, kOutput, kCount };

/// The stages of the pipeline view, left to right.
enum class PipelineStage { kNone = -1, kX, kWq, kWk, kWv, kQ, kK, kV, kRaw, kScaled, kMasked, kTempered, kWeights, kOutput, kCount };

struct PipelineViewState {
    FormulaPart hover_formula = FormulaPart::kNone;  ///< formula part under the mouse (last frame)
    PipelineStage hover_stage = PipelineStage::kNone;  ///< stage under the mouse (last frame)
    PipelineStage scroll_to = PipelineStage::kNone;    ///< bring this stage into view (a formula click)
};

struct HeatmapViewState {
    Colormap colormap = Colormap::kViridis;
    ColorScaleSettings color;
    float zoom = 1.0f;  ///< >= 1; how many times the matrix is magnified in the heatmap panel
    float pan_x = 0.0f;  ///< top-left of the visible window, in [0, 1 - 1/zoom] of the matrix
    float pan_y = 0.0f;
};

struct ViewState {
    Theme theme = Theme::kDark;
    float font_scale = 1.0f;     ///< the platform rebuilds the font atlas when it changes
    bool show_help = false;
    bool fullscreen = false;     ///< requested; the platform applies it
    MainView main_view = MainView::kAttention;
    bool main_view_requested = false;  ///< select main_view's tab on the next frame (--panel, links)
    HeatmapViewState heatmap;
    PipelineViewState pipeline;
};

/// Results of the last update(); never edited by panels.
struct Derived {
    Tokenization tokens;
    std::optional<LessonForward> forward;
    std::optional<AttentionResult> result;
    std::vector<HeatmapCells> head_cells;  ///< [n_heads] under the current colour settings
    std::string status;                    ///< why nothing is drawn ("Type a sentence", an engine error)
    std::vector<std::string> notices;      ///< non-fatal remarks (invalid bytes replaced, token cap)
    double compute_ms = 0.0;               ///< time of the last recompute (tokenize + model + attention)
    std::uint64_t version = 0;             ///< changes whenever results or cells change (textures follow)
};

struct Rect {
    ImVec2 min;
    ImVec2 max;
    ImVec2 center() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

/// Where panels drew things this frame: for hit tests, and for tests that click on them.
struct FrameLayout {
    std::vector<Rect> token_chips;     ///< [n_tokens], in screen coordinates
    std::vector<Rect> head_thumbnails; ///< [n_heads]
    Rect heatmap;                      ///< the matrix image (the visible window of it when zoomed)
    ImVec2 heatmap_pixels{0, 0};       ///< size the heatmap texture should have (framebuffer pixels)
    ImVec2 thumbnail_pixels{0, 0};
    int strip_scrolled_to = -1;        ///< the query the token strip last scrolled into view
    Rect temperature_slider;
    Rect causal_checkbox;
    Rect kv_heads_combo;
    /// Pipeline view: each stage's matrix cells ([PipelineStage::kCount], empty when not drawn) and
    /// the formula's parts ([FormulaPart::kCount]).
    std::vector<Rect> stage_grids;
    std::vector<Rect> formula_parts;
    int inspector_row = -1;          ///< the cell the inspector panel showed this frame, -1 = none
    int inspector_col = -1;
    float inspector_weight = 0.0f;   ///< the weight it showed as P_ij
    /// The KV-head counts the open combo offers, with where each is drawn.
    std::vector<std::pair<int, Rect>> kv_heads_choices;
};

/// GPU images the panels show; set by the gfx layer each frame, null without GL (headless tests).
struct Textures {
    ImTextureID heatmap = nullptr;
    std::vector<ImTextureID> head_thumbnails;
};

struct AppState {
    std::string sentence;
    /// The hand example's explicit embeddings and W matrices (scenario "hand_model"); when set, update()
    /// computes one head from them instead of the lesson model. Edited live in the pipeline view.
    std::optional<HandModel> hand_model;
    std::string scenario_name;
    std::string scenario_title;
    std::string scenario_explanation;
    EngineSettings settings;
    Selection selection;
    ViewState view;
    std::string temperature_message;  ///< why the last typed temperature was refused, shown inline
    std::string load_message;         ///< result of the last scenario load (error or warnings)
    std::string open_scenario_path;   ///< the path typed into File > Open scenario
    bool open_scenario_requested = false;  ///< open that dialog on the next frame
    std::string screenshot_request;   ///< a PNG path the main loop writes after this frame renders
    std::string status_message;       ///< a passing remark for the sentence bar ("saved shot.png")

    bool dirty = true;        ///< engine inputs changed: update() recomputes everything
    bool cells_dirty = true;  ///< only colour settings changed: update() rebuilds the cells

    Derived derived;
    FrameLayout layout;
    Textures textures;
    bool quit_requested = false;
};

}  // namespace attnviz::gui
