// The changes a person can make to the real-model source: open and close a model, the interventions on its
// attention, focus, Generate. Like app_actions.h: each validates, edits AppState and bumps its input version;
// the background job is started by update() (compute/model_compute.h), never here, except for loads.
#pragma once

#include "app/gui/app_state.h"

#include <optional>
#include <string>

namespace attnviz::gui {

/// Starts loading a model folder (or the built-in model's name) in the background. The open model (or the
/// lesson model), the text and the settings stay until it has loaded; a failure leaves them as they were
/// and s.model.load_error says why. An empty source is refused with a message.
void open_model(AppState& s, const std::string& source);
/// Back to the lesson model: the open model is closed, the text stays.
void close_model(AppState& s);
/// Cancels the load and the computation in flight (the Cancel button); what is on screen stays.
void cancel_model_jobs(AppState& s);
/// The job of the model view, created on first use.
model::ModelJob& model_job(AppState& s);
/// True while a model is the source (open and loaded).
bool model_open(const AppState& s);

/// The attention temperature of every head, of the focused layer, or of the focused head (validated as
/// set_temperature does; a refusal keeps the old value and says why in s.temperature_message).
bool set_model_temperature(AppState& s, double temperature, InterventionScope scope);
/// The temperature the focused head runs at.
double focused_head_temperature(const AppState& s);
void set_model_causal(AppState& s, bool causal);
/// -1: the model's own window; 0: none; W >= 1.
void set_model_window(AppState& s, int window);
/// Switches a head off (its output zeroed before o_proj), or on again.
void toggle_head_ablation(AppState& s, int layer, int head);
bool head_ablated(const AppState& s, int layer, int head);
/// The model as trained: every intervention undone.
void reset_interventions(AppState& s);

/// Focuses (layer, head): the heatmap, the arcs, the pipeline and the labs show it. Out of range: ignored.
void focus_model_head(AppState& s, int layer, int head);
/// The thumbnail under the mouse (previewed in the model view); (-1, -1) for none.
void hover_model_head(AppState& s, int layer, int head);
void set_model_aggregate(AppState& s, ModelAggregate aggregate);
/// The badge every thumbnail shows, and whether the grid is ranked by it (else in layer order).
void set_model_badge(AppState& s, model::HeadBadge badge);
void set_model_sort(AppState& s, bool sort_by_badge);
void set_merge_words(AppState& s, bool merge);

void set_generate_mode(AppState& s, GenerateMode mode);
/// The output temperature for sampling, clamped to [0.05, 5].
void set_output_temperature(AppState& s, double temperature);
/// Appends the next token (greedy or sampled from the last position's logits) and asks for a decode that
/// reuses the cached K and V. Needs a finished run; refused (with a status message) past the context.
void generate_token(AppState& s);
/// Drops the generated tokens (the text alone again).
void clear_generated(AppState& s);

/// File > Open model's browser: list this folder next frame.
void browse_folder(AppState& s, const std::string& path);

}  // namespace attnviz::gui
