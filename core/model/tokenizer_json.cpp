// tokenizer.json (and GPT-2's vocab.json + merges.txt) read into a Hugging Face-exact BPE tokenizer:
// every JSON path checked, added tokens matched before the model, the post-processor's template, decoding.
#include "core/io/file_io.h"
#include "core/io/json.h"
#include "core/io/utf8.h"
#include "core/model/tokenizer.h"
#include "core/model/tokenizer_pipeline.h"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace attnviz::model {

namespace {

using namespace detail;

/// Largest token id accepted: far above any real vocabulary, small enough that tables indexed by id fit.
constexpr std::int64_t kMaxTokenId = (1LL << 24) - 1;

/// Largest id (exclusive) a tokenizer of n tokens may use: tables are indexed by id, so a file must not
/// make a few tokens cost gigabytes; real vocabularies are dense.
std::int64_t id_table_limit(std::size_t n_tokens) {
    return 2 * static_cast<std::int64_t>(n_tokens) + (1 << 18);
}

/// GPT-2's pre-tokenization regex, used by the ByteLevel pre-tokenizer when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

struct AddedToken {
    int id = 0;
    std::string content;
    bool single_word = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
    std::string pattern;  ///< what is searched for: content, or its normalized form when `normalized`
};

struct TemplateItem {
    bool sequence = false;
    std::vector<int> ids;  ///< a special-token item's ids
};

// [SECTION] display labels

void append_hex_run(std::string& out, const std::string& bytes) {
    if (bytes.empty()) return;
    out += "\xE2\x9F\xA8";  // ⟨
    for (std::size_t k = 0; k < bytes.size(); ++k) {
        char buf[4];
        std::snprintf(buf, sizeof(buf), "%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes[k])));
        if (k > 0) out += ' ';
        out += buf;
    }
    out += "\xE2\x9F\xA9";  // ⟩
}

/// Readable, always valid UTF-8: spaces as "·", control characters as symbols, bytes that are not whole
/// UTF-8 characters as ⟨E5 9C⟩.
std::string render_bytes(const std::string& bytes) {
    std::string out;
    std::string bad;
    std::size_t i = 0;
    while (i < bytes.size()) {
        char32_t cp = 0;
        bool valid = false;
        const std::size_t len = utf8_char_at(bytes, i, &cp, &valid);
        if (!valid) {
            bad.append(bytes, i, len);
            i += len;
            continue;
        }
        append_hex_run(out, bad);
        bad.clear();
        if (cp == ' ') {
            out += "\xC2\xB7";  // ·
        } else if (cp == '\n') {
            out += "\xE2\x86\xB5";  // ↵
        } else if (cp == '\t') {
            out += "\xE2\x87\xA5";  // ⇥
        } else if (cp < 0x20) {
            append_utf8(out, 0x2400 + cp);  // ␀ ␍ ... (Control Pictures)
        } else if (cp == 0x7F) {
            out += "\xE2\x90\xA1";  // ␡
        } else {
            out.append(bytes, i, len);
        }
        i += len;
    }
    append_hex_run(out, bad);
    return out;
}

// [SECTION] the tokenizer

class HfTokenizer final : public Tokenizer {
  public:
    std::optional<Normalizer> normalizer;
    std::optional<PreTokenizer> pre_tokenizer;
    BpeModel model;
    std::vector<AddedToken> added;
    std::unordered_map<int, std::size_t> added_by_id;
    std::vector<std::vector<TemplateItem>> templates;  ///< applied in order when adding special tokens
    std::optional<Decoder> decoder;
    bool byte_level = false;
    int n_vocab = 0;

    /// Builds the added-token search tables (call once, after `added` and `normalizer` are set).
    void index_added_tokens() {
        for (std::size_t k = 0; k < added.size(); ++k) {
            AddedToken& t = added[k];
            t.pattern = t.content;
            if (t.normalized && normalizer) {
                AlignedText a;
                a.append_new(t.content, {0, 0});
                t.pattern = apply_normalizer(*normalizer, a).text;
            }
            if (t.pattern.empty()) continue;
            auto& index = t.normalized ? m_normalized_first : m_raw_first;
            index[static_cast<unsigned char>(t.pattern[0])].push_back(k);
            added_by_id[t.id] = k;
        }
        for (const AddedToken& t : added) n_vocab = std::max(n_vocab, t.id + 1);
        m_display.resize(static_cast<std::size_t>(n_vocab));
        for (int id = 0; id < n_vocab; ++id) m_display[static_cast<std::size_t>(id)] = display(id);
    }

    std::vector<Token> encode(const std::string& text, bool add_special_tokens) const override;
    std::string decode(const std::vector<int>& ids) const override;
    std::string display(int id) const override;
    int vocab_size() const override { return n_vocab; }

  private:
    struct Match {
        std::size_t begin, end;
        std::size_t added_index;
    };
    std::vector<Match> find_added(const std::string& s, bool normalized_set) const;
    void encode_text(AlignedText&& piece, std::vector<Token>& out) const;
    void encode_normalized(AlignedText&& piece, std::vector<Token>& out) const;
    std::string token_bytes(int id) const;

    std::vector<std::string> m_display;  ///< display(id) for every id below n_vocab
    std::array<std::vector<std::size_t>, 256> m_raw_first;
    std::array<std::vector<std::size_t>, 256> m_normalized_first;
};

bool ends_with_word(const std::string& s, std::size_t end) {
    if (end == 0) return false;
    std::size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    char32_t cp = 0;
    utf8_char_at(s, b, &cp, nullptr);
    return is_word_char(cp);
}

bool starts_with_word(const std::string& s, std::size_t begin) {
    if (begin >= s.size()) return false;
    char32_t cp = 0;
    utf8_char_at(s, begin, &cp, nullptr);
    return is_word_char(cp);
}

std::vector<HfTokenizer::Match> HfTokenizer::find_added(const std::string& s, bool normalized_set) const {
    std::vector<Match> out;
    const auto& index = normalized_set ? m_normalized_first : m_raw_first;
    std::size_t start_offset = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto& candidates = index[static_cast<unsigned char>(s[i])];
        std::size_t best = added.size();
        std::size_t best_len = 0;
        for (std::size_t k : candidates) {
            const std::string& p = added[k].pattern;
            if (p.size() > best_len && s.compare(i, p.size(), p) == 0) {
                best = k;
                best_len = p.size();
            }
        }
        if (best == added.size()) {
            ++i;
            continue;
        }
        std::size_t start = i;
        std::size_t stop = i + best_len;
        i = stop;
        const AddedToken& t = added[best];
        if (t.single_word && (ends_with_word(s, start) || starts_with_word(s, stop))) continue;
        if (t.lstrip) {
            std::size_t b = start;
            while (b > 0) {
                std::size_t c = b - 1;
                while (c > 0 && (static_cast<unsigned char>(s[c]) & 0xC0) == 0x80) --c;
                char32_t cp = 0;
                utf8_char_at(s, c, &cp, nullptr);
                if (!is_unicode_whitespace(cp)) break;
                b = c;
            }
            start = std::max(b, start_offset);
        }
        if (t.rstrip) {
            while (stop < s.size()) {
                char32_t cp = 0;
                const std::size_t len = utf8_char_at(s, stop, &cp, nullptr);
                if (!is_unicode_whitespace(cp)) break;
                stop += len;
            }
            i = stop;
        }
        out.push_back({start, stop, best});
        start_offset = stop;
    }
    return out;
}

void HfTokenizer::encode_normalized(AlignedText&& piece, std::vector<Token>& out) const {
    std::vector<BpeModel::Piece> bpe;
    const auto run_model = [&](AlignedText&& p) {
        bpe.clear();
        model.tokenize(p.text, bpe);
        for (const BpeModel::Piece& b : bpe) {
            Token t;
            t.id = b.id;
            t.start = p.boundary(b.begin);
            t.end = p.boundary(b.end);
            out.push_back(std::move(t));
        }
    };
    if (pre_tokenizer) {
        apply_pre_tokenizer(*pre_tokenizer, std::move(piece), run_model);
    } else {
        run_model(std::move(piece));
    }
}

void HfTokenizer::encode_text(AlignedText&& piece, std::vector<Token>& out) const {
    AlignedText normalized = normalizer ? apply_normalizer(*normalizer, std::move(piece)) : std::move(piece);
    const std::vector<Match> matches = find_added(normalized.text, true);
    if (matches.empty()) {
        encode_normalized(std::move(normalized), out);
        return;
    }
    std::size_t prev = 0;
    for (const Match& m : matches) {
        if (m.begin > prev) encode_normalized(normalized.slice(prev, m.begin), out);
        Token t;
        t.id = added[m.added_index].id;
        t.start = normalized.boundary(m.begin);
        t.end = normalized.boundary(m.end);
        t.special = true;
        out.push_back(std::move(t));
        prev = m.end;
    }
    if (prev < normalized.text.size()) encode_normalized(normalized.slice(prev, normalized.text.size()), out);
}

std::vector<Token> HfTokenizer::encode(const std::string& text, bool add_special_tokens) const {
    AlignedText all = lossy_decode(text);
    std::vector<Token> tokens;
    std::size_t prev = 0;
    const std::vector<Match> matches = find_added(all.text, false);
    if (matches.empty()) {
        prev = all.text.size();
        if (!all.text.empty()) encode_text(std::move(all), tokens);
    }
    for (const Match& m : matches) {
        if (m.begin > prev) encode_text(all.slice(prev, m.begin), tokens);
        Token t;
        t.id = added[m.added_index].id;
        t.start = all.boundary(m.begin);
        t.end = all.boundary(m.end);
        t.special = true;
        tokens.push_back(std::move(t));
        prev = m.end;
    }
    if (!matches.empty() && prev < all.text.size()) encode_text(all.slice(prev, all.text.size()), tokens);

    // Spans tile the text: each token starts where the previous one ended (text a normalizer or a
    // Removed split dropped goes to the next token), the last one ends at the end of the text.
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        tokens[k].start = k == 0 ? 0 : tokens[k - 1].end;
        tokens[k].end = std::max(std::min(tokens[k].end, text.size()), tokens[k].start);
    }
    if (!tokens.empty()) tokens.back().end = text.size();

