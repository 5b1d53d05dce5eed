// Session documents: AppState to and from app/common/session_file.h's SessionFile (read and checked
// there, then applied here in one step); undo / redo replay the same documents.
#include "app/gui/session.h"

#include "app/common/session_file.h"
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/views/views.h"
#include "core/io/file_io.h"
#include "core/lesson/scenario.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

namespace attnviz::gui {

namespace {

/// The session file of the state (the reader and writer live in app/common/session_file.*).
SessionFile session_file_of(const AppState& s, bool with_view) {
    SessionFile f;
    f.sentence = s.sentence;
    f.key_sentence = s.key_sentence;
    if (s.lesson && !s.lesson->name.empty()) f.lesson = s.lesson->name;
    if (s.model.open) {
        f.model = s.model.open->source;
        f.interventions = SessionInterventions{
            s.model.interventions, static_cast<SessionTemperatureScope>(s.model.temperature_scope)};
    }
    f.hand_model = s.hand_model;
    f.settings = s.settings;
    f.selection.query = s.selection.query;
    f.selection.layer = s.selection.layer;
    f.selection.focus_head = s.selection.focus_head;
    f.selection.cell_row = s.selection.selected_cell_row;
    f.selection.cell_col = s.selection.selected_cell_col;
    f.colors = SessionColors{s.view.heatmap.colormap, s.view.heatmap.color};
    if (with_view) {
        SessionView v;
        for (const ViewInfo& info : views()) {
            if (info.id == s.view.main_view) v.panel = info.name;
        }
        v.light_theme = s.view.theme == Theme::kLight;
        v.font_scale = s.view.font_scale;
        v.zoom = s.view.heatmap.zoom;
        v.pan_x = s.view.heatmap.pan_x;
        v.pan_y = s.view.heatmap.pan_y;
        f.view = v;
    }
    return f;
}

}  // namespace

io::JsonValue session_to_json(const AppState& s, bool with_view) {
    return session_file_json(session_file_of(s, with_view));
}

Status apply_session(AppState& s, const std::string& text, const std::string& name,
                     std::vector<std::string>* warnings) {
    Expected<SessionFile> read = parse_session_file(text, name);
    if (!read) return read.error();
    SessionFile& d = *read;
    std::vector<std::string> notes = std::move(d.warnings);
    s.sentence = d.sentence;
    s.key_sentence = d.key_sentence;
    s.hand_model = d.hand_model;
    s.lesson.reset();
    if (d.lesson) {
        if (const lesson::Scenario* sc = lesson::find_builtin_scenario(*d.lesson)) {
            s.lesson = LessonIdentity{sc->name, sc->title, sc->explanation, sc->quiz};
        } else {
            notes.push_back("the lesson \"" + *d.lesson +
                            "\" is not built into this attnviz; its sentence and settings were opened");
        }
    }
    s.settings = d.settings;
    s.permutation.active = false;
    // A real model loads in the background; one that is gone leaves the lesson and says why.
    const std::string open_source = s.model.open ? s.model.open->source : std::string();
    const SessionInterventions iv = d.interventions.value_or(SessionInterventions{});
    const auto scope = static_cast<InterventionScope>(iv.temperature_scope);
    s.model.pending_restore.reset();
    if (d.model && *d.model != open_source) {
        open_model(s, *d.model);
        // Applied once it has loaded (a load starts from the model as trained), with the selection.
        s.model.pending_restore =
            PendingModelRestore{iv.values, scope, d.selection.layer, d.selection.focus_head};
    } else if (!d.model && s.model.open) {
        close_model(s);
    } else if (d.model && model_open(s)) {
        if (Status st = model::validate_interventions(iv.values, s.model.open->model->config); !st.empty()) {
            notes.push_back("interventions: " + st + "; the model runs as trained");
            s.model.interventions = model::Interventions{};
        } else {
            s.model.interventions = iv.values;
        }
        s.model.temperature_scope = scope;
        s.model.kv_session.reset();
    }
    s.selection.query = d.selection.query;
    s.selection.pending_query.clear();
    s.selection.layer = d.selection.layer;
    s.selection.focus_head = d.selection.focus_head;
    s.selection.selected_cell_row = d.selection.cell_row;
    s.selection.selected_cell_col = d.selection.cell_col;
    if (d.colors) {
        s.view.heatmap.colormap = d.colors->colormap;
        s.view.heatmap.color = d.colors->color;
    }
    if (d.view) {
        const SessionView& v = *d.view;
        MainView panel = MainView::kAttention;
        if (const std::optional<MainView> found = find_view(v.panel)) {
            panel = *found;
        } else {
            notes.push_back("view.panel: not a view this attnviz has; the attention view opens");
        }
        s.view.main_view = panel;
        s.requests.view = panel;
        s.view.theme = v.light_theme ? Theme::kLight : Theme::kDark;
        s.view.font_scale = v.font_scale;
        s.view.heatmap.zoom = v.zoom;
        s.view.heatmap.pan_x = std::min(v.pan_x, 1.0f - 1.0f / v.zoom);
        s.view.heatmap.pan_y = std::min(v.pan_y, 1.0f - 1.0f / v.zoom);
    }
    s.temperature_message.clear();
    s.inputs_changed();
    s.colours_changed();
    if (warnings != nullptr) *warnings = std::move(notes);
    return {};
}

bool save_session_file(AppState& s, const std::string& path) {
    const Status st = io::write_file_atomically(path, session_to_json(s).dump(true) + "\n");
    s.session.message = st.empty() ? "saved " + path : st;
    set_status(s, s.session.message);
    return st.empty();
}

bool open_session_file(AppState& s, const std::string& path) {
    Expected<std::string> bytes = io::read_file_bytes(path, kMaxSessionBytes);
    std::vector<std::string> warnings;
    const Status st = bytes ? apply_session(s, *bytes, path, &warnings) : bytes.error();
    if (!st.empty()) {
        s.session.message = "nothing changed: " + st;
        set_status(s, s.session.message);
        return false;
    }
    s.session.message = "opened " + path;
    for (const std::string& w : warnings) s.session.message += "\nwarning: " + w;
    std::string opened = "opened " + path;
    for (const std::string& w : warnings) opened += "; " + w;
    set_status(s, std::move(opened));
    return true;
}

std::string last_session_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/attnviz/last.attnviz";
    const char* home = std::getenv("HOME");
    if (home != nullptr && home[0] == '/') return std::string(home) + "/.config/attnviz/last.attnviz";
    return {};
}

