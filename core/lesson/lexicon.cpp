#include "core/lesson/lexicon.h"

#include "core/io/embedded_assets.h"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

namespace attnviz::lesson {

namespace {

template <class E, std::size_t N>
bool parse_enum(std::string_view s, const std::array<std::pair<const char*, E>, N>& table, E& out) {
    for (const auto& [name, value] : table) {
        if (s == name) {
            out = value;
            return true;
        }
    }
    return false;
}

template <class E, std::size_t N>
std::string allowed(const std::array<std::pair<const char*, E>, N>& table) {
    std::string s;
    for (const auto& entry : table) s += (s.empty() ? "" : ", ") + std::string(entry.first);
    return s;
}

const std::array<std::pair<const char*, PartOfSpeech>, 12> kPos = {{
    {"noun", PartOfSpeech::kNoun},
    {"name", PartOfSpeech::kName},
    {"pron", PartOfSpeech::kPronoun},
    {"verb", PartOfSpeech::kVerb},
    {"aux", PartOfSpeech::kAux},
    {"adj", PartOfSpeech::kAdj},
    {"adv", PartOfSpeech::kAdv},
    {"det", PartOfSpeech::kDet},
    {"prep", PartOfSpeech::kPrep},
    {"conj", PartOfSpeech::kConj},
    {"num", PartOfSpeech::kNum},
    {"intj", PartOfSpeech::kIntj},
}};
const std::array<std::pair<const char*, SemanticClass>, 9> kClass = {{
    {"-", SemanticClass::kNone},
    {"person", SemanticClass::kPerson},
    {"animal", SemanticClass::kAnimal},
    {"object", SemanticClass::kObject},
    {"place", SemanticClass::kPlace},
    {"time", SemanticClass::kTime},
    {"abstract", SemanticClass::kAbstract},
    {"event", SemanticClass::kEvent},
    {"food", SemanticClass::kFood},
}};
const std::array<std::pair<const char*, GrammaticalNumber>, 3> kNumber = {{
    {"-", GrammaticalNumber::kNone},
    {"sg", GrammaticalNumber::kSingular},
    {"pl", GrammaticalNumber::kPlural},
}};
const std::array<std::pair<const char*, Gender>, 3> kGender = {{
    {"-", Gender::kNone},
    {"m", Gender::kMale},
    {"f", Gender::kFemale},
}};
const std::array<std::pair<const char*, Refers>, 6> kRefers = {{
    {"-", Refers::kNone},
    {"thing", Refers::kThing},
    {"male", Refers::kMale},
    {"female", Refers::kFemale},
    {"plural", Refers::kPlural},
    {"person", Refers::kPerson},
}};

template <class E, std::size_t N>
const char* name_of(E value, const std::array<std::pair<const char*, E>, N>& table) {
    for (const auto& [name, v] : table) {
        if (v == value) return name;
    }
    return "?";
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == '\t') ++i;
        if (i == line.size()) break;
        std::size_t j = i;
        while (j < line.size() && line[j] != '\t') ++j;
        fields.push_back(line.substr(i, j - i));
        i = j;
    }
    return fields;
}

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_upper_initial(const std::string& word) {
    const std::u32string cps = io::decode_utf8(word);
    if (cps.empty()) return false;
    const char32_t c = cps[0];
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

WordFeatures with_source(WordFeatures f, std::string source) {
    f.source = std::move(source);
    return f;
}

/// Inflected forms of table words: plural nouns, verbs with -s, -ed, -ing.
const WordFeatures* find_base(const Lexicon& table, const std::string& w, std::string& base,
                              std::string_view& rule) {
    struct Rule {
        std::string_view suffix;
        std::string_view replacement;
    };
    static constexpr Rule kRules[] = {
        {"ies", "y"}, {"es", ""},  {"s", ""},    {"ied", "y"}, {"ed", ""},  {"ed", "e"},
        {"d", ""},    {"ing", ""}, {"ing", "e"}, {"er", ""},   {"est", ""}, {"ly", ""},
    };
    for (const Rule& r : kRules) {
        if (!ends_with(w, r.suffix) || w.size() < r.suffix.size() + 2) continue;
        std::string stem = w.substr(0, w.size() - r.suffix.size());
        base = stem + std::string(r.replacement);
        if (const WordFeatures* f = table.find(base)) {
            rule = r.suffix;
            return f;
        }
        // Doubled consonants: stopped -> stop, running -> run.
        if (r.replacement.empty() && stem.size() >= 3 && stem.back() == stem[stem.size() - 2]) {
            base = stem.substr(0, stem.size() - 1);
            if (const WordFeatures* f = table.find(base)) {
                rule = r.suffix;
                return f;
            }
        }
    }
    return nullptr;
}

/// What a suffix rule makes of a table word's features, or nothing when the pair makes no sense.
std::optional<WordFeatures> inflect(WordFeatures f, std::string_view rule) {
    const bool plural = rule == "s" || rule == "es" || rule == "ies";
    const bool past_or_ing = rule == "ed" || rule == "d" || rule == "ied" || rule == "ing";
    const bool verbal = f.pos == PartOfSpeech::kVerb || f.pos == PartOfSpeech::kAux;
    if (plural && f.pos == PartOfSpeech::kNoun) {
        f.number = GrammaticalNumber::kPlural;
        return f;
    }
    if (plural && verbal) {
        f.number = GrammaticalNumber::kSingular;
        return f;
    }
    if (past_or_ing && (verbal || f.pos == PartOfSpeech::kNoun)) {
        return WordFeatures{PartOfSpeech::kVerb,
                            SemanticClass::kNone,
                            GrammaticalNumber::kNone,
                            Gender::kNone,
                            Refers::kNone,
                            {},
                            {}};
    }
    if ((rule == "er" || rule == "est") && f.pos == PartOfSpeech::kAdj) return f;
    if (rule == "er" && f.pos == PartOfSpeech::kVerb) {  // teach -> teacher
        return WordFeatures{PartOfSpeech::kNoun,
                            SemanticClass::kPerson,
                            GrammaticalNumber::kSingular,
                            Gender::kNone,
                            Refers::kNone,
                            {},
                            {}};
    }
    if (rule == "ly" && f.pos == PartOfSpeech::kAdj) {
        return WordFeatures{PartOfSpeech::kAdv,
                            SemanticClass::kNone,
                            GrammaticalNumber::kNone,
                            Gender::kNone,
                            Refers::kNone,
                            {},
                            {}};
    }
    return std::nullopt;
}

}  // namespace

