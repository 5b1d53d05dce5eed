// The shipped stories260K tokenizer (SentencePiece-style BPE with byte fallback) against the numbers in
// its PROVENANCE.md: the prompt's ids and the text of the greedy continuation.
#include "core/model/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

using attnviz::model::Token;
using attnviz::model::Tokenizer;

std::shared_ptr<const Tokenizer> stories() {
    const std::string path = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K/tokenizer.json";
    auto t = attnviz::model::load_tokenizer_json(path);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error());
    return t.ok() ? *t : nullptr;
}

std::vector<int> ids_of(const std::vector<Token>& tokens) {
    std::vector<int> ids;
    for (const Token& t : tokens) ids.push_back(t.id);
    return ids;
}

std::string concat_spans(const std::string& text, const std::vector<Token>& tokens) {
    std::string out;
    for (const Token& t : tokens) out += text.substr(t.start, t.end - t.start);
    return out;
}

TEST(Stories260KTokenizer, OnceUponATimeGivesTheProvenanceIds) {
    auto t = stories();
    ASSERT_TRUE(t);
    const std::string text = "Once upon a time";
    const auto tokens = t->encode(text);
    EXPECT_EQ(ids_of(tokens), (std::vector<int>{1, 403, 407, 261, 378}));
    ASSERT_EQ(tokens.size(), 5u);
    // <s> is added by the template: empty span at the start, marked special.
    EXPECT_TRUE(tokens[0].special);
    EXPECT_EQ(tokens[0].start, 0u);
    EXPECT_EQ(tokens[0].end, 0u);
    EXPECT_EQ(tokens[0].display, "<s>");
    // "▁Once" covers "Once" (the ▁ was prepended), "▁upon" covers " upon".
    EXPECT_EQ(tokens[1].start, 0u);
    EXPECT_EQ(tokens[1].end, 4u);
    EXPECT_EQ(tokens[1].display, "\xC2\xB7Once");
    EXPECT_EQ(tokens[2].start, 4u);
    EXPECT_EQ(tokens[2].end, 9u);
    EXPECT_EQ(tokens[4].end, text.size());
    EXPECT_EQ(concat_spans(text, tokens), text);
    EXPECT_EQ(ids_of(t->encode(text, false)), (std::vector<int>{403, 407, 261, 378}));
    EXPECT_EQ(t->vocab_size(), 512);
}

TEST(Stories260KTokenizer, GreedyContinuationDecodesToTheProvenanceText) {
    auto t = stories();
    ASSERT_TRUE(t);
    const std::vector<int> ids = {1,   403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395,
                                  317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265,
                                  282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432};
    const std::string expected =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One "
        "day, she "
        "saw a big,";
    // skip_special_tokens=False keeps "<s>", and the Strip decoder removes only a leading space.
    EXPECT_EQ(t->decode(ids), "<s> " + expected);
    EXPECT_EQ(t->decode(std::vector<int>(ids.begin() + 1, ids.end())), expected);
    // And the text encodes back to the same ids.
    EXPECT_EQ(ids_of(t->encode(expected)), ids);
}

TEST(Stories260KTokenizer, ByteFallbackForCharactersOutsideTheVocabulary) {
    auto t = stories();
    ASSERT_TRUE(t);
    // "你" (E4 BD A0) is not in the 512-token vocabulary: "▁" then <0xE4> <0xBD> <0xA0> (id = 3 + byte).
    const std::string text = "\xE4\xBD\xA0";
    const auto tokens = t->encode(text, false);
    ASSERT_EQ(tokens.size(), 4u);
    EXPECT_EQ(t->display(tokens[0].id), "\xC2\xB7");
    EXPECT_EQ(tokens[1].id, 3 + 0xE4);
    EXPECT_EQ(tokens[2].id, 3 + 0xBD);
    EXPECT_EQ(tokens[3].id, 3 + 0xA0);
    // The prepended ▁ spans nothing; each byte token spans exactly its byte and shows it as hex.
    EXPECT_EQ(tokens[0].start, 0u);
    EXPECT_EQ(tokens[0].end, 0u);
    for (std::size_t k = 1; k < 4; ++k) {
        EXPECT_EQ(tokens[k].start, k - 1);
        EXPECT_EQ(tokens[k].end, k);
    }
    EXPECT_EQ(tokens[1].display,
              "\xE2\x9F\xA8"
              "E4"
              "\xE2\x9F\xA9");
    EXPECT_EQ(t->decode(ids_of(tokens)), text);
    EXPECT_EQ(concat_spans(text, tokens), text);
}

}  // namespace

namespace {

TEST(Stories260KTokenizer, ConcurrentEncodesShareTheCacheAndAgree) {
    auto t = stories();
    ASSERT_TRUE(t);
    std::string text;
    for (int k = 0; k < 400; ++k) text += "Once upon a time, " + std::to_string(k) + " little girls played. ";
    const std::vector<Token> expected = t->encode(text);
    std::vector<std::vector<Token>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t k = 0; k < results.size(); ++k) {
        threads.emplace_back([&, k]() { results[k] = t->encode(text); });
    }
    for (std::thread& th : threads) th.join();
    for (const auto& r : results) {
        EXPECT_EQ(ids_of(r), ids_of(expected));
        EXPECT_EQ(concat_spans(text, r), text);
    }
}

}  // namespace
