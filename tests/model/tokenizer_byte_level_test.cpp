// Byte-level BPE (GPT-2, Llama 3, Qwen style) on hand-made tokenizer.json files: merges by rank, GPT-2's
// regex, Split behaviors, NFC, added tokens, templates, ignore_merges, vocab.json + merges.txt, UTF-8 edges.
// Byte tokens have id = byte value, so every expected id below can be read off an ASCII/UTF-8 table.
#include "core/model/tokenizer.h"

#include "tests/support/hand_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using attnviz::model::Token;
using attnviz::testing::bl;
using attnviz::testing::byte_level_tokenizer;
using attnviz::testing::concat_spans;
using attnviz::testing::HandTokenizer;
using attnviz::testing::ids_of;
using V = std::vector<int>;

const char* const kNoRegexByteLevel =
    R"({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false})";

std::string split_then_bytes(const std::string& pattern, const std::string& behavior, bool invert) {
    return R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": )" + pattern +
           R"(, "behavior": ")" + behavior + R"(", "invert": )" + (invert ? "true" : "false") + "}, " +
           kNoRegexByteLevel + "]}";
}

/// Strict UTF-8 check (shortest forms, no surrogates, at most U+10FFFF), written for the tests.
bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned cp = 0;
        if (b < 0x80) {
            n = 0;
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            n = 1;
            cp = b & 0x1Fu;
        } else if ((b & 0xF0) == 0xE0) {
            n = 2;
            cp = b & 0x0Fu;
        } else if ((b & 0xF8) == 0xF0) {
            n = 3;
            cp = b & 0x07u;
        } else {
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        }
        const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

TEST(ByteLevelTokenizer, TheByteMapIsGpt2s) {
    // Spot checks of the test's own map against GPT-2's published vocabulary spellings.
    EXPECT_EQ(bl(" "), "\xC4\xA0");   // Ġ U+0120
    EXPECT_EQ(bl("\n"), "\xC4\x8A");  // Ċ U+010A
    EXPECT_EQ(bl("a"), "a");
    EXPECT_EQ(bl("\xF0"), "\xC3\xB0");  // ð
    EXPECT_EQ(bl("\xAD"), "\xC5\x83");  // Ń U+0143, the last remapped byte
}

TEST(ByteLevelTokenizer, MergesApplyLowestRankFirstNotLeftToRight) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back("bc", 256);
    h.vocab.emplace_back("ab", 257);
    h.merge("b", "c");       // rank 0, string form
    h.merge_pair("a", "b");  // rank 1, array form
    auto t = h.build();
    ASSERT_TRUE(t);
    // "abc": (b,c) has the lower rank, so it merges first and (a,bc) is no merge: [a, bc] not [ab, c].
    EXPECT_EQ(ids_of(t->encode("abc", false)), (V{97, 256}));
    EXPECT_EQ(ids_of(t->encode("ab", false)), (V{257}));
    EXPECT_EQ(ids_of(t->encode("abab", false)), (V{257, 257}));
    const auto tokens = t->encode("abc", false);
    EXPECT_EQ(tokens[1].start, 1u);
    EXPECT_EQ(tokens[1].end, 3u);
    EXPECT_EQ(tokens[1].display, "bc");
    EXPECT_EQ(t->vocab_size(), 258);
}

