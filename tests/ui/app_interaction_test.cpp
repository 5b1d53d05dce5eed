// Headless interaction tests: clicks, drags and keys through the real panels, asserting on AppState.
#include "app/gui/app_actions.h"
#include "app/gui/keys.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
using testing::token_index;
using testing::widget;
using testing::widget_count;
using testing::widget_indices;

class AppInteraction : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(testing::open_lesson(ui, s, "pod")); }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(AppInteraction, DefaultLessonSelectsIt) {
    const int it = token_index(s, "it");
    ASSERT_GE(it, 0);
    EXPECT_EQ(s.selection.query, it);
    EXPECT_EQ(s.settings.n_heads, static_cast<int>(s.derived.result()->heads.size()));
}

TEST_F(AppInteraction, ClickingTheChipItSelectsIt) {
    const int it = token_index(s, "it");
    set_query(s, 0);
    ui.frames(s, 2);
    ASSERT_EQ(s.selection.query, 0);
    ASSERT_EQ(widget_count(s, "token_chip"), s.derived.tokens.tokens.size());
    ui.click(s, widget(s, "token_chip", it).center());
    EXPECT_EQ(s.selection.query, it);
}

TEST_F(AppInteraction, HoverPreviewsWithoutChangingTheLockedQuery) {
    const int it = token_index(s, "it");
    ui.hover(s, widget(s, "token_chip", 1).center());
    EXPECT_EQ(s.selection.hover_token, 1);
    EXPECT_EQ(s.selection.query, it);
    ui.hover(s, ImVec2(5.0f, 795.0f));
    EXPECT_EQ(s.selection.hover_token, -1);
}

TEST_F(AppInteraction, DraggingTemperatureChangesConfigAndRecomputes) {
    const std::uint64_t before = s.derived.version;
    const float before_entropy =
        s.derived.result()->heads[0].rows.entropy[static_cast<std::size_t>(s.selection.query)];
    const Rect r = widget(s, "temperature_slider");
    ASSERT_GT(r.max.x - r.min.x, 50.0f);
    ui.drag(s, r.center(), ImVec2(r.max.x - 3.0f, r.center().y));
    EXPECT_GT(s.settings.temperature, 5.0);
    EXPECT_GT(s.derived.version, before);
    EXPECT_FALSE(s.recompute_pending());
    const float after_entropy =
        s.derived.result()->heads[0].rows.entropy[static_cast<std::size_t>(s.selection.query)];
    EXPECT_GT(after_entropy, before_entropy) << "a warmer softmax spreads the query row";
}

TEST_F(AppInteraction, MaskToggleRecomputesTheUpperTriangle) {
    ASSERT_TRUE(s.settings.causal);
    const auto upper_sum = [&] {
        const MatrixRM& w = s.derived.result()->heads[0].weights;
        double sum = 0.0;
        for (int i = 0; i < w.rows(); ++i) {
            for (int j = i + 1; j < w.cols(); ++j) sum += static_cast<double>(w(i, j));
        }
        return sum;
    };
    EXPECT_EQ(upper_sum(), 0.0);
    ui.click(s, widget(s, "causal_checkbox").center());
    EXPECT_FALSE(s.settings.causal);
    EXPECT_GT(upper_sum(), 0.0);
    ui.character(s, 'm');  // and back with the shortcut
    EXPECT_TRUE(s.settings.causal);
    EXPECT_EQ(upper_sum(), 0.0);
}

TEST_F(AppInteraction, KvHeadsComboOffersOnlyDivisors) {
    set_heads(s, 6, 8);
    ui.frames(s, 2);
    ui.click(s, widget(s, "kv_heads_combo").center());
    ui.frames(s, 1);
    EXPECT_EQ(widget_indices(s, "kv_heads_choice"), (std::vector<int>{6, 3, 2, 1}));
    // Pick MQA from the list.
    ui.click(s, widget(s, "kv_heads_choice", 1).center());
    EXPECT_EQ(s.settings.n_kv_heads, 1);
    for (const attention::HeadResult& h : s.derived.result()->heads) EXPECT_EQ(h.kv_head, 0);
}

