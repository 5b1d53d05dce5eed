// Sessions (.attnviz, JSON): the text, the lesson, every engine setting, the selection and the view, saved
// and opened again; and undo / redo of the setting changes, kept as snapshots of the same document.
#pragma once

#include "app/gui/app_state.h"
#include "core/io/json.h"

#include <string>
#include <vector>

namespace attnviz::gui {

/// The state as a session document. with_view = false leaves out the view (panel, theme, text size,
/// colormap, zoom), as undo does: they are not engine settings.
io::JsonValue session_to_json(const AppState& s, bool with_view = true);

/// Applies a session document. Everything is read and checked first: on an error (syntax, a wrong type,
/// a value out of range, a newer format version) nothing changes and the error names the JSON path. What
/// can be read but not used (a lesson this build does not have, unknown members) is applied as far as it
/// goes and listed in `warnings`.
Status apply_session(AppState& s, const std::string& text, const std::string& name,
                     std::vector<std::string>* warnings = nullptr);

/// Saves to a file (atomically); s.status_message says what happened. Returns whether it was saved.
bool save_session_file(AppState& s, const std::string& path);
/// Opens a session file (at most 16 MiB); on any error nothing changes, and s.session.message and
/// s.status_message say why (warnings too after a partial open). Returns whether it was applied.
bool open_session_file(AppState& s, const std::string& path);

/// $XDG_CONFIG_HOME/attnviz/last.attnviz (else ~/.config/attnviz/last.attnviz); empty when neither
/// variable is set.
std::string last_session_path();
/// At exit: saves the session to s.session.autosave_path (creating its folder), with the reopen choice.
/// Does nothing without an autosave path. Returns the error, if any.
Status save_last_session(AppState& s);
/// At start: reopens s.session.autosave_path when it exists and its reopen choice is on. A missing file
/// is no error; a corrupt one changes nothing and is reported in s.status_message.
void restore_last_session(AppState& s);

/// Undo / redo of setting changes (s.session.history): once per frame, while no control is being dragged
/// or typed in, record_undo_point compares the state with the last recorded one and, when it changed, makes
/// the last one an undo step (and drops the redo steps). At most kMaxUndoSteps are kept.
void record_undo_point(AppState& s);
/// Back to the previous recorded state; false when there is none.
bool undo(AppState& s);
/// Forward again after an undo; false when there is nothing to redo.
bool redo(AppState& s);

/// Opens File > Open session (open = true) or File > Save session on the next frame.
void request_session_dialog(AppState& s, bool open);

}  // namespace attnviz::gui
