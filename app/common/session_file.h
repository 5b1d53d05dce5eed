// Session files (.attnviz, JSON) as plain values: text -> SessionFile with path-naming errors, and
// SessionFile -> text. No GUI here, so the fuzz build can link it; app/gui/session.cpp applies one to
// AppState.
#pragma once

#include "core/base/expected.h"
#include "core/exports/colormap.h"
#include "core/exports/heatmap_cells.h"
#include "core/io/json.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_run.h"
#include "core/model/forward.h"

#include <optional>
#include <string>
#include <vector>

namespace attnviz {

inline constexpr const char* kSessionFormatName = "attnviz-session";
inline constexpr int kSessionFormatVersion = 1;
/// The largest session file opened (checked with stat before reading).
inline constexpr std::int64_t kMaxSessionBytes = 16LL << 20;

struct SessionSelection {
    int query = -1;  ///< -1: none
    int layer = 0;
    int focus_head = 0;
    int cell_row = -1;
    int cell_col = -1;
};

struct SessionColors {
    exports::Colormap colormap = exports::Colormap::kViridis;
    exports::ColorScaleSettings color;
};

struct SessionView {
    std::string panel = "attention";  ///< a view's name; the GUI checks it (unknown: a warning)
    bool light_theme = false;
    float font_scale = 1.0f;  ///< 0.6..3
    float zoom = 1.0f;        ///< 1..1e6
    float pan_x = 0.0f;       ///< 0..1
    float pan_y = 0.0f;       ///< 0..1
};

/// Where the model panel's temperature slider applies (the GUI's InterventionScope by name).
enum class SessionTemperatureScope { kAllLayers, kThisLayer, kThisHead };

/// A real model's interventions, checked for types and ranges (against the model's layers and heads
/// only once it is open: model::validate_interventions).
struct SessionInterventions {
    model::Interventions values;
    SessionTemperatureScope temperature_scope = SessionTemperatureScope::kAllLayers;
};

/// Everything a session holds, read and checked before any of it is applied. Settings: the fields of
/// core/lesson/settings_fields.h with the lesson model's limits (max_tokens is not part of a session).
struct SessionFile {
    std::string sentence;
    std::string key_sentence;           ///< cross-attention's key sentence; empty for self-attention
    std::optional<std::string> lesson;  ///< a built-in lesson's name (the GUI checks that it exists)
    std::optional<std::string> model;   ///< a real model's folder or the built-in model's name
    std::optional<SessionInterventions> interventions;  ///< the real model's, when it has them
    std::optional<lesson::HandModel> hand_model;        ///< valid by validate_hand_model when present
    lesson::LessonRunSettings settings;
    SessionSelection selection;
    std::optional<SessionColors> colors;  ///< absent: the colours stay as they are
    std::optional<SessionView> view;      ///< absent (undo snapshots): the view stays as it is
    std::optional<bool> reopen_at_start;  ///< the autosaved last session only
    /// What was read but not used (unknown members, a newer version, an unknown colormap); not compared.
    std::vector<std::string> warnings;
};

/// Equal contents (warnings are not compared; matrices and numbers exactly).
bool operator==(const SessionFile& a, const SessionFile& b);
inline bool operator!=(const SessionFile& a, const SessionFile& b) {
    return !(a == b);
}

/// Reads a session document. Errors ("<name>:<line>:<col>: <JSON path>: <what>") for bad syntax, a foreign
/// file, a wrong type or a value out of range; heads are checked against the lesson model's head count.
/// A newer format version is read as far as this version knows it, with a warning.
Expected<SessionFile> parse_session_file(const std::string& text, const std::string& name);

/// The document of a session (format and version first); parse_session_file reads it back equal.
io::JsonValue session_file_json(const SessionFile& f);

}  // namespace attnviz