TEST(KvHeadChoices, AreTheDivisorsLargestFirst) {
    EXPECT_EQ(kv_head_choices(8), (std::vector<int>{8, 4, 2, 1}));
    EXPECT_EQ(kv_head_choices(7), (std::vector<int>{7, 1}));
    EXPECT_EQ(kv_head_choices(1), (std::vector<int>{1}));
    AppState s;
    s.settings.n_heads = 8;
    s.settings.n_kv_heads = 4;
    set_kv_heads(s, 3);  // not a divisor: refused
    EXPECT_EQ(s.settings.n_kv_heads, 4);
    set_heads(s, 6, 8);  // 4 does not divide 6: snaps down to 3
    EXPECT_EQ(s.settings.n_kv_heads, 3);
    set_heads(s, 5, 8);
    EXPECT_EQ(s.settings.n_kv_heads, 1);
}

TEST_F(AppInteraction, ArrowKeysMoveTheQuery) {
    const int it = token_index(s, "it");
    ui.key(s, ImGui::GetIO().KeyMap[ImGuiKey_LeftArrow]);
    EXPECT_EQ(s.selection.query, it - 1);
    ui.key(s, ImGui::GetIO().KeyMap[ImGuiKey_RightArrow]);
    ui.key(s, ImGui::GetIO().KeyMap[ImGuiKey_RightArrow]);
    EXPECT_EQ(s.selection.query, it + 1);
}

TEST_F(AppInteraction, HeadShortcutAndThumbnailClickFocusHeads) {
    EXPECT_EQ(s.selection.focus_head, 0);
    ui.character(s, 'h');
    EXPECT_EQ(s.selection.focus_head, 1);
    ASSERT_GE(widget_count(s, "head_thumbnail"), 3u);
    ui.click(s, widget(s, "head_thumbnail", 2).center());
    EXPECT_EQ(s.selection.focus_head, 2);
}

TEST_F(AppInteraction, TemperatureShortcutStepsAndReachesTheLimits) {
    ui.character(s, 't');
    EXPECT_NEAR(s.settings.temperature, 1.5, 1e-12);
    for (int i = 0; i < 12; ++i) ui.character(s, 'T');
    EXPECT_EQ(s.settings.temperature, 0.0);
    const int q = s.selection.query;
    const attention::HeadResult& h = s.derived.result()->heads[0];
    float top = 0.0f;
    for (int j = 0; j < h.weights.cols(); ++j) top = std::max(top, h.weights(q, j));
    EXPECT_GE(top, 0.5f) << "T = 0 is the argmax: all weight on the top key (or shared by ties)";
}

TEST_F(AppInteraction, TypedNanOrNegativeTemperatureIsRefusedWithAMessage) {
    EXPECT_FALSE(set_temperature(s, std::nan("")));
    EXPECT_EQ(s.settings.temperature, 1.0);
    EXPECT_NE(s.temperature_message.find("NaN"), std::string::npos);
    EXPECT_FALSE(set_temperature(s, -2.0));
    EXPECT_NE(s.temperature_message.find("negative"), std::string::npos);
    EXPECT_TRUE(set_temperature(s, std::numeric_limits<double>::infinity()));
    EXPECT_TRUE(s.temperature_message.empty());
    ui.frames(s, 2);
    const int q = s.selection.query;
    const attention::HeadResult& h = s.derived.result()->heads[0];
    for (int j = 0; j <= q; ++j) EXPECT_FLOAT_EQ(h.weights(q, j), 1.0f / static_cast<float>(q + 1));
}

TEST_F(AppInteraction, HeatmapHoverAndClickSelectTheRow) {
    const Rect r = widget(s, "heatmap");
    ASSERT_GT(r.max.x - r.min.x, 20.0f);
    const int n = static_cast<int>(s.derived.tokens.tokens.size());
    // The centre of cell (row 1, column 0).
    const float cell_w = (r.max.x - r.min.x) / static_cast<float>(n);
    const float cell_h = (r.max.y - r.min.y) / static_cast<float>(n);
    const ImVec2 p(r.min.x + cell_w * 0.5f, r.min.y + cell_h * 1.5f);
    ui.hover(s, p);
    EXPECT_EQ(s.selection.hover_cell_row, 1);
    EXPECT_EQ(s.selection.hover_cell_col, 0);
    ui.click(s, p);
    EXPECT_EQ(s.selection.query, 1);
}

