#include "core/lesson/scenario.h"

#include "core/io/embedded_assets.h"
#include "core/io/file_io.h"
#include "core/io/json.h"
#include "core/lesson/lesson_heads.h"
#include "core/lesson/settings_fields.h"
#include "core/lesson/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attnviz::lesson {

namespace {

constexpr std::int64_t kMaxScenarioBytes = 1 << 20;
constexpr std::size_t kMaxMatrixSide = 64;

std::string where(const std::string& file, const io::JsonValue& v, const std::string& path) {
    return file + ":" + std::to_string(v.line) + ":" + std::to_string(v.column) + ": " + path;
}

std::string stem_of(const std::string& file) {
    std::string base = file.substr(file.find_last_of('/') + 1);
    const std::size_t dot = base.rfind('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

/// Reads the members of an object one by one, checking types; unknown members become warnings.
class ObjectReader {
  public:
    ObjectReader(const io::JsonValue& obj, std::string file, std::string path,
                 std::vector<std::string>& warnings)
        : m_obj(obj), m_file(std::move(file)), m_path(std::move(path)), m_warnings(warnings) {}

    Status string(const char* key, bool required, std::string& out) {
        const io::JsonValue* v = take(key);
        if (v == nullptr) return required ? missing(key) : Status{};
        if (!v->is_string()) return where(m_file, *v, m_path + "." + key) + " must be a string";
        out = v->as_string();
        return {};
    }

    Status integer(const char* key, int lo, int hi, int& out) {
        const io::JsonValue* v = take(key);
        if (v == nullptr) return {};
        if (!v->is_int() || v->as_int() < lo || v->as_int() > hi) {
            return where(m_file, *v, m_path + "." + key) + " must be a whole number from " +
                   std::to_string(lo) + " to " + std::to_string(hi);
        }
        out = static_cast<int>(v->as_int());
        return {};
    }

    /// The run settings, by the table of core/lesson/settings_fields.h with the lesson model's limits.
    Status settings(LessonRunSettings& out) {
        for (const SettingField& f : setting_fields()) m_taken.emplace_back(f.key);
        if (std::optional<SettingsProblem> p = read_settings_json(m_obj, lesson_settings_limits(), out))
            return where(m_file, *p->at, m_path + "." + p->key) + " " + p->what;
        return {};
    }

    const io::JsonValue* object(const char* key, Status& error) {
        const io::JsonValue* v = take(key);
        if (v != nullptr && !v->is_object()) {
            error = where(m_file, *v, m_path + "." + key) + " must be an object";
            return nullptr;
        }
        return v;
    }

    /// A matrix written as an array of equally long arrays of numbers (at most 64 x 64).
    Status matrix(const char* key, bool required, MatrixRM& out) {
        const io::JsonValue* v = take(key);
        if (v == nullptr) return required ? missing(key) : Status{};
        const std::string path = m_path + "." + key;
        if (!v->is_array() || v->items().empty() || v->items().size() > kMaxMatrixSide) {
            return where(m_file, *v, path) + " must be an array of 1 to " + std::to_string(kMaxMatrixSide) +
                   " rows";
        }
        const std::vector<io::JsonValue>& rows = v->items();
        const std::size_t n_cols = rows.front().is_array() ? rows.front().items().size() : 0;
        out.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(n_cols));
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const std::string row_path = path + "[" + std::to_string(i) + "]";
            if (!rows[i].is_array() || rows[i].items().empty() || rows[i].items().size() > kMaxMatrixSide) {
                return where(m_file, rows[i], row_path) + " must be an array of 1 to " +
                       std::to_string(kMaxMatrixSide) + " numbers";
            }
            if (rows[i].items().size() != n_cols) {
                return where(m_file, rows[i], row_path) + " has " + std::to_string(rows[i].items().size()) +
                       " numbers; every row needs " + std::to_string(n_cols) + " like the first";
            }
            for (std::size_t j = 0; j < n_cols; ++j) {
                const io::JsonValue& e = rows[i].items()[j];
                const bool in_range = e.is_number() && std::isfinite(e.as_number()) &&
                                      std::fabs(e.as_number()) <= static_cast<double>(kHandModelMaxAbs);
                if (!in_range) {
                    return where(m_file, e, row_path + "[" + std::to_string(j) + "]") +
                           " must be a number within +-" + std::to_string(static_cast<int>(kHandModelMaxAbs));
                }
                out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                    static_cast<float>(e.as_number());
            }
        }
        return {};
    }

    /// Call last: every member not taken is reported as ignored.
    void warn_unknown() {
        for (const auto& [key, value] : m_obj.members()) {
            if (std::find(m_taken.begin(), m_taken.end(), key) == m_taken.end()) {
                m_warnings.push_back(where(m_file, value, m_path + "." + key) +
                                     " is not a scenario field; ignored");
            }
        }
    }

  private:
    const io::JsonValue* take(const char* key) {
        m_taken.emplace_back(key);
        return m_obj.find(key);
    }
    Status missing(const char* key) const {
        return where(m_file, m_obj, m_path) + " needs a \"" + key + "\" member";
    }

    const io::JsonValue& m_obj;
    std::string m_file;
    std::string m_path;
    std::vector<std::string>& m_warnings;
    std::vector<std::string> m_taken;
};

#define ATTNVIZ_TRY(expr)                                      \
    do {                                                       \
        if (Status s_ = (expr); !s_.empty()) return Error{s_}; \
    } while (false)

}  // namespace

