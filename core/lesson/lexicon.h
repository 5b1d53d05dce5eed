// Word features for the lesson model: part of speech, semantic class, number, gender and, for
// pronouns, what they may refer to. Read from the tab-separated files in assets/lexicon/; words the
// files lack get rule-based guesses (capitalised: a name; -ly: adverb; -ed/-ing: verb; -s: plural).
#pragma once

#include "core/base/expected.h"
#include "core/lesson/tokenizer.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnviz::lesson {

enum class PartOfSpeech {
    kNoun,
    kName,
    kPronoun,
    kVerb,
    kAux,
    kAdj,
    kAdv,
    kDet,
    kPrep,
    kConj,
    kNum,
    kIntj,
    kPunct,
    kSymbol
};
enum class SemanticClass { kNone, kPerson, kAnimal, kObject, kPlace, kTime, kAbstract, kEvent, kFood };
enum class GrammaticalNumber { kNone, kSingular, kPlural };
enum class Gender { kNone, kMale, kFemale };
/// What a pronoun may point back to.
enum class Refers { kNone, kThing, kMale, kFemale, kPlural, kPerson };

struct WordFeatures {
    PartOfSpeech pos = PartOfSpeech::kNoun;
    SemanticClass cls = SemanticClass::kNone;
    GrammaticalNumber number = GrammaticalNumber::kNone;
    Gender gender = Gender::kNone;
    Refers refers = Refers::kNone;
    std::string source;   ///< "lexicon en", or the guess made, e.g. "guess: capitalised, a name"
    std::string meaning;  ///< a French word's English gloss (lexicon/fr-en.tsv), else empty: the word itself
};

const char* to_string(PartOfSpeech p);
const char* to_string(SemanticClass c);
const char* to_string(GrammaticalNumber n);
const char* to_string(Gender g);
const char* to_string(Refers r);

/// "noun · object · singular" and so on: a one-line description for tooltips and the CLI.
std::string describe(const WordFeatures& f);

/// One language's word table.
class Lexicon {
  public:
    /// Parses the file format documented in README.md ("Lexicon files"): lines of
    /// word TAB pos TAB class TAB number TAB gender TAB refers, '#' comments. Errors read
    /// "<name>:<line>: <what>"; duplicate words are errors.
    static Expected<Lexicon> parse(std::string_view text, const std::string& name);

    /// The entry for this exact word, or nullptr.
    const WordFeatures* find(const std::string& word) const;
    std::size_t size() const { return m_words.size(); }
    /// Every entry, sorted by word (for tests and tools that build sentences from the lexicon).
    std::vector<std::pair<std::string, WordFeatures>> entries() const;
    /// The longest word, in code points (for matching multi-character Chinese words).
    int longest_word() const { return m_longest; }

  private:
    std::unordered_map<std::string, WordFeatures> m_words;
    int m_longest = 0;
};

/// The built-in lexicons (English, French, Chinese) embedded from assets/lexicon/ at build time.
class LexiconSet {
  public:
    /// The embedded tables. Throws std::runtime_error if an embedded file is malformed (a build defect
    /// that the tests catch).
    static const LexiconSet& builtin();

    /// Features of every token of a sentence. Chinese and Japanese characters are matched as the
    /// longest words of the Chinese table, each character taking its word's features. Space-separated
    /// words use the English or French table, whichever knows more of the sentence's words.
    std::vector<WordFeatures> analyse(const std::vector<Token>& tokens) const;

    /// Features of one word on its own (what the GUI shows in a token's tooltip).
    WordFeatures features(const Token& token) const;

    const Lexicon& english() const { return m_en; }
    const Lexicon& french() const { return m_fr; }
    const Lexicon& chinese() const { return m_zh; }

  private:
    WordFeatures word_features(const Token& token, const Lexicon& table, const char* language) const;
    /// word_features, with a French word's English gloss as its meaning.
    WordFeatures glossed_features(const Token& token, const Lexicon& table, const char* language) const;

    Lexicon m_en;
    Lexicon m_fr;
    Lexicon m_zh;
    std::unordered_map<std::string, std::string> m_fr_en;  ///< French word -> English gloss
};

}  // namespace attnviz::lesson
