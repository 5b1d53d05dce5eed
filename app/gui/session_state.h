// The session dialogs' paths and the undo / redo history (snapshots of the session document).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace attnviz::gui {

struct UndoHistory {
    std::vector<std::string> undo;  ///< earlier states, oldest first (session documents without the view)
    std::vector<std::string> redo;  ///< states undone, most recent last
    std::string current;            ///< the state as last recorded; empty before the first record
};

constexpr std::size_t kMaxUndoSteps = 200;

struct SessionState {
    std::string path;          ///< the path typed into File > Save / Open session
    std::string message;       ///< the last save's or open's result
    bool open_dialog = false;  ///< which dialog the request opens: true Open, false Save
    /// Where the session is saved at exit and reopened at the next start (last_session_path()); empty: never
    /// (tests, timed runs).
    std::string autosave_path;
    bool restore_at_start = true;  ///< File > "Reopen this session next time"; saved in the autosave file
    UndoHistory history;
};

}  // namespace attnviz::gui
