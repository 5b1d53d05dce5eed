// Lexicon files and word features: the format's errors, the embedded tables, the guesses.
#include "core/lesson/lexicon.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

lesson::WordFeatures features_of(const std::string& word) {
    const lesson::Tokenization t = lesson::tokenize(word, 1);
    return lesson::LexiconSet::builtin().features(t.tokens.at(0));
}

TEST(Lexicon, ParsesEntriesCommentsAndCrlf) {
    Expected<lesson::Lexicon> lex = lesson::Lexicon::parse(
        "# comment\n\npod\tnoun\tobject\tsg\t-\t-\r\nit\tpron\t-\tsg\t-\tthing\n", "t.tsv");
    ASSERT_TRUE(lex.ok()) << lex.error();
    EXPECT_EQ(lex->size(), 2u);
    ASSERT_NE(lex->find("it"), nullptr);
    EXPECT_EQ(lex->find("it")->refers, lesson::Refers::kThing);
    EXPECT_EQ(lex->find("pod")->cls, lesson::SemanticClass::kObject);
    // No newline after the last row, blank lines between rows, runs of tabs (columns aligned) and a
    // trailing tab: the documented policy keeps every row (a run of tabs is one separator).
    Expected<lesson::Lexicon> bare =
        lesson::Lexicon::parse("pod\t\tnoun\tobject\tsg\t-\t-\t\n\n\r\nit\tpron\t-\tsg\t-\tthing", "t.tsv");
    ASSERT_TRUE(bare.ok()) << bare.error();
    EXPECT_EQ(bare->size(), 2u);
}

TEST(Lexicon, ErrorsNameTheLineAndTheProblem) {
    struct Case {
        const char* text;
        const char* expected;
    };
    const Case cases[] = {
        {"pod\tnoun\tobject\tsg\t-\n", "t.tsv:1: expected 6 tab-separated fields"},
        {"# c\npod\tnown\tobject\tsg\t-\t-\n", "t.tsv:2: unknown part of speech \"nown\""},
        {"pod\tnoun\tgadget\tsg\t-\t-\n", "unknown class \"gadget\""},
        {"pod\tnoun\tobject\tmany\t-\t-\n", "unknown number \"many\""},
        {"pod\tnoun\tobject\tsg\tx\t-\n", "unknown gender \"x\""},
        {"it\tpron\t-\tsg\t-\tall\n", "unknown refers value \"all\""},
        {"pod\tnoun\tobject\tsg\t-\t-\npod\tverb\t-\t-\t-\t-\n", "t.tsv:2: \"pod\" is listed twice"},
        {"p\xFFod\tnoun\tobject\tsg\t-\t-\n", "not valid UTF-8"},
        // robustness.md S7: a header row is not data; a seventh field is an error, not ignored.
        {"pod\tnoun\tobject\tsg\t-\t-\textra\n", "t.tsv:1: expected 6 tab-separated fields"},
        {"it\tpron\t-\tsg\t-\tthing\r\nword\tpos\tclass\tnumber\tgender\trefers\r\n",
         "t.tsv:2: unknown part of speech \"pos\""},
        {"pod\tnoun\tobject \"a\tb\"\tsg\t-\t-\n", "t.tsv:1: expected 6 tab-separated fields"},  // no quoting
    };
    for (const Case& c : cases) {
        Expected<lesson::Lexicon> lex = lesson::Lexicon::parse(c.text, "t.tsv");
        ASSERT_FALSE(lex.ok()) << c.text;
        EXPECT_NE(lex.error().find(c.expected), std::string::npos) << lex.error();
    }
}

TEST(Lexicon, BuiltinTablesAreLargeAndCoverTheLessons) {
    const lesson::LexiconSet& set = lesson::LexiconSet::builtin();
    EXPECT_GE(set.english().size(), 2000u);
    EXPECT_GE(set.french().size(), 300u);
    EXPECT_GE(set.chinese().size(), 100u);
    for (const char* w :
         {"the", "pod", "crash", "because", "it", "ran", "out", "of", "memory", "cat", "window", "his"}) {
        EXPECT_NE(set.english().find(w), nullptr) << w;
    }
    EXPECT_EQ(set.english().find("pod")->cls, lesson::SemanticClass::kObject);
    EXPECT_EQ(set.english().find("cat")->cls, lesson::SemanticClass::kAnimal);
    EXPECT_EQ(set.english().find("his")->refers, lesson::Refers::kMale);
    EXPECT_EQ(set.english().find("she")->refers, lesson::Refers::kFemale);
    EXPECT_EQ(set.english().find("they")->refers, lesson::Refers::kPlural);
    EXPECT_EQ(set.chinese().find("它")->refers, lesson::Refers::kThing);
    EXPECT_EQ(set.french().find("chat")->gender, lesson::Gender::kMale);
}