TEST(ByteLevelTokenizer, Gpt2RegexSplitsWordsContractionsSpacesAndNewlines) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back(bl(" t"), 256);
    h.vocab.emplace_back("he", 257);
    h.vocab.emplace_back(bl(" the"), 258);
    h.vocab.emplace_back("t'", 259);
    h.vocab.emplace_back(bl("  "), 260);
    h.merge(bl(" "), "t");
    h.merge("h", "e");
    h.merge(bl(" t"), "he");
    h.merge("t", "'");
    h.merge(bl(" "), bl(" "));
    auto t = h.build();
    ASSERT_TRUE(t);
    // "the" | " the": the leading space belongs to the next word.
    const std::string text = "the the";
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(ids_of(tokens), (V{116, 257, 258}));
    EXPECT_EQ(tokens[2].display, "\xC2\xB7the");  // ·the
    EXPECT_EQ(tokens[2].start, 3u);
    EXPECT_EQ(tokens[2].end, 7u);
    EXPECT_EQ(concat_spans(text, tokens), text);
    // "it" | "'s": the regex cuts before the apostrophe, so the merge (t, ') can never apply...
    EXPECT_EQ(ids_of(t->encode("it's", false)), (V{105, 116, 39, 115}));
    // ...while without the regex it does.
    HandTokenizer no_regex = h;
    no_regex.pre_tokenizer = kNoRegexByteLevel;
    EXPECT_EQ(ids_of(no_regex.build()->encode("it's", false)), (V{105, 259, 115}));
    // "a  b" -> "a" | " " | " b": \s+(?!\S) leaves the last space to the word, so no (Ġ,Ġ) merge.
    EXPECT_EQ(ids_of(t->encode("a  b", false)), (V{97, 32, 32, 98}));
    // "a   " -> "a" | "   ": merges at the same rank go left to right: [ĠĠ, Ġ].
    EXPECT_EQ(ids_of(t->encode("a   ", false)), (V{97, 260, 32}));
    // Newlines are their own pieces and show as ↵; tabs as ⇥.
    const auto nl = t->encode("a\nb", false);
    EXPECT_EQ(ids_of(nl), (V{97, 10, 98}));
    EXPECT_EQ(nl[1].display, "\xE2\x86\xB5");
    EXPECT_EQ(t->display(9), "\xE2\x87\xA5");
    EXPECT_EQ(t->display(0), "\xE2\x90\x80");  // ␀
    // Decoding maps the byte characters back.
    EXPECT_EQ(t->decode(V{116, 257, 258}), "the the");
    EXPECT_EQ(t->decode(V{97, 260, 32, 10}), "a   \n");
    EXPECT_EQ(t->display(9999), "<id 9999?>");
}

TEST(ByteLevelTokenizer, AddPrefixSpaceTreatsTheFirstWordLikeTheOthers) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back(bl(" a"), 256);
    h.merge(bl(" "), "a");
    h.pre_tokenizer =
        R"({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true})";
    auto t = h.build();
    ASSERT_TRUE(t);
    const std::string text = "a a";
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(ids_of(tokens), (V{256, 256}));
    // The added space has no bytes in the text: the first token spans just "a".
    EXPECT_EQ(tokens[0].start, 0u);
    EXPECT_EQ(tokens[0].end, 1u);
    EXPECT_EQ(concat_spans(text, tokens), text);
    // A text that starts with a space gets no second one.
    EXPECT_EQ(ids_of(t->encode(" a", false)), (V{256}));
}

TEST(ByteLevelTokenizer, SplitBehaviorsCutAsTokenizersDoes) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back("e-", 256);
    h.vocab.emplace_back("-f", 257);
    h.vocab.emplace_back("--", 258);
    h.merge("e", "-");
    h.merge("-", "f");
    h.merge("-", "-");
    const std::string text = "the-final--countdown";
    const std::string dash = R"({"String": "-"})";
    const V the = {116, 104, 101};
    const V fin = {102, 105, 110, 97, 108};
    const V countdown = {99, 111, 117, 110, 116, 100, 111, 119, 110};
    const auto cat = [](std::initializer_list<V> parts) {
        V out;
        for (const V& p : parts) out.insert(out.end(), p.begin(), p.end());
        return out;
    };
    struct Case {
        const char* behavior;
        V expected;
    };
    const Case cases[] = {
        // the | - | final | - | - | countdown
        {"Isolated", cat({the, {45}, fin, {45}, {45}, countdown})},
        // the | final | countdown
        {"Removed", cat({the, fin, countdown})},
        // the- | final- | - | countdown: (e,-) merges inside "the-"
        {"MergedWithPrevious", cat({{116, 104, 256}, fin, {45}, {45}, countdown})},
        // the | -final | - | -countdown: (-,f) merges inside "-final"
        {"MergedWithNext", cat({the, {257, 105, 110, 97, 108}, {45}, {45}, countdown})},
        // the | - | final | -- | countdown: (-,-) merges inside "--"
        {"Contiguous", cat({the, {45}, fin, {258}, countdown})},
    };
    for (const Case& c : cases) {
        h.pre_tokenizer = split_then_bytes(dash, c.behavior, false);
        auto t = h.build();
        ASSERT_TRUE(t);
        const auto tokens = t->encode(text, false);
        EXPECT_EQ(ids_of(tokens), c.expected) << c.behavior;
        EXPECT_EQ(concat_spans(text, tokens), text) << c.behavior;
    }
    // invert: the pattern names what to keep; Removed then drops the dashes.
    h.pre_tokenizer = split_then_bytes(R"({"Regex": "\\p{L}+"})", "Removed", true);
    EXPECT_EQ(ids_of(h.build()->encode(text, false)), cat({the, fin, countdown}));
}

