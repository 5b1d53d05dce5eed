// Issue 15: what a teacher and a class meet in the first minute. Lesson texts say what the screen
// shows, counts read "1 query head", and command-line mistakes say what is wrong.
#include "app/gui/app_actions.h"
#include "app/gui/attention_run.h"
#include "app/gui/compute/patterns.h"
#include "app/gui/compute/quiz.h"
#include "app/gui/gui_options.h"
#include "app/gui/keys.h"
#include "app/gui/widgets/widgets.h"
#include "core/lab/model_presets.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
    for (const lesson::Scenario& sc : lesson::builtin_scenarios()) {
        std::smatch m;
        if (!std::regex_search(sc.explanation, m, quoted)) continue;
        AppState s;
        ASSERT_TRUE(testing::open_lesson(ui, s, sc.name.c_str()));
        const int key = token_index(s, m[2].str());
        ASSERT_GE(key, 0) << sc.name;
        const attention::HeadResult& h =
            s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
        EXPECT_EQ(format_weight(h.weights(s.selection.query, key)), m[1].str()) << sc.name;
        ++checked;
    }
    EXPECT_GE(checked, 1) << "the pod lesson quotes its weight";
}

TEST(LessonTexts, TheCausalLessonNamesTheKeyThatTogglesTheMask) {
    const lesson::Scenario* sc = lesson::find_builtin_scenario("cat-sat");
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
    for (const lab::ModelPreset& p : lab::model_presets()) {
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

namespace attnviz::gui {
namespace {

// [SECTION] smaller things a user hit (§4)

class Classroom : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(testing::open_lesson(ui, s, "pod")); }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(Classroom, ANewSentenceOrLessonResetsTheHeatmapZoom) {
    set_heatmap_view(s, 4.0f, 0.5f, 0.5f);
    set_sentence(s, "the cat sat on the mat");
    ui.frames(s, 2);
    EXPECT_EQ(s.view.heatmap.zoom, 1.0f);
    EXPECT_EQ(s.view.heatmap.pan_y, 0.0f);
    set_heatmap_view(s, 4.0f, 0.5f, 0.5f);
    apply_scenario(s, *lesson::find_builtin_scenario("cat-it"));
    ui.frames(s, 2);
    EXPECT_EQ(s.view.heatmap.zoom, 1.0f);
}

TEST_F(Classroom, ATypedNegativeTemperatureIsRefusedAndTheOldValueKept) {
    set_temperature(s, 2.0);
    ui.frames(s, 2);
    const auto type_t = [&](const char* text) {
        ui.click(s, testing::widget(s, "temperature_field").center());
        for (const char* c = text; *c != 0; ++c) {  // keystroke by keystroke, as a person types
            ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(*c));
            ui.frame(s);
        }
        ui.key(s, 257);  // Enter at its GLFW code
    };
    // Typed in the field, keystroke by keystroke it passes through "-0": nothing may apply before it is left.
    type_t("-0.5");
    EXPECT_DOUBLE_EQ(s.settings.temperature, 2.0);
    EXPECT_NE(s.temperature_message.find("kept T = 2"), std::string::npos) << s.temperature_message;
    EXPECT_FALSE(set_temperature_text(s, "-0"));
    EXPECT_DOUBLE_EQ(s.settings.temperature, 2.0);
    type_t("inf");
    EXPECT_TRUE(std::isinf(s.settings.temperature)) << s.temperature_message;
    EXPECT_TRUE(s.temperature_message.empty());
    type_t("0.25");
    EXPECT_DOUBLE_EQ(s.settings.temperature, 0.25);
    EXPECT_FALSE(set_temperature_text(s, "warm"));
    EXPECT_DOUBLE_EQ(s.settings.temperature, 0.25);
}

TEST_F(Classroom, LetterShortcutsFollowTheTypedCharacterNotTheKeyPosition) {
    ASSERT_TRUE(s.settings.causal);
    // AZERTY: the key at the US "M" position types ','; M sits where US has ';'.
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[kKeyM] = true;
    io.AddInputCharacter(',');
    ui.frame(s);
    io.KeysDown[kKeyM] = false;
    ui.frames(s, 2);
    EXPECT_TRUE(s.settings.causal) << "the US-M key position typed ',' on this layout";
    ui.character(s, 'm');
    EXPECT_FALSE(s.settings.causal);
    ui.character(s, 'M');
    EXPECT_TRUE(s.settings.causal);
}

TEST_F(Classroom, TheQueryKeepsItsWordOrPlaceAfterANewSentence) {
    ASSERT_EQ(s.selection.query, token_index(s, "it"));
    set_sentence(s, "after lunch it ran out of memory");
    ui.frames(s, 2);
    EXPECT_EQ(s.selection.query, token_index(s, "it")) << "the same word";
    set_query(s, 3);  // "ran"
    set_sentence(s, "a b c d e f g");
    ui.frames(s, 2);
    EXPECT_EQ(s.selection.query, 3) << "no such word: the same place";
    set_query(s, 6);
    set_sentence(s, "a b");
    ui.frames(s, 2);
    EXPECT_EQ(s.selection.query, 1) << "clamped to the tokens there are";
}

TEST_F(Classroom, AStatusMessageGoesWithTheNextChange) {
    set_status(s, "saved /tmp/x.png");
    ui.frames(s, 2);
    EXPECT_EQ(s.status_message, "saved /tmp/x.png");
    set_temperature(s, 3.0);
    ui.frames(s, 2);
    EXPECT_TRUE(s.status_message.empty()) << "an unrelated edit clears the old remark";
    // A remark made with the change it describes stays for that change's result.
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    set_sentence(s, "the dog barked");
    ui.frames(s, 2);
    EXPECT_NE(s.status_message.find("hand example"), std::string::npos);
    set_causal(s, !s.settings.causal);
    ui.frames(s, 2);
    EXPECT_TRUE(s.status_message.empty());
}

TEST_F(Classroom, PatternPreviewsAreDrawnAtTEquals1) {
    show_view(s, MainView::kGallery);
    ui.frames(s, 3);
    ASSERT_FALSE(s.derived.lab.gallery.empty());
    const MatrixRM at_one = s.derived.lab.gallery[0].weights;
    set_temperature(s, 18.0);
    ui.frames(s, 3);
    ASSERT_FALSE(s.derived.lab.gallery.empty());
    EXPECT_TRUE(s.derived.lab.gallery[0].weights.isApprox(at_one)) << "a card shows its pattern, not T = 18";
}

TEST_F(Classroom, AScreenshotGoesToTheDocumentedFolderAfterTheMenuCloses) {
    const char* home = std::getenv("HOME");
    const char* pictures = std::getenv("XDG_PICTURES_DIR");
    const std::string old_home = home ? home : "", old_pictures = pictures ? pictures : "";
    setenv("XDG_PICTURES_DIR", "/tmp/attnviz-pictures", 1);
    request_screenshot(s);
    EXPECT_EQ(s.requests.screenshot.rfind("/tmp/attnviz-pictures/attnviz/attnviz-pod-", 0), 0u)
        << s.requests.screenshot;
    EXPECT_EQ(s.requests.screenshot_wait_frames, 1) << "the frame with the open menu is not the picture";
    unsetenv("XDG_PICTURES_DIR");
    setenv("HOME", "/home/teacher", 1);
    EXPECT_EQ(screenshot_folder(), "/home/teacher/Pictures/attnviz");
    if (home) setenv("HOME", old_home.c_str(), 1);
    if (pictures) setenv("XDG_PICTURES_DIR", old_pictures.c_str(), 1);
}

}  // namespace
}  // namespace attnviz::gui

