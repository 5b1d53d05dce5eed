// Every panel of the interface: draw_<name>(AppState&, ...). Panels read and edit AppState (through
// app_actions.h), never call the engine, hold no function-local static state and make no GL calls.
#pragma once

#include "app/gui/app_state.h"

namespace attnviz::gui {

/// The main menu bar; returns its height.
float draw_menu_bar(AppState& s);
/// Scenario picker, sentence editor and notices across the top; returns the height used.
float draw_sentence_bar(AppState& s, ImVec2 pos, float width);
/// Left column: temperature, masks, heads, and the query row's readout.
void draw_controls_panel(AppState& s, ImVec2 pos, ImVec2 size);
/// The tabbed main area (presenter mode: the current view alone, no tabs).
void draw_main_view(AppState& s, ImVec2 pos, ImVec2 size);
/// Whether every view's tab fits with its whole label on one row this wide.
bool view_tabs_fit(const AppState& s, float width);
/// The view selector (a combo of the views) at most max_width wide, for when the tabs do not fit;
/// records s.layout.view_selector; Compare's pin button follows it where it fits. Returns false, drawing
/// nothing, when even that does not fit.
bool draw_view_selector(AppState& s, float max_width);
/// Presenter mode's stage over the whole window: the view, a caption, the step indicator, the pointer.
void draw_stage(AppState& s);

/// The "Attention" view: token strip over the heatmap and the heads grid.
void draw_attention_view(AppState& s);

/// The "Temperature" view: logits vs softmax at T with the T -> 0 / inf limits, the sweep over T
/// (click or drag to set T), and the 1/sqrt(d) lesson on random vectors.
void draw_temperature_view(AppState& s);
/// The "Layers x heads" view of a real model: every head as a thumbnail with its badges, the focused
/// head or an aggregate (layer mean, rollout) large, hover to preview, click to focus, Alt+click to
/// switch a head off. Without a model: how to open one.
void draw_model_view(AppState& s);
/// The open model's panel in the left column: interventions, next-token prediction, Generate.
void draw_model_panel(AppState& s);
/// File > Open model: the built-in model, recent ones, the Hugging Face cache and a folder browser.
void draw_model_browser(AppState& s);

/// The "Patterns" view: a card per known attention pattern; a click applies it (apply_pattern).
void draw_gallery_view(AppState& s);
/// The "Permutation" view: positions off + shuffled tokens give permuted outputs.
void draw_permutation_view(AppState& s);
/// The "GQA & KV cache" view: query heads linked to their KV heads, and the KV-cache calculator.
void draw_kv_cache_view(AppState& s);
/// The "Quiz" view: a scenario's question with the weights hidden until Reveal.
void draw_quiz_view(AppState& s);

/// The "Compare" view: the pinned state A, the state now B and B - A side by side, the largest changes,
/// and what changed in the settings (compare_actions.h). Without a pin: how to make one.
void draw_compare_view(AppState& s);

/// Token chips with attention arcs from the query to every key it can see (inside the current window).
void draw_token_strip(AppState& s, ImVec2 size);
/// The focused head's weight matrix as a colormapped texture, with axes, hover values and a legend.
void draw_heatmap_panel(AppState& s, ImVec2 size);
/// Cross-attention: query chips over key chips with links between them.
void draw_cross_strip(AppState& s, ImVec2 size);
/// The "Cross-attention" view: the second sentence, the two strips and the rectangular heatmap.
void draw_cross_view(AppState& s);
/// The flash-attention lesson: tiles replayed over the focused head's heatmap, M and S, memory and IO.
void draw_flash_view(AppState& s);
/// Small multiples of every head, framed by KV group; click to focus.
void draw_heads_grid(AppState& s, ImVec2 size);
/// Keys of the query row ranked by weight, entropy, effective keys, compute time.
void draw_query_readout(AppState& s);

/// The "Pipeline" view: the formula, every stage of the focused head, and the cell inspector.
void draw_pipeline_view(AppState& s);
/// softmax(mask(Q K^T / sqrt(d_k)) / T) V as hoverable parts linked to the stages.
void draw_pipeline_formula(AppState& s);
/// Every number the selected cell's weight comes from (cell_inspection.h).
void draw_cell_inspector(AppState& s, ImVec2 size);

void draw_help_window(AppState& s);
/// File > Export (Ctrl+E): a modal with the format, the path and a picture's size.
void draw_export_dialog(AppState& s);
/// File > Save session / Open session.
void draw_session_dialog(AppState& s);

}  // namespace attnviz::gui