    if (add_special_tokens) {
        for (const std::vector<TemplateItem>& items : templates) {
            std::vector<Token> wrapped;
            bool seen_sequence = false;
            for (const TemplateItem& item : items) {
                if (item.sequence) {
                    wrapped.insert(wrapped.end(), tokens.begin(), tokens.end());
                    seen_sequence = true;
                    continue;
                }
                const std::size_t at = seen_sequence ? text.size() : 0;
                for (int id : item.ids) {
                    Token t;
                    t.id = id;
                    t.start = at;
                    t.end = at;
                    t.special = true;
                    wrapped.push_back(std::move(t));
                }
            }
            tokens = std::move(wrapped);
        }
    }
    for (Token& t : tokens) {
        const auto i = static_cast<std::size_t>(t.id);
        t.display = i < m_display.size() ? m_display[i] : display(t.id);
    }
    return tokens;
}

std::string HfTokenizer::token_bytes(int id) const {
    const auto a = added_by_id.find(id);
    if (a != added_by_id.end()) return added[a->second].content;
    if (id < 0 || static_cast<std::size_t>(id) >= model.has_id.size() ||
        !model.has_id[static_cast<std::size_t>(id)]) {
        return {};
    }
    const std::string& token = model.id_to_token[static_cast<std::size_t>(id)];
    if (byte_level) {
        std::string bytes;
        if (byte_level_decode(token, bytes)) return bytes;
        return token;
    }
    if (model.byte_fallback && token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>') {
        for (int b = 0; b < 256; ++b) {
            if (model.byte_ids[static_cast<std::size_t>(b)] == id)
                return std::string(1, static_cast<char>(b));
        }
    }
    std::string out;
    std::size_t prev = 0;
    std::size_t at = token.find("\xE2\x96\x81");
    while (at != std::string::npos) {
        out.append(token, prev, at - prev);
        out += ' ';
        prev = at + 3;
        at = token.find("\xE2\x96\x81", prev);
    }
    out.append(token, prev, std::string::npos);
    return out;
}