const char* to_string(PartOfSpeech p) {
    if (p == PartOfSpeech::kPunct) return "punctuation";
    if (p == PartOfSpeech::kSymbol) return "symbol";
    return name_of(p, kPos);
}
const char* to_string(SemanticClass c) {
    return name_of(c, kClass);
}
const char* to_string(GrammaticalNumber n) {
    return n == GrammaticalNumber::kSingular ? "singular" : n == GrammaticalNumber::kPlural ? "plural" : "-";
}
const char* to_string(Gender g) {
    return g == Gender::kMale ? "male" : g == Gender::kFemale ? "female" : "-";
}
const char* to_string(Refers r) {
    return name_of(r, kRefers);
}

std::string describe(const WordFeatures& f) {
    static const char* const kDot = " \xC2\xB7 ";
    std::string s = to_string(f.pos);
    if (f.pos == PartOfSpeech::kName) s = "name";
    if (f.pos == PartOfSpeech::kPronoun) s = "pronoun";
    if (f.pos == PartOfSpeech::kAux) s = "auxiliary verb";
    if (f.pos == PartOfSpeech::kAdj) s = "adjective";
    if (f.pos == PartOfSpeech::kAdv) s = "adverb";
    if (f.pos == PartOfSpeech::kDet) s = "determiner";
    if (f.pos == PartOfSpeech::kPrep) s = "preposition";
    if (f.pos == PartOfSpeech::kConj) s = "conjunction";
    if (f.pos == PartOfSpeech::kNum) s = "number";
    if (f.cls != SemanticClass::kNone) s += kDot + std::string(to_string(f.cls));
    if (f.number != GrammaticalNumber::kNone) s += kDot + std::string(to_string(f.number));
    if (f.gender != Gender::kNone) s += kDot + std::string(to_string(f.gender));
    if (f.refers != Refers::kNone) s += kDot + std::string("refers to: ") + to_string(f.refers);
    if (!f.source.empty()) s += "  (" + f.source + ")";
    return s;
}