TEST(ByteLevelTokenizer, Utf8EdgesKeepExactByteSpansAndShowPartialCharactersAsBytes) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back(bl("\xF0\x9F"), 256);
    h.vocab.emplace_back(bl("\xE4\xBD"), 257);
    h.vocab.emplace_back(bl("\xE4\xBD\xA0"), 258);  // 你
    h.merge(bl("\xF0"), bl("\x9F"));
    h.merge(bl("\xE4"), bl("\xBD"));
    h.merge(bl("\xE4\xBD"), bl("\xA0"));
    auto t = h.build();
    ASSERT_TRUE(t);

    // 😀 = F0 9F 98 80: the merged first half is shown as its bytes, each token spans exactly its bytes.
    const std::string emoji = "\xF0\x9F\x98\x80";
    const auto e = t->encode(emoji, false);
    EXPECT_EQ(ids_of(e), (V{256, 0x98, 0x80}));
    EXPECT_EQ(e[0].display,
              "\xE2\x9F\xA8"
              "F0 9F"
              "\xE2\x9F\xA9");  // ⟨F0 9F⟩
    EXPECT_EQ(e[1].display,
              "\xE2\x9F\xA8"
              "98"
              "\xE2\x9F\xA9");
    EXPECT_EQ(e[0].end, 2u);
    EXPECT_EQ(e[1].start, 2u);
    EXPECT_EQ(e[1].end, 3u);
    EXPECT_EQ(concat_spans(emoji, e), emoji);
    EXPECT_EQ(t->decode(ids_of(e)), emoji);
    // Decoding half a character alone gives U+FFFD, as `tokenizers` does (from_utf8_lossy).
    EXPECT_EQ(t->decode(V{256}), "\xEF\xBF\xBD");

    // 你好 = E4 BD A0 | E5 A5 BD: 你 is one token shown as itself, 好 three bytes.
    const std::string cjk = "\xE4\xBD\xA0\xE5\xA5\xBD";
    const auto c = t->encode(cjk, false);
    EXPECT_EQ(ids_of(c), (V{258, 0xE5, 0xA5, 0xBD}));
    EXPECT_EQ(c[0].display, "\xE4\xBD\xA0");
    EXPECT_EQ(c[0].end, 3u);
    EXPECT_EQ(concat_spans(cjk, c), cjk);
    EXPECT_EQ(t->decode(ids_of(c)), cjk);

    // e + U+0301 (combining acute, CC 81) without a normalizer: "e" is a letter piece, the mark another.
    const std::string combining = "e\xCC\x81";
    EXPECT_EQ(ids_of(t->encode(combining, false)), (V{101, 0xCC, 0x81}));

    // Invalid UTF-8: the FF byte becomes U+FFFD (EF BF BD) whose three tokens all come from byte 1.
    const std::string invalid =
        "a\xFF"
        "b";
    const auto inv = t->encode(invalid, false);
    EXPECT_EQ(ids_of(inv), (V{97, 0xEF, 0xBF, 0xBD, 98}));
    EXPECT_EQ(concat_spans(invalid, inv), invalid);
    EXPECT_EQ(inv[3].end, 2u);
    EXPECT_EQ(inv[4].start, 2u);
    EXPECT_EQ(t->decode(ids_of(inv)),
              "a\xEF\xBF\xBD"
              "b");
    // A sequence cut short is one U+FFFD for the whole maximal subpart (E4 BD), then the next byte starts
    // afresh: "x" E4 BD "y" C3 -> x, U+FFFD, y, U+FFFD.
    const std::string truncated = "x\xE4\xBDy\xC3";
    const auto tr = t->encode(truncated, false);
    EXPECT_EQ(ids_of(tr), (V{120, 0xEF, 0xBF, 0xBD, 121, 0xEF, 0xBF, 0xBD}));
    EXPECT_EQ(concat_spans(truncated, tr), truncated);
    EXPECT_EQ(tr[3].end, 3u);
    // Every display label is non-empty valid UTF-8, whatever the token holds.
    for (int id = 0; id < t->vocab_size(); ++id) {
        const std::string d = t->display(id);
        EXPECT_TRUE(valid_utf8(d)) << id;
        EXPECT_FALSE(d.empty()) << id;
    }
}