namespace attnviz::gui {
namespace {

TEST(GqaView, SaysVisiblyWhyPooledHeadsBlurAndThatTrainedGqaDoesNot) {
    for (const auto& [w, h] : {std::pair<float, float>{1280, 800}, {1024, 768}}) {
        HeadlessImGui ui(w, h);
        AppState s;
        ASSERT_TRUE(testing::open_lesson(ui, s, "gqa-minimind"));
        show_view(s, MainView::kKvCache);
        ui.frames(s, 3);
        const std::string text = HeadlessImGui::drawn_text();  // clipped lines are not drawn
        EXPECT_NE(text.find("mean-pooled"), std::string::npos) << w << "x" << h;
        EXPECT_NE(text.find("trainedwithGQAfromthestart"), std::string::npos) << w << "x" << h;
        EXPECT_NE(text.find("nothing."), std::string::npos) << w << "x" << h << ": the whole note shows";
        set_kv_heads(s, 8);
        ui.frames(s, 3);
        EXPECT_EQ(HeadlessImGui::drawn_text().find("mean-pooled"), std::string::npos) << "MHA pools nothing";
    }
}

}  // namespace
}  // namespace attnviz::gui

namespace attnviz::gui {
namespace {

TEST(CrossAttention, TheEnglishDecoderReadsTheFrenchEncoderByMeaning) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "cross-attention"));
    ASSERT_TRUE(s.derived.run.has_value());
    ASSERT_EQ(s.derived.run->kind, SourceKind::kCrossAttention);
    const attention::AttentionResult& r = *s.derived.result();
    const auto& q = s.derived.run->query_labels;
    const auto& k = s.derived.run->key_labels;
    ASSERT_EQ(q.front(), "the") << "queries: the English (decoder) sentence";
    ASSERT_EQ(k.front(), "le") << "keys and values: the French (encoder) sentence";
    const int head = s.selection.focus_head;
    EXPECT_NE(s.derived.forward()->head_names[static_cast<std::size_t>(head)].find("translation"),
              std::string::npos);
    const auto index = [](const std::vector<std::string>& labels, const char* w) {
        return static_cast<int>(std::find(labels.begin(), labels.end(), w) - labels.begin());
    };
    // Word order differs (noir after chat): alignment by meaning, not by position.
    for (const auto& [en, fr] : {std::pair<const char*, const char*>{"cat", "chat"},
                                 {"black", "noir"},
                                 {"sleeps", "dort"},
                                 {"the", "le"}}) {
        const int top = engine_top_key(r, head, index(q, en));
        ASSERT_GE(top, 0);
        EXPECT_EQ(k[static_cast<std::size_t>(top)], fr) << en;
    }
    EXPECT_EQ(s.selection.query, index(q, "cat"));
    const float w = r.heads[static_cast<std::size_t>(head)].weights(index(q, "cat"), index(k, "chat"));
    EXPECT_GT(w, 0.5f) << "cat gives most of its weight to chat";
}

}  // namespace
}  // namespace attnviz::gui
