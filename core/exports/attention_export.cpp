// CSV, .npy and JSON of an AttentionExport, and the JSON read back with path-naming errors.
#include "core/exports/attention_export.h"

#include "core/io/npy.h"
#include "core/lesson/settings_fields.h"

#include <cmath>
#include <cstdio>

namespace attnviz::exports {

std::string model_export_source(const std::string& model_path_or_name) {
    return "model: " + model_path_or_name;
}

namespace {

constexpr const char* kFormatName = "attnviz-attention";
constexpr int kFormatVersion = 1;

std::string idx(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

}  // namespace

Status validate_export(const AttentionExport& e) {
    if (e.layers.empty()) return "the export has no layers";
    if (e.visible.size() != e.layers.size()) {
        return "the export has " + std::to_string(e.layers.size()) + " layers but " +
               std::to_string(e.visible.size()) + " masks";
    }
    const int n_q = e.n_queries();
    const int n_k = e.n_keys();
    const int n_heads = e.n_heads();
    if (n_q < 1 || n_k < 1) return "the export has no tokens";
    if (n_heads < 1) return "the export has no heads";
    for (std::size_t l = 0; l < e.layers.size(); ++l) {
        const Tensor3& t = e.layers[l];
        if (t.n_mats() != n_heads || t.n_rows() != n_q || t.n_cols() != n_k) {
            return "layer " + std::to_string(l) + " holds [" + std::to_string(t.n_mats()) + ", " +
                   std::to_string(t.n_rows()) + ", " + std::to_string(t.n_cols()) + "] weights, expected [" +
                   std::to_string(n_heads) + ", " + std::to_string(n_q) + ", " + std::to_string(n_k) + "]";
        }
        if (e.visible[l].rows() != n_q || e.visible[l].cols() != n_k) {
            return "layer " + std::to_string(l) + "'s mask is not [" + std::to_string(n_q) + ", " +
                   std::to_string(n_k) + "]";
        }
    }
    if (!e.head_names.empty() && static_cast<int>(e.head_names.size()) != n_heads) {
        return std::to_string(e.head_names.size()) + " head names for " + std::to_string(n_heads) + " heads";
    }
    if (e.focus_layer < 0 || e.focus_layer >= e.n_layers()) {
        return "layer " + std::to_string(e.focus_layer) + " is out of range (the export has " +
               std::to_string(e.n_layers()) + " layer(s), 0.." + std::to_string(e.n_layers() - 1) + ")";
    }
    if (e.focus_head < 0 || e.focus_head >= n_heads) {
        return "head " + std::to_string(e.focus_head) + " is out of range (the export has " +
               std::to_string(n_heads) + " head(s), 0.." + std::to_string(n_heads - 1) + ")";
    }
    if (e.query < -1 || e.query >= n_q) return "query " + std::to_string(e.query) + " is out of range";
    return {};
}

MatrixRM head_weights(const AttentionExport& e, int layer, int head) {
    return e.layers[static_cast<std::size_t>(layer)].mat(head);
}

std::string csv_field(const std::string& text) {
    const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                       (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string float_text(float v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
    return buf;
}

std::string matrix_csv(const MatrixRM& weights, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels) {
    std::string out = csv_field("query \\ key");
    for (const std::string& c : col_labels) out += "," + csv_field(c);
    out += "\r\n";
    for (Eigen::Index i = 0; i < weights.rows(); ++i) {
        out += csv_field(
            static_cast<std::size_t>(i) < row_labels.size() ? row_labels[static_cast<std::size_t>(i)] : "");
        for (Eigen::Index j = 0; j < weights.cols(); ++j) out += "," + float_text(weights(i, j));
        out += "\r\n";
    }
    return out;
}

Status write_export_npy(const std::string& path, const AttentionExport& e, NpyScope scope) {
    if (Status s = validate_export(e); !s.empty()) return "cannot write " + path + ": " + s;
    const std::int64_t n_q = e.n_queries();
    const std::int64_t n_k = e.n_keys();
    const Tensor3& layer = e.layers[static_cast<std::size_t>(e.focus_layer)];
    switch (scope) {
        case NpyScope::kHead:
            return io::write_npy(path, {n_q, n_k}, layer.mat(e.focus_head).data());
        case NpyScope::kLayer:
            return io::write_npy(path, {e.n_heads(), n_q, n_k}, layer.data());
        case NpyScope::kAllLayers: {
            std::vector<float> all;
            all.reserve(layer.size() * e.layers.size());
            for (const Tensor3& t : e.layers) all.insert(all.end(), t.data(), t.data() + t.size());
            return io::write_npy(path, {e.n_layers(), e.n_heads(), n_q, n_k}, all.data());
        }
    }
    return "cannot write " + path + ": unknown .npy scope";
}

io::JsonValue export_to_json(const AttentionExport& e) {
    io::JsonValue root = io::JsonValue::object();
    root.set("format", io::JsonValue::string(kFormatName));
    root.set("version", io::JsonValue::integer(kFormatVersion));
    root.set("source", io::JsonValue::string(e.source));
    root.set("sentence", io::JsonValue::string(e.sentence));
    root.set("key_sentence", io::JsonValue::string(e.key_sentence));
    const auto strings = [](const std::vector<std::string>& v) {
        io::JsonValue a = io::JsonValue::array();
        for (const std::string& s : v) a.push(io::JsonValue::string(s));
        return a;
    };
    root.set("tokens", strings(e.query_labels));
    root.set("key_tokens", strings(e.key_labels));
    root.set("head_names", strings(e.head_names));
    root.set("settings", lesson::settings_json(e.settings));
    io::JsonValue focus = io::JsonValue::object();
    focus.set("layer", io::JsonValue::integer(e.focus_layer));
    focus.set("head", io::JsonValue::integer(e.focus_head));
    focus.set("query", io::JsonValue::integer(e.query));
    root.set("focus", std::move(focus));
    io::JsonValue layers = io::JsonValue::array();
    for (std::size_t l = 0; l < e.layers.size(); ++l) {
        io::JsonValue layer = io::JsonValue::object();
        io::JsonValue vis = io::JsonValue::array();
        const MaskMatrix& m = e.visible[l];
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            io::JsonValue row = io::JsonValue::array();
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                row.push(io::JsonValue::integer(m(i, j) != 0 ? 1 : 0));
            vis.push(std::move(row));
        }
        layer.set("visible", std::move(vis));
        io::JsonValue heads = io::JsonValue::array();
        for (int h = 0; h < e.layers[l].n_mats(); ++h) {
            const ConstMapRM w = e.layers[l].mat(h);
            io::JsonValue rows = io::JsonValue::array();
            for (Eigen::Index i = 0; i < w.rows(); ++i) {
                io::JsonValue row = io::JsonValue::array();
                for (Eigen::Index j = 0; j < w.cols(); ++j)
                    row.push(io::JsonValue::number(static_cast<double>(w(i, j))));
                rows.push(std::move(row));
            }
            heads.push(std::move(rows));
        }
        layer.set("heads", std::move(heads));
        layers.push(std::move(layer));
    }
    root.set("layers", std::move(layers));
    return root;
}

namespace {

/// Readers of one member that say where the document is wrong.
class Reader {
  public:
    explicit Reader(std::string name) : m_name(std::move(name)) {}

    Error error(const io::JsonValue& at, const std::string& path, const std::string& what) const {
        std::string where = m_name;
        if (at.line > 0) where += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
        return Error{where + ": " + path + ": " + what};
    }

    const io::JsonValue* member(const io::JsonValue& obj, const char* key, std::string& err) const {
        const io::JsonValue* v = obj.find(key);
        if (v == nullptr) err = error(obj, key, "missing").message;
        return v;
    }

  private:
    std::string m_name;
};

Expected<std::vector<std::string>> read_strings(const Reader& r, const io::JsonValue& v,
                                                const std::string& path) {
    if (!v.is_array())
        return r.error(v, path, std::string("expected an array of strings, found ") + io::json_type_name(v));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.items().size(); ++i) {
        const io::JsonValue& s = v.items()[i];
        if (!s.is_string())
            return r.error(s, idx(path, i), std::string("expected a string, found ") + io::json_type_name(s));
        out.push_back(s.as_string());
    }
    return out;
}

Expected<int> read_int(const Reader& r, const io::JsonValue& v, const std::string& path, int lo, int hi) {
    if (!v.is_int())
        return r.error(v, path, std::string("expected a whole number, found ") + io::json_type_name(v));
    if (v.as_int() < lo || v.as_int() > hi) {
        return r.error(
            v, path,
            std::to_string(v.as_int()) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<int>(v.as_int());
}

/// A [rows][cols] array of numbers; each number passed to put(i, j, value).
template <typename Put>
Status read_matrix(const Reader& r, const io::JsonValue& v, const std::string& path, int rows, int cols,
                   Put put) {
    if (!v.is_array() || static_cast<int>(v.items().size()) != rows) {
        return r.error(v, path, "expected an array of " + std::to_string(rows) + " rows").message;
    }
    for (int i = 0; i < rows; ++i) {
        const io::JsonValue& row = v.items()[static_cast<std::size_t>(i)];
        const std::string rp = idx(path, static_cast<std::size_t>(i));
        if (!row.is_array() || static_cast<int>(row.items().size()) != cols) {
            return r.error(row, rp, "expected an array of " + std::to_string(cols) + " numbers").message;
        }
        for (int j = 0; j < cols; ++j) {
            const io::JsonValue& x = row.items()[static_cast<std::size_t>(j)];
            if (!x.is_number()) {
                return r
                    .error(x, idx(rp, static_cast<std::size_t>(j)),
                           std::string("expected a number, found ") + io::json_type_name(x))
                    .message;
            }
            if (Status s = put(i, j, x.as_number()); !s.empty()) {
                return r.error(x, idx(rp, static_cast<std::size_t>(j)), s).message;
            }
        }
    }
    return {};
}

}  // namespace

Expected<AttentionExport> export_from_json(const std::string& text, const std::string& name) {
    Expected<io::JsonValue> parsed = io::parse_json(text, name);
    if (!parsed) return Error{parsed.error()};
    const io::JsonValue& root = *parsed;
    const Reader r(name);
    if (!root.is_object()) return r.error(root, "(document)", "expected an object");
    std::string err;
    const auto need = [&](const io::JsonValue& obj, const char* key) { return r.member(obj, key, err); };

    const io::JsonValue* format = need(root, "format");
    if (format == nullptr) return Error{err};
    if (!format->is_string() || format->as_string() != kFormatName) {
        return r.error(*format, "format",
                       std::string("expected \"") + kFormatName + "\" (an attnviz attention export)");
    }
    const io::JsonValue* version = need(root, "version");
    if (version == nullptr) return Error{err};
    if (!version->is_int()) return r.error(*version, "version", "expected a whole number");
    if (version->as_int() > kFormatVersion || version->as_int() < 1) {
        return r.error(*version, "version",
                       "version " + std::to_string(version->as_int()) +
                           " is not one this attnviz reads (it reads " + std::to_string(kFormatVersion) +
                           "); use a newer attnviz");
    }

    AttentionExport e;
    for (const auto& [key, target] : {std::pair<const char*, std::string*>{"source", &e.source},
                                      {"sentence", &e.sentence},
                                      {"key_sentence", &e.key_sentence}}) {
        const io::JsonValue* v = root.find(key);
        if (v == nullptr) continue;
        if (!v->is_string())
            return r.error(*v, key, std::string("expected a string, found ") + io::json_type_name(*v));
        *target = v->as_string();
    }
    for (const auto& [key, target] :
         {std::pair<const char*, std::vector<std::string>*>{"tokens", &e.query_labels},
          {"key_tokens", &e.key_labels},
          {"head_names", &e.head_names}}) {
        const io::JsonValue* v = need(root, key);
        if (v == nullptr) return Error{err};
        Expected<std::vector<std::string>> s = read_strings(r, *v, key);
        if (!s) return Error{s.error()};
        *target = std::move(s).value();
    }
    const int n_q = e.n_queries();
    const int n_k = e.n_keys();
    if (n_q < 1 || n_k < 1) return r.error(root, "tokens", "at least one query and one key token are needed");

    const io::JsonValue* settings = need(root, "settings");
    if (settings == nullptr) return Error{err};
    if (!settings->is_object()) return r.error(*settings, "settings", "expected an object");
    // Any model's heads; a window of -1 means a real model's own (its interventions' convention).
    const lesson::SettingsLimits limits{{1, 1 << 20}, {-1, 1 << 30}};
    if (std::optional<lesson::SettingsProblem> p = lesson::read_settings_json(*settings, limits, e.settings))
        return r.error(*p->at, "settings." + p->key, p->what);

    const io::JsonValue* layers = need(root, "layers");
    if (layers == nullptr) return Error{err};
    if (!layers->is_array() || layers->items().empty())
        return r.error(*layers, "layers", "expected a non-empty array");
    int n_heads = -1;
    for (std::size_t l = 0; l < layers->items().size(); ++l) {
        const io::JsonValue& layer = layers->items()[l];
        const std::string lp = idx("layers", l);
        if (!layer.is_object()) return r.error(layer, lp, "expected an object");
        const io::JsonValue* vis = layer.find("visible");
        const io::JsonValue* heads = layer.find("heads");
        if (vis == nullptr) return r.error(layer, lp + ".visible", "missing");
        if (heads == nullptr) return r.error(layer, lp + ".heads", "missing");
        MaskMatrix m(n_q, n_k);
        if (Status s = read_matrix(r, *vis, lp + ".visible", n_q, n_k,
                                   [&](int i, int j, double x) -> Status {
                                       if (x != 0.0 && x != 1.0) return "expected 0 or 1";
                                       m(i, j) = x != 0.0 ? 1 : 0;
                                       return {};
                                   });
            !s.empty()) {
            return Error{s};
        }
        if (!heads->is_array() || heads->items().empty())
            return r.error(*heads, lp + ".heads", "expected a non-empty array");
        const int nh = static_cast<int>(heads->items().size());
        if (n_heads >= 0 && nh != n_heads) {
            return r.error(*heads, lp + ".heads",
                           std::to_string(nh) + " heads, but layers[0] has " + std::to_string(n_heads));
        }
        n_heads = nh;
        Tensor3 t(nh, n_q, n_k);
        for (int h = 0; h < nh; ++h) {
            MapRM w = t.mat(h);
            if (Status s = read_matrix(r, heads->items()[static_cast<std::size_t>(h)],
                                       idx(lp + ".heads", static_cast<std::size_t>(h)), n_q, n_k,
                                       [&](int i, int j, double x) -> Status {
                                           w(i, j) = static_cast<float>(x);
                                           return {};
                                       });
                !s.empty()) {
                return Error{s};
            }
        }
        e.layers.push_back(std::move(t));
        e.visible.push_back(std::move(m));
    }
    if (!e.head_names.empty() && static_cast<int>(e.head_names.size()) != n_heads) {
        return r.error(
            *root.find("head_names"), "head_names",
            std::to_string(e.head_names.size()) + " names for " + std::to_string(n_heads) + " heads");
    }
    if (const io::JsonValue* focus = root.find("focus")) {
        if (!focus->is_object()) return r.error(*focus, "focus", "expected an object");
        if (const io::JsonValue* v = focus->find("layer")) {
            Expected<int> n = read_int(r, *v, "focus.layer", 0, e.n_layers() - 1);
            if (!n) return Error{n.error()};
            e.focus_layer = *n;
        }
        if (const io::JsonValue* v = focus->find("head")) {
            Expected<int> n = read_int(r, *v, "focus.head", 0, n_heads - 1);
            if (!n) return Error{n.error()};
            e.focus_head = *n;
        }
        if (const io::JsonValue* v = focus->find("query")) {
            Expected<int> n = read_int(r, *v, "focus.query", -1, n_q - 1);
            if (!n) return Error{n.error()};
            e.query = *n;
        }
    }
    return e;
}

}  // namespace attnviz::exports
