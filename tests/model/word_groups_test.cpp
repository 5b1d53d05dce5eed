// Merging subwords into words: the grouping rule on labels of both tokenizer families (and on stories260K's
// real tokens), and the word-level attention matrix worked by hand with its row-sum and causality
// invariants.
#include "core/model/word_groups.h"

#include "core/base/seeded_random.h"
#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using attnviz::ConstMapRM;
using attnviz::MatrixRM;
using attnviz::SeededRandom;
using namespace attnviz::model;

ConstMapRM view(const MatrixRM& m) {
    return ConstMapRM(m.data(), m.rows(), m.cols());
}

TEST(WordGroups, SpaceMarksStartWordsAndSpecialTokensStandAlone) {
    const std::vector<std::string> d = {"<s>",
                                        "\xC2\xB7Once",
                                        "\xC2\xB7up",
                                        "on",
                                        "\xC2\xB7"
                                        "a",
                                        "\xC2\xB7time",
                                        ","};
    const WordGroups g = group_words_from_labels(d, {true, false, false, false, false, false, false});
    EXPECT_EQ(g.word_start, (std::vector<int>{0, 1, 2, 4, 5, 7}));
    EXPECT_EQ(g.word_of_token, (std::vector<int>{0, 1, 2, 2, 3, 4, 4}));
    EXPECT_EQ(g.n_words(), 5);
    EXPECT_EQ(word_labels(d, g), (std::vector<std::string>{"<s>", "\xC2\xB7Once", "\xC2\xB7upon",
                                                           "\xC2\xB7"
                                                           "a",
                                                           "\xC2\xB7time,"}));
}

TEST(WordGroups, ByteLevelTextWithoutALeadingSpaceAndTokensAfterASpecialOne) {
    // GPT-2: "Hello world<|endoftext|>again" -> Hello ·world <|endoftext|> again
    const std::vector<std::string> d = {"Hel", "lo", "\xC2\xB7world", "<|endoftext|>", "again"};
    const WordGroups g = group_words_from_labels(d, {false, false, false, true, false});
    EXPECT_EQ(g.word_start, (std::vector<int>{0, 2, 3, 4, 5}));
}

TEST(WordGroups, LineBreaksEndWordsButALoneSpaceJoinsWhatFollows) {
    // "Hi\nthere" -> Hi ↵ there; SentencePiece "▁" + byte pieces of 中 -> one word; a tab ends a word.
    const std::vector<std::string> d = {"Hi",
                                        "\xE2\x86\xB5",
                                        "there",
                                        "\xC2\xB7",
                                        "\xE2\x9F\xA8"
                                        "E4\xE2\x9F\xA9",
                                        "\xE2\x9F\xA8"
                                        "B8 AD\xE2\x9F\xA9",
                                        "x\xE2\x87\xA5",
                                        "y"};
    const WordGroups g = group_words_from_labels(d);
    EXPECT_EQ(g.word_start, (std::vector<int>{0, 1, 2, 3, 7, 8}));  // "·⟨E4⟩⟨B8 AD⟩x⇥" is one word
    // Raw whitespace (a caller passing decoded text) counts too.
    EXPECT_EQ(group_words_from_labels({"a", " b", "c\n", "d"}).word_start, (std::vector<int>{0, 1, 3, 4}));
}

TEST(WordGroups, EmptyAndSingle) {
    const WordGroups empty = group_words_from_labels(std::vector<std::string>{});
    EXPECT_EQ(empty.n_words(), 0);
    EXPECT_EQ(empty.n_tokens(), 0);
    const auto merged = merge_attention(view(MatrixRM(0, 0)), empty);
    ASSERT_TRUE(merged.ok()) << merged.error();
    EXPECT_EQ(merged->rows(), 0);
    const WordGroups one = group_words_from_labels({"x"});
    EXPECT_EQ(one.word_start, (std::vector<int>{0, 1}));
}

