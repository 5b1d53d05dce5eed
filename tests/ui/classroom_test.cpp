// Issue 15: what a teacher and a class meet in the first minute. Lesson texts say what the screen
// shows, counts read "1 query head", and command-line mistakes say what is wrong.
#include "app/gui/app_actions.h"
#include "app/gui/compute/patterns.h"
#include "app/gui/compute/quiz.h"
#include "app/gui/gui_options.h"
#include "app/gui/widgets/widgets.h"
#include "core/lab/model_presets.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
using testing::token_index;

// [SECTION] lesson texts (§3)

TEST(LessonTexts, EveryWeightALessonQuotesIsTheOneOnScreen) {
    // "about 0.73" in an explanation: the weight of the lesson's query to the token quoted right after
    // ("to \"pod\""), in the lesson's focused head, as the readout prints it.
    HeadlessImGui ui;
    const std::regex quoted(R"(\(about (0\.[0-9]+)\) to \"([^\"]+)\")");
    int checked = 0;
    for (const Scenario& sc : builtin_scenarios()) {
        std::smatch m;
        if (!std::regex_search(sc.explanation, m, quoted)) continue;
        AppState s;
        ASSERT_TRUE(testing::open_lesson(ui, s, sc.name.c_str()));
        const int key = token_index(s, m[2].str());
        ASSERT_GE(key, 0) << sc.name;
        const HeadResult& h = s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
        EXPECT_EQ(format_weight(h.weights(s.selection.query, key)), m[1].str()) << sc.name;
        ++checked;
    }
    EXPECT_GE(checked, 1) << "the pod lesson quotes its weight";
}

TEST(LessonTexts, TheCausalLessonNamesTheKeyThatTogglesTheMask) {
    const Scenario* sc = find_builtin_scenario("cat-sat");
    ASSERT_NE(sc, nullptr);
    EXPECT_EQ(sc->explanation.find("Press C"), std::string::npos);
    EXPECT_NE(sc->explanation.find("Press M"), std::string::npos);
}

TEST(LessonTexts, AShuffleRetitlesTheLessonAndTheRestoreBringsItBack) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    apply_pattern(s, Pattern::kInduction);
    ui.frames(s, 2);
    ASSERT_TRUE(s.lesson.has_value());
    const std::string title = s.lesson->title;
    ASSERT_NE(title.find("Induction"), std::string::npos);
    shuffle_tokens(s);
    ui.frames(s, 2);
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_NE(s.lesson->title, title) << "the title no longer stands over the shuffled sentence unmarked";
    EXPECT_NE(s.lesson->title.find("Shuffled"), std::string::npos);
    restore_permutation(s);
    ui.frames(s, 2);
    EXPECT_EQ(s.lesson->title, title);
}

TEST(LessonTexts, TheHandExampleIsNotLabelledAsADesignedHead) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    show_view(s, MainView::kAttention);
    ui.frames(s, 3);
    const std::string text = HeadlessImGui::drawn_text();
    EXPECT_EQ(text.find("coref"), std::string::npos) << text;
}

TEST(LessonTexts, KvPresetsCiteTheirSourcesWithoutInternalNames) {
    for (const ModelPreset& p : model_presets()) {
        EXPECT_EQ(p.source.find("seed"), std::string::npos) << p.name << ": " << p.source;
    }
}

// [SECTION] wording

TEST(Wording, CountsOfOneAreSingular) {
    EXPECT_EQ(count_of(1, "query head"), "1 query head");
    EXPECT_EQ(count_of(8, "KV head"), "8 KV heads");
    EXPECT_EQ(count_of(1, "layer"), "1 layer");

    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    set_kv_calc_dims(s, 1, 1, 128);
    set_kv_calc_kv_heads(s, 1);
    show_view(s, MainView::kKvCache);
    ui.frames(s, 3);
    const std::string text = HeadlessImGui::drawn_text();  // spaces are not drawn
    EXPECT_NE(text.find("MHA:1queryhead,1KVhead."), std::string::npos) << text;
    EXPECT_NE(text.find("\xC3\x97"
                        "1layer\xC3\x97"
                        "1KVhead\xC3\x97"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("coref"), std::string::npos) << "the hand example's head is no designed head";
}

Expected<GuiOptions> parse(std::vector<std::string> args) {
    args.insert(args.begin(), "attnviz");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return parse_gui_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Wording, ASizeTooSmallSaysWhichNumberAndTheRange) {
    const Expected<GuiOptions> small = parse({"--size", "10x10"});
    ASSERT_FALSE(small);
    EXPECT_EQ(small.error().find("is not WxH"), std::string::npos) << small.error();
    EXPECT_NE(small.error().find("width"), std::string::npos) << small.error();
    EXPECT_NE(small.error().find("200"), std::string::npos) << small.error();
    const Expected<GuiOptions> tall = parse({"--size", "800x10"});
    ASSERT_FALSE(tall);
    EXPECT_NE(tall.error().find("height"), std::string::npos) << tall.error();
    const Expected<GuiOptions> junk = parse({"--size", "big"});
    ASSERT_FALSE(junk);
    EXPECT_NE(junk.error().find("is not WxH"), std::string::npos) << junk.error();
    const Expected<GuiOptions> ok = parse({"--size", "1024x768"});
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok->width, 1024);
}

}  // namespace
}  // namespace attnviz::gui
