// robustness.md items that live in the lesson GUI's state: scripts (T5-T7), a 1 MB paste (T9), a head
// index left over from more heads (N5), fonts taken away or corrupt (T10, R1), a minimised or 1 x 1 window
// (R7). Each renders real frames headless (or builds a real font atlas) and checks the state after.
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/style/fonts.h"
#include "app/gui/widgets/widgets.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;

/// Every weight drawn is a finite number in [0, 1] and each row with a visible key sums to 1.
void expect_finite_distributions(const AppState& s, const std::string& context) {
    ASSERT_NE(s.derived.result(), nullptr) << context << ": " << s.derived.status;
    for (const attention::HeadResult& h : s.derived.result()->heads) {
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
        const lesson::Tokenization& t = s.derived.tokens;
        ASSERT_FALSE(t.tokens.empty()) << text;
        EXPECT_EQ(t.n_invalid_bytes, 0) << text;
        // No token is the whole sentence (a script without spaces never becomes one giant "word").
        EXPECT_GT(t.tokens.size(), 1u) << text;
        std::size_t end = 0;
        for (const lesson::Token& tok : t.tokens) {
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

// T5: the chip tooltip's code-point line for what the label cannot draw (astral characters are U+FFFD in
// Debian's 16-bit imgui): every code point in order, joiners, selectors and combining marks named.
TEST(AppScripts, TheChipTooltipListsCodePointsOfAstralJoinedAndCombinedText) {
    EXPECT_EQ(code_point_line("cat"), "") << "ASCII needs no list";
    EXPECT_EQ(code_point_line("e\xCC\x81"), "code points: U+0065 U+0301 (combining)");
    EXPECT_EQ(code_point_line("\xE2\x9D\xA4\xEF\xB8\x8F"), "code points: U+2764 U+FE0F (variation selector)");
    EXPECT_EQ(code_point_line("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB"),  // woman + ZWJ + laptop
              "code points: U+1F469 U+200D (ZWJ) U+1F4BB; those above U+FFFF are drawn as \xEF\xBF\xBD "
              "(this ImGui has 16-bit characters)");
    EXPECT_EQ(code_point_line("\xF0\xA0\x80\x80"),  // CJK Extension B
              "code points: U+20000; those above U+FFFF are drawn as \xEF\xBF\xBD (this ImGui has 16-bit "
              "characters)");
    // A long token lists 16 and says how many there are.
    std::string long_word;
    for (int i = 0; i < 20; ++i) long_word += "\xC3\xA9";
    const std::string line = code_point_line(long_word);
    EXPECT_EQ(std::count(line.begin(), line.end(), '+'), 16) << line;
    EXPECT_NE(line.find("... 20 in all"), std::string::npos) << line;
    // The tooltip draws for such a chip without trouble.
    HeadlessImGui ui;
    AppState s;
    set_sentence(s, "hi \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB e\xCC\x81t\xC3\xA9");
    ui.frames(s, 2);
    ASSERT_GE(s.derived.tokens.tokens.size(), 2u);
    EXPECT_NE(code_point_line(s.derived.tokens.tokens[1].text).find("U+200D (ZWJ)"), std::string::npos);
}

// T6: right-to-left and complex scripts are drawn unshaped; the first time such text is entered the status
// line says so, once per run of the app.
TEST(AppScripts, UnshapedScriptsGetAOneTimeNotice) {
    EXPECT_EQ(unshaped_script("the cat \xC3\xA9t\xC3\xA9 \xE5\xB0\x8F"), nullptr);  // Latin, accents, Han
    EXPECT_STREQ(unshaped_script("a \xD9\x85\xD8\xB1"), "Arabic");
    EXPECT_STREQ(unshaped_script("\xD7\xA9\xD7\x9C"), "Hebrew");
    EXPECT_STREQ(unshaped_script("\xE0\xA4\xA8\xE0\xA4\xAE"), "Devanagari");
    EXPECT_STREQ(unshaped_script("\xE0\xB8\xAA\xE0\xB8\xA7"), "Thai");
    EXPECT_STREQ(unshaped_script("\xEF\xBB\xB7"), "Arabic") << "presentation forms too";

    HeadlessImGui ui;
    AppState s;
    set_sentence(s, "plain words");
    ui.frames(s, 2);
    EXPECT_EQ(s.status_message.find("unshaped"), std::string::npos) << s.status_message;
    set_sentence(s, "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83");
    ui.frames(s, 2);
    EXPECT_NE(s.status_message.find("Arabic text is shown unshaped (letters in logical order"),
              std::string::npos)
        << s.status_message;
    // The notice goes with the next change and does not come back for more such text.
    set_sentence(s, "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D");
    ui.frames(s, 2);
    EXPECT_EQ(s.status_message.find("unshaped"), std::string::npos) << s.status_message;
    expect_finite_distributions(s, "Hebrew");
    // The key sentence counts as text entered too.
    AppState t;
    set_sentence(t, "the cat");
    set_key_sentence(t, "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87");
    ui.frames(t, 2);
    EXPECT_NE(t.status_message.find("Devanagari text is shown unshaped"), std::string::npos)
        << t.status_message;
}

// T10 / R1: fonts taken away or corrupt. The atlas is always built (two fonts: body and display), a missing
// glyph becomes the fallback glyph, and each problem is one warning that names what to install.
class Fonts : public ::testing::Test {
  protected:
    void SetUp() override {
        dir =
            std::filesystem::temp_directory_path() /
            ("attnviz_fonts_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = (dir / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    static void expect_built(const ImFontAtlas& atlas) {
        ASSERT_EQ(atlas.Fonts.Size, 2);
        EXPECT_GT(atlas.TexWidth, 0);
        EXPECT_NE(atlas.Fonts[0]->FindGlyphNoFallback('A'), nullptr);
        EXPECT_NE(atlas.Fonts[0]->FindGlyph(0x5C0F), nullptr) << "a missing glyph draws the fallback glyph";
    }
    std::filesystem::path dir;
    HeadlessImGui ui;
};

TEST_F(Fonts, NoFontFilesFallBackToTheBuiltInFontWithOneWarningEach) {
    FontLibrary fonts{FontSources{}};
    ImFontAtlas atlas;
    std::vector<std::string> w = fonts.build(atlas, 16.0f, "plain text");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("install fonts-dejavu-core"), std::string::npos) << w[0];
    expect_built(atlas);
    // Chinese text without a CJK font: one more warning, naming the script and the package.
    w = fonts.build(atlas, 16.0f, "\xE5\xB0\x8F\xE6\x98\x8E");
    ASSERT_EQ(w.size(), 2u);
    EXPECT_NE(w[1].find("Chinese/Japanese characters need a CJK font: install fonts-noto-cjk"),
              std::string::npos)
        << w[1];
    EXPECT_EQ(atlas.Fonts[0]->FindGlyphNoFallback(0x5C0F), nullptr);
    expect_built(atlas);
    EXPECT_FALSE(fonts.has_cjk_font());
}

TEST_F(Fonts, TheSystemFontWithoutACjkFontWarnsOnlyForTheScript) {
    const FontSources system = system_font_sources();
    if (!std::filesystem::exists(system.main.front()))
        GTEST_SKIP() << system.main.front() << " not installed";
    FontSources sources;
    sources.main = system.main;
    FontLibrary fonts{sources};
    ImFontAtlas atlas;
    EXPECT_TRUE(fonts.build(atlas, 16.0f, "\xCE\xB1 \xE2\x86\x92 \xE2\x88\x9A").empty())
        << "Greek, arrow, sqrt";
    EXPECT_NE(atlas.Fonts[0]->FindGlyphNoFallback(0x03B1), nullptr);
    EXPECT_NE(atlas.Fonts[0]->FindGlyphNoFallback(0x05E9), nullptr) << "Hebrew letters are drawn (unshaped)";
    EXPECT_NE(atlas.Fonts[0]->FindGlyphNoFallback(0x0645), nullptr) << "Arabic letters are drawn (unshaped)";
    const std::vector<std::string> w = fonts.build(atlas, 16.0f, "\xE5\xB0\x8F cat");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("fonts-noto-cjk"), std::string::npos) << w[0];
    expect_built(atlas);
}

TEST_F(Fonts, CorruptFontFilesAreSkippedNamedAndNeverReachTheLoader) {
    EXPECT_FALSE(looks_like_font_file("<html><body>404</body></html>"));
    EXPECT_FALSE(looks_like_font_file(""));
    EXPECT_TRUE(looks_like_font_file(std::string("\0\1\0\0", 4) + std::string(8, '\0')));
    EXPECT_FALSE(looks_like_font_file(std::string("\0\1\0\0", 4) + std::string(8, '\0'), 2)) << "no face 2";
    std::string ttc = std::string("ttcf\0\1\0\0\0\0\0\3", 12) + std::string(12, '\0');
    EXPECT_TRUE(looks_like_font_file(ttc, 2));
    EXPECT_FALSE(looks_like_font_file(ttc, 3));
    EXPECT_FALSE(looks_like_font_file(ttc.substr(0, 20), 2)) << "its offset table is cut short";

    FontSources sources;
    sources.main = {write("html.ttf", "<html><body>404</body></html>")};
    sources.cjk = {{write("cut.ttc", ttc.substr(0, 16)), 2}};
    FontLibrary fonts{sources};
    ImFontAtlas atlas;
    const std::vector<std::string> w = fonts.build(atlas, 16.0f, "\xE5\xB0\x8F");
    ASSERT_EQ(w.size(), 4u) << "html.ttf, DejaVu missing, cut.ttc, no CJK font";
    EXPECT_NE(w[0].find("html.ttf is not a font file"), std::string::npos) << w[0];
    EXPECT_NE(w[2].find("cut.ttc is not a font file"), std::string::npos) << w[2];
    expect_built(atlas);

    // A file that starts like a font but holds no tables: ImGui's loader refuses it and the built-in font
    // takes over.
    FontSources hollow;
    hollow.main = {write("hollow.ttf", std::string("\0\1\0\0", 4) + std::string(60, '\0'))};
    FontLibrary hollow_fonts{hollow};
    ImFontAtlas atlas2;
    const std::vector<std::string> w2 = hollow_fonts.build(atlas2, 16.0f, "text");
    ASSERT_EQ(w2.size(), 1u);
    EXPECT_NE(w2[0].find("could not be built; using the built-in font"), std::string::npos) << w2[0];
    expect_built(atlas2);
}

// R7: minimised or a framebuffer without pixels: no frame and a wait for events (no busy spin); a frame
// otherwise, waiting only when nothing is pending. A 1 x 1 window draws and keeps the state.
TEST(AppWindow, MinimisedOrEmptyFramebuffersSkipRenderingAndWait) {
    for (bool pending : {false, true}) {
        for (const auto& [iconified, w, h] :
             {std::tuple{true, 800, 600}, std::tuple{false, 0, 0}, std::tuple{false, 800, 0},
              std::tuple{false, 0, 600}, std::tuple{true, 0, 0}}) {
            const FramePlan p = plan_frame(iconified, w, h, false, pending);
            EXPECT_FALSE(p.draw) << iconified << " " << w << "x" << h;
            EXPECT_TRUE(p.wait_for_events) << iconified << " " << w << "x" << h;
        }
        const FramePlan one = plan_frame(false, 1, 1, false, pending);
        EXPECT_TRUE(one.draw);
        EXPECT_EQ(one.wait_for_events, !pending);
        const FramePlan timed = plan_frame(true, 0, 0, true, pending);
        EXPECT_TRUE(timed.draw && !timed.wait_for_events) << "--frames runs never wait";
    }

    AppState s;
    set_sentence(s, "the cat sat on the mat");
    {
        HeadlessImGui big;
        big.frames(s, 3);
    }
    ASSERT_NE(s.derived.result(), nullptr);
    const MatrixRM weights = s.derived.result()->heads[0].weights;
    HeadlessImGui tiny(1.0f, 1.0f);
    tiny.frames(s, 3);
    EXPECT_EQ(s.sentence, "the cat sat on the mat");
    ASSERT_NE(s.derived.result(), nullptr);
    EXPECT_TRUE(s.derived.result()->heads[0].weights == weights);
    expect_finite_distributions(s, "1 x 1");
}

}  // namespace
}  // namespace attnviz::gui