std::string HfTokenizer::display(int id) const {
    const bool known =
        added_by_id.count(id) > 0 || (id >= 0 && static_cast<std::size_t>(id) < model.has_id.size() &&
                                      model.has_id[static_cast<std::size_t>(id)]);
    if (!known) return "<id " + std::to_string(id) + "?>";
    return render_bytes(token_bytes(id));
}

std::string HfTokenizer::decode(const std::vector<int>& ids) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
        const auto a = added_by_id.find(id);
        if (a != added_by_id.end()) {
            tokens.push_back(added[a->second].content);
        } else if (id >= 0 && static_cast<std::size_t>(id) < model.has_id.size() &&
                   model.has_id[static_cast<std::size_t>(id)]) {
            tokens.push_back(model.id_to_token[static_cast<std::size_t>(id)]);
        }
        // An id the tokenizer does not know is skipped, as `tokenizers` skips it.
    }
    std::string out;
    if (!decoder) {
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            if (k > 0) out += ' ';
            out += tokens[k];
        }
        return out;
    }
    for (const std::string& t : apply_decoder(*decoder, std::move(tokens))) out += t;
    return out;
}

// [SECTION] reading tokenizer.json

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

class ConfigReader {
  public:
    explicit ConfigReader(std::string name) : m_name(std::move(name)) {}

    const std::string& error() const { return m_error; }

    bool fail(const std::string& path, const std::string& what) {
        if (m_error.empty()) m_error = m_name + ": " + path + ": " + what;
        return false;
    }

    /// A member that is present and not null, or nullptr.
    static const JsonValue* field(const JsonValue& obj, const char* key) {
        const JsonValue* v = obj.find(key);
        return v == nullptr || v->is_null() ? nullptr : v;
    }

    bool get_bool(const JsonValue& obj, const std::string& path, const char* key, bool& out) {
        const JsonValue* v = field(obj, key);
        if (v == nullptr) return true;
        if (!v->is_bool())
            return fail(path + "." + key, std::string("expected true or false, found ") + json_type_name(*v));
        out = v->as_bool();
        return true;
    }

    bool get_string(const JsonValue& obj, const std::string& path, const char* key, std::string& out,
                    bool required) {
        const JsonValue* v = field(obj, key);
        if (v == nullptr) return required ? fail(path + "." + key, "missing (a string is required)") : true;
        if (!v->is_string())
            return fail(path + "." + key, std::string("expected a string, found ") + json_type_name(*v));
        out = v->as_string();
        return true;
    }

    bool get_int(const JsonValue& obj, const std::string& path, const char* key, std::int64_t lo,
                 std::int64_t hi, std::int64_t& out, bool required) {
        const JsonValue* v = field(obj, key);
        if (v == nullptr) return required ? fail(path + "." + key, "missing (an integer is required)") : true;
        return get_int_value(*v, path + "." + key, lo, hi, out);
    }

    bool get_int_value(const JsonValue& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                       std::int64_t& out) {
        if (!v.is_int()) return fail(path, std::string("expected an integer, found ") + json_type_name(v));
        if (v.as_int() < lo || v.as_int() > hi) {
            return fail(path, std::to_string(v.as_int()) + " is out of range [" + std::to_string(lo) + ", " +
                                  std::to_string(hi) + "]");
        }
        out = v.as_int();
        return true;
    }

