// The changes a person can make, shared by panels and keyboard shortcuts: each validates, edits
// AppState and bumps its inputs or colour version. No engine calls here (update() does those once
// per frame).
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/compute/patterns.h"
#include "core/lesson/scenario.h"

#include <string>
#include <string_view>

namespace attnviz::gui {

/// Replaces the sentence (any bytes; invalid UTF-8 is replaced when tokenized). Keeps settings; the
/// sentence is no longer the lesson's and the permutation experiment ends. A new sentence leaves the hand
/// example (its embeddings belong to its own 4 tokens): back to the lesson model, with a notice in
/// s.status_message.
void set_sentence(AppState& s, std::string sentence);

/// A passing remark in the sentence bar ("saved ...", "left the hand example"); it stays until the
/// next change that recomputes the engine.
void set_status(AppState& s, std::string message);

/// The first script in text that ImGui draws without shaping ("Arabic", "Hebrew", "Devanagari", "Thai", ...:
/// right-to-left or joined/reordered letters), or nullptr. text: valid UTF-8.
const char* unshaped_script(std::string_view text);
/// The remark for such a script: "Arabic text is shown unshaped (letters in logical order, not joined); ...".
std::string unshaped_script_notice(const char* script);
/// Once per run of the app: when the sentence or the key sentence holds such text, set_status with the
/// notice (appended to a remark already there). Called by update() after each recompute.
void notice_unshaped_text_once(AppState& s);

/// Back from the hand example to the lesson model (the sentence was edited), with a notice; no-op
/// outside the hand example.
void leave_hand_example(AppState& s);

/// Applies a scenario: sentence, settings and query token. The state stays consistent.
void apply_scenario(AppState& s, const lesson::Scenario& scenario);

/// Loads a scenario file and applies it; on any error nothing changes and s.load_message says why.
/// Returns whether it was applied.
bool load_scenario_from_file(AppState& s, const std::string& path);

/// Where File > Save screenshot writes: $XDG_PICTURES_DIR/attnviz, else $HOME/Pictures/attnviz, else
/// the working directory (an absolute path unless neither variable is set).
std::string screenshot_folder();

/// Asks the main loop to save a frame as a PNG in screenshot_folder(), named after the lesson and the
/// time: the frame after this one, so a menu that asked for it has closed and is not in the picture.
void request_screenshot(AppState& s);

/// Locks token `index` as the query (clamped to the tokens there are).
void set_query(AppState& s, int index);
/// Moves the locked query by delta tokens (arrow keys).
void move_query(AppState& s, int delta);

/// "0.3", "1", "inf": a temperature as the messages print it.
std::string format_temperature(double t);
/// Sets the temperature after checking it (NaN or negative: refused, the old value kept, and
/// s.temperature_message says why). 0 and +inf are valid. Returns whether it was applied.
bool set_temperature(AppState& s, double temperature);
/// A temperature typed as text: a number >= 0, or "inf" / "infinity" / "\u221E" for the uniform limit.
/// Anything else (a negative number, "-0", text) is refused with the old value kept and a message in
/// s.temperature_message. Returns whether it was applied.
bool set_temperature_text(AppState& s, const std::string& typed);
/// One log step warmer (factor > 1) or cooler (factor < 1), leaving T = 0 and T = inf sensibly.
void step_temperature(AppState& s, double factor);

void set_causal(AppState& s, bool causal);
void set_window(AppState& s, int window);
void set_scale(AppState& s, bool scale);

/// Cross-attention: keys and values from this sentence; empty returns to self-attention.
void set_key_sentence(AppState& s, std::string key_sentence);

/// Sets the number of query heads (1..max); the KV-head count snaps to the largest divisor not above
/// its current value so the layout stays valid.
void set_heads(AppState& s, int n_heads, int max_heads);
/// Sets the KV-head count; refused unless it divides n_heads.
void set_kv_heads(AppState& s, int n_kv_heads);
/// The valid KV-head counts for n_heads, largest first (MHA first, MQA last).
std::vector<int> kv_head_choices(int n_heads);

/// Positional encodings of the lesson model on or off (off: attention cannot see word order).
void set_use_positions(AppState& s, bool use_positions);

/// A pattern gallery card: sets its mask, head, and (induction) sentence, keeping everything else.
void apply_pattern(AppState& s, Pattern p);

/// Permutation experiment: shuffles the sentence's tokens with the next seed (never the identity when
/// there are two tokens or more) and turns the causal mask off, since with it a moved token sees a
/// different set of keys and the outputs would not just be permuted. Needs a tokenized sentence.
void shuffle_tokens(AppState& s);
/// Ends the experiment: positions on, the original sentence and causal setting back.
void restore_permutation(AppState& s);

/// The d of the 1/sqrt(d) lesson, clamped to 1..1024.
void set_scaling_d(AppState& s, int d);
/// Selects the (query row, key column) cell for the cell inspector; the row becomes the query.
/// Out-of-range cells are refused (nothing changes). Returns whether it was applied.
bool select_cell(AppState& s, int row, int col);

/// Which matrix of the hand model an edit changes.
enum class HandMatrix { kX, kWq, kWk, kWv };
/// Sets one entry of the hand model (refused when there is none, the index is outside the matrix, or
/// the value is not finite or beyond kHandModelMaxAbs). Bumps the inputs version. Returns whether applied.
bool set_hand_value(AppState& s, HandMatrix which, int row, int col, float value);

void focus_head(AppState& s, int head);
void next_head(AppState& s);

/// Colour settings: only the cells are rebuilt.
void set_colormap(AppState& s, Colormap cmap);
void set_color_scale(AppState& s, ColorScale scale);
void set_ignore_first_key(AppState& s, bool ignore);

// KV-cache calculator (a model shape of its own, not the lesson model's).

/// Fills the calculator from model_presets()[index] (ignored when out of range).
void apply_kv_preset(AppState& s, int index);
/// Layers with a cache, query heads and head dim (each clamped to [1, 2^16]); the KV heads snap to the
/// largest divisor of the query heads not above their current value. Marks the preset as edited.
void set_kv_calc_dims(AppState& s, std::int64_t n_layers, std::int64_t n_heads, std::int64_t head_dim);
/// Sequence length, clamped to [1, 2^20] (the log slider's range).
void set_kv_seq(AppState& s, std::int64_t seq_len);
void set_kv_batch(AppState& s, std::int64_t batch);
void set_kv_dtype(AppState& s, lab::KvDtype dtype);
/// The calculator's chosen KV-head count; refused unless it divides its query heads.
void set_kv_calc_kv_heads(AppState& s, std::int64_t n_kv_heads);

// Quiz: predict, then reveal. Weights stay hidden (s.quiz.hidden()) from start_quiz until reveal_quiz.

/// Opens a question of `kind` on builtin_scenarios()[scenario] (applied first), or on the lesson loaded
/// now when scenario is -1 (a teacher's own scenario file); the question itself is built by update() once
/// the engine has a result.
void start_quiz(AppState& s, int scenario, QuizKind kind);
/// The next built-in scenario with a quiz, same kind of question.
void next_quiz(AppState& s);
/// The student's answer: a clicked token, a typed number, a picked choice. Ignored after the reveal.
void answer_quiz_token(AppState& s, int token);
void answer_quiz_number(AppState& s, const std::string& typed);
void answer_quiz_choice(AppState& s, int choice);
/// Shows right / wrong, the answer and the weights (fading in from `now`, ImGui time).
void reveal_quiz(AppState& s, double now);
/// Leaves the quiz: weights visible again.
void end_quiz(AppState& s);

/// Interface size: clamped to [0.6, 3].
void set_font_scale(AppState& s, float scale);
void set_theme(AppState& s, Theme theme);
void toggle_fullscreen(AppState& s);
void set_show_help(AppState& s, bool show);

// Requests to the next frame or the main loop (s.requests).

/// Selects a view's tab on the next frame (the command line's --panel, links between views).
void show_view(AppState& s, MainView view);
/// The tab a person clicked: the view drawn from now on.
void set_main_view(AppState& s, MainView view);
void request_open_scenario(AppState& s);
void request_quit(AppState& s);

// The heatmap's zoom window.

/// Zoom >= 1 (clamped to kMaxHeatmapZoom) with the window's top-left at (pan_x, pan_y) of the matrix,
/// clamped so the window stays inside it.
void set_heatmap_view(AppState& s, float zoom, float pan_x, float pan_y);
void reset_heatmap_zoom(AppState& s);
inline constexpr float kMaxHeatmapZoom = 64.0f;

// Flash-attention playback (advanced by update(), see advance_flash_playback in app.h).

/// Tile sizes B_q and B_k (at least 1; update() clamps them to the run's rows).
void set_flash_blocks(AppState& s, int block_q, int block_k);
/// The tile on screen: tiles [0, step) are done; clamped to [0, number of tiles].
void set_flash_step(AppState& s, int step);
/// Play from where it stands (from the start when it is at the end), or pause; `now` is ImGui time.
void toggle_flash_playback(AppState& s, double now);
void set_flash_speed(AppState& s, float steps_per_second);
/// The IO comparison's inputs: N = 2^log2_tokens (7..20), head dim (16..256), SRAM in MB (0.1..200).
void set_flash_io(AppState& s, int log2_tokens, int head_dim, float sram_mb);

}  // namespace attnviz::gui
