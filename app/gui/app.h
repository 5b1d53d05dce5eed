// The GUI's frame: update() recomputes what changed, draw() lays out and draws every panel,
// handle_shortcuts() applies the keyboard. No GL here: the same code runs in headless tests.
#pragma once

#include "app/gui/app_state.h"

namespace attnviz::gui {

/// Recomputes what is older than the inputs it derives from (AppState::inputs_version, colour_version):
/// tokenize, lesson model, attention (once), then the heatmap cells; the flash and lab views from the
/// result's version. Resolves a pending query token. Cheap when nothing changed.
void update(AppState& s);

/// Moves the flash playback on by the tiles due at `now` (ImGui time) while it plays and its view is
/// shown (update() calls it each frame; s.animating says whether to keep drawing).
void advance_flash_playback(AppState& s, double now);

/// What the main loop does on one turn (robustness R7).
struct FramePlan {
    bool draw = true;              ///< update and draw a frame; false: state untouched, nothing rendered
    bool wait_for_events = false;  ///< block (with a timeout) until input arrives: no busy spin
};
/// Minimised (iconified) or a framebuffer with no pixels (0 x 0, w x 0): no frame, wait for events. Else a
/// frame, waiting first when nothing is pending (no recompute, no animation). A timed run (--frames) always
/// draws and never waits.
FramePlan plan_frame(bool iconified, int framebuffer_width, int framebuffer_height, bool timed_run,
                     bool work_pending);

/// Draws the whole interface for this frame in its fixed layout.
void draw(AppState& s);

/// Applies keyboard shortcuts (never while a text field is being edited).
void handle_shortcuts(AppState& s);
/// The keys of the stage's own window (presenter mode with PresenterState::in_window), read from the
/// current ImGui context: the stage's steps, L, Esc and F5, the letters; Ctrl +/- size the stage's text.
void handle_stage_window_shortcuts(AppState& s);

/// The interface's base font size in pixels before the user's font scale.
constexpr float kBaseFontPixels = 17.0f;

}  // namespace attnviz::gui
