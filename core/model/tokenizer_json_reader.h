// The reader of tokenizer.json: ConfigReader checks every member it takes and keeps the first error with its
// JSON path; its parts are read in tokenizer_json_stages.cpp and tokenizer_json_model.cpp. Private to
// core/model/.
#pragma once

#include "core/io/json.h"
#include "core/model/hf_tokenizer.h"
#include "core/model/tokenizer_pipeline.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::model::detail {

/// Largest token id accepted: far above any real vocabulary, small enough that tables indexed by id fit.
constexpr std::int64_t kMaxTokenId = (1LL << 24) - 1;

/// Largest id (exclusive) a tokenizer of n tokens may use: tables are indexed by id, so a file must not
/// make a few tokens cost gigabytes; real vocabularies are dense.
inline std::int64_t id_table_limit(std::size_t n_tokens) {
    return 2 * static_cast<std::int64_t>(n_tokens) + (1 << 18);
}

/// GPT-2's pre-tokenization regex, used by the ByteLevel pre-tokenizer when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// s in double quotes with quotes, backslashes and control characters escaped, for messages.
std::string quoted(const std::string& s);

class ConfigReader {
  public:
    explicit ConfigReader(std::string name) : m_name(std::move(name)) {}

    const std::string& error() const { return m_error; }

    bool fail(const std::string& path, const std::string& what) {
        if (m_error.empty()) m_error = m_name + ": " + path + ": " + what;
        return false;
    }

    /// A member that is present and not null, or nullptr.
    static const io::JsonValue* field(const io::JsonValue& obj, const char* key) {
        const io::JsonValue* v = obj.find(key);
        return v == nullptr || v->is_null() ? nullptr : v;
    }

    bool get_bool(const io::JsonValue& obj, const std::string& path, const char* key, bool& out) {
        const io::JsonValue* v = field(obj, key);
        if (v == nullptr) return true;
        if (!v->is_bool())
            return fail(path + "." + key,
                        std::string("expected true or false, found ") + io::json_type_name(*v));
        out = v->as_bool();
        return true;
    }

    bool get_string(const io::JsonValue& obj, const std::string& path, const char* key, std::string& out,
                    bool required) {
        const io::JsonValue* v = field(obj, key);
        if (v == nullptr) return required ? fail(path + "." + key, "missing (a string is required)") : true;
        if (!v->is_string())
            return fail(path + "." + key, std::string("expected a string, found ") + io::json_type_name(*v));
        out = v->as_string();
        return true;
    }

    bool get_int(const io::JsonValue& obj, const std::string& path, const char* key, std::int64_t lo,
                 std::int64_t hi, std::int64_t& out, bool required) {
        const io::JsonValue* v = field(obj, key);
        if (v == nullptr) return required ? fail(path + "." + key, "missing (an integer is required)") : true;
        return get_int_value(*v, path + "." + key, lo, hi, out);
    }

    bool get_int_value(const io::JsonValue& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                       std::int64_t& out) {
        if (!v.is_int())
            return fail(path, std::string("expected an integer, found ") + io::json_type_name(v));
        if (v.as_int() < lo || v.as_int() > hi) {
            return fail(path, std::to_string(v.as_int()) + " is out of range [" + std::to_string(lo) + ", " +
                                  std::to_string(hi) + "]");
        }
        out = v.as_int();
        return true;
    }

    bool expect_object(const io::JsonValue& v, const std::string& path) {
        if (!v.is_object())
            return fail(path, std::string("expected an object, found ") + io::json_type_name(v));
        return true;
    }

    bool get_type(const io::JsonValue& obj, const std::string& path, std::string& type) {
        if (!expect_object(obj, path)) return false;
        return get_string(obj, path, "type", type, true);
    }

    bool compile(const std::string& pattern, bool literal, const std::string& path,
                 std::shared_ptr<const Regex>& out) {
        auto re = Regex::compile(pattern, literal);
        if (!re) return fail(path, re.error() + " (pattern " + quoted(pattern) + ")");
        out = *re;
        return true;
    }

    /// {"String": "..."} or {"Regex": "..."}.
    bool pattern(const io::JsonValue& obj, const std::string& path, std::shared_ptr<const Regex>& out) {
        const io::JsonValue* p = field(obj, "pattern");
        const std::string ppath = path + ".pattern";
        if (p == nullptr) return fail(ppath, "missing (expected {\"String\": ...} or {\"Regex\": ...})");
        if (!expect_object(*p, ppath)) return false;
        if (const io::JsonValue* s = field(*p, "String")) {
            if (!s->is_string())
                return fail(ppath + ".String",
                            std::string("expected a string, found ") + io::json_type_name(*s));
            if (s->as_string().empty()) return fail(ppath + ".String", "the pattern is empty");
            return compile(s->as_string(), true, ppath + ".String", out);
        }
        if (const io::JsonValue* r = field(*p, "Regex")) {
            if (!r->is_string())
                return fail(ppath + ".Regex",
                            std::string("expected a string, found ") + io::json_type_name(*r));
            return compile(r->as_string(), false, ppath + ".Regex", out);
        }
        return fail(ppath, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    template <class T, class F>
    bool array_of(const io::JsonValue& obj, const std::string& path, const char* key, std::vector<T>& out,
                  F parse_one) {
        const io::JsonValue* a = field(obj, key);
        const std::string apath = path + "." + key;
        if (a == nullptr) return fail(apath, "missing (an array is required)");
        if (!a->is_array())
            return fail(apath, std::string("expected an array, found ") + io::json_type_name(*a));
        for (std::size_t k = 0; k < a->items().size(); ++k) {
            T item;
            if (!parse_one(a->items()[k], apath + "[" + std::to_string(k) + "]", item)) return false;
            out.push_back(std::move(item));
        }
        return true;
    }

    bool normalizer(const io::JsonValue& v, const std::string& path, Normalizer& n);
    bool behavior(const io::JsonValue& v, const std::string& path, SplitBehavior& out);
    bool prepend_scheme(const io::JsonValue& v, const std::string& path, PreTokenizer::PrependScheme& out);
    bool pre_tokenizer(const io::JsonValue& v, const std::string& path, PreTokenizer& p);
    bool decoder(const io::JsonValue& v, const std::string& path, Decoder& d);

    bool bpe_model(const io::JsonValue& v, const std::string& path, BpeModel& m);
    bool vocab_object(const io::JsonValue& vocab, const std::string& path, BpeModel& m);
    bool add_merge(BpeModel& m, const std::string& a, const std::string& b, int rank,
                   const std::string& path);
    bool added_token(const io::JsonValue& v, const std::string& path, AddedToken& t);
    /// TemplateProcessing's "single", or RobertaProcessing / BertProcessing as their templates.
    bool post_processor(const io::JsonValue& v, const std::string& path,
                        std::vector<std::vector<TemplateItem>>& out);
    bool template_processing(const io::JsonValue& v, const std::string& path,
                             std::vector<std::vector<TemplateItem>>& out);

  private:
    std::string m_name;
    std::string m_error;
};

}  // namespace attnviz::model::detail
