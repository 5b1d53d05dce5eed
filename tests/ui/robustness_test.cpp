// robustness.md items that live in the lesson GUI's state: scripts (T5-T7), a 1 MB paste (T9), a head
// index left over from more heads (N5). Each renders real frames headless and checks the state after.
#include "app/gui/app_actions.h"
#include "core/io/utf8.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

/// Every weight drawn is a finite number in [0, 1] and each row with a visible key sums to 1.
void expect_finite_distributions(const AppState& s, const std::string& context) {
    ASSERT_NE(s.derived.result(), nullptr) << context << ": " << s.derived.status;
    for (const HeadResult& h : s.derived.result()->heads) {
        for (int i = 0; i < h.weights.rows(); ++i) {
            double sum = 0.0;
            for (int j = 0; j < h.weights.cols(); ++j) {
                const float w = h.weights(i, j);
                ASSERT_TRUE(std::isfinite(w) && w >= 0.0f && w <= 1.0f)
                    << context << " row " << i << " col " << j;
                sum += static_cast<double>(w);
            }
            if (sum > 0.0) {
                EXPECT_NEAR(sum, 1.0, 1e-5) << context << " row " << i;
            }
        }
    }
}

// T5, T6, T7: astral characters, ZWJ emoji, combining marks, variation selectors, RTL and complex scripts,
// scripts without spaces. The tokens tile the text exactly, the sentence is kept byte for byte, and
// every frame draws finite distributions (the drawing itself is ImGui's, unshaped).
TEST(AppScripts, EveryScriptTokenizesIntoTheExactTextAndDraws) {
    HeadlessImGui ui;
    const char* sentences[] = {
        "I \xF0\x9F\x98\x8D \xF0\x9D\x94\x98 \xF0\xA0\x80\x80 ok",  // 😍 𝔘 CJK Ext B
        "hi \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB e\xCC\x81t\xC3\xA9 "
        "\xE2\x9D\xA4\xEF\xB8\x8F",  // ZWJ, e+U+0301, VS16
        "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 "
        "\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85",           // Arabic
        "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D",  // Hebrew
        "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87 "
        "\xE0\xA4\xA6\xE0\xA5\x81"
        "\xE0\xA4\xA8\xE0\xA4\xBF\xE0\xA4\xAF\xE0\xA4\xBE",  // Devanagari
        "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5\xE0\xB8\x84\xE0"
        "\xB8\xA3"
        "\xE0\xB8\xB1\xE0\xB8\x9A",                                      // Thai
        "\xE5\xB0\x8F\xE6\x98\x8E\xE5\x96\x9C\xE6\xAC\xA2\xE7\x8C\xAB",  // Chinese
    };
    for (const char* text : sentences) {
        AppState s;
        set_sentence(s, text);
        ui.frames(s, 3);
        EXPECT_EQ(s.sentence, text) << "the editor keeps the text byte for byte";
        const Tokenization& t = s.derived.tokens;
        ASSERT_FALSE(t.tokens.empty()) << text;
        EXPECT_EQ(t.n_invalid_bytes, 0) << text;
        // No token is the whole sentence (a script without spaces never becomes one giant "word").
        EXPECT_GT(t.tokens.size(), 1u) << text;
        std::size_t end = 0;
        for (const Token& tok : t.tokens) {
            EXPECT_GE(tok.byte_begin, end) << text;
            EXPECT_EQ(t.text.substr(tok.byte_begin, tok.byte_end - tok.byte_begin), tok.text) << text;
            // Only spaces between tokens.
            EXPECT_EQ(t.text.substr(end, tok.byte_begin - end).find_first_not_of(' '), std::string::npos)
                << text;
            end = tok.byte_end;
        }
        EXPECT_EQ(end, t.text.size()) << text;
        expect_finite_distributions(s, text);
    }
}

// T9: a 1 MB paste is capped before anything is allocated for it, with a notice; the full text stays in
// the editor and the capped sentence draws.
TEST(AppScripts, AMegabytePasteIsCappedAndTheTextStays) {
    HeadlessImGui ui;
    AppState s;
    std::string text;
    int n_tokens = 0;
    for (; text.size() < (1u << 20); n_tokens += 9) text += "the pod crashed because it ran out of memory ";
    set_sentence(s, text);
    ui.frames(s, 3);
    EXPECT_EQ(s.sentence, text);
    ASSERT_NE(s.derived.result(), nullptr) << s.derived.status;
    EXPECT_EQ(s.derived.result()->n_q, 512);
    bool noticed = false;
    for (const std::string& n : s.derived.notices)
        noticed = noticed || n.find("of " + std::to_string(n_tokens) + " tokens") != std::string::npos;
    EXPECT_TRUE(noticed) << (s.derived.notices.empty() ? std::string("no notice")
                                                       : s.derived.notices.front());
    expect_finite_distributions(s, "1 MB");
}

// N5: the focused head is clamped when the head count drops below it; nothing reads past the heads.
TEST(AppScripts, AFocusedHeadBeyondTheNewHeadCountIsClamped) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    s.selection.focus_head = 7;
    ui.frames(s, 2);
    ASSERT_EQ(s.selection.focus_head, 7);
    set_heads(s, 2, 8);
    ui.frames(s, 3);
    EXPECT_EQ(s.selection.focus_head, 1);
    ASSERT_NE(s.derived.result(), nullptr);
    EXPECT_EQ(s.derived.result()->heads.size(), 2u);
    // Set behind the actions' back (a scenario written for more heads): update() clamps it as well.
    s.selection.focus_head = 12;
    s.inputs_changed();
    ui.frames(s, 3);
    EXPECT_EQ(s.selection.focus_head, 1);
    expect_finite_distributions(s, "2 heads");
}

}  // namespace
}  // namespace attnviz::gui
