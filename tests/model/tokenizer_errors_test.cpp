// Hostile and broken tokenizer files: every problem is an error that names the file and the JSON path
// (or line), never a crash and never a tokenizer that gives wrong ids silently.
#include "core/model/tokenizer.h"

#include "tests/support/hand_tokenizer.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using attnviz::testing::byte_level_tokenizer;
using attnviz::testing::HandTokenizer;

/// Parses and expects an error that mentions every one of `parts`.
void expect_error(const std::string& json, std::initializer_list<const char*> parts) {
    auto t = attnviz::model::parse_tokenizer_json(json, "bad_tokenizer.json");
    ASSERT_FALSE(t.ok()) << json.substr(0, 200);
    EXPECT_NE(t.error().find("bad_tokenizer.json"), std::string::npos) << t.error();
    for (const char* part : parts)
        EXPECT_NE(t.error().find(part), std::string::npos) << t.error() << "\n  wanted: " << part;
}

HandTokenizer tiny() {
    HandTokenizer h;
    h.vocab = {{"a", 0}, {"b", 1}, {"ab", 2}};
    h.merge("a", "b");
    return h;
}

TEST(TokenizerErrors, VocabularyIdsOutOfRangeOrNotIntegers) {
    HandTokenizer h = tiny();
    h.vocab.emplace_back("c", -1);
    expect_error(h.json(), {"model.vocab.\"c\"", "out of range"});
    h.vocab.back().second = 1 << 30;
    expect_error(h.json(), {"model.vocab.\"c\"", "out of range"});
    // In range, but a table of 10 million entries for four tokens: refused before anything is allocated.
    h.vocab.back().second = 10000000;
    expect_error(h.json(), {"model.vocab", "10000000", "0..n-1"});
    h.vocab.back().second = 3;
    h.added_tokens = R"([{"id": 9000000, "content": "<big>", "special": true}])";
    expect_error(h.json(), {"added_tokens[0].id", "9000000"});
    expect_error(R"({"model": {"type": "BPE", "vocab": {"a": 1.5}, "merges": []}})",
                 {"model.vocab.\"a\"", "integer"});
    expect_error(R"({"model": {"type": "BPE", "vocab": ["a"], "merges": []}})", {"model.vocab", "object"});
}

TEST(TokenizerErrors, MergesNamingUnknownTokensOrMalformed) {
    HandTokenizer h = tiny();
    h.merge("a", "z");
    expect_error(h.json(), {"model.merges[1]", "\"z\"", "not in the vocabulary"});
    h = tiny();
    h.merge("b", "a");  // "ba" is not in the vocabulary
    expect_error(h.json(), {"model.merges[1]", "\"ba\""});
    h = tiny();
    h.merges.push_back("\"a b c\"");
    expect_error(h.json(), {"model.merges[1]", "two tokens"});
    h = tiny();
    h.merges.push_back("[\"a\"]");
    expect_error(h.json(), {"model.merges[1]"});
    h = tiny();
    h.merges.push_back("7");
    expect_error(h.json(), {"model.merges[1]"});
}

TEST(TokenizerErrors, BadRegexNamesThePathAndThePcre2Offset) {
    HandTokenizer h = byte_level_tokenizer();
    h.pre_tokenizer =
        R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "ab(c"},
                         "behavior": "Isolated", "invert": false}]})";
    expect_error(h.json(), {"pre_tokenizer.pretokenizers[0].pattern.Regex", "byte 4", "ab(c"});
    h.pre_tokenizer =
        R"({"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Sideways", "invert": false})";
    expect_error(h.json(), {"pre_tokenizer.behavior", "Sideways"});
    h.pre_tokenizer = "null";
    h.normalizer = R"({"type": "Replace", "pattern": {"Regex": "[a-"}, "content": "x"})";
    expect_error(h.json(), {"normalizer.pattern.Regex"});
}

TEST(TokenizerErrors, UnsupportedStagesAreNamedWithTheSupportedOnes) {
    expect_error(R"({"model": {"type": "WordPiece", "vocab": {}}})", {"model.type", "WordPiece", "BPE"});
    HandTokenizer h = tiny();
    h.normalizer = R"({"type": "BertNormalizer"})";
    expect_error(h.json(), {"normalizer.type", "BertNormalizer", "NFC"});
    h = tiny();
    h.pre_tokenizer = R"({"type": "UnicodeScripts"})";
    expect_error(h.json(), {"pre_tokenizer.type", "UnicodeScripts"});
    h = tiny();
    h.decoder = R"({"type": "CTC"})";
    expect_error(h.json(), {"decoder.type", "CTC"});
    h = tiny();
    h.post_processor = R"({"type": "Mystery"})";
    expect_error(h.json(), {"post_processor.type", "Mystery"});
}