TEST(Lexicon, GuessesForUnknownWords) {
    EXPECT_EQ(features_of("Zorblax").pos, lesson::PartOfSpeech::kName);
    EXPECT_EQ(features_of("Zorblax").cls, lesson::SemanticClass::kPerson);
    EXPECT_EQ(features_of("glorpingly").pos, lesson::PartOfSpeech::kAdv);
    EXPECT_EQ(features_of("zorbed").pos, lesson::PartOfSpeech::kVerb);
    EXPECT_EQ(features_of("flimbation").cls, lesson::SemanticClass::kAbstract);
    EXPECT_EQ(features_of("blorfs").number, lesson::GrammaticalNumber::kPlural);
    EXPECT_EQ(features_of("blorf").pos, lesson::PartOfSpeech::kNoun);
    EXPECT_NE(features_of("blorf").source.find("guess"), std::string::npos);
}

TEST(Lexicon, InflectedFormsOfListedWords) {
    const lesson::WordFeatures pods = features_of("pods");
    EXPECT_EQ(pods.pos, lesson::PartOfSpeech::kNoun);
    EXPECT_EQ(pods.cls, lesson::SemanticClass::kObject);
    EXPECT_EQ(pods.number, lesson::GrammaticalNumber::kPlural);
    EXPECT_EQ(features_of("crashing").pos, lesson::PartOfSpeech::kVerb);
    EXPECT_EQ(features_of("The").pos, lesson::PartOfSpeech::kDet) << "sentence case is not a name";
    EXPECT_EQ(features_of(",").pos, lesson::PartOfSpeech::kPunct);
    EXPECT_EQ(features_of("42").pos, lesson::PartOfSpeech::kNum);
}

TEST(Lexicon, ChineseWordsSpanSeveralCharacters) {
    const lesson::Tokenization t = lesson::tokenize("小明很喜欢他的猫，它总是睡在窗边。");
    const std::vector<lesson::WordFeatures> f = lesson::LexiconSet::builtin().analyse(t.tokens);
    ASSERT_EQ(f.size(), t.tokens.size());
    EXPECT_EQ(f[0].pos, lesson::PartOfSpeech::kName);  // 小 of 小明
    EXPECT_EQ(f[1].pos, lesson::PartOfSpeech::kName);  // 明 of 小明
    EXPECT_EQ(f[0].cls, lesson::SemanticClass::kPerson);
    EXPECT_EQ(f[7].cls, lesson::SemanticClass::kAnimal);  // 猫
    EXPECT_EQ(f[9].refers, lesson::Refers::kThing);       // 它
    EXPECT_EQ(f[5].refers, lesson::Refers::kMale);        // 他
    EXPECT_EQ(f[8].pos, lesson::PartOfSpeech::kPunct);    // ，
}

TEST(Lexicon, FrenchSentencesUseTheFrenchTable) {
    const lesson::Tokenization t = lesson::tokenize("le chat dort sur le canapé");
    const std::vector<lesson::WordFeatures> f = lesson::LexiconSet::builtin().analyse(t.tokens);
    EXPECT_EQ(f[1].cls, lesson::SemanticClass::kAnimal);
    EXPECT_EQ(f[1].gender, lesson::Gender::kMale);
    EXPECT_NE(f[1].source.find("fr"), std::string::npos);
}

TEST(Lexicon, DescribeIsReadable) {
    EXPECT_EQ(lesson::describe(*lesson::LexiconSet::builtin().english().find("pod"))
                  .rfind("noun \xC2\xB7 object \xC2\xB7 singular", 0),
              0u);
}

}  // namespace
}  // namespace attnviz