Expected<Lexicon> Lexicon::parse(std::string_view text, const std::string& name) {
    Lexicon lex;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line[0] == '#') {
            if (end == text.size()) break;
            continue;
        }
        const std::string where = name + ":" + std::to_string(line_no) + ": ";
        const std::vector<std::string_view> f = split_fields(line);
        if (f.size() != 6) {
            return Error{
                where + "expected 6 tab-separated fields (word, pos, class, number, gender, refers), found " +
                std::to_string(f.size())};
        }
        WordFeatures w;
        if (!parse_enum(f[1], kPos, w.pos))
            return Error{where + "unknown part of speech \"" + std::string(f[1]) + "\"; use one of " +
                         allowed(kPos)};
        if (!parse_enum(f[2], kClass, w.cls))
            return Error{where + "unknown class \"" + std::string(f[2]) + "\"; use one of " +
                         allowed(kClass)};
        if (!parse_enum(f[3], kNumber, w.number))
            return Error{where + "unknown number \"" + std::string(f[3]) + "\"; use one of " +
                         allowed(kNumber)};
        if (!parse_enum(f[4], kGender, w.gender))
            return Error{where + "unknown gender \"" + std::string(f[4]) + "\"; use one of " +
                         allowed(kGender)};
        if (!parse_enum(f[5], kRefers, w.refers))
            return Error{where + "unknown refers value \"" + std::string(f[5]) + "\"; use one of " +
                         allowed(kRefers)};
        std::string word(f[0]);
        if (word.find(' ') != std::string::npos)
            return Error{where + "a word may not contain spaces: \"" + word + "\""};
        int n_invalid = 0;
        const std::size_t n_cps = io::decode_utf8(word, &n_invalid).size();
        if (n_invalid > 0) return Error{where + "the word is not valid UTF-8"};
        w.source = "lexicon " + name;
        if (!lex.m_words.emplace(word, std::move(w)).second)
            return Error{where + "\"" + word + "\" is listed twice"};
        lex.m_longest = std::max(lex.m_longest, static_cast<int>(n_cps));
        if (end == text.size()) break;
    }
    return lex;
}