TEST(TokenizerErrors, WrongTypesAndMissingMembers) {
    expect_error("[1, 2]", {"top level", "object"});
    expect_error("{}", {"model", "missing"});
    expect_error(R"({"model": {"type": "BPE", "merges": []}})", {"model.vocab", "missing"});
    HandTokenizer h = tiny();
    h.added_tokens = "{}";
    expect_error(h.json(), {"added_tokens", "array"});
    h.added_tokens = R"([{"id": "zero", "content": "<s>"}])";
    expect_error(h.json(), {"added_tokens[0].id", "integer"});
    h.added_tokens = R"([{"id": -3, "content": "<s>"}])";
    expect_error(h.json(), {"added_tokens[0].id", "out of range"});
    h.added_tokens = R"([{"id": 5, "content": "<s>", "lstrip": "yes"}])";
    expect_error(h.json(), {"added_tokens[0].lstrip", "true or false"});
    h = tiny();
    h.model_options = R"("byte_fallback": 1, )";
    expect_error(h.json(), {"model.byte_fallback"});
}

TEST(TokenizerErrors, TemplatesMustNameKnownSpecialTokensInsideTheVocabulary) {
    HandTokenizer h = tiny();
    h.post_processor =
        R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                          {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}})";
    expect_error(h.json(), {"post_processor.single[0]", "<s>"});
    h.post_processor =
        R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}],
                          "special_tokens": {"<s>": {"id": "<s>", "ids": [99], "tokens": ["<s>"]}}})";
    expect_error(h.json(), {"post_processor", "99", "outside the vocabulary"});
}

TEST(TokenizerErrors, NotJsonAndMissingFiles) {
    expect_error("{\"model\": ", {"bad_tokenizer.json:1:"});
    auto missing = attnviz::model::load_tokenizer_json("/nonexistent/dir/tokenizer.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().find("/nonexistent/dir/tokenizer.json"), std::string::npos) << missing.error();
    auto missing_vocab =
        attnviz::model::load_gpt2_vocab_merges("/nonexistent/vocab.json", "/nonexistent/merges.txt");
    ASSERT_FALSE(missing_vocab.ok());
    EXPECT_NE(missing_vocab.error().find("vocab.json"), std::string::npos) << missing_vocab.error();
}

TEST(TokenizerErrors, AWorkingTokenizerSurvivesHostileText) {
    HandTokenizer h = byte_level_tokenizer();
    h.pre_tokenizer =
        R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\s+(?!\\S)|\\s+|\\p{L}+"},
                         "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]})";
    auto t = h.build();
    ASSERT_TRUE(t);
    // A long run of one class (the JIT stack), NULs, lone continuation bytes, an overlong form, a surrogate.
    std::string text(200000, ' ');
    text += std::string("\0\0x", 3) + "\x80\x80" + "\xC0\xAF" + "\xED\xA0\x80" + std::string(100000, 'q');
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(attnviz::testing::concat_spans(text, tokens), text);
    EXPECT_GT(tokens.size(), 300000u);
}

}  // namespace

namespace {

TEST(TokenizerErrors, PatternsThatMatchEmptyOrBacktrackWildlyStillEnd) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back("ab", 256);
    h.merge("a", "b");
    const auto split = [](const std::string& regex) {
        return R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": )" +
               attnviz::testing::js(regex) +
               R"(}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]})";
    };
    // x* matches the empty string everywhere: like onig's find_iter, one empty match per position, so
    // every character is its own piece and (a,b) cannot merge.
    h.pre_tokenizer = split("x*");
    auto t = h.build();
    ASSERT_TRUE(t);
    EXPECT_EQ(attnviz::testing::ids_of(t->encode("abc", false)), (std::vector<int>{97, 98, 99}));
    // Exponential backtracking in a naive engine: PCRE2 ends it (by its optimizations, or its match limit,
    // after which the rest of the text is left unsplit); the spans still tile.
    h.pre_tokenizer = split("(a+)+$");
    t = h.build();
    ASSERT_TRUE(t);
    const std::string text = std::string(40, 'a') + "b";
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(attnviz::testing::concat_spans(text, tokens), text);
}

}  // namespace
