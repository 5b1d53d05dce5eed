// Issue 15 §4: shortcuts follow the character a key types, not its US position. An AZERTY layout as
// glfwGetKeyName reports it (the key at US 'W' types 'z', at US 'Q' types 'a', ...) through the pure
// functions the platform and the app use, and through a real frame.
#include "app/gui/shortcuts.h"
#include "app/gui/app_actions.h"
#include "app/gui/keys.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <map>

namespace attnviz::gui {
namespace {

// GLFW key codes (US positions) and what an AZERTY layout types on them.
constexpr int kGlfwA = 'A', kGlfwQ = 'Q', kGlfwW = 'W', kGlfwZ = 'Z', kGlfwM = 'M';
constexpr int kGlfwSemicolon = ';', kGlfw0 = '0', kGlfw6 = '6', kGlfwMinus = '-';
constexpr int kGlfwKpSubtract = 333, kGlfwF1 = 290;

const std::map<int, const char*>& azerty() {
    static const std::map<int, const char*> kNames = {
        {kGlfwA, "q"},        {kGlfwQ, "a"},     {kGlfwW, "z"},
        {kGlfwZ, "w"},        {kGlfwM, ","},     {kGlfwSemicolon, "m"},
        {kGlfw0, "\xC3\xA0"},  // à
        {kGlfw6, "-"},        {kGlfwMinus, ")"}, {'O', "o"},
        {'S', "s"},           {'E', "e"},        {'Y', "y"},
        {'=', "="},
    };
    return kNames;
}

Shortcut ctrl_on_azerty(int us_key, bool shift = false) {
    const auto it = azerty().find(us_key);
    return ctrl_shortcut(layout_key(us_key, it == azerty().end() ? nullptr : it->second), shift);
}

TEST(LayoutKey, IsTheKeyOfTheCharacterTheLayoutTypes) {
    EXPECT_EQ(layout_key(kGlfwW, "z"), kGlfwZ);
    EXPECT_EQ(layout_key(kGlfwQ, "a"), kGlfwA);
    EXPECT_EQ(layout_key(kGlfwSemicolon, "m"), kGlfwM);
    EXPECT_EQ(layout_key(kGlfw6, "-"), kGlfwMinus);
    EXPECT_EQ(layout_key(kGlfwA, "A"), kGlfwA) << "an upper-case name is the same letter";
    // No name, a character with no key of its own, non-Latin letters: the US position stays.
    EXPECT_EQ(layout_key(kGlfwZ, nullptr), kGlfwZ);
    EXPECT_EQ(layout_key(kGlfwZ, ""), kGlfwZ);
    EXPECT_EQ(layout_key(kGlfwMinus, ")"), kKeyUnknown) << "AZERTY's ')' key is no shortcut key";
    EXPECT_EQ(layout_key(kGlfw0, "\xC3\xA0"), kGlfw0);
    EXPECT_EQ(layout_key(kGlfwZ, "\xD1\x8F"), kGlfwZ) << "Cyrillic ya on the Z key";
    // Keypad and function keys are never translated.
    EXPECT_EQ(layout_key(kGlfwKpSubtract, "-"), kGlfwKpSubtract);
    EXPECT_EQ(layout_key(kGlfwF1, "a"), kGlfwF1);
}

TEST(CtrlShortcut, FollowsTheCharacterOnAzerty) {
    EXPECT_EQ(ctrl_on_azerty(kGlfwW), Shortcut::kUndo) << "the key that types z";
    EXPECT_EQ(ctrl_on_azerty(kGlfwW, /*shift=*/true), Shortcut::kRedo);
    EXPECT_EQ(ctrl_on_azerty(kGlfwZ), Shortcut::kNone) << "types w: no shortcut";
    EXPECT_EQ(ctrl_on_azerty(kGlfwA), Shortcut::kQuit) << "the key that types q quits";
    EXPECT_EQ(ctrl_on_azerty(kGlfwQ), Shortcut::kNone) << "types a: must not quit";
    EXPECT_EQ(ctrl_on_azerty('O'), Shortcut::kOpenModel);
    EXPECT_EQ(ctrl_on_azerty('S'), Shortcut::kScreenshot);
    EXPECT_EQ(ctrl_on_azerty('E'), Shortcut::kExport);
    EXPECT_EQ(ctrl_on_azerty('Y'), Shortcut::kRedo);
    EXPECT_EQ(ctrl_on_azerty(kGlfw6), Shortcut::kSmallerText) << "AZERTY's '-' is on the 6 key";
    EXPECT_EQ(ctrl_on_azerty(kGlfwMinus), Shortcut::kNone) << "types ')'";
    EXPECT_EQ(ctrl_on_azerty('='), Shortcut::kLargerText);
    EXPECT_EQ(ctrl_on_azerty(kGlfw0), Shortcut::kResetText) << "'à' has no key: the 0 key stays 0";
    EXPECT_EQ(ctrl_shortcut(kGlfwKpSubtract, false), Shortcut::kSmallerText);
}

TEST(CharShortcut, LettersAsTyped) {
    EXPECT_EQ(char_shortcut('m'), Shortcut::kToggleCausal);
    EXPECT_EQ(char_shortcut('M'), Shortcut::kToggleCausal);
    EXPECT_EQ(char_shortcut('h'), Shortcut::kNextHead);
    EXPECT_EQ(char_shortcut('g'), Shortcut::kGenerate);
    EXPECT_EQ(char_shortcut('t'), Shortcut::kHotter);
    EXPECT_EQ(char_shortcut('T'), Shortcut::kColder);
    EXPECT_EQ(char_shortcut(','), Shortcut::kNone) << "AZERTY's key at US M types ','";
    EXPECT_EQ(char_shortcut('a'), Shortcut::kNone);
}

// Through a frame: the key the platform hands over for AZERTY's 'z' undoes, the one for 'w' does not.
TEST(CtrlShortcut, AzertyCtrlZUndoesInTheApp) {
    testing::HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    const double before = s.settings.temperature;
    set_temperature(s, 2.0);
    ui.frames(s, 2);
    ui.key(s, layout_key(kGlfwZ, "w"), /*ctrl=*/true);
    EXPECT_EQ(s.settings.temperature, 2.0) << "Ctrl + the key that types w";
    ui.key(s, layout_key(kGlfwW, "z"), /*ctrl=*/true);
    EXPECT_EQ(s.settings.temperature, before) << "Ctrl + the key that types z undoes";
}

}  // namespace
}  // namespace attnviz::gui
