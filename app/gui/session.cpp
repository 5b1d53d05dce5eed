// Session documents: written from AppState, read into a staging struct with path-naming errors, then
// applied in one step; undo / redo replay the same documents.
#include "app/gui/session.h"

#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"

#include "app/gui/views/views.h"
#include "core/attention/attention_config.h"
#include "core/io/file_io.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/scenario.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>

namespace attnviz::gui {

namespace {

constexpr const char* kFormatName = "attnviz-session";
constexpr int kFormatVersion = 1;
constexpr std::int64_t kMaxSessionBytes = 16LL << 20;

JsonValue matrix_json(const MatrixRM& m) {
    JsonValue rows = JsonValue::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        JsonValue row = JsonValue::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j) row.push(JsonValue::number(static_cast<double>(m(i, j))));
        rows.push(std::move(row));
    }
    return rows;
}

const char* theme_name(Theme t) {
    return t == Theme::kLight ? "light" : "dark";
}

/// Everything a session sets, read and checked before any of it is applied.
struct SessionData {
    std::string sentence;
    std::string key_sentence;
    std::optional<std::string> lesson;
    std::optional<std::string> model;  ///< a real model's folder or the built-in model's name
    std::optional<model::Interventions> interventions;  ///< the real model's, when the session has them
    InterventionScope temperature_scope = InterventionScope::kAllLayers;
    std::optional<HandModel> hand_model;
    LessonRunSettings settings;
    int query = -1;
    int layer = 0;
    int focus_head = 0;
    int cell_row = -1;
    int cell_col = -1;
    bool has_colors = false;
    Colormap colormap = Colormap::kViridis;
    ColorScaleSettings color;
    bool has_view = false;
    MainView panel = MainView::kAttention;
    Theme theme = Theme::kDark;
    float font_scale = 1.0f;
    float zoom = 1.0f;
    float pan_x = 0.0f;
    float pan_y = 0.0f;
};

/// Reads members of one document, keeping the first error ("<name>:<line>:<col>: <path>: <what>").
class Reader {
  public:
    explicit Reader(std::string name) : m_name(std::move(name)) {}
    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

    void fail(const JsonValue& at, const std::string& path, const std::string& what) {
        if (!m_error.empty()) return;
        m_error = m_name;
        if (at.line > 0) m_error += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
        m_error += ": " + path + ": " + what;
    }

    /// The member, or null (absent members keep their defaults).
    const JsonValue* get(const JsonValue& obj, const char* key) const { return obj.find(key); }

