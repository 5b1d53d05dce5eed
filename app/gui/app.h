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

/// Draws the whole interface for this frame in its fixed layout.
void draw(AppState& s);

/// Applies keyboard shortcuts (never while a text field is being edited).
void handle_shortcuts(AppState& s);

/// The interface's base font size in pixels before the user's font scale.
constexpr float kBaseFontPixels = 17.0f;

}  // namespace attnviz::gui
