// Session files: a Reader that keeps the first error with its JSON path, the checks of every member, and
// the writer that session_file_json's round trip is tested against (tests/fuzz session harness).
#include "app/common/session_file.h"

#include "core/lesson/settings_fields.h"

#include <utility>

namespace attnviz {

namespace {

io::JsonValue matrix_json(const MatrixRM& m) {
    io::JsonValue rows = io::JsonValue::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        io::JsonValue row = io::JsonValue::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            row.push(io::JsonValue::number(static_cast<double>(m(i, j))));
        rows.push(std::move(row));
    }
    return rows;
}

/// Reads members of one document, keeping the first error ("<name>:<line>:<col>: <path>: <what>").
class Reader {
  public:
    explicit Reader(std::string name) : m_name(std::move(name)) {}
    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

    void fail(const io::JsonValue& at, const std::string& path, const std::string& what) {
        if (!m_error.empty()) return;
        m_error = m_name;
        if (at.line > 0) m_error += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
        m_error += ": " + path + ": " + what;
    }

    void text(const io::JsonValue& obj, const char* key, const std::string& path, std::string& out) {
        if (const io::JsonValue* v = obj.find(key)) {
            if (!v->is_string())
                return fail(*v, path, std::string("expected a string, found ") + io::json_type_name(*v));
            out = v->as_string();
        }
    }
    void flag(const io::JsonValue& obj, const char* key, const std::string& path, bool& out) {
        if (const io::JsonValue* v = obj.find(key)) {
            if (!v->is_bool())
                return fail(*v, path, std::string("expected true or false, found ") + io::json_type_name(*v));
            out = v->as_bool();
        }
    }
    void integer(const io::JsonValue& obj, const char* key, const std::string& path, int lo, int hi,
                 int& out) {
        if (const io::JsonValue* v = obj.find(key)) {
            if (!v->is_int())
                return fail(*v, path,
                            std::string("expected a whole number, found ") + io::json_type_name(*v));
            if (v->as_int() < lo || v->as_int() > hi) {
                return fail(*v, path,
                            std::to_string(v->as_int()) + " is outside " + std::to_string(lo) + ".." +
                                std::to_string(hi));
            }
            out = static_cast<int>(v->as_int());
        }
    }
    void real(const io::JsonValue& obj, const char* key, const std::string& path, double lo, double hi,
              float& out) {
        if (const io::JsonValue* v = obj.find(key)) {
            if (!v->is_number())
                return fail(*v, path, std::string("expected a number, found ") + io::json_type_name(*v));
            if (!(v->as_number() >= lo && v->as_number() <= hi)) {
                return fail(*v, path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
            }
            out = static_cast<float>(v->as_number());
        }
    }
    const io::JsonValue* object(const io::JsonValue& obj, const char* key) {
        const io::JsonValue* v = obj.find(key);
        if (v != nullptr && !v->is_object()) {
            fail(*v, key, std::string("expected an object, found ") + io::json_type_name(*v));
            return nullptr;
        }
        return v;
    }
    void matrix(const io::JsonValue& v, const std::string& path, MatrixRM& out) {
        if (!v.is_array() || v.items().empty()) return fail(v, path, "expected a non-empty array of rows");
        const std::size_t cols = v.items().front().is_array() ? v.items().front().items().size() : 0;
        if (cols == 0) return fail(v, path, "expected rows of numbers");
        out.resize(static_cast<Eigen::Index>(v.items().size()), static_cast<Eigen::Index>(cols));
        for (std::size_t i = 0; i < v.items().size(); ++i) {
            const io::JsonValue& row = v.items()[i];
            const std::string rp = path + "[" + std::to_string(i) + "]";
            if (!row.is_array() || row.items().size() != cols) {
                return fail(row, rp, "expected " + std::to_string(cols) + " numbers like the first row");
            }
            for (std::size_t j = 0; j < cols; ++j) {
                const io::JsonValue& x = row.items()[j];
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

bool known(const std::string& key, std::initializer_list<const char*> names) {
    for (const char* k : names) {
        if (key == k) return true;
    }
    return false;
}

void read_settings(Reader& r, const io::JsonValue& o, SessionFile& d) {
    if (std::optional<lesson::SettingsProblem> p =
            lesson::read_settings_json(o, lesson::lesson_settings_limits(), d.settings))
        r.fail(*p->at, "settings." + p->key, p->what);
    for (const io::JsonValue::Member& m : o.members()) {
        if (!lesson::is_setting_key(m.first)) {
            d.warnings.push_back("settings." + m.first + " is not a setting this attnviz knows (" +
                                 lesson::setting_keys_text() + "); ignored");
        }
    }
}

const char* scope_name(SessionTemperatureScope scope) {
    switch (scope) {
        case SessionTemperatureScope::kThisLayer:
            return "layer";
        case SessionTemperatureScope::kThisHead:
            return "head";
        case SessionTemperatureScope::kAllLayers:
            break;
    }
    return "all";
}

io::JsonValue interventions_json(const SessionInterventions& si) {
    const model::Interventions& iv = si.values;
    io::JsonValue o = io::JsonValue::object();
    o.set("temperature", lesson::temperature_json(iv.temperature));
    io::JsonValue list = io::JsonValue::array();
    for (const model::HeadTemperature& t : iv.temperatures) {
        io::JsonValue e = io::JsonValue::object();
        e.set("layer", io::JsonValue::integer(t.layer));
        e.set("head", io::JsonValue::integer(t.head));
        e.set("temperature", lesson::temperature_json(t.temperature));
        list.push(std::move(e));
    }
    o.set("temperatures", std::move(list));
    o.set("temperature_scope", io::JsonValue::string(scope_name(si.temperature_scope)));
    o.set("causal", io::JsonValue::boolean(iv.causal));
    o.set("window", io::JsonValue::integer(iv.window));
    io::JsonValue off = io::JsonValue::array();
    for (const model::HeadRef& h : iv.ablated) {
        io::JsonValue e = io::JsonValue::array();
        e.push(io::JsonValue::integer(h.layer));
        e.push(io::JsonValue::integer(h.head));
        off.push(std::move(e));
    }
    o.set("heads_off", std::move(off));
    return o;
}

void read_head_temperatures(Reader& r, const io::JsonValue& list, model::Interventions& iv) {
    if (!list.is_array()) {
        r.fail(list, "interventions.temperatures", "expected an array of {layer, head, temperature}");
        return;
    }
    for (std::size_t i = 0; i < list.items().size() && r.ok(); ++i) {
        const io::JsonValue& e = list.items()[i];
        const std::string path = "interventions.temperatures[" + std::to_string(i) + "]";
        if (!e.is_object()) {
            r.fail(e, path, "expected {layer, head, temperature}");
            return;
        }
        model::HeadTemperature ht;
        r.integer(e, "layer", path + ".layer", -1, 1 << 20, ht.layer);
        r.integer(e, "head", path + ".head", -1, 1 << 20, ht.head);
        const io::JsonValue* t = e.find("temperature");
        if (t == nullptr || !lesson::read_temperature_json(*t, ht.temperature))
            r.fail(t != nullptr ? *t : e, path + ".temperature", "expected a number >= 0 or \"inf\"");
        iv.temperatures.push_back(ht);
    }
}

void read_heads_off(Reader& r, const io::JsonValue& off, model::Interventions& iv) {
    if (!off.is_array()) {
        r.fail(off, "interventions.heads_off", "expected an array of [layer, head] pairs");
        return;
    }
    for (std::size_t i = 0; i < off.items().size() && r.ok(); ++i) {
        const io::JsonValue& e = off.items()[i];
        const auto whole = [](const io::JsonValue& v) {
            return v.is_int() && v.as_int() >= 0 && v.as_int() <= (1 << 20);
        };
        if (!(e.is_array() && e.items().size() == 2 && whole(e.items()[0]) && whole(e.items()[1]))) {
            r.fail(e, "interventions.heads_off[" + std::to_string(i) + "]",
                   "expected [layer, head], two whole numbers >= 0");
            return;
        }
        iv.ablated.push_back(
            model::HeadRef{static_cast<int>(e.items()[0].as_int()), static_cast<int>(e.items()[1].as_int())});
    }
}

/// "interventions": types and ranges here; against the model's layers and heads once it is open.
void read_interventions(Reader& r, const io::JsonValue& o, SessionFile& d) {
    SessionInterventions si;
    model::Interventions& iv = si.values;
    if (const io::JsonValue* t = o.find("temperature");
        t != nullptr && !lesson::read_temperature_json(*t, iv.temperature))
        r.fail(*t, "interventions.temperature", "expected a number >= 0 or \"inf\"");
    if (const io::JsonValue* list = o.find("temperatures")) read_head_temperatures(r, *list, iv);
    if (const io::JsonValue* sc = o.find("temperature_scope")) {
        const std::string name = sc->is_string() ? sc->as_string() : std::string();
        if (name == "all" || name == "layer" || name == "head") {
            si.temperature_scope = name == "layer"  ? SessionTemperatureScope::kThisLayer
                                   : name == "head" ? SessionTemperatureScope::kThisHead
                                                    : SessionTemperatureScope::kAllLayers;
        } else {
            r.fail(*sc, "interventions.temperature_scope", "expected \"all\", \"layer\" or \"head\"");
        }
    }
    r.flag(o, "causal", "interventions.causal", iv.causal);
    r.integer(o, "window", "interventions.window", -1, 1 << 30, iv.window);
    if (const io::JsonValue* off = o.find("heads_off")) read_heads_off(r, *off, iv);
    for (const io::JsonValue::Member& m : o.members()) {
        if (!known(m.first,
                   {"temperature", "temperatures", "temperature_scope", "causal", "window", "heads_off"}))
            d.warnings.push_back("interventions." + m.first +
                                 " is not an intervention this attnviz knows; ignored");
    }
    d.interventions = std::move(si);
}

bool same_interventions(const std::optional<SessionInterventions>& a,
                        const std::optional<SessionInterventions>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    const model::Interventions& p = a->values;
    const model::Interventions& q = b->values;
    if (a->temperature_scope != b->temperature_scope || p.temperature != q.temperature ||
        p.causal != q.causal || p.window != q.window || p.temperatures.size() != q.temperatures.size() ||
        p.ablated.size() != q.ablated.size())
        return false;
    for (std::size_t i = 0; i < p.temperatures.size(); ++i) {
        const model::HeadTemperature& x = p.temperatures[i];
        const model::HeadTemperature& y = q.temperatures[i];
        if (x.layer != y.layer || x.head != y.head || x.temperature != y.temperature) return false;
    }
    for (std::size_t i = 0; i < p.ablated.size(); ++i) {
        if (p.ablated[i].layer != q.ablated[i].layer || p.ablated[i].head != q.ablated[i].head) return false;
    }
    return true;
}

void read_hand_model(Reader& r, const io::JsonValue& h, SessionFile& d) {
    lesson::HandModel m;
    for (const auto& [key, target] :
         {std::pair<const char*, MatrixRM*>{"x", &m.x}, {"w_q", &m.w_q}, {"w_k", &m.w_k}, {"w_v", &m.w_v}}) {
        const io::JsonValue* v = h.find(key);
        if (v == nullptr) {
            r.fail(h, std::string("hand_model.") + key, "missing");
        } else {
            r.matrix(*v, std::string("hand_model.") + key, *target);
        }
    }
    if (r.ok()) {
        if (Status st = lesson::validate_hand_model(m); !st.empty()) r.fail(h, "hand_model", st);
    }
    d.hand_model = std::move(m);
}

void read_colors(Reader& r, const io::JsonValue& o, SessionFile& d) {
    SessionColors colors;
    if (const io::JsonValue* c = o.find("colormap")) {
        const std::optional<exports::Colormap> cm =
            c->is_string() ? exports::colormap_from_name(c->as_string()) : std::nullopt;
        if (cm) {
            colors.colormap = *cm;
        } else {
            d.warnings.push_back("colors.colormap: not a colormap this attnviz has; viridis kept");
        }
    }
    if (const io::JsonValue* c = o.find("scale")) {
        bool found = false;
        for (exports::ColorScale cs :
             {exports::ColorScale::kLinear, exports::ColorScale::kLog, exports::ColorScale::kRank}) {
            if (c->is_string() && c->as_string() == exports::color_scale_name(cs)) {
                colors.color.scale = cs;
                found = true;
            }
        }
        if (!found) d.warnings.push_back("colors.scale: not linear, log or rank; linear kept");
    }
    r.flag(o, "ignore_first_key", "colors.ignore_first_key", colors.color.ignore_first_key);
    r.flag(o, "zero_based", "colors.zero_based", colors.color.zero_based);
    d.colors = colors;
}

void read_view(Reader& r, const io::JsonValue& o, SessionFile& d) {
    SessionView view;
    if (const io::JsonValue* p = o.find("panel")) {
        if (p->is_string()) {
            view.panel = p->as_string();
        } else {
            d.warnings.push_back("view.panel: not a view name; the attention view opens");
        }
    }
    if (const io::JsonValue* t = o.find("theme"))
        view.light_theme = t->is_string() && t->as_string() == "light";
    r.real(o, "font_scale", "view.font_scale", 0.6, 3.0, view.font_scale);
    r.real(o, "zoom", "view.zoom", 1.0, 1e6, view.zoom);
    r.real(o, "pan_x", "view.pan_x", 0.0, 1.0, view.pan_x);
    r.real(o, "pan_y", "view.pan_y", 0.0, 1.0, view.pan_y);
    d.view = view;
}

bool same_matrix(const MatrixRM& a, const MatrixRM& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

bool same_hand_model(const std::optional<lesson::HandModel>& a, const std::optional<lesson::HandModel>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return same_matrix(a->x, b->x) && same_matrix(a->w_q, b->w_q) && same_matrix(a->w_k, b->w_k) &&
           same_matrix(a->w_v, b->w_v);
}

}  // namespace

bool operator==(const SessionFile& a, const SessionFile& b) {
    const SessionSelection& s = a.selection;
    const SessionSelection& t = b.selection;
    const bool same_selection = s.query == t.query && s.layer == t.layer && s.focus_head == t.focus_head &&
                                s.cell_row == t.cell_row && s.cell_col == t.cell_col;
    bool same_colors = a.colors.has_value() == b.colors.has_value();
    if (same_colors && a.colors) {
        same_colors = a.colors->colormap == b.colors->colormap &&
                      a.colors->color.scale == b.colors->color.scale &&
                      a.colors->color.ignore_first_key == b.colors->color.ignore_first_key &&
                      a.colors->color.zero_based == b.colors->color.zero_based;
    }
    bool same_view = a.view.has_value() == b.view.has_value();
    if (same_view && a.view) {
        const SessionView& v = *a.view;
        const SessionView& w = *b.view;
        same_view = v.panel == w.panel && v.light_theme == w.light_theme && v.font_scale == w.font_scale &&
                    v.zoom == w.zoom && v.pan_x == w.pan_x && v.pan_y == w.pan_y;
    }
    return a.sentence == b.sentence && a.key_sentence == b.key_sentence && a.lesson == b.lesson &&
           a.model == b.model && same_interventions(a.interventions, b.interventions) &&
           same_hand_model(a.hand_model, b.hand_model) && lesson::same_settings(a.settings, b.settings) &&
           same_selection && same_colors && same_view && a.reopen_at_start == b.reopen_at_start;
}

Expected<SessionFile> parse_session_file(const std::string& text, const std::string& name) {
    Expected<io::JsonValue> parsed = io::parse_json(text, name);
    if (!parsed) return Error{parsed.error()};
    const io::JsonValue& root = *parsed;
    Reader r(name);
    if (!root.is_object()) return Error{name + ": expected a session object (an .attnviz file)"};
    const io::JsonValue* format = root.find("format");
    if (format == nullptr || !format->is_string() || format->as_string() != kSessionFormatName) {
        return Error{name + ": format: expected \"" + kSessionFormatName +
                     "\" (is this an .attnviz session file?)"};
    }
    const io::JsonValue* version = root.find("version");
    if (version == nullptr || !version->is_int()) return Error{name + ": version: expected a whole number"};
    SessionFile d;
    if (version->as_int() > kSessionFormatVersion) {
        d.warnings.push_back("the session was saved by a newer attnviz (format version " +
                             std::to_string(version->as_int()) + "); what this version knows was opened");
    }
    r.text(root, "sentence", "sentence", d.sentence);
    r.text(root, "key_sentence", "key_sentence", d.key_sentence);
    if (const io::JsonValue* l = root.find("lesson"); l != nullptr && !l->is_null()) {
        if (!l->is_string()) {
            r.fail(*l, "lesson", "expected a lesson name or null");
        } else {
            d.lesson = l->as_string();
        }
    }
    if (const io::JsonValue* m = root.find("model"); m != nullptr && !m->is_null()) {
        if (!m->is_string() || m->as_string().empty()) {
            r.fail(*m, "model", "expected a model folder, \"stories260K\" or null");
        } else {
            d.model = m->as_string();
        }
    }
    if (const io::JsonValue* h = root.find("hand_model"); h != nullptr && !h->is_null()) {
        if (!h->is_object()) {
            r.fail(*h, "hand_model", "expected an object with x, w_q, w_k, w_v, or null");
        } else {
            read_hand_model(r, *h, d);
        }
    }
    if (const io::JsonValue* o = r.object(root, "settings")) read_settings(r, *o, d);
    if (const io::JsonValue* iv = root.find("interventions"); iv != nullptr && !iv->is_null()) {
        if (!iv->is_object()) {
            r.fail(*iv, "interventions",
                   std::string("expected an object or null, found ") + io::json_type_name(*iv));
        } else {
            read_interventions(r, *iv, d);
        }
    }
    if (const io::JsonValue* o = r.object(root, "selection")) {
        r.integer(*o, "query", "selection.query", -1, 1 << 20, d.selection.query);
        r.integer(*o, "layer", "selection.layer", 0, 1 << 20, d.selection.layer);
        r.integer(*o, "focus_head", "selection.focus_head", 0, 1 << 20, d.selection.focus_head);
        r.integer(*o, "cell_row", "selection.cell_row", -1, 1 << 20, d.selection.cell_row);
        r.integer(*o, "cell_col", "selection.cell_col", -1, 1 << 20, d.selection.cell_col);
    }
    if (const io::JsonValue* o = r.object(root, "colors")) read_colors(r, *o, d);
    if (const io::JsonValue* o = r.object(root, "view")) read_view(r, *o, d);
    if (root.find("reopen_at_start") != nullptr) {
        bool reopen = true;
        r.flag(root, "reopen_at_start", "reopen_at_start", reopen);
        d.reopen_at_start = reopen;
    }
    for (const io::JsonValue::Member& m : root.members()) {
        if (!known(m.first,
                   {"format", "version", "sentence", "key_sentence", "lesson", "hand_model", "settings",
                    "selection", "colors", "view", "model", "reopen_at_start", "interventions"}))
            d.warnings.push_back(m.first + " is not part of a session this attnviz knows; ignored");
    }
    if (!r.ok()) return Error{r.error()};
    return d;
}

io::JsonValue session_file_json(const SessionFile& f) {
    io::JsonValue root = io::JsonValue::object();
    root.set("format", io::JsonValue::string(kSessionFormatName));
    root.set("version", io::JsonValue::integer(kSessionFormatVersion));
    root.set("sentence", io::JsonValue::string(f.sentence));
    root.set("key_sentence", io::JsonValue::string(f.key_sentence));
    root.set("lesson", f.lesson ? io::JsonValue::string(*f.lesson) : io::JsonValue());
    root.set("model", f.model ? io::JsonValue::string(*f.model) : io::JsonValue());
    root.set("interventions", f.interventions ? interventions_json(*f.interventions) : io::JsonValue());
    if (f.hand_model) {
        io::JsonValue h = io::JsonValue::object();
        h.set("x", matrix_json(f.hand_model->x));
        h.set("w_q", matrix_json(f.hand_model->w_q));
        h.set("w_k", matrix_json(f.hand_model->w_k));
        h.set("w_v", matrix_json(f.hand_model->w_v));
        root.set("hand_model", std::move(h));
    } else {
        root.set("hand_model", io::JsonValue());
    }
    root.set("settings", lesson::settings_json(f.settings));
    io::JsonValue sel = io::JsonValue::object();
    sel.set("query", io::JsonValue::integer(f.selection.query));
    sel.set("layer", io::JsonValue::integer(f.selection.layer));
    sel.set("focus_head", io::JsonValue::integer(f.selection.focus_head));
    sel.set("cell_row", io::JsonValue::integer(f.selection.cell_row));
    sel.set("cell_col", io::JsonValue::integer(f.selection.cell_col));
    root.set("selection", std::move(sel));
    if (f.colors) {
        io::JsonValue colors = io::JsonValue::object();
        colors.set("colormap", io::JsonValue::string(exports::colormap_name(f.colors->colormap)));
        colors.set("scale", io::JsonValue::string(exports::color_scale_name(f.colors->color.scale)));
        colors.set("ignore_first_key", io::JsonValue::boolean(f.colors->color.ignore_first_key));
        colors.set("zero_based", io::JsonValue::boolean(f.colors->color.zero_based));
        root.set("colors", std::move(colors));
    }
    if (f.view) {
        io::JsonValue v = io::JsonValue::object();
        v.set("panel", io::JsonValue::string(f.view->panel));
        v.set("theme", io::JsonValue::string(f.view->light_theme ? "light" : "dark"));
        v.set("font_scale", io::JsonValue::number(static_cast<double>(f.view->font_scale)));
        v.set("zoom", io::JsonValue::number(static_cast<double>(f.view->zoom)));
        v.set("pan_x", io::JsonValue::number(static_cast<double>(f.view->pan_x)));
        v.set("pan_y", io::JsonValue::number(static_cast<double>(f.view->pan_y)));
        root.set("view", std::move(v));
    }
    if (f.reopen_at_start) root.set("reopen_at_start", io::JsonValue::boolean(*f.reopen_at_start));
    return root;
}

}  // namespace attnviz