TEST(ByteLevelTokenizer, NfcComposesBeforeTheModelAndTheSpanCoversTheOriginalCharacters) {
    HandTokenizer h = byte_level_tokenizer();
    h.normalizer = R"({"type": "NFC"})";
    auto t = h.build();
    ASSERT_TRUE(t);
    // e + U+0301 -> é (C3 A9); A + U+030A -> Å (C3 85); an already composed é stays.
    const std::string text = "e\xCC\x81";
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(ids_of(tokens), (V{0xC3, 0xA9}));
    EXPECT_EQ(concat_spans(text, tokens), text);
    EXPECT_EQ(tokens.back().end, 3u);
    EXPECT_EQ(ids_of(t->encode("A\xCC\x8A", false)), (V{0xC3, 0x85}));
    EXPECT_EQ(ids_of(t->encode("\xC3\xA9", false)), (V{0xC3, 0xA9}));
    // Hangul jamo compose too: U+1100 U+1161 -> 가 U+AC00 (EA B0 80).
    const std::string jamo = "\xE1\x84\x80\xE1\x85\xA1";
    EXPECT_EQ(ids_of(t->encode(jamo, false)), (V{0xEA, 0xB0, 0x80}));
    EXPECT_EQ(concat_spans(jamo, t->encode(jamo, false)), jamo);
}

std::string added(int id, const std::string& content, bool special, const std::string& flags = "") {
    return R"({"id": )" + std::to_string(id) + R"(, "content": )" + attnviz::testing::js(content) +
           R"(, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": )" +
           (special ? "true" : "false") + flags + "}";
}

TEST(ByteLevelTokenizer, AddedTokensAreMatchedBeforeTheModelWithTheirOptions) {
    HandTokenizer h = byte_level_tokenizer();
    // Options given twice in JSON would be a duplicate key: build those three by hand.
    h.added_tokens =
        "[" + added(300, "<|endoftext|>", true) + ", " +
        R"({"id": 301, "content": "<mask>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": false}, )"
        R"({"id": 302, "content": "[x]", "single_word": true, "lstrip": false, "rstrip": false, "normalized": false, "special": false}, )"
        R"({"id": 303, "content": "<r>", "single_word": false, "lstrip": false, "rstrip": true, "normalized": false, "special": false}])";
    auto t = h.build();
    ASSERT_TRUE(t);
    EXPECT_EQ(t->vocab_size(), 304);

    const std::string text = "hi<|endoftext|>yo";
    for (bool add : {false, true}) {
        const auto tokens = t->encode(text, add);
        EXPECT_EQ(ids_of(tokens), (V{104, 105, 300, 121, 111}));
        EXPECT_TRUE(tokens[2].special);
        EXPECT_FALSE(tokens[1].special);
        EXPECT_EQ(tokens[2].start, 2u);
        EXPECT_EQ(tokens[2].end, 15u);
        EXPECT_EQ(tokens[2].display, "<|endoftext|>");
    }
    // lstrip: the space before <mask> belongs to it (no Ġ token).
    const auto m = t->encode("a <mask>b", false);
    EXPECT_EQ(ids_of(m), (V{97, 301, 98}));
    EXPECT_EQ(m[1].start, 1u);
    EXPECT_EQ(m[1].end, 8u);
    // single_word: inside a word it is not the added token; between spaces it is.
    EXPECT_EQ(ids_of(t->encode("a[x]b", false)), (V{97, 91, 120, 93, 98}));
    EXPECT_EQ(ids_of(t->encode("a [x] b", false)), (V{97, 32, 302, 32, 98}));
    // rstrip: the spaces after <r> belong to it.
    const auto r = t->encode("<r>  z", false);
    EXPECT_EQ(ids_of(r), (V{303, 122}));
    EXPECT_EQ(r[0].end, 5u);
    // Decoding writes added tokens' content as is.
    EXPECT_EQ(t->decode(V{104, 105, 300}), "hi<|endoftext|>");
}