TEST_F(AppInteraction, FontShortcutsScaleTheInterface) {
    ui.key(s, kKeyEqual, true);
    EXPECT_NEAR(s.view.font_scale, 1.1f, 1e-5f);
    ui.key(s, kKeyMinus, true);
    ui.key(s, kKeyMinus, true);
    EXPECT_LT(s.view.font_scale, 1.0f);
    ui.key(s, kKey0, true);
    EXPECT_EQ(s.view.font_scale, 1.0f);
}

// Scenario files, the CLI and the GUI hold one settings struct: every setting a file gives reaches the
// engine's config, none is dropped by a field-by-field copy.
TEST(ScenarioSettings, EveryOneReachesTheEngine) {
    Expected<lesson::Scenario> sc =
        lesson::parse_scenario(R"({"sentence": "a b c d", "settings": {"heads": 4, "kv_heads": 2,
        "temperature": 0.5, "causal": false, "window": 2, "scale": false}})",
                               "all.json");
    ASSERT_TRUE(sc.ok()) << sc.error();
    HeadlessImGui ui;
    AppState s;
    apply_scenario(s, *sc);
    ui.frames(s, 2);
    ASSERT_NE(s.derived.config(), nullptr) << s.derived.status;
    const attention::AttentionConfig& c = *s.derived.config();
    EXPECT_EQ(c.n_heads, 4);
    EXPECT_EQ(c.n_kv_heads, 2);
    EXPECT_EQ(c.temperature, 0.5);
    EXPECT_FALSE(c.mask.causal);
    EXPECT_EQ(c.mask.window, 2);
    EXPECT_EQ(c.scale_mode, attention::ScaleMode::kNone);
}

TEST(AppRobustness, EmptyAndWhitespaceSentencesShowAPlaceholder) {
    HeadlessImGui ui;
    for (const char* text : {"", "   \t\n  "}) {
        AppState s;
        set_sentence(s, text);
        ui.frames(s, 3);
        EXPECT_FALSE(s.derived.result() != nullptr);
        EXPECT_NE(s.derived.status.find("Type a sentence"), std::string::npos);
    }
}

TEST(AppRobustness, OneTokenHasWeightOne) {
    HeadlessImGui ui;
    for (bool causal : {true, false}) {
        AppState s;
        s.settings.causal = causal;
        set_sentence(s, "hello");
        ui.frames(s, 3);
        ASSERT_TRUE(s.derived.result() != nullptr) << s.derived.status;
        for (const attention::HeadResult& h : s.derived.result()->heads) EXPECT_EQ(h.weights(0, 0), 1.0f);
    }
}

TEST(AppRobustness, LongTextIsCappedWithANoticeAndStillDraws) {
    HeadlessImGui ui;
    AppState s;
    std::string text;
    for (int i = 0; i < 700; ++i) text += "word" + std::to_string(i % 50) + " ";
    set_sentence(s, text);
    ui.frames(s, 3);
    ASSERT_TRUE(s.derived.result() != nullptr) << s.derived.status;
    EXPECT_EQ(s.derived.result()->n_q, 512);
    bool noticed = false;
    for (const std::string& n : s.derived.notices)
        noticed = noticed || n.find("of 700 tokens") != std::string::npos;
    EXPECT_TRUE(noticed);
    EXPECT_EQ(s.sentence, text) << "the full text stays in the editor";
}

TEST(AppRobustness, InvalidUtf8IsReplacedAndCounted) {
    HeadlessImGui ui;
    AppState s;
    set_sentence(s, std::string("the pod \xFF\x80 crashed"));
    ui.frames(s, 3);
    ASSERT_TRUE(s.derived.result() != nullptr);
    bool noticed = false;
    for (const std::string& n : s.derived.notices)
        noticed = noticed || n.find("invalid UTF-8") != std::string::npos;
    EXPECT_TRUE(noticed);
    EXPECT_EQ(s.sentence.find('\xFF'), std::string::npos);
}

TEST(AppRobustness, UnknownQueryFallsBackToTheLastTokenWithANotice) {
    HeadlessImGui ui;
    AppState s;
    set_sentence(s, "the cat sat");
    s.selection.pending_query = "dog";
    ui.frames(s, 3);
    EXPECT_EQ(s.selection.query, 2);
    ASSERT_FALSE(s.derived.notices.empty());
}

}  // namespace
}  // namespace attnviz::gui