Status save_last_session(AppState& s) {
    const std::string& path = s.session.autosave_path;
    if (path.empty()) return {};
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) return "cannot create the folder of " + path + ": " + ec.message();
    SessionFile f = session_file_of(s, true);
    f.reopen_at_start = s.session.restore_at_start;
    return io::write_file_atomically(path, session_file_json(f).dump(true) + "\n");
}

void restore_last_session(AppState& s) {
    const std::string& path = s.session.autosave_path;
    if (path.empty() || !std::filesystem::exists(path)) return;
    Expected<std::string> bytes = io::read_file_bytes(path, kMaxSessionBytes);
    if (!bytes) {
        set_status(s, "the last session was not reopened: " + bytes.error());
        return;
    }
    // The reopen choice first: when it is off, nothing of the file is applied.
    Expected<io::JsonValue> doc = io::parse_json(*bytes, path);
    if (doc && doc->is_object()) {
        const io::JsonValue* reopen = doc->find("reopen_at_start");
        if (reopen != nullptr && reopen->is_bool() && !reopen->as_bool()) {
            s.session.restore_at_start = false;
            return;
        }
    }
    std::vector<std::string> warnings;
    if (Status st = apply_session(s, *bytes, path, &warnings); !st.empty()) {
        set_status(s, "the last session was not reopened (nothing changed): " + st);
        return;
    }
    set_status(s, "reopened the last session (File > Reopen this session next time turns this off)");
}

void record_undo_point(AppState& s) {
    UndoHistory& h = s.session.history;
    // Unsettled states (an edit not yet computed, a query still to resolve) are not steps of their own.
    if (s.recompute_pending() || !s.selection.pending_query.empty()) return;
    std::string now = session_to_json(s, false).dump();
    if (now == h.current) return;
    if (!h.current.empty()) {
        h.undo.push_back(std::move(h.current));
        if (h.undo.size() > kMaxUndoSteps) h.undo.erase(h.undo.begin());
        h.redo.clear();
    }
    h.current = std::move(now);
}

namespace {

bool step(AppState& s, std::vector<std::string>& from, std::vector<std::string>& to) {
    UndoHistory& h = s.session.history;
    if (from.empty() || h.current.empty()) return false;
    std::string target = std::move(from.back());
    from.pop_back();
    if (!apply_session(s, target, "undo").empty()) return false;  // our own documents: cannot fail
    to.push_back(std::move(h.current));
    h.current = std::move(target);
    return true;
}

}  // namespace

bool undo(AppState& s) {
    return step(s, s.session.history.undo, s.session.history.redo);
}

bool redo(AppState& s) {
    return step(s, s.session.history.redo, s.session.history.undo);
}

void request_session_dialog(AppState& s, bool open) {
    s.requests.open_session = true;
    s.session.open_dialog = open;
    s.session.message.clear();
}

}  // namespace attnviz::gui