TEST(MergeAttention, SumsKeyColumnsAndAveragesQueryRowsByHand) {
    // Tokens: A | b1 b2 | C   (words 0, 1, 1, 2)
    MatrixRM w(4, 4);
    w << 1.0f, 0.0f, 0.0f, 0.0f,  //
        0.4f, 0.6f, 0.0f, 0.0f,   //
        0.2f, 0.3f, 0.5f, 0.0f,   //
        0.1f, 0.2f, 0.3f, 0.4f;
    const WordGroups g = group_words_from_labels({"A",
                                                  "\xC2\xB7"
                                                  "b1",
                                                  "b2",
                                                  "\xC2\xB7"
                                                  "C"});
    ASSERT_EQ(g.word_start, (std::vector<int>{0, 1, 3, 4}));
    const auto m = merge_attention(view(w), g);
    ASSERT_TRUE(m.ok()) << m.error();
    ASSERT_EQ(m->rows(), 3);
    MatrixRM want(3, 3);
    want << 1.0f, 0.0f, 0.0f,                                      //
        (0.4f + 0.2f) / 2, (0.6f + 0.0f + 0.3f + 0.5f) / 2, 0.0f,  //
        0.1f, 0.2f + 0.3f, 0.4f;
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) EXPECT_NEAR((*m)(i, j), want(i, j), 1e-7) << i << "," << j;
    }
}

TEST(MergeAttention, RowsStillSumToOneAndCausalStaysLowerTriangular) {
    SeededRandom rng(3);
    for (int n : {1, 2, 7, 30}) {
        MatrixRM w = MatrixRM::Zero(n, n);
        for (int i = 0; i < n; ++i) {
            double sum = 0.0;
            for (int j = 0; j <= i; ++j)
                sum += static_cast<double>(w(i, j) = static_cast<float>(rng.uniform()));
            for (int j = 0; j <= i; ++j) w(i, j) = static_cast<float>(static_cast<double>(w(i, j)) / sum);
        }
        std::vector<std::string> d;
        for (int k = 0; k < n; ++k) d.push_back(rng.uniform() < 0.4 ? "\xC2\xB7w" : "p");
        const WordGroups g = group_words_from_labels(d);
        const auto m = merge_attention(view(w), g);
        ASSERT_TRUE(m.ok()) << m.error();
        for (int a = 0; a < g.n_words(); ++a) {
            EXPECT_NEAR(m->row(a).cast<double>().sum(), 1.0, 1e-6);
            for (int b = a + 1; b < g.n_words(); ++b) EXPECT_EQ((*m)(a, b), 0.0f);
        }
    }
}

TEST(MergeAttention, MismatchedOrInconsistentGroupsAreErrors) {
    const MatrixRM w = MatrixRM::Identity(3, 3);
    const auto wrong_size = merge_attention(view(w), group_words_from_labels({"a", "b"}));
    ASSERT_FALSE(wrong_size.ok());
    EXPECT_NE(wrong_size.error().find("2 tokens"), std::string::npos) << wrong_size.error();
    EXPECT_NE(wrong_size.error().find("[3, 3]"), std::string::npos) << wrong_size.error();
    WordGroups bad;
    bad.word_of_token = {0, 5, 1};
    bad.word_start = {0, 1, 3};
    EXPECT_FALSE(merge_attention(view(w), bad).ok());
    EXPECT_EQ(word_labels({"a", "b", "c"}, bad).size(), 2u);  // the bad index is skipped, no crash
}

TEST(WordGroupsStories260K, RealTokensGroupIntoTheTextsWords) {
    const auto tok = load_builtin_tokenizer();
    ASSERT_TRUE(tok.ok()) << tok.error();
    const std::string text = "Once upon a time, Lily saw a butterfly.\nThe end";
    const std::vector<Token> tokens = (*tok)->encode(text);
    const WordGroups g = group_words(tokens);
    std::vector<std::string> d;
    for (const Token& t : tokens) d.push_back(t.display);
    // <s>, then every whitespace-separated piece of the text; the newline is its own word.
    EXPECT_EQ(word_labels(d, g), (std::vector<std::string>{"<s>", "\xC2\xB7Once", "\xC2\xB7upon",
                                                           "\xC2\xB7"
                                                           "a",
                                                           "\xC2\xB7time,", "\xC2\xB7Lily", "\xC2\xB7saw",
                                                           "\xC2\xB7"
                                                           "a",
                                                           "\xC2\xB7"
                                                           "butterfly.",
                                                           "\xE2\x86\xB5", "The",
                                                           "\xC2\xB7"
                                                           "end"}));
    EXPECT_LT(g.n_words(), static_cast<int>(tokens.size()));  // some words are several subwords
}

}  // namespace