    bool expect_object(const JsonValue& v, const std::string& path) {
        if (!v.is_object()) return fail(path, std::string("expected an object, found ") + json_type_name(v));
        return true;
    }

    bool get_type(const JsonValue& obj, const std::string& path, std::string& type) {
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
    bool pattern(const JsonValue& obj, const std::string& path, std::shared_ptr<const Regex>& out) {
        const JsonValue* p = field(obj, "pattern");
        const std::string ppath = path + ".pattern";
        if (p == nullptr) return fail(ppath, "missing (expected {\"String\": ...} or {\"Regex\": ...})");
        if (!expect_object(*p, ppath)) return false;
        if (const JsonValue* s = field(*p, "String")) {
            if (!s->is_string())
                return fail(ppath + ".String", std::string("expected a string, found ") + json_type_name(*s));
            if (s->as_string().empty()) return fail(ppath + ".String", "the pattern is empty");
            return compile(s->as_string(), true, ppath + ".String", out);
        }
        if (const JsonValue* r = field(*p, "Regex")) {
            if (!r->is_string())
                return fail(ppath + ".Regex", std::string("expected a string, found ") + json_type_name(*r));
            return compile(r->as_string(), false, ppath + ".Regex", out);
        }
        return fail(ppath, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    template <class T, class F>
    bool array_of(const JsonValue& obj, const std::string& path, const char* key, std::vector<T>& out,
                  F parse_one) {
        const JsonValue* a = field(obj, key);
        const std::string apath = path + "." + key;
        if (a == nullptr) return fail(apath, "missing (an array is required)");
        if (!a->is_array()) return fail(apath, std::string("expected an array, found ") + json_type_name(*a));
        for (std::size_t k = 0; k < a->items().size(); ++k) {
            T item;
            if (!parse_one(a->items()[k], apath + "[" + std::to_string(k) + "]", item)) return false;
            out.push_back(std::move(item));
        }
        return true;
    }

    bool normalizer(const JsonValue& v, const std::string& path, Normalizer& n) {
        std::string type;
        if (!get_type(v, path, type)) return false;
        using K = Normalizer::Kind;
        if (type == "Sequence") {
            n.kind = K::kSequence;
            return array_of(v, path, "normalizers", n.children,
                            [this](const JsonValue& c, const std::string& p, Normalizer& out) {
                                return normalizer(c, p, out);
                            });
        }
        if (type == "NFC") {
            n.kind = K::kNfc;
            return true;
        }
        if (type == "NFD") {
            n.kind = K::kNfd;
            return true;
        }
        if (type == "NFKC") {
            n.kind = K::kNfkc;
            return true;
        }
        if (type == "NFKD") {
            n.kind = K::kNfkd;
            return true;
        }
        if (type == "Lowercase") {
            n.kind = K::kLowercase;
            return true;
        }
        if (type == "Prepend") {
            n.kind = K::kPrepend;
            return get_string(v, path, "prepend", n.content, true);
        }
        if (type == "Replace") {
            n.kind = K::kReplace;
            return pattern(v, path, n.pattern) && get_string(v, path, "content", n.content, true);
        }
        if (type == "Strip") {
            n.kind = K::kStrip;
            n.strip_left = true;
            n.strip_right = true;
            return get_bool(v, path, "strip_left", n.strip_left) &&
                   get_bool(v, path, "strip_right", n.strip_right);
        }
        return fail(path + ".type",
                    "normalizer " + quoted(type) +
                        " is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, "
                        "Replace, Strip)");
    }

    bool behavior(const JsonValue& v, const std::string& path, SplitBehavior& out) {
        std::string b;
        if (!get_string(v, path, "behavior", b, true)) return false;
        if (b == "Removed")
            out = SplitBehavior::kRemoved;
        else if (b == "Isolated")
            out = SplitBehavior::kIsolated;
        else if (b == "MergedWithPrevious")
            out = SplitBehavior::kMergedWithPrevious;
        else if (b == "MergedWithNext")
            out = SplitBehavior::kMergedWithNext;
        else if (b == "Contiguous")
            out = SplitBehavior::kContiguous;
        else
            return fail(
                path + ".behavior",
                quoted(b) +
                    " is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
        return true;
    }

    bool prepend_scheme(const JsonValue& v, const std::string& path, PreTokenizer::PrependScheme& out) {
        using S = PreTokenizer::PrependScheme;
        std::string scheme;
        if (!get_string(v, path, "prepend_scheme", scheme, false)) return false;
        if (scheme.empty()) {
            bool add_prefix_space = true;
            if (!get_bool(v, path, "add_prefix_space", add_prefix_space)) return false;
            out = add_prefix_space ? S::kAlways : S::kNever;
            return true;
        }
        if (scheme == "always")
            out = S::kAlways;
        else if (scheme == "first")
            out = S::kFirst;
        else if (scheme == "never")
            out = S::kNever;
        else
            return fail(path + ".prepend_scheme", quoted(scheme) + " is not one of always, first, never");
        return true;
    }

    bool pre_tokenizer(const JsonValue& v, const std::string& path, PreTokenizer& p) {
        std::string type;
        if (!get_type(v, path, type)) return false;
        using K = PreTokenizer::Kind;
        if (type == "Sequence") {
            p.kind = K::kSequence;
            return array_of(v, path, "pretokenizers", p.children,
                            [this](const JsonValue& c, const std::string& cp, PreTokenizer& out) {
                                return pre_tokenizer(c, cp, out);
                            });
        }
        if (type == "ByteLevel") {
            p.kind = K::kByteLevel;
            p.add_prefix_space = true;
            p.use_regex = true;
            if (!get_bool(v, path, "add_prefix_space", p.add_prefix_space) ||
                !get_bool(v, path, "use_regex", p.use_regex)) {
                return false;
            }
            return !p.use_regex || compile(kGpt2Pattern, false, path, p.pattern);
        }
        if (type == "Split") {
            p.kind = K::kSplit;
            return pattern(v, path, p.pattern) && behavior(v, path, p.behavior) &&
                   get_bool(v, path, "invert", p.invert);
        }
        if (type == "Metaspace") {
            p.kind = K::kMetaspace;
            if (!get_string(v, path, "replacement", p.replacement, true) ||
                !prepend_scheme(v, path, p.prepend_scheme) || !get_bool(v, path, "split", p.split)) {
                return false;
            }
            if (p.replacement.empty()) return fail(path + ".replacement", "the replacement is empty");
            return true;
        }
        if (type == "Digits") {
            bool individual = false;
            if (!get_bool(v, path, "individual_digits", individual)) return false;
            p.kind = K::kSplit;
            p.behavior = SplitBehavior::kIsolated;
            return compile(individual ? "\\p{N}" : "\\p{N}+", false, path, p.pattern);
        }
        if (type == "WhitespaceSplit") {
            p.kind = K::kSplit;
            p.behavior = SplitBehavior::kRemoved;
            return compile("\\s+", false, path, p.pattern);
        }
        if (type == "Whitespace") {
            p.kind = K::kSplit;
            p.behavior = SplitBehavior::kRemoved;
            p.invert = true;
            return compile("\\w+|[^\\w\\s]+", false, path, p.pattern);
        }
        return fail(path + ".type",
                    "pre-tokenizer " + quoted(type) +
                        " is not supported (supported: Sequence, ByteLevel, Split, Metaspace, Digits, "
                        "Whitespace, WhitespaceSplit)");
    }

    bool decoder(const JsonValue& v, const std::string& path, Decoder& d) {
        std::string type;
        if (!get_type(v, path, type)) return false;
        using K = Decoder::Kind;
        if (type == "Sequence") {
            d.kind = K::kSequence;
            return array_of(v, path, "decoders", d.children,
                            [this](const JsonValue& c, const std::string& p, Decoder& out) {
                                return decoder(c, p, out);
                            });
        }
        if (type == "ByteLevel") {
            d.kind = K::kByteLevel;
            return true;
        }
        if (type == "ByteFallback") {
            d.kind = K::kByteFallback;
            return true;
        }
        if (type == "Fuse") {
            d.kind = K::kFuse;
            return true;
        }
        if (type == "Replace") {
            d.kind = K::kReplace;
            return pattern(v, path, d.pattern) && get_string(v, path, "content", d.content, true);
        }
        if (type == "Strip") {
            d.kind = K::kStrip;
            std::int64_t start = 0;
            std::int64_t stop = 0;
            if (!get_string(v, path, "content", d.content, true) ||
                !get_int(v, path, "start", 0, 1 << 20, start, false) ||
                !get_int(v, path, "stop", 0, 1 << 20, stop, false)) {
                return false;
            }
            d.strip_start = static_cast<int>(start);
            d.strip_stop = static_cast<int>(stop);
            return true;
        }
        if (type == "Metaspace") {
            d.kind = K::kMetaspace;
            PreTokenizer::PrependScheme scheme = PreTokenizer::PrependScheme::kAlways;
            if (!get_string(v, path, "replacement", d.content, true) || !prepend_scheme(v, path, scheme))
                return false;
            d.metaspace_prepend = scheme != PreTokenizer::PrependScheme::kNever;
            return true;
        }
        return fail(path + ".type",
                    "decoder " + quoted(type) +
                        " is not supported (supported: Sequence, ByteLevel, ByteFallback, Fuse, Replace, "
                        "Strip, Metaspace)");
    }

    bool bpe_model(const JsonValue& v, const std::string& path, BpeModel& m) {
        if (!expect_object(v, path)) return false;
        std::string type;
        if (!get_string(v, path, "type", type, false)) return false;
        if (type.empty() && field(v, "merges") == nullptr) {
            return fail(path + ".type", "missing, and no merges: only BPE models are supported");
        }
        if (!type.empty() && type != "BPE") {
            return fail(path + ".type", "model " + quoted(type) + " is not supported (supported: BPE)");
        }
        const JsonValue* vocab = field(v, "vocab");
        if (vocab == nullptr) return fail(path + ".vocab", "missing (an object {token: id} is required)");
        if (!vocab_object(*vocab, path + ".vocab", m)) return false;

        std::string unk;
        if (!get_string(v, path, "unk_token", unk, false) || !get_bool(v, path, "fuse_unk", m.fuse_unk) ||
            !get_bool(v, path, "byte_fallback", m.byte_fallback) ||
            !get_bool(v, path, "ignore_merges", m.ignore_merges) ||
            !get_string(v, path, "continuing_subword_prefix", m.continuing_subword_prefix, false) ||
            !get_string(v, path, "end_of_word_suffix", m.end_of_word_suffix, false)) {
            return false;
        }
        if (!unk.empty()) {
            const auto it = m.vocab.find(unk);
            m.unk_id = it == m.vocab.end() ? -1 : it->second;
        }
        if (const JsonValue* dropout = field(v, "dropout")) {
            if (!dropout->is_number())
                return fail(path + ".dropout",
                            std::string("expected a number, found ") + json_type_name(*dropout));
        }
        const JsonValue* merges = field(v, "merges");
        if (merges == nullptr) return fail(path + ".merges", "missing (an array is required)");
        if (!merges->is_array())
            return fail(path + ".merges", std::string("expected an array, found ") + json_type_name(*merges));
        for (std::size_t k = 0; k < merges->items().size(); ++k) {
            const JsonValue& item = merges->items()[k];
            const std::string ipath = path + ".merges[" + std::to_string(k) + "]";
            std::string a;
            std::string b;
            if (item.is_string()) {
                const std::string& s = item.as_string();
                const std::size_t space = s.find(' ');
                if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
                    return fail(ipath, quoted(s) + " is not two tokens separated by one space");
                }
                a = s.substr(0, space);
                b = s.substr(space + 1);
            } else if (item.is_array() && item.items().size() == 2 && item.items()[0].is_string() &&
                       item.items()[1].is_string()) {
                a = item.items()[0].as_string();
                b = item.items()[1].as_string();
            } else {
                return fail(ipath,
                            std::string("expected \"a b\" or [\"a\", \"b\"], found ") + json_type_name(item));
            }
            if (!add_merge(m, a, b, static_cast<int>(k), ipath)) return false;
        }
        return true;
    }

    bool vocab_object(const JsonValue& vocab, const std::string& path, BpeModel& m) {
        if (!vocab.is_object())
            return fail(path, std::string("expected an object {token: id}, found ") + json_type_name(vocab));
        std::int64_t max_id = -1;
        m.vocab.reserve(vocab.members().size());
        for (const auto& [token, idv] : vocab.members()) {
            std::int64_t id = 0;
            if (!get_int_value(idv, path + "." + quoted(token), 0, kMaxTokenId, id)) return false;
            m.vocab.emplace(token, static_cast<int>(id));
            max_id = std::max(max_id, id);
        }
        if (max_id >= id_table_limit(vocab.members().size())) {
            return fail(path, "ids go up to " + std::to_string(max_id) + " for only " +
                                  std::to_string(vocab.members().size()) +
                                  " tokens; a vocabulary numbers its tokens about 0..n-1");
        }
        m.id_to_token.assign(static_cast<std::size_t>(max_id + 1), std::string());
        m.has_id.assign(static_cast<std::size_t>(max_id + 1), 0);
        for (const auto& [token, id] : m.vocab) {
            const auto i = static_cast<std::size_t>(id);
            // Two tokens with one id: the first in the file names it (the vocabulary is unusual, not unsafe).
            if (!m.has_id[i]) {
                m.id_to_token[i] = token;
                m.has_id[i] = 1;
            }
        }
        for (std::size_t b = 0; b < 256; ++b) {
            char name[8];
            std::snprintf(name, sizeof(name), "<0x%02X>", static_cast<unsigned>(b));
            const auto it = m.vocab.find(name);
            m.byte_ids[b] = it == m.vocab.end() ? -1 : it->second;
        }
        return true;
    }

    bool add_merge(BpeModel& m, const std::string& a, const std::string& b, int rank,
                   const std::string& path) {
        const auto ia = m.vocab.find(a);
        if (ia == m.vocab.end()) return fail(path, "merge token " + quoted(a) + " is not in the vocabulary");
        const auto ib = m.vocab.find(b);
        if (ib == m.vocab.end()) return fail(path, "merge token " + quoted(b) + " is not in the vocabulary");
        const std::size_t prefix = m.continuing_subword_prefix.size();
        const std::string merged = a + (b.size() >= prefix ? b.substr(prefix) : b);
        const auto im = m.vocab.find(merged);
        if (im == m.vocab.end())
            return fail(path, "the merged token " + quoted(merged) + " is not in the vocabulary");
        const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(ia->second)) << 32) |
                                  static_cast<std::uint32_t>(ib->second);
        m.merges[key] = {rank, im->second};  // a repeated pair: the later rank wins, as in `tokenizers`
        return true;
    }

    bool added_token(const JsonValue& v, const std::string& path, AddedToken& t) {
        if (!expect_object(v, path)) return false;
        std::int64_t id = 0;
        if (!get_int(v, path, "id", 0, kMaxTokenId, id, true) ||
            !get_string(v, path, "content", t.content, true) ||
            !get_bool(v, path, "single_word", t.single_word) || !get_bool(v, path, "lstrip", t.lstrip) ||
            !get_bool(v, path, "rstrip", t.rstrip) || !get_bool(v, path, "normalized", t.normalized) ||
            !get_bool(v, path, "special", t.special)) {
            return false;
        }
        t.id = static_cast<int>(id);
        return true;
    }

    /// TemplateProcessing's "single", or RobertaProcessing / BertProcessing as their templates.
    bool post_processor(const JsonValue& v, const std::string& path,
                        std::vector<std::vector<TemplateItem>>& out) {
        std::string type;
        if (!get_type(v, path, type)) return false;
        if (type == "ByteLevel") return true;  // it trims offsets only; attnviz's spans tile the text instead
        if (type == "Sequence") {
            const JsonValue* a = field(v, "processors");
            if (a == nullptr || !a->is_array())
                return fail(path + ".processors", "expected an array of post-processors");
            for (std::size_t k = 0; k < a->items().size(); ++k) {
                if (!post_processor(a->items()[k], path + ".processors[" + std::to_string(k) + "]", out))
                    return false;
            }
            return true;
        }
        if (type == "TemplateProcessing") return template_processing(v, path, out);
        if (type == "RobertaProcessing" || type == "BertProcessing") {
            std::vector<TemplateItem> items(3);
            items[1].sequence = true;
            for (int k : {0, 2}) {
                const char* key = k == 0 ? "cls" : "sep";
                const JsonValue* pair = field(v, key);
                const std::string ppath = path + "." + key;
                if (pair == nullptr || !pair->is_array() || pair->items().size() != 2)
                    return fail(ppath, "expected [token, id]");
                std::int64_t id = 0;
                if (!get_int_value(pair->items()[1], ppath + "[1]", 0, kMaxTokenId, id)) return false;
                items[static_cast<std::size_t>(k)].ids.push_back(static_cast<int>(id));
            }
            out.push_back(std::move(items));
            return true;
        }
        return fail(path + ".type",
                    "post-processor " + quoted(type) +
                        " is not supported (supported: TemplateProcessing, ByteLevel, Sequence, "
                        "RobertaProcessing, BertProcessing)");
    }

    bool template_processing(const JsonValue& v, const std::string& path,
                             std::vector<std::vector<TemplateItem>>& out) {
        const JsonValue* specials = field(v, "special_tokens");
        if (specials != nullptr && !expect_object(*specials, path + ".special_tokens")) return false;
        const JsonValue* single = field(v, "single");
        const std::string spath = path + ".single";
        if (single == nullptr || !single->is_array())
            return fail(spath, "expected an array of template pieces");
        std::vector<TemplateItem> items;
        for (std::size_t k = 0; k < single->items().size(); ++k) {
            const JsonValue& piece = single->items()[k];
            const std::string ipath = spath + "[" + std::to_string(k) + "]";
            if (!expect_object(piece, ipath)) return false;
            TemplateItem item;
            if (field(piece, "Sequence") != nullptr) {
                item.sequence = true;
            } else if (const JsonValue* sp = field(piece, "SpecialToken")) {
                std::string name;
                if (!expect_object(*sp, ipath + ".SpecialToken") ||
                    !get_string(*sp, ipath + ".SpecialToken", "id", name, true)) {
                    return false;
                }
                const JsonValue* entry = specials == nullptr ? nullptr : field(*specials, name.c_str());
                const std::string epath = path + ".special_tokens." + quoted(name);
                if (entry == nullptr)
                    return fail(ipath, "special token " + quoted(name) + " is not in special_tokens");
                if (!expect_object(*entry, epath)) return false;
                const JsonValue* ids = field(*entry, "ids");
                if (ids == nullptr || !ids->is_array())
                    return fail(epath + ".ids", "expected an array of ids");
                for (std::size_t j = 0; j < ids->items().size(); ++j) {
                    std::int64_t id = 0;
                    if (!get_int_value(ids->items()[j], epath + ".ids[" + std::to_string(j) + "]", 0,
                                       kMaxTokenId, id))
                        return false;
                    item.ids.push_back(static_cast<int>(id));
                }
            } else {
                return fail(ipath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
            items.push_back(std::move(item));
        }
        out.push_back(std::move(items));
        return true;
    }

  private:
    std::string m_name;
    std::string m_error;
};

bool contains_byte_level(const PreTokenizer& p) {
    if (p.kind == PreTokenizer::Kind::kByteLevel) return true;
    return std::any_of(p.children.begin(), p.children.end(), contains_byte_level);
}

bool contains_byte_level(const Decoder& d) {
    if (d.kind == Decoder::Kind::kByteLevel) return true;
    return std::any_of(d.children.begin(), d.children.end(),
                       [](const Decoder& c) { return contains_byte_level(c); });
}

void finish(HfTokenizer& t) {
    t.model.detect_marker_splits();
    t.byte_level = (t.pre_tokenizer && contains_byte_level(*t.pre_tokenizer)) ||
                   (t.decoder && contains_byte_level(*t.decoder));
    t.n_vocab = static_cast<int>(t.model.id_to_token.size());
    t.index_added_tokens();
}

}  // namespace

Expected<std::shared_ptr<const Tokenizer>> parse_tokenizer_json(const std::string& text,
                                                                const std::string& name) {
    auto json = parse_json(text, name);
    if (!json) return Error{json.error()};
    const JsonValue& root = *json;
    ConfigReader r(name);
    auto t = std::make_shared<HfTokenizer>();
    const auto failed = [&]() { return Error{r.error() + " (fix or replace the tokenizer file)"}; };
    if (!root.is_object()) {
        r.fail("(top level)", std::string("expected an object, found ") + json_type_name(root));
        return failed();
    }
    const JsonValue* model = ConfigReader::field(root, "model");
    if (model == nullptr) {
        r.fail("model", "missing");
        return failed();
    }
    if (!r.bpe_model(*model, "model", t->model)) return failed();
    if (const JsonValue* n = ConfigReader::field(root, "normalizer")) {
        Normalizer normalizer;
        if (!r.normalizer(*n, "normalizer", normalizer)) return failed();
        t->normalizer = std::move(normalizer);
    }
    if (const JsonValue* p = ConfigReader::field(root, "pre_tokenizer")) {
        PreTokenizer pre;
        if (!r.pre_tokenizer(*p, "pre_tokenizer", pre)) return failed();
        t->pre_tokenizer = std::move(pre);
    }
    if (const JsonValue* p = ConfigReader::field(root, "post_processor")) {
        if (!r.post_processor(*p, "post_processor", t->templates)) return failed();
    }
    if (const JsonValue* d = ConfigReader::field(root, "decoder")) {
        Decoder decoder;
        if (!r.decoder(*d, "decoder", decoder)) return failed();
        t->decoder = std::move(decoder);
    }
    if (const JsonValue* a = ConfigReader::field(root, "added_tokens")) {
        if (!a->is_array()) {
            r.fail("added_tokens", std::string("expected an array, found ") + json_type_name(*a));
            return failed();
        }
        for (std::size_t k = 0; k < a->items().size(); ++k) {
            AddedToken token;
            if (!r.added_token(a->items()[k], "added_tokens[" + std::to_string(k) + "]", token))
                return failed();
            const std::size_t n_tokens = t->model.vocab.size() + a->items().size();
            if (token.id >= id_table_limit(n_tokens)) {
                r.fail("added_tokens[" + std::to_string(k) + "].id",
                       std::to_string(token.id) + " is far beyond the " + std::to_string(n_tokens) +
                           " tokens of the file");
                return failed();
            }
            if (!token.content.empty()) t->added.push_back(std::move(token));
        }
    }
    finish(*t);
    // Every id a template adds must name a token, or the model would be fed an id it has no row for.
    for (const auto& items : t->templates) {
        for (const TemplateItem& item : items) {
            for (int id : item.ids) {
                if (id >= t->n_vocab) {
                    r.fail("post_processor", "special token id " + std::to_string(id) +
                                                 " is outside the vocabulary of " +
                                                 std::to_string(t->n_vocab));
                    return failed();
                }
            }
        }
    }
    return std::shared_ptr<const Tokenizer>(std::move(t));
}

Expected<std::shared_ptr<const Tokenizer>> load_tokenizer_json(const std::string& path) {
    auto bytes = read_file_bytes(path, kMaxTokenizerBytes);
    if (!bytes) return Error{bytes.error()};
    return parse_tokenizer_json(*bytes, path);
}

Expected<std::shared_ptr<const Tokenizer>> load_gpt2_vocab_merges(const std::string& vocab_path,
                                                                  const std::string& merges_path) {
    auto vocab_bytes = read_file_bytes(vocab_path, kMaxTokenizerBytes);
    if (!vocab_bytes) return Error{vocab_bytes.error()};
    auto merges_bytes = read_file_bytes(merges_path, kMaxTokenizerBytes);
    if (!merges_bytes) return Error{merges_bytes.error()};
    auto json = parse_json(*vocab_bytes, vocab_path);
    if (!json) return Error{json.error()};
    auto t = std::make_shared<HfTokenizer>();
    ConfigReader r(vocab_path);
    if (!r.vocab_object(*json, "(top level)", t->model)) return Error{r.error()};

    ConfigReader mr(merges_path);
    const std::string& text = *merges_bytes;
    std::size_t pos = 0;
    int line_no = 0;
    int rank = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("#version", 0) == 0) continue;
        const std::string where = "line " + std::to_string(line_no);
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
            mr.fail(where, quoted(line) + " is not two tokens separated by one space");
            return Error{mr.error()};
        }
        if (!mr.add_merge(t->model, line.substr(0, space), line.substr(space + 1), rank++, where))
            return Error{mr.error()};
    }
    PreTokenizer pre;
    pre.kind = PreTokenizer::Kind::kByteLevel;
    pre.add_prefix_space = false;
    auto re = Regex::compile(kGpt2Pattern, false);
    if (!re) return Error{re.error()};
    pre.pattern = *re;
    t->pre_tokenizer = std::move(pre);
    Decoder decoder;
    decoder.kind = Decoder::Kind::kByteLevel;
    t->decoder = decoder;
    const auto eot = t->model.vocab.find("<|endoftext|>");
    if (eot != t->model.vocab.end()) {
        AddedToken token;
        token.id = eot->second;
        token.content = "<|endoftext|>";
        token.special = true;
        t->added.push_back(token);
    }
    finish(*t);
    return std::shared_ptr<const Tokenizer>(std::move(t));
}

}  // namespace attnviz::model