    void text(const JsonValue& obj, const char* key, const std::string& path, std::string& out) {
        if (const JsonValue* v = get(obj, key)) {
            if (!v->is_string())
                return fail(*v, path, std::string("expected a string, found ") + json_type_name(*v));
            out = v->as_string();
        }
    }
    void flag(const JsonValue& obj, const char* key, const std::string& path, bool& out) {
        if (const JsonValue* v = get(obj, key)) {
            if (!v->is_bool())
                return fail(*v, path, std::string("expected true or false, found ") + json_type_name(*v));
            out = v->as_bool();
        }
    }
    void integer(const JsonValue& obj, const char* key, const std::string& path, int lo, int hi, int& out) {
        if (const JsonValue* v = get(obj, key)) {
            if (!v->is_int())
                return fail(*v, path, std::string("expected a whole number, found ") + json_type_name(*v));
            if (v->as_int() < lo || v->as_int() > hi) {
                return fail(*v, path,
                            std::to_string(v->as_int()) + " is outside " + std::to_string(lo) + ".." +
                                std::to_string(hi));
            }
            out = static_cast<int>(v->as_int());
        }
    }
    void real(const JsonValue& obj, const char* key, const std::string& path, double lo, double hi,
              float& out) {
        if (const JsonValue* v = get(obj, key)) {
            if (!v->is_number())
                return fail(*v, path, std::string("expected a number, found ") + json_type_name(*v));
            if (!(v->as_number() >= lo && v->as_number() <= hi)) {
                return fail(*v, path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
            }
            out = static_cast<float>(v->as_number());
        }
    }
    const JsonValue* object(const JsonValue& obj, const char* key) {
        const JsonValue* v = get(obj, key);
        if (v != nullptr && !v->is_object()) {
            fail(*v, key, std::string("expected an object, found ") + json_type_name(*v));
            return nullptr;
        }
        return v;
    }
    void matrix(const JsonValue& v, const std::string& path, MatrixRM& out) {
        if (!v.is_array() || v.items().empty()) return fail(v, path, "expected a non-empty array of rows");
        const std::size_t cols = v.items().front().is_array() ? v.items().front().items().size() : 0;
        if (cols == 0) return fail(v, path, "expected rows of numbers");
        out.resize(static_cast<Eigen::Index>(v.items().size()), static_cast<Eigen::Index>(cols));
        for (std::size_t i = 0; i < v.items().size(); ++i) {
            const JsonValue& row = v.items()[i];
            const std::string rp = path + "[" + std::to_string(i) + "]";
            if (!row.is_array() || row.items().size() != cols) {
                return fail(row, rp, "expected " + std::to_string(cols) + " numbers like the first row");
            }
            for (std::size_t j = 0; j < cols; ++j) {
                const JsonValue& x = row.items()[j];
                if (!x.is_number()) return fail(x, rp + "[" + std::to_string(j) + "]", "expected a number");
                out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                    static_cast<float>(x.as_number());
            }
        }
    }

  private:
    std::string m_name;
    std::string m_error;
};

JsonValue temperature_json(double t) {
    return std::isinf(t) ? JsonValue::string("inf") : JsonValue::number(t);
}

/// A temperature as temperature_json writes it: a number >= 0 or "inf"; false when it is neither.
bool read_temperature(const JsonValue& v, double& out) {
    if (v.is_string() && v.as_string() == "inf") {
        out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (v.is_number() && validate_temperature(v.as_number()).empty()) {
        out = v.as_number();
        return true;
    }
    return false;
}

const char* scope_name(InterventionScope scope) {
    switch (scope) {
        case InterventionScope::kThisLayer:
            return "layer";
        case InterventionScope::kThisHead:
            return "head";
        case InterventionScope::kAllLayers:
            break;
    }
    return "all";
}

JsonValue interventions_json(const model::Interventions& iv, InterventionScope scope) {
    JsonValue o = JsonValue::object();
    o.set("temperature", temperature_json(iv.temperature));
    JsonValue list = JsonValue::array();
    for (const model::HeadTemperature& t : iv.temperatures) {
        JsonValue e = JsonValue::object();
        e.set("layer", JsonValue::integer(t.layer));
        e.set("head", JsonValue::integer(t.head));
        e.set("temperature", temperature_json(t.temperature));
        list.push(std::move(e));
    }
    o.set("temperatures", std::move(list));
    o.set("temperature_scope", JsonValue::string(scope_name(scope)));
    o.set("causal", JsonValue::boolean(iv.causal));
    o.set("window", JsonValue::integer(iv.window));
    JsonValue off = JsonValue::array();
    for (const model::HeadRef& h : iv.ablated) {
        JsonValue e = JsonValue::array();
        e.push(JsonValue::integer(h.layer));
        e.push(JsonValue::integer(h.head));
        off.push(std::move(e));
    }
    o.set("heads_off", std::move(off));
    return o;
}

/// "interventions": checked for types and ranges here; against the model's layers and heads once it is
/// open (validate_interventions).
void read_interventions(Reader& r, const JsonValue& o, SessionData& d) {
    model::Interventions iv;
    if (const JsonValue* t = o.find("temperature"); t != nullptr && !read_temperature(*t, iv.temperature))
        r.fail(*t, "interventions.temperature", "expected a number >= 0 or \"inf\"");
    if (const JsonValue* list = o.find("temperatures")) {
        if (!list->is_array()) {
            r.fail(*list, "interventions.temperatures", "expected an array of {layer, head, temperature}");
        } else {
            for (std::size_t i = 0; i < list->items().size() && r.ok(); ++i) {
                const JsonValue& e = list->items()[i];
                const std::string path = "interventions.temperatures[" + std::to_string(i) + "]";
                if (!e.is_object()) {
                    r.fail(e, path, "expected {layer, head, temperature}");
                    break;
                }
                model::HeadTemperature ht;
                r.integer(e, "layer", path + ".layer", -1, 1 << 20, ht.layer);
                r.integer(e, "head", path + ".head", -1, 1 << 20, ht.head);
                const JsonValue* t = e.find("temperature");
                if (t == nullptr || !read_temperature(*t, ht.temperature))
                    r.fail(t != nullptr ? *t : e, path + ".temperature", "expected a number >= 0 or \"inf\"");
                iv.temperatures.push_back(ht);
            }
        }
    }
    if (const JsonValue* sc = o.find("temperature_scope")) {
        const std::string name = sc->is_string() ? sc->as_string() : std::string();
        if (name == "all" || name == "layer" || name == "head") {
            d.temperature_scope = name == "layer"  ? InterventionScope::kThisLayer
                                  : name == "head" ? InterventionScope::kThisHead
                                                   : InterventionScope::kAllLayers;
        } else {
            r.fail(*sc, "interventions.temperature_scope", "expected \"all\", \"layer\" or \"head\"");
        }
    }
    r.flag(o, "causal", "interventions.causal", iv.causal);
    r.integer(o, "window", "interventions.window", -1, 1 << 30, iv.window);
    if (const JsonValue* off = o.find("heads_off")) {
        if (!off->is_array()) {
            r.fail(*off, "interventions.heads_off", "expected an array of [layer, head] pairs");
        } else {
            for (std::size_t i = 0; i < off->items().size() && r.ok(); ++i) {
                const JsonValue& e = off->items()[i];
                const bool pair = e.is_array() && e.items().size() == 2 && e.items()[0].is_int() &&
                                  e.items()[1].is_int() && e.items()[0].as_int() >= 0 &&
                                  e.items()[0].as_int() <= (1 << 20) && e.items()[1].as_int() >= 0 &&
                                  e.items()[1].as_int() <= (1 << 20);
                if (!pair) {
                    r.fail(e, "interventions.heads_off[" + std::to_string(i) + "]",
                           "expected [layer, head], two whole numbers >= 0");
                    break;
                }
                iv.ablated.push_back(model::HeadRef{static_cast<int>(e.items()[0].as_int()),
                                                    static_cast<int>(e.items()[1].as_int())});
            }
        }
    }
    d.interventions = std::move(iv);
}

void read_settings(Reader& r, const JsonValue& o, SessionData& d, std::vector<std::string>& warnings) {
    const int max_heads = LessonModel::instance().max_heads();
    r.integer(o, "heads", "settings.heads", 1, max_heads, d.settings.n_heads);
    d.settings.n_kv_heads = d.settings.n_heads;
    r.integer(o, "kv_heads", "settings.kv_heads", 1, max_heads, d.settings.n_kv_heads);
    if (r.ok() && d.settings.n_heads % d.settings.n_kv_heads != 0) {
        r.fail(*o.find("kv_heads"), "settings.kv_heads",
               std::to_string(d.settings.n_kv_heads) + " KV heads do not divide " +
                   std::to_string(d.settings.n_heads) + " heads");
    }
    if (const JsonValue* t = o.find("temperature")) {
        if (t->is_string() && t->as_string() == "inf") {
            d.settings.temperature = std::numeric_limits<double>::infinity();
        } else if (t->is_number() && validate_temperature(t->as_number()).empty()) {
            d.settings.temperature = t->as_number();
        } else {
            r.fail(*t, "settings.temperature", "expected a number >= 0 or \"inf\"");
        }
    }
    r.flag(o, "causal", "settings.causal", d.settings.causal);
    r.integer(o, "window", "settings.window", 0, 1 << 30, d.settings.window);
    r.flag(o, "scale", "settings.scale", d.settings.scale);
    r.flag(o, "use_positions", "settings.use_positions", d.settings.use_positions);
    for (const JsonValue::Member& m : o.members()) {
        static const char* const kKnown[] = {"heads",  "kv_heads", "temperature",  "causal",
                                             "window", "scale",    "use_positions"};
        bool known = false;
        for (const char* k : kKnown) known = known || m.first == k;
        if (!known)
            warnings.push_back("settings." + m.first + " is not a setting this attnviz knows; ignored");
    }
}

Expected<SessionData> read_session(const std::string& text, const std::string& name,
                                   std::vector<std::string>& warnings) {
    Expected<JsonValue> parsed = parse_json(text, name);
    if (!parsed) return Error{parsed.error()};
    const JsonValue& root = *parsed;
    Reader r(name);
    if (!root.is_object()) return Error{name + ": expected a session object (an .attnviz file)"};
    const JsonValue* format = root.find("format");
    if (format == nullptr || !format->is_string() || format->as_string() != kFormatName) {
        return Error{name + ": format: expected \"" + kFormatName + "\" (is this an .attnviz session file?)"};
    }
    const JsonValue* version = root.find("version");
    if (version == nullptr || !version->is_int()) return Error{name + ": version: expected a whole number"};
    if (version->as_int() > kFormatVersion) {
        warnings.push_back("the session was saved by a newer attnviz (format version " +
                           std::to_string(version->as_int()) + "); what this version knows was opened");
    }
    SessionData d;
    r.text(root, "sentence", "sentence", d.sentence);
    r.text(root, "key_sentence", "key_sentence", d.key_sentence);
    if (const JsonValue* l = root.find("lesson"); l != nullptr && !l->is_null()) {
        if (!l->is_string()) {
            r.fail(*l, "lesson", "expected a lesson name or null");
        } else {
            d.lesson = l->as_string();
        }
    }
    if (const JsonValue* m = root.find("model"); m != nullptr && !m->is_null()) {
        if (!m->is_string() || m->as_string().empty()) {
            r.fail(*m, "model", "expected a model folder, \"stories260K\" or null");
        } else {
            d.model = m->as_string();
        }
    }
    if (const JsonValue* h = root.find("hand_model"); h != nullptr && !h->is_null()) {
        if (!h->is_object()) {
            r.fail(*h, "hand_model", "expected an object with x, w_q, w_k, w_v, or null");
        } else {
            HandModel m;
            for (const auto& [key, target] : {std::pair<const char*, MatrixRM*>{"x", &m.x},
                                              {"w_q", &m.w_q},
                                              {"w_k", &m.w_k},
                                              {"w_v", &m.w_v}}) {
                const JsonValue* v = h->find(key);
                if (v == nullptr) {
                    r.fail(*h, std::string("hand_model.") + key, "missing");
                } else {
                    r.matrix(*v, std::string("hand_model.") + key, *target);
                }
            }
            if (r.ok()) {
                if (Status st = validate_hand_model(m); !st.empty()) r.fail(*h, "hand_model", st);
            }
            d.hand_model = std::move(m);
        }
    }
    if (const JsonValue* o = r.object(root, "settings")) read_settings(r, *o, d, warnings);
    if (const JsonValue* iv = root.find("interventions"); iv != nullptr && !iv->is_null()) {
        if (!iv->is_object()) {
            r.fail(*iv, "interventions",
                   std::string("expected an object or null, found ") + json_type_name(*iv));
        } else {
            read_interventions(r, *iv, d);
        }
    }
    if (const JsonValue* o = r.object(root, "selection")) {
        r.integer(*o, "query", "selection.query", -1, 1 << 20, d.query);
        r.integer(*o, "layer", "selection.layer", 0, 1 << 20, d.layer);
        r.integer(*o, "focus_head", "selection.focus_head", 0, 1 << 20, d.focus_head);
        r.integer(*o, "cell_row", "selection.cell_row", -1, 1 << 20, d.cell_row);
        r.integer(*o, "cell_col", "selection.cell_col", -1, 1 << 20, d.cell_col);
    }
    if (const JsonValue* o = r.object(root, "colors")) {
        d.has_colors = true;
        if (const JsonValue* c = o->find("colormap")) {
            const std::optional<Colormap> cm =
                c->is_string() ? colormap_from_name(c->as_string()) : std::nullopt;
            if (cm) {
                d.colormap = *cm;
            } else {
                warnings.push_back("colors.colormap: not a colormap this attnviz has; viridis kept");
            }
        }
        if (const JsonValue* c = o->find("scale")) {
            bool found = false;
            for (ColorScale cs : {ColorScale::kLinear, ColorScale::kLog, ColorScale::kRank}) {
                if (c->is_string() && c->as_string() == color_scale_name(cs)) {
                    d.color.scale = cs;
                    found = true;
                }
            }
            if (!found) warnings.push_back("colors.scale: not linear, log or rank; linear kept");
        }
        r.flag(*o, "ignore_first_key", "colors.ignore_first_key", d.color.ignore_first_key);
        r.flag(*o, "zero_based", "colors.zero_based", d.color.zero_based);
    }
    if (const JsonValue* o = r.object(root, "view")) {
        d.has_view = true;
        if (const JsonValue* p = o->find("panel")) {
            const std::optional<MainView> v = p->is_string() ? find_view(p->as_string()) : std::nullopt;
            if (v) {
                d.panel = *v;
            } else {
                warnings.push_back("view.panel: not a view this attnviz has; the attention view opens");
            }
        }
        if (const JsonValue* t = o->find("theme"))
            d.theme = t->is_string() && t->as_string() == "light" ? Theme::kLight : Theme::kDark;
        r.real(*o, "font_scale", "view.font_scale", 0.6, 3.0, d.font_scale);
        r.real(*o, "zoom", "view.zoom", 1.0, 1e6, d.zoom);
        r.real(*o, "pan_x", "view.pan_x", 0.0, 1.0, d.pan_x);
        r.real(*o, "pan_y", "view.pan_y", 0.0, 1.0, d.pan_y);
    }
    for (const JsonValue::Member& m : root.members()) {
        static const char* const kKnown[] = {"format", "version",    "sentence", "key_sentence",
                                             "lesson", "hand_model", "settings", "selection",
                                             "colors", "view",       "model",    "interventions"};
        bool known = false;
        for (const char* k : kKnown) known = known || m.first == k;
        if (!known) warnings.push_back(m.first + " is not part of a session this attnviz knows; ignored");
    }
    if (!r.ok()) return Error{r.error()};
    if (d.hand_model && d.hand_model->x.rows() < 1) return Error{name + ": hand_model.x: no tokens"};
    return d;
}

}  // namespace

JsonValue session_to_json(const AppState& s, bool with_view) {
    JsonValue root = JsonValue::object();
    root.set("format", JsonValue::string(kFormatName));
    root.set("version", JsonValue::integer(kFormatVersion));
    root.set("sentence", JsonValue::string(s.sentence));
    root.set("key_sentence", JsonValue::string(s.key_sentence));
    root.set("lesson", s.lesson && !s.lesson->name.empty() ? JsonValue::string(s.lesson->name) : JsonValue());
    root.set("model", s.model.open ? JsonValue::string(s.model.open->source) : JsonValue());
    root.set("interventions", s.model.open
                                  ? interventions_json(s.model.interventions, s.model.temperature_scope)
                                  : JsonValue());
    if (s.hand_model) {
        JsonValue h = JsonValue::object();
        h.set("x", matrix_json(s.hand_model->x));
        h.set("w_q", matrix_json(s.hand_model->w_q));
        h.set("w_k", matrix_json(s.hand_model->w_k));
        h.set("w_v", matrix_json(s.hand_model->w_v));
        root.set("hand_model", std::move(h));
    } else {
        root.set("hand_model", JsonValue());
    }
    JsonValue st = JsonValue::object();
    st.set("heads", JsonValue::integer(s.settings.n_heads));
    st.set("kv_heads", JsonValue::integer(s.settings.n_kv_heads));
    st.set("temperature", std::isinf(s.settings.temperature) ? JsonValue::string("inf")
                                                             : JsonValue::number(s.settings.temperature));
    st.set("causal", JsonValue::boolean(s.settings.causal));
    st.set("window", JsonValue::integer(s.settings.window));
    st.set("scale", JsonValue::boolean(s.settings.scale));
    st.set("use_positions", JsonValue::boolean(s.settings.use_positions));
    root.set("settings", std::move(st));
    JsonValue sel = JsonValue::object();
    sel.set("query", JsonValue::integer(s.selection.query));
    sel.set("layer", JsonValue::integer(s.selection.layer));
    sel.set("focus_head", JsonValue::integer(s.selection.focus_head));
    sel.set("cell_row", JsonValue::integer(s.selection.selected_cell_row));
    sel.set("cell_col", JsonValue::integer(s.selection.selected_cell_col));
    root.set("selection", std::move(sel));
    JsonValue colors = JsonValue::object();
    colors.set("colormap", JsonValue::string(colormap_name(s.view.heatmap.colormap)));
    colors.set("scale", JsonValue::string(color_scale_name(s.view.heatmap.color.scale)));
    colors.set("ignore_first_key", JsonValue::boolean(s.view.heatmap.color.ignore_first_key));
    colors.set("zero_based", JsonValue::boolean(s.view.heatmap.color.zero_based));
    root.set("colors", std::move(colors));
    if (with_view) {
        JsonValue v = JsonValue::object();
        std::string panel = "attention";
        for (const ViewInfo& info : views()) {
            if (info.id == s.view.main_view) panel = info.name;
        }
        v.set("panel", JsonValue::string(panel));
        v.set("theme", JsonValue::string(theme_name(s.view.theme)));
        v.set("font_scale", JsonValue::number(static_cast<double>(s.view.font_scale)));
        v.set("zoom", JsonValue::number(static_cast<double>(s.view.heatmap.zoom)));
        v.set("pan_x", JsonValue::number(static_cast<double>(s.view.heatmap.pan_x)));
        v.set("pan_y", JsonValue::number(static_cast<double>(s.view.heatmap.pan_y)));
        root.set("view", std::move(v));
    }
    return root;
}

Status apply_session(AppState& s, const std::string& text, const std::string& name,
                     std::vector<std::string>* warnings) {
    std::vector<std::string> notes;
    Expected<SessionData> read = read_session(text, name, notes);
    if (!read) return read.error();
    SessionData& d = *read;
    s.sentence = d.sentence;
    s.key_sentence = d.key_sentence;
    s.hand_model = d.hand_model;
    s.lesson.reset();
    if (d.lesson) {
        if (const Scenario* sc = find_builtin_scenario(*d.lesson)) {
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
    s.model.pending_restore.reset();
    if (d.model && *d.model != open_source) {
        open_model(s, *d.model);
        // Applied once it has loaded (a load starts from the model as trained), with the selection.
        s.model.pending_restore = PendingModelRestore{d.interventions.value_or(model::Interventions{}),
                                                      d.temperature_scope, d.layer, d.focus_head};
    } else if (!d.model && s.model.open) {
        close_model(s);
    } else if (d.model && model_open(s)) {
        const model::Interventions iv = d.interventions.value_or(model::Interventions{});
        if (Status st = model::validate_interventions(iv, s.model.open->model->config); !st.empty()) {
            notes.push_back("interventions: " + st + "; the model runs as trained");
            s.model.interventions = model::Interventions{};
        } else {
            s.model.interventions = iv;
        }
        s.model.temperature_scope = d.temperature_scope;
        s.model.kv_session.reset();
    }
    s.selection.query = d.query;
    s.selection.pending_query.clear();
    s.selection.layer = d.layer;
    s.selection.focus_head = d.focus_head;
    s.selection.selected_cell_row = d.cell_row;
    s.selection.selected_cell_col = d.cell_col;
    if (d.has_colors) {
        s.view.heatmap.colormap = d.colormap;
        s.view.heatmap.color = d.color;
    }
    if (d.has_view) {
        s.view.main_view = d.panel;
        s.requests.view = d.panel;
        s.view.theme = d.theme;
        s.view.font_scale = d.font_scale;
        s.view.heatmap.zoom = d.zoom;
        s.view.heatmap.pan_x = std::min(d.pan_x, 1.0f - 1.0f / d.zoom);
        s.view.heatmap.pan_y = std::min(d.pan_y, 1.0f - 1.0f / d.zoom);
    }
    s.temperature_message.clear();
    s.inputs_changed();
    s.colours_changed();
    if (warnings != nullptr) *warnings = std::move(notes);
    return {};
}

bool save_session_file(AppState& s, const std::string& path) {
    const Status st = write_file_atomically(path, session_to_json(s).dump(true) + "\n");
    s.session.message = st.empty() ? "saved " + path : st;
    set_status(s, s.session.message);
    return st.empty();
}

bool open_session_file(AppState& s, const std::string& path) {
    Expected<std::string> bytes = read_file_bytes(path, kMaxSessionBytes);
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
    JsonValue doc = session_to_json(s);
    doc.set("reopen_at_start", JsonValue::boolean(s.session.restore_at_start));
    return write_file_atomically(path, doc.dump(true) + "\n");
}

void restore_last_session(AppState& s) {
    const std::string& path = s.session.autosave_path;
    if (path.empty() || !std::filesystem::exists(path)) return;
    Expected<std::string> bytes = read_file_bytes(path, kMaxSessionBytes);
    if (!bytes) {
        set_status(s, "the last session was not reopened: " + bytes.error());
        return;
    }
    // The reopen choice first: when it is off, nothing of the file is applied.
    Expected<JsonValue> doc = parse_json(*bytes, path);
    if (doc && doc->is_object()) {
        const JsonValue* reopen = doc->find("reopen_at_start");
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