TEST(ByteLevelTokenizer, NormalizedAddedTokensMatchTheNormalizedText) {
    HandTokenizer h = byte_level_tokenizer();
    h.normalizer = R"({"type": "NFC"})";
    // "é" written decomposed in the file: matched against the NFC text as its composed form.
    h.added_tokens =
        R"([{"id": 300, "content": "e\u0301!", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": false}])";
    auto t = h.build();
    ASSERT_TRUE(t);
    EXPECT_EQ(ids_of(t->encode("x\xC3\xA9!", false)), (V{120, 300}));
    EXPECT_EQ(ids_of(t->encode("xe\xCC\x81!", false)), (V{120, 300}));
}

TEST(ByteLevelTokenizer, TemplateAddsBosOnlyWithSpecialTokensAndByteLevelProcessorChangesNoIds) {
    HandTokenizer h = byte_level_tokenizer();
    h.added_tokens = "[" + added(300, "<|begin_of_text|>", true) + ", " + added(301, "<|end|>", true) + "]";
    h.post_processor = R"({"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                    {"SpecialToken": {"id": "<|end|>", "type_id": 0}}],
         "pair": [],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [300], "tokens": ["<|begin_of_text|>"]},
                            "<|end|>": {"id": "<|end|>", "ids": [301], "tokens": ["<|end|>"]}}}]})";
    auto t = h.build();
    ASSERT_TRUE(t);
    const std::string text = "hi";
    const auto tokens = t->encode(text);
    EXPECT_EQ(ids_of(tokens), (V{300, 104, 105, 301}));
    EXPECT_EQ(tokens[0].start, 0u);
    EXPECT_EQ(tokens[0].end, 0u);
    EXPECT_TRUE(tokens[0].special);
    EXPECT_EQ(tokens[3].start, 2u);
    EXPECT_EQ(tokens[3].end, 2u);
    EXPECT_EQ(concat_spans(text, tokens), text);
    EXPECT_EQ(ids_of(t->encode(text, false)), (V{104, 105}));
    EXPECT_EQ(t->decode(V{300, 104, 105}), "<|begin_of_text|>hi");
    // An empty text still gets the template's tokens.
    EXPECT_EQ(ids_of(t->encode("")), (V{300, 301}));
}

TEST(ByteLevelTokenizer, IgnoreMergesTakesAWordInTheVocabularyWhole) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back(bl(" c"), 256);
    h.vocab.emplace_back("at", 257);
    h.vocab.emplace_back(bl(" cat"), 258);  // in the vocabulary, but no merge builds it
    h.merge(bl(" "), "c");
    h.merge("a", "t");
    EXPECT_EQ(ids_of(h.build()->encode("a cat", false)), (V{97, 256, 257}));
    h.model_options = R"("ignore_merges": true, )";
    EXPECT_EQ(ids_of(h.build()->encode("a cat", false)), (V{97, 258}));
    // A word not in the vocabulary still goes through the merges.
    EXPECT_EQ(ids_of(h.build()->encode("a cats", false)), (V{97, 256, 257, 115}));
}

