// SentencePiece-style BPE (Llama 2, TinyLlama, Mistral) on hand-made tokenizer.json files: the prepended
// and replaced ▁, byte fallback <0xXX>, unk with and without fusing, the legacy Metaspace pre-tokenizer,
// and the decoders that undo them. Ids: <unk> 0, <s> 1, </s> 2, <0xXX> = 3 + XX, then 259 on.
#include "core/model/tokenizer.h"

#include "tests/support/hand_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using attnviz::testing::concat_spans;
using attnviz::testing::HandTokenizer;
using attnviz::testing::ids_of;
using attnviz::testing::sentencepiece_tokenizer;
using V = std::vector<int>;

constexpr int kSpace = 259;  // ▁
constexpr int kA = 260;
constexpr int kB = 261;
constexpr int kSpaceA = 262;   // ▁a
constexpr int kAB = 263;       // ab
constexpr int kSpaceAB = 264;  // ▁ab

HandTokenizer abc() {
    HandTokenizer h = sentencepiece_tokenizer({"\xE2\x96\x81", "a", "b",
                                               "\xE2\x96\x81"
                                               "a",
                                               "ab",
                                               "\xE2\x96\x81"
                                               "ab"});
    h.merge("\xE2\x96\x81", "a");  // rank 0
    h.merge(
        "\xE2\x96\x81"
        "a",
        "b");           // rank 1
    h.merge("a", "b");  // rank 2
    return h;
}

TEST(SentencePieceTokenizer, PrependedMarkMergesAndTheTemplateAddsBos) {
    auto t = abc().build();
    ASSERT_TRUE(t);
    // "ab ab" -> "▁ab▁ab": (▁,a) rank 0 before (a,b) rank 2, then (▁a,b) rank 1 -> ▁ab twice.
    const std::string text = "ab ab";
    const auto tokens = t->encode(text);
    EXPECT_EQ(ids_of(tokens), (V{1, kSpaceAB, kSpaceAB}));
    // The prepended ▁ has no bytes in the text; the replaced one is the space.
    EXPECT_EQ(tokens[1].start, 0u);
    EXPECT_EQ(tokens[1].end, 2u);
    EXPECT_EQ(tokens[2].start, 2u);
    EXPECT_EQ(tokens[2].end, 5u);
    EXPECT_EQ(tokens[1].display,
              "\xC2\xB7"
              "ab");  // ·ab
    EXPECT_EQ(concat_spans(text, tokens), text);
    EXPECT_EQ(ids_of(t->encode(text, false)), (V{kSpaceAB, kSpaceAB}));
    // "ba" -> ▁ b a: no merge applies.
    EXPECT_EQ(ids_of(t->encode("ba", false)), (V{kSpace, kB, kA}));
    // "aab" -> ▁ a a b: (▁,a) first, then (▁a,a)? none; (a,b) -> [▁a, ab].
    EXPECT_EQ(ids_of(t->encode("aab", false)), (V{kSpaceA, kAB}));
    // Two spaces: ▁ ▁ a: the first ▁ stays alone, the second merges with a.
    EXPECT_EQ(ids_of(t->encode(" a", false)), (V{kSpace, kSpaceA}));
    // An empty text: no ▁ is prepended, only the template's <s>.
    EXPECT_EQ(ids_of(t->encode("")), (V{1}));
}

