// The lesson tokenizer: words, punctuation, CJK characters, UTF-8 repair, spans, the cap.
#include "core/lesson/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace attnviz {
namespace {

std::vector<std::string> texts(const lesson::Tokenization& t) {
    std::vector<std::string> out;
    for (const lesson::Token& tok : t.tokens) out.push_back(tok.text);
    return out;
}

void expect_spans_match_text(const lesson::Tokenization& t) {
    for (const lesson::Token& tok : t.tokens) {
        ASSERT_LE(tok.byte_end, t.text.size());
        EXPECT_EQ(t.text.substr(tok.byte_begin, tok.byte_end - tok.byte_begin), tok.text);
    }
}

TEST(Tokenizer, WordsAndPunctuation) {
    const lesson::Tokenization t = lesson::tokenize("The pod crashed, because it ran out of memory.");
    EXPECT_EQ(texts(t), (std::vector<std::string>{"The", "pod", "crashed", ",", "because", "it", "ran", "out",
                                                  "of", "memory", "."}));
    EXPECT_EQ(t.tokens[3].kind, lesson::TokenKind::kPunct);
    EXPECT_EQ(t.tokens[1].byte_begin, 4u);
    EXPECT_EQ(t.tokens[1].byte_end, 7u);
    EXPECT_EQ(t.n_invalid_bytes, 0);
    EXPECT_FALSE(t.truncated());
    expect_spans_match_text(t);
}

TEST(Tokenizer, ClitcsHyphensAndNumbers) {
    const lesson::Tokenization t = lesson::tokenize("it's a well-known 3.14 and 1,000 gpt4");
    EXPECT_EQ(texts(t),
              (std::vector<std::string>{"it", "'s", "a", "well-known", "3.14", "and", "1,000", "gpt4"}));
    EXPECT_EQ(t.tokens[4].kind, lesson::TokenKind::kNumber);
    expect_spans_match_text(t);
}

TEST(Tokenizer, ChineseIsOneTokenPerCharacter) {
    const lesson::Tokenization t = lesson::tokenize("小明很喜欢他的猫，它总是睡在窗边。");
    ASSERT_EQ(t.tokens.size(), 17u);
    EXPECT_EQ(t.tokens[0].text, "小");
    EXPECT_EQ(t.tokens[0].kind, lesson::TokenKind::kCjk);
    EXPECT_EQ(t.tokens[8].text, "，");
    EXPECT_EQ(t.tokens[8].kind, lesson::TokenKind::kPunct);
    EXPECT_EQ(t.tokens[9].byte_begin, 27u);  // 9 characters of 3 bytes before "它"
    expect_spans_match_text(t);
}

// robustness.md T7: Thai, Lao, Khmer and Myanmar have no spaces between words either; without a word list,
// each letter is a token carrying its vowel and tone marks, never one giant "word".
TEST(Tokenizer, ThaiAndOtherUnspacedScriptsSplitPerLetterWithTheirMarks) {
    // "สวัสดีครับ" (hello): ส ว+ั ส ด+ี ค ร+ั บ
    const lesson::Tokenization t =
        lesson::tokenize("\u0E2A\u0E27\u0E31\u0E2A\u0E14\u0E35\u0E04\u0E23\u0E31\u0E1A");
    EXPECT_EQ(texts(t), (std::vector<std::string>{"\u0E2A", "\u0E27\u0E31", "\u0E2A", "\u0E14\u0E35",
                                                  "\u0E04", "\u0E23\u0E31", "\u0E1A"}));
    expect_spans_match_text(t);
    // "ที่" carries two marks (a vowel and a tone); a Latin word stops where Thai starts.
    const lesson::Tokenization mixed = lesson::tokenize("abc\u0E17\u0E35\u0E48 ok");
    EXPECT_EQ(texts(mixed), (std::vector<std::string>{"abc", "\u0E17\u0E35\u0E48", "ok"}));
    expect_spans_match_text(mixed);
    // Khmer "ខ្មែរ" and Myanmar "မြန်မာ": no token holds the whole word.
    for (const char* word : {"\u1781\u17D2\u1798\u17C2\u179A", "\u1019\u103C\u1014\u103A\u1019\u102C"}) {
        const lesson::Tokenization w = lesson::tokenize(word);
        EXPECT_GT(w.tokens.size(), 1u) << word;
        expect_spans_match_text(w);
    }
}

TEST(Tokenizer, MixedScriptsAndAccents) {
    const lesson::Tokenization t = lesson::tokenize("Le café 好 naïve");
    EXPECT_EQ(texts(t), (std::vector<std::string>{"Le", "café", "好", "naïve"}));
    // A combining accent stays with its letter: "e" + U+0301.
    const lesson::Tokenization c = lesson::tokenize("cafe\xCC\x81 ok");
    EXPECT_EQ(texts(c), (std::vector<std::string>{"cafe\xCC\x81", "ok"}));
}

TEST(Tokenizer, EmojiSequenceIsOneSymbol) {
    // woman + ZWJ + laptop, then a thumbs up with a skin tone.
    const lesson::Tokenization t =
        lesson::tokenize("hi \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD");
    ASSERT_EQ(t.tokens.size(), 3u);
    EXPECT_EQ(t.tokens[1].kind, lesson::TokenKind::kSymbol);
    EXPECT_EQ(t.tokens[1].text.size(), 11u);
    EXPECT_EQ(t.tokens[2].text.size(), 8u);
}

TEST(Tokenizer, InvalidBytesBecomeReplacementAndAreCounted) {
    struct Case {
        std::string input;
        int invalid;
    };
    const Case cases[] = {
        {std::string("ab\xFF"
                     "cd"),
         1},                                   // a byte that never starts UTF-8
        {std::string("\xC0\x80"), 2},          // overlong NUL
        {std::string("\xED\xA0\x80"), 3},      // a UTF-16 surrogate
        {std::string("ok \xE4\xBD"), 2},       // truncated at the end
        {std::string("\xF4\x90\x80\x80"), 4},  // above U+10FFFF
        {std::string("\x80\x80 x"), 2},        // stray continuation bytes
    };
    for (const Case& c : cases) {
        const lesson::Tokenization t = lesson::tokenize(c.input);
        EXPECT_EQ(t.n_invalid_bytes, c.invalid) << c.input;
        int n_invalid = -1;
        io::decode_utf8(t.text, &n_invalid);
        EXPECT_EQ(n_invalid, 0) << "the cleaned text must be valid UTF-8";
        expect_spans_match_text(t);
    }
    const lesson::Tokenization t =
        lesson::tokenize(std::string("ab\xFF"
                                     "cd"));
    EXPECT_EQ(t.text,
              "ab\xEF\xBF\xBD"
              "cd");
}

TEST(Tokenizer, EmptyWhitespaceAndControlInputGiveNoTokens) {
    EXPECT_TRUE(lesson::tokenize("").tokens.empty());
    EXPECT_TRUE(lesson::tokenize(" \t\r\n ").tokens.empty());
    EXPECT_TRUE(lesson::tokenize(std::string("\0\x01\x02", 3)).tokens.empty());
    const lesson::Tokenization t = lesson::tokenize(std::string("a\0b", 3));
    EXPECT_EQ(texts(t), (std::vector<std::string>{"a", "b"}));
}

TEST(Tokenizer, CapKeepsCountingAndSaysSo) {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "word ";
    const lesson::Tokenization t = lesson::tokenize(text, 512);
    EXPECT_EQ(t.tokens.size(), 512u);
    EXPECT_EQ(t.n_tokens_total, 1000);
    EXPECT_TRUE(t.truncated());
    EXPECT_EQ(lesson::tokenize(text, 0).tokens.size(), 0u);
    EXPECT_EQ(lesson::tokenize("a b", 2).truncated(), false);
}

TEST(Tokenizer, DisplayLabelMakesControlsVisibleAndCutsLongText) {
    EXPECT_EQ(lesson::token_display_label("pod"), "pod");
    EXPECT_EQ(lesson::token_display_label(""), "\xE2\x88\x85");
    EXPECT_EQ(lesson::token_display_label("\t"), "\xE2\x90\x89");
    const std::string label = lesson::token_display_label(std::string(100, 'x'));
    EXPECT_EQ(label, std::string(24, 'x') + "\xE2\x80\xA6");
}

TEST(Tokenizer, FindTokenByTextThenIndex) {
    const lesson::Tokenization t = lesson::tokenize("The pod crashed because it ran");
    EXPECT_EQ(lesson::find_token(t.tokens, "it"), 4);
    EXPECT_EQ(lesson::find_token(t.tokens, "the"), 0);
    EXPECT_EQ(lesson::find_token(t.tokens, "5"), 5);
    EXPECT_EQ(lesson::find_token(t.tokens, "6"), std::nullopt);
    EXPECT_EQ(lesson::find_token(t.tokens, "cat"), std::nullopt);
    EXPECT_EQ(lesson::find_token(t.tokens, ""), std::nullopt);
    EXPECT_EQ(lesson::find_token(t.tokens, "99999999999999"), std::nullopt);
}

}  // namespace
}  // namespace attnviz
