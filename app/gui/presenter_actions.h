// Presenter mode (F5): a clean stage with large type that PageDown / PageUp step through the built-in
// lessons and each lesson's steps (predict, reveal, explanation); Esc puts everything back as it was.
#pragma once

#include "app/gui/app_state.h"

#include <string>
#include <vector>

namespace attnviz::gui {

/// The stage's text size relative to the size F5 found (then clamped to set_font_scale's range).
constexpr float kStageFontFactor = 1.75f;
/// Seconds the step indicator stays bright after a step before it fades into its corner.
constexpr double kStepIndicatorSeconds = 3.0;

/// The steps of builtin_scenarios()[lesson]: "predict", "reveal", "explanation" for a lesson with a
/// question, "picture", "explanation" for one without. Empty for an index out of range.
std::vector<std::string> presenter_step_names(int lesson);

/// The view a lesson is taught in: cross-attention for a second sentence, the pipeline for the hand
/// example, the temperature lab for the temperature lesson, else the attention view.
MainView lesson_view(int lesson);

/// Saves what is on screen, then shows the stage: controls hidden, text kStageFontFactor larger, full
/// screen. The lesson on screen (and its quiz phase) is where stepping starts. No-op when active.
void enter_presenter(AppState& s, double now);
/// Restores exactly what enter_presenter saved (sentence, lesson, settings, selection, quiz, view, text
/// size, full screen). No-op when not active.
void leave_presenter(AppState& s);
void toggle_presenter(AppState& s, double now);

/// Whether the stage goes into a window of its own: a second monitor is connected (or --stage-window
/// allows a window on one monitor) and View > Stage on says "second monitor" (the default).
bool stage_window_wanted(const AppState& s);
/// Moves the stage on screen into its own window (this window gets back the text size and window mode
/// F5 found; the stage keeps its large text) or back into this window (large text, full screen). No-op
/// when not presenting or already there.
void move_stage(AppState& s, bool to_window);
/// View > Stage on: "second monitor" (true) or "this window"; a stage on screen moves at once.
void set_stage_preference(AppState& s, bool second_monitor);
/// Each frame, from the platform: whether a monitor for the stage is connected. A stage window whose
/// monitor went away comes back into this window (with a status remark).
void update_stage_output(AppState& s, bool second_monitor);

/// The next step: the lesson's next step, else the next lesson's first. Stays at the very end, and
/// while a real model is open (the lessons are the lesson model's; its own text stays on stage).
void presenter_next(AppState& s, double now);
/// The previous step, else the previous lesson's last. Stays at the very start.
void presenter_previous(AppState& s, double now);
/// Shows builtin_scenarios()[lesson] at `step` (both clamped), building it from scratch.
void presenter_go_to(AppState& s, int lesson, int step, double now);

/// Off -> laser dot -> spotlight (the rest dimmed) -> off.
void cycle_stage_pointer(AppState& s);

/// After update() built a quiz question: the reveal a step asked for before the question existed.
void update_presenter(AppState& s, double now);

/// "Lesson 2/9 · step 2/3 · reveal" (or "your sentence" off the lesson list).
std::string presenter_indicator(const AppState& s);

}  // namespace attnviz::gui