Expected<Scenario> parse_scenario(const std::string& text, const std::string& name) {
    Expected<io::JsonValue> doc = io::parse_json(text, name);
    if (!doc) return Error{doc.error()};
    if (!doc->is_object()) return Error{where(name, *doc, "$") + " must be an object with a \"sentence\""};
    Scenario sc;
    sc.name = stem_of(name);
    ObjectReader top(*doc, name, "$", sc.warnings);
    ATTNVIZ_TRY(top.string("title", false, sc.title));
    ATTNVIZ_TRY(top.string("sentence", true, sc.sentence));
    ATTNVIZ_TRY(top.string("key_sentence", false, sc.key_sentence));
    ATTNVIZ_TRY(top.string("query", false, sc.query));
    ATTNVIZ_TRY(top.string("explanation", false, sc.explanation));
    ATTNVIZ_TRY(top.integer("order", 0, 1000, sc.order));
    if (sc.title.empty()) sc.title = sc.name;
    if (sc.sentence.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Error{where(name, *doc->find("sentence"), "$.sentence") +
                     " is empty; give the sentence to show"};
    }
    Status error;
    if (const io::JsonValue* settings = top.object("settings", error)) {
        ObjectReader s(*settings, name, "$.settings", sc.warnings);
        ATTNVIZ_TRY(s.settings(sc.settings));
        ATTNVIZ_TRY(s.integer("focus_head", 0, lesson::kMaxHeads - 1, sc.focus_head));
        s.warn_unknown();
        if (sc.focus_head >= sc.settings.n_heads) {
            return Error{where(name, *settings, "$.settings") + ": focus_head (" +
                         std::to_string(sc.focus_head) + ") must be below heads (" +
                         std::to_string(sc.settings.n_heads) + ")"};
        }
    }
    ATTNVIZ_TRY(error);
    if (const io::JsonValue* quiz = top.object("quiz", error)) {
        ScenarioQuiz q;
        ObjectReader r(*quiz, name, "$.quiz", sc.warnings);
        ATTNVIZ_TRY(r.string("question", true, q.question));
        ATTNVIZ_TRY(r.string("answer", true, q.answer));
        ATTNVIZ_TRY(r.string("explanation", false, q.explanation));
        ATTNVIZ_TRY(r.string("query", false, q.query));
        r.warn_unknown();
        sc.quiz = std::move(q);
    }
    ATTNVIZ_TRY(error);
    if (const io::JsonValue* hand = top.object("hand_model", error)) {
        HandModel m;
        ObjectReader r(*hand, name, "$.hand_model", sc.warnings);
        ATTNVIZ_TRY(r.matrix("x", true, m.x));
        ATTNVIZ_TRY(r.matrix("w_q", true, m.w_q));
        ATTNVIZ_TRY(r.matrix("w_k", true, m.w_k));
        ATTNVIZ_TRY(r.matrix("w_v", true, m.w_v));
        r.warn_unknown();
        if (Status bad = validate_hand_model(m); !bad.empty())
            return Error{where(name, *hand, "$.hand_model") + ": " + bad};
        const std::size_t n_tokens = tokenize(sc.sentence).tokens.size();
        if (n_tokens != static_cast<std::size_t>(m.x.rows())) {
            return Error{where(name, *hand->find("x"), "$.hand_model.x") + " has " +
                         std::to_string(m.x.rows()) + " rows but the sentence has " +
                         std::to_string(n_tokens) + " tokens; give one row per token"};
        }
        sc.hand_model = std::move(m);
    }
    ATTNVIZ_TRY(error);
    top.warn_unknown();
    return sc;
}

Expected<Scenario> load_scenario_file(const std::string& path) {
    Expected<std::string> bytes = io::read_file_bytes(path, kMaxScenarioBytes);
    if (!bytes) return Error{bytes.error()};
    return parse_scenario(*bytes, path);
}

const std::vector<Scenario>& builtin_scenarios() {
    static const std::vector<Scenario> all = [] {
        std::vector<Scenario> out;
        for (const io::EmbeddedFile& f : io::embedded_assets()) {
            const std::string file = f.name;
            if (file.rfind("scenarios/", 0) != 0) continue;
            Expected<Scenario> sc = parse_scenario(std::string(f.text()), file);
            if (!sc) throw std::runtime_error("built-in scenario: " + sc.error());
            out.push_back(std::move(sc).value());
        }
        std::stable_sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) {
            if (a.order != b.order) return a.order < b.order;
            return a.name < b.name;
        });
        return out;
    }();
    return all;
}

std::string builtin_scenario_names() {
    std::string names;
    for (const Scenario& sc : builtin_scenarios()) names += (names.empty() ? "" : ", ") + sc.name;
    return names;
}

const Scenario* find_builtin_scenario(const std::string& name) {
    for (const Scenario& sc : builtin_scenarios()) {
        if (sc.name == name) return &sc;
    }
    return nullptr;
}

}  // namespace attnviz::lesson