class TempDir {
  public:
    TempDir() {
        char pattern[] = "/tmp/attnviz_tokenizer_XXXXXX";
        const char* made = mkdtemp(pattern);
        m_path = made == nullptr ? std::string() : std::string(made);
    }
    ~TempDir() {
        std::error_code ec;
        if (!m_path.empty()) std::filesystem::remove_all(m_path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = m_path + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

  private:
    std::string m_path;
};

TEST(ByteLevelTokenizer, Gpt2VocabJsonAndMergesTxtGiveTheSameIdsAsTokenizerJson) {
    std::string vocab = "{";
    for (unsigned b = 0; b < 256; ++b)
        vocab += attnviz::testing::js(attnviz::testing::byte_char(b)) + ": " + std::to_string(b) + ", ";
    vocab += attnviz::testing::js(bl(" t")) + ": 256, \"he\": 257, " + attnviz::testing::js(bl(" the")) +
             ": 258, \"<|endoftext|>\": 259}";
    const std::string merges = "#version: 0.2\n" + bl(" ") + " t\nh e\n" + bl(" t") + " he\n";
    TempDir dir;
    auto t = attnviz::model::load_gpt2_vocab_merges(dir.write("vocab.json", vocab),
                                                    dir.write("merges.txt", merges));
    ASSERT_TRUE(t.ok()) << t.error();
    EXPECT_EQ(ids_of((*t)->encode("the the")), (V{116, 257, 258}));
    // <|endoftext|> is special (matched whole), and nothing is prepended.
    EXPECT_EQ(ids_of((*t)->encode("a<|endoftext|>")), (V{97, 259}));
    EXPECT_EQ((*t)->decode(V{116, 257, 258}), "the the");

    auto bad = attnviz::model::load_gpt2_vocab_merges(
        dir.write("vocab2.json", vocab), dir.write("merges2.txt", "#version: 0.2\nh e\nh e x\n"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("merges2.txt"), std::string::npos) << bad.error();
    EXPECT_NE(bad.error().find("line 3"), std::string::npos) << bad.error();
}

TEST(ByteLevelTokenizer, AMegabyteOfMixedTextTilesAndRoundTrips) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back(bl(" t"), 256);
    h.vocab.emplace_back("he", 257);
    h.vocab.emplace_back(bl(" the"), 258);
    h.merge(bl(" "), "t");
    h.merge("h", "e");
    h.merge(bl(" t"), "he");
    h.normalizer = R"({"type": "NFC"})";
    auto t = h.build();
    ASSERT_TRUE(t);
    const std::string unit =
        "The cat's   toy,\tthe 2024 model\n\n\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 caf\xC3\xA9 "
        "e\xCC\x81 x\xFF y  ";
    std::string text;
    while (text.size() < (1u << 20)) text += unit;
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(concat_spans(text, tokens), text);
    // The one invalid byte per unit decodes as U+FFFD; the decomposed é is composed; all else is exact.
    std::string expected_unit = unit;
    expected_unit.replace(expected_unit.find("e\xCC\x81"), 3, "\xC3\xA9");
    expected_unit.replace(expected_unit.find('\xFF'), 1, "\xEF\xBF\xBD");
    std::string expected;
    std::size_t n_units = text.size() / unit.size();
    for (std::size_t k = 0; k < n_units; ++k) expected += expected_unit;
    EXPECT_EQ(t->decode(ids_of(tokens)), expected);
}

}  // namespace

namespace {

TEST(ByteLevelTokenizer, DigitsLowercaseStripAndRobertaStages) {
    HandTokenizer h = byte_level_tokenizer();
    h.vocab.emplace_back("12", 256);
    h.merge("1", "2");
    // Digits with individual_digits cuts between digits, so (1,2) cannot merge.
    h.pre_tokenizer =
        std::string(
            R"({"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, )") +
        kNoRegexByteLevel + "]}";
    EXPECT_EQ(ids_of(h.build()->encode("a123", false)), (V{97, 49, 50, 51}));
    h.pre_tokenizer =
        std::string(
            R"({"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": false}, )") +
        kNoRegexByteLevel + "]}";
    EXPECT_EQ(ids_of(h.build()->encode("a123", false)), (V{97, 256, 51}));
    // WhitespaceSplit drops the whitespace; the spans still tile the text.
    h.pre_tokenizer = std::string(R"({"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, )") +
                      kNoRegexByteLevel + "]}";
    const std::string spaced = " a \t b ";
    const auto ws = h.build()->encode(spaced, false);
    EXPECT_EQ(ids_of(ws), (V{97, 98}));
    EXPECT_EQ(concat_spans(spaced, ws), spaced);
    // Lowercase then Strip: "  AbC " -> "abc"; the stripped spaces belong to the neighbouring tokens.
    h.pre_tokenizer = kNoRegexByteLevel;
    h.normalizer = R"({"type": "Sequence", "normalizers": [{"type": "Lowercase"},
                      {"type": "Strip", "strip_left": true, "strip_right": true}]})";
    const std::string upper = "  AbC ";
    const auto low = h.build()->encode(upper, false);
    EXPECT_EQ(ids_of(low), (V{97, 98, 99}));
    EXPECT_EQ(concat_spans(upper, low), upper);
    // Lowercase is Unicode-aware: "É" (C3 89) -> "é" (C3 A9).
    EXPECT_EQ(ids_of(h.build()->encode("\xC3\x89", false)), (V{0xC3, 0xA9}));
    // RobertaProcessing wraps the text in its cls and sep ids.
    h.normalizer = "null";
    h.post_processor = R"({"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                          "trim_offsets": true, "add_prefix_space": false})";
    EXPECT_EQ(ids_of(h.build()->encode("ab")), (V{0, 97, 98, 2}));
    EXPECT_EQ(ids_of(h.build()->encode("ab", false)), (V{97, 98}));
}

}  // namespace