const WordFeatures* Lexicon::find(const std::string& word) const {
    const auto it = m_words.find(word);
    return it == m_words.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, WordFeatures>> Lexicon::entries() const {
    std::vector<std::pair<std::string, WordFeatures>> out(m_words.begin(), m_words.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

// GCC 12 at -O3 reports the destruction of the Expected's (unused) error string as freeing a stack
// object (-Wfree-nonheap-object, a known false positive of its variant inlining); release builds
// with -Werror would stop here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
const LexiconSet& LexiconSet::builtin() {
    static const LexiconSet set = [] {
        auto load = [](const char* file, const char* short_name) {
            const io::EmbeddedFile* f = io::embedded_assets().find(file);
            if (f == nullptr) throw std::runtime_error(std::string("embedded asset missing: ") + file);
            Expected<Lexicon> lex = Lexicon::parse(f->text(), short_name);
            if (!lex) throw std::runtime_error(lex.error());
            return std::move(lex).value();
        };
        LexiconSet s;
        s.m_en = load("lexicon/en.tsv", "en");
        s.m_fr = load("lexicon/fr.tsv", "fr");
        s.m_zh = load("lexicon/zh.tsv", "zh");
        // Glosses: "french TAB english" lines; '#' comments.
        const io::EmbeddedFile* g = io::embedded_assets().find("lexicon/fr-en.tsv");
        if (g == nullptr) throw std::runtime_error("embedded asset missing: lexicon/fr-en.tsv");
        const std::string_view text = g->text();
        std::size_t start = 0;
        int line_no = 0;
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string_view line = text.substr(start, end - start);
            start = end + 1;
            ++line_no;
            if (line.empty() || line[0] == '#') continue;
            const std::size_t tab = line.find('\t');
            if (tab == std::string_view::npos || tab == 0 || tab + 1 >= line.size())
                throw std::runtime_error("fr-en:" + std::to_string(line_no) +
                                         ": expected french TAB english");
            s.m_fr_en.emplace(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
        }
        return s;
    }();
    return set;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

WordFeatures LexiconSet::word_features(const Token& token, const Lexicon& table, const char* language) const {
    WordFeatures f;
    switch (token.kind) {
        case TokenKind::kPunct:
            f.pos = PartOfSpeech::kPunct;
            f.source = "punctuation";
            return f;
        case TokenKind::kSymbol:
            f.pos = PartOfSpeech::kSymbol;
            f.source = "symbol";
            return f;
        case TokenKind::kNumber:
            f.pos = PartOfSpeech::kNum;
            f.source = "digits";
            return f;
        case TokenKind::kCjk:
            if (const WordFeatures* hit = m_zh.find(token.text)) return *hit;
            f.pos = PartOfSpeech::kNoun;
            f.cls = SemanticClass::kObject;
            f.number = GrammaticalNumber::kSingular;
            f.source = "guess: unknown character, a noun";
            return f;
        case TokenKind::kWord:
            break;
    }
    const std::string& raw = token.text;
    if (const WordFeatures* hit = table.find(raw)) return *hit;  // names are listed capitalised
    const std::string w = to_lower_latin(raw);
    if (const WordFeatures* hit = table.find(w)) return *hit;
    if (w.size() >= 2 && (w[0] == '\'' || w.rfind("\xE2\x80\x99", 0) == 0)) {
        f.pos = PartOfSpeech::kAux;
        return with_source(f, "guess: clitic, an auxiliary");
    }
    if (is_upper_initial(raw)) {
        f.pos = PartOfSpeech::kName;
        f.cls = SemanticClass::kPerson;
        f.number = GrammaticalNumber::kSingular;
        return with_source(f, "guess: capitalised, a name");
    }
    std::string base;
    std::string_view rule;
    if (const WordFeatures* b = find_base(table, w, base, rule)) {
        if (const std::optional<WordFeatures> inflected = inflect(*b, rule)) {
            return with_source(
                *inflected, "-" + std::string(rule) + " form of \"" + base + "\" (lexicon " + language + ")");
        }
    }
    if (ends_with(w, "ly")) {
        f.pos = PartOfSpeech::kAdv;
        return with_source(f, "guess: -ly, an adverb");
    }
    if (ends_with(w, "ed") || ends_with(w, "ing")) {
        f.pos = PartOfSpeech::kVerb;
        return with_source(f, "guess: -ed/-ing, a verb");
    }
    for (const char* suffix : {"ous", "ful", "ive", "able", "ible", "less", "ic", "al"}) {
        if (ends_with(w, suffix)) {
            f.pos = PartOfSpeech::kAdj;
            return with_source(f, "guess: -" + std::string(suffix) + ", an adjective");
        }
    }
    f.pos = PartOfSpeech::kNoun;
    for (const char* suffix : {"tion", "sion", "ment", "ness", "ity", "ism", "ance", "ence"}) {
        if (ends_with(w, suffix)) {
            f.cls = SemanticClass::kAbstract;
            f.number = GrammaticalNumber::kSingular;
            return with_source(f, "guess: -" + std::string(suffix) + ", an abstract noun");
        }
    }
    f.cls = SemanticClass::kObject;
    if (ends_with(w, "s") && !ends_with(w, "ss") && !ends_with(w, "us")) {
        f.number = GrammaticalNumber::kPlural;
        return with_source(f, "guess: -s, a plural noun");
    }
    f.number = GrammaticalNumber::kSingular;
    return with_source(f, "guess: unknown word, a noun");
}

WordFeatures LexiconSet::glossed_features(const Token& token, const Lexicon& table,
                                          const char* language) const {
    WordFeatures f = word_features(token, table, language);
    if (&table == &m_fr && token.kind == TokenKind::kWord) {
        const auto it = m_fr_en.find(to_lower_latin(token.text));
        if (it != m_fr_en.end()) f.meaning = it->second;
    }
    return f;
}

WordFeatures LexiconSet::features(const Token& token) const {
    const bool french = token.kind == TokenKind::kWord && m_en.find(to_lower_latin(token.text)) == nullptr &&
                        m_fr.find(to_lower_latin(token.text)) != nullptr;
    return french ? glossed_features(token, m_fr, "fr") : glossed_features(token, m_en, "en");
}

std::vector<WordFeatures> LexiconSet::analyse(const std::vector<Token>& tokens) const {
    int en_hits = 0;
    int fr_hits = 0;
    for (const Token& t : tokens) {
        if (t.kind != TokenKind::kWord) continue;
        const std::string w = to_lower_latin(t.text);
        en_hits += m_en.find(w) != nullptr || m_en.find(t.text) != nullptr;
        fr_hits += m_fr.find(w) != nullptr || m_fr.find(t.text) != nullptr;
    }
    const bool french = fr_hits > en_hits;
    const Lexicon& table = french ? m_fr : m_en;
    const char* language = french ? "fr" : "en";

    std::vector<WordFeatures> out;
    out.reserve(tokens.size());
    std::size_t i = 0;
    while (i < tokens.size()) {
        if (tokens[i].kind != TokenKind::kCjk) {
            out.push_back(glossed_features(tokens[i], table, language));
            ++i;
            continue;
        }
        // Longest match over adjacent CJK characters: 小明 is one name, 窗边 one place.
        std::size_t best = 1;
        const WordFeatures* best_hit = m_zh.find(tokens[i].text);
        std::string word = tokens[i].text;
        for (std::size_t len = 2;
             len <= static_cast<std::size_t>(m_zh.longest_word()) && i + len <= tokens.size(); ++len) {
            const Token& next = tokens[i + len - 1];
            if (next.kind != TokenKind::kCjk || next.byte_begin != tokens[i + len - 2].byte_end) break;
            word += next.text;
            if (const WordFeatures* hit = m_zh.find(word)) {
                best = len;
                best_hit = hit;
            }
        }
        if (best_hit == nullptr) {
            out.push_back(glossed_features(tokens[i], table, language));
            ++i;
            continue;
        }
        for (std::size_t k = 0; k < best; ++k) out.push_back(*best_hit);
        i += best;
    }
    return out;
}

}  // namespace attnviz::lesson