TEST(SentencePieceTokenizer, ByteFallbackSpellsUnknownCharactersAsBytes) {
    auto t = abc().build();
    ASSERT_TRUE(t);
    // "c" is not in the vocabulary: <0x63> = 3 + 0x63.
    EXPECT_EQ(ids_of(t->encode("c", false)), (V{kSpace, 3 + 0x63}));
    // 😀 = F0 9F 98 80: four byte tokens, one byte each, shown as hex, decoded back whole.
    const std::string emoji = "a\xF0\x9F\x98\x80";
    const auto tokens = t->encode(emoji, false);
    EXPECT_EQ(ids_of(tokens), (V{kSpaceA, 3 + 0xF0, 3 + 0x9F, 3 + 0x98, 3 + 0x80}));
    EXPECT_EQ(tokens[1].start, 1u);
    EXPECT_EQ(tokens[1].end, 2u);
    EXPECT_EQ(tokens[1].display,
              "\xE2\x9F\xA8"
              "F0"
              "\xE2\x9F\xA9");
    EXPECT_EQ(concat_spans(emoji, tokens), emoji);
    EXPECT_EQ(t->decode(ids_of(tokens)), emoji);
    // Byte tokens that are not valid UTF-8 together decode to one U+FFFD per byte (ByteFallback).
    EXPECT_EQ(t->decode(V{kA, 3 + 0xF0, 3 + 0x9F}), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SentencePieceTokenizer, UnknownCharactersBecomeUnkFusedOrNot) {
    HandTokenizer h = abc();
    h.model_options = R"("unk_token": "<unk>", "fuse_unk": true, "byte_fallback": false, )";
    auto fused = h.build();
    ASSERT_TRUE(fused);
    const std::string text = "cc";
    const auto tokens = fused->encode(text, false);
    EXPECT_EQ(ids_of(tokens), (V{kSpace, 0}));
    EXPECT_EQ(tokens[1].start, 0u);
    EXPECT_EQ(tokens[1].end, 2u);
    EXPECT_EQ(tokens[1].display, "<unk>");
    h.model_options = R"("unk_token": "<unk>", "fuse_unk": false, "byte_fallback": false, )";
    EXPECT_EQ(ids_of(h.build()->encode(text, false)), (V{kSpace, 0, 0}));
    // Without an unk token an unknown character is dropped before the merges, so ▁ a b still merge
    // across it; its byte still belongs to a span, and a token after it keeps its exact span.
    h.model_options = R"("unk_token": null, "byte_fallback": false, )";
    auto dropping = h.build();
    const std::string dropped = "acb";
    const auto d = dropping->encode(dropped, false);
    EXPECT_EQ(ids_of(d), (V{kSpaceAB}));
    EXPECT_EQ(concat_spans(dropped, d), dropped);
    const std::string dropped2 = "ac ba";
    const auto d2 = dropping->encode(dropped2, false);
    EXPECT_EQ(ids_of(d2), (V{kSpaceA, kSpace, kB, kA}));
    EXPECT_EQ(d2[1].start, 2u);  // the ▁ that replaced the space
    EXPECT_EQ(d2[2].start, 3u);
    EXPECT_EQ(concat_spans(dropped2, d2), dropped2);
}

TEST(SentencePieceTokenizer, SpecialTokensSplitTheTextAndEachPieceGetsItsOwnMark) {
    auto t = abc().build();
    ASSERT_TRUE(t);
    // "<s>" in the text is matched whole; "ab" after it is normalized alone, so it gets its own ▁
    // (the Llama quirk `tokenizers` has): <s>(template) <s>(text) ▁ab.
    const std::string text = "<s>ab";
    const auto tokens = t->encode(text);
    EXPECT_EQ(ids_of(tokens), (V{1, 1, kSpaceAB}));
    EXPECT_EQ(tokens[1].start, 0u);
    EXPECT_EQ(tokens[1].end, 3u);
    EXPECT_TRUE(tokens[1].special);
    EXPECT_EQ(concat_spans(text, tokens), text);
}

TEST(SentencePieceTokenizer, DecodeUndoesTheMarksAsLlamaDecodersDo) {
    auto t = abc().build();
    ASSERT_TRUE(t);
    // skip_special_tokens=False: <s> stays, then " ab ab"; Strip removes one leading space only.
    EXPECT_EQ(t->decode(V{1, kSpaceAB, kSpaceAB}), "<s> ab ab");
    EXPECT_EQ(t->decode(V{kSpaceAB, kSpaceAB}), "ab ab");
    EXPECT_EQ(t->decode(V{kSpace, kSpaceAB}), " ab");
    // Ids the tokenizer does not know are skipped.
    EXPECT_EQ(t->decode(V{kSpaceAB, 100000, -5}), "ab");
}

TEST(SentencePieceTokenizer, LegacyMetaspacePreTokenizerGivesTheSameIds) {
    HandTokenizer h = abc();
    h.normalizer = "null";
    h.pre_tokenizer =
        R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true})";
    h.decoder = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true})";
    auto t = h.build();
    ASSERT_TRUE(t);
    const std::string text = "ab ab";
    const auto tokens = t->encode(text, false);
    EXPECT_EQ(ids_of(tokens), (V{kSpaceAB, kSpaceAB}));
    EXPECT_EQ(concat_spans(text, tokens), text);
    EXPECT_EQ(t->decode(ids_of(tokens)), "ab ab");
    // The old add_prefix_space: false means never prepend: "ab" | "▁ab".
    h.pre_tokenizer = R"({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false})";
    EXPECT_EQ(ids_of(h.build()->encode(text, false)), (V{kAB, kSpaceAB}));
    // prepend_scheme "first": only a piece at the very start of the text gets the mark.
    h.pre_tokenizer =
        R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true})";
    EXPECT_EQ(ids_of(h.build()->encode("ab</s>ab", false)), (V{kSpaceAB, 2, kAB}));
}

}  // namespace
