// The "GQA & KV cache" view: regrouping through its buttons, and the calculator's numbers against
// attnviz-cli kv-cache for every preset (one core function, two clients).
#include "app/cli/commands.h"
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/views/views.h"
#include "core/io/json.h"
#include "core/lab/model_presets.h"
#include "core/lesson/scenario.h"
#include "core/model/builtin_model.h"
#include "core/model/checkpoint.h"
#include "core/model/model_job.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

namespace attnviz::gui {
namespace {

using testing::drawn;
using testing::HeadlessImGui;
using testing::widget;
using testing::widget_count;

class KvCacheView : public ::testing::Test {
  protected:
    void SetUp() override {
        apply_scenario(s, *lesson::find_builtin_scenario("pod"));
        show_view(s, MainView::kKvCache);
        ui.frames(s, 3);
        ASSERT_EQ(s.view.main_view, MainView::kKvCache);
    }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(KvCacheView, DrawsEveryQueryHeadLinkedToItsKvHead) {
    EXPECT_EQ(widget_count(s, "gqa_query_box"), static_cast<std::size_t>(s.settings.n_heads));
    EXPECT_EQ(widget_count(s, "gqa_kv_box"), static_cast<std::size_t>(s.settings.n_kv_heads));
}

TEST_F(KvCacheView, KvButtonsRegroupMhaGqaMqa) {
    ASSERT_EQ(s.settings.n_heads, 8);
    for (int kv : {2, 1, 8}) {
        ui.click(s, widget(s, "gqa_kv_button", kv).center());
        EXPECT_EQ(s.settings.n_kv_heads, kv);
        ASSERT_TRUE(s.derived.result() != nullptr);
        ASSERT_EQ(widget_count(s, "gqa_kv_box"), static_cast<std::size_t>(kv));
        // Head h sits over KV head h / (n_heads / n_kv_heads), as the engine pooled it.
        const int group = 8 / kv;
        for (int h = 0; h < 8; ++h) {
            EXPECT_EQ(s.derived.result()->heads[static_cast<std::size_t>(h)].kv_head, h / group);
            const Rect q = widget(s, "gqa_query_box", h);
            const Rect k = widget(s, "gqa_kv_box", h / group);
            EXPECT_GE(q.center().x, k.min.x);
            EXPECT_LE(q.center().x, k.max.x);
        }
    }
}

// A typed value is applied when the field is left, by Enter or by a click elsewhere, never at each
// keystroke: typing 64 passes through 6, which would regroup the KV heads (6 % 8 != 0).
TEST_F(KvCacheView, CalculatorFieldsApplyWhenLeftNotWhileTyping) {
    ASSERT_EQ(s.kv_calc.n_heads, 32);
    ASSERT_EQ(s.kv_calc.shape.n_kv_heads, 8);
    const auto type = [&](const char* text) {
        for (const char* c = text; *c != '\0'; ++c) {
            ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(*c));
            ui.frame(s);
        }
    };
    ui.click(s, widget(s, "kv_field", 1).center());  // query heads; the field selects its text
    type("6");
    EXPECT_EQ(s.kv_calc.n_heads, 32) << "nothing is applied while typing";
    EXPECT_EQ(s.kv_calc.shape.n_kv_heads, 8);
    type("4");
    // Leaving by a click on empty space applies it (the old field dropped it unless Enter was pressed).
    const Rect heads_field = widget(s, "kv_field", 1);
    ui.click(s, ImVec2(heads_field.max.x + 200.0f, heads_field.center().y));
    EXPECT_EQ(s.kv_calc.n_heads, 64);
    EXPECT_EQ(s.kv_calc.shape.n_kv_heads, 8) << "64 still divides into 8 KV heads";
    EXPECT_EQ(s.kv_calc.preset, -1);
    // Enter applies too; the layers field then shows the applied value.
    ui.click(s, widget(s, "kv_field", 0).center());
    type("48");
    EXPECT_EQ(s.kv_calc.shape.n_layers, 32);
    ui.key(s, 257);  // Enter at its GLFW code
    EXPECT_EQ(s.kv_calc.shape.n_layers, 48);
    EXPECT_EQ(s.kv_field_edits.values[0], 48);
}

TEST_F(KvCacheView, ClickingAQueryHeadFocusesIt) {
    ui.click(s, widget(s, "gqa_query_box", 3).center());
    EXPECT_EQ(s.selection.focus_head, 3);
}

TEST_F(KvCacheView, CalculatorEqualsTheCliForEveryPreset) {
    const auto& presets = lab::model_presets();
    for (std::size_t i = 0; i < presets.size(); ++i) {
        SCOPED_TRACE(presets[i].name);
        apply_kv_preset(s, static_cast<int>(i));
        set_kv_seq(s, 131072);
        set_kv_batch(s, 2);
        set_kv_dtype(s, lab::KvDtype::kBf16);
        ui.frames(s, 2);
        ASSERT_TRUE(s.derived.kv_cache.has_value()) << s.derived.kv_cache_error;
        const testing::CliRun r =
            testing::run_cli(cli::run_kv_cache, {"kv-cache", "--preset", presets[i].name, "--seq", "128k",
                                                 "--batch", "2", "--dtype", "bf16", "--json"});
        ASSERT_EQ(r.code, 0) << r.err;
        Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
        ASSERT_TRUE(j.ok()) << j.error();
        const lab::KvCacheComparison& c = *s.derived.kv_cache;
        EXPECT_EQ(static_cast<std::int64_t>(c.bytes), j->find("bytes")->as_int());
        EXPECT_EQ(static_cast<std::int64_t>(c.bytes_per_token), j->find("bytes_per_token")->as_int());
        EXPECT_EQ(static_cast<std::int64_t>(c.mha_bytes), j->find("mha_bytes")->as_int());
        EXPECT_EQ(static_cast<std::int64_t>(c.mqa_bytes), j->find("mqa_bytes")->as_int());
        EXPECT_DOUBLE_EQ(c.saving, j->find("ratio")->as_number());
    }
}

TEST_F(KvCacheView, LessonPresetsGiveTheLessonsSavings) {
    apply_kv_preset(s, static_cast<int>(lab::find_model_preset("qwen3.6") - lab::model_presets().data()));
    ui.frames(s, 2);
    ASSERT_TRUE(s.derived.kv_cache.has_value());
    EXPECT_EQ(lab::format_saving(s.derived.kv_cache->saving), "6x");
    apply_kv_preset(s, static_cast<int>(lab::find_model_preset("minimind") - lab::model_presets().data()));
    ui.frames(s, 2);
    EXPECT_EQ(lab::format_saving(s.derived.kv_cache->saving), "4x");
    EXPECT_EQ(s.derived.kv_cache->bytes * 4, s.derived.kv_cache->mha_bytes) << "75% less than MHA";
    // The seed's own example at 128K tokens, fp16: MHA 64 GiB, GQA 16 GiB.
    apply_kv_preset(s, static_cast<int>(lab::find_model_preset("lesson-4096") - lab::model_presets().data()));
    set_kv_seq(s, 131072);
    set_kv_batch(s, 1);
    set_kv_dtype(s, lab::KvDtype::kFp16);
    ui.frames(s, 2);
    EXPECT_EQ(s.derived.kv_cache->mha_bytes, 64ULL << 30);
    EXPECT_EQ(s.derived.kv_cache->bytes, 16ULL << 30);
}

TEST_F(KvCacheView, SequenceSliderIsLogarithmicUpTo1M) {
    const Rect r = widget(s, "kv_seq_slider");
    ASSERT_GT(r.max.x - r.min.x, 50.0f);
    ui.drag(s, r.center(), ImVec2(r.max.x + 40.0f, r.center().y));
    EXPECT_EQ(s.kv_calc.shape.seq_len, std::int64_t{1} << 20);
    ui.drag(s, r.center(), ImVec2(r.min.x - 40.0f, r.center().y));
    EXPECT_EQ(s.kv_calc.shape.seq_len, 1);
}

// Issue 15 §3: with a real GQA model open (the built-in stories260K: 8 query heads, 4 KV heads, 5
// layers, head_dim 8), the view shows its own groups and its cache from its config, not the lesson's
// pooled demo, and no "Back to the lesson model" in its place.
TEST(KvCacheViewRealModel, ShowsStories260KsOwnKvGroupsAndCache) {
    HeadlessImGui ui{1600.0f, 1000.0f};
    AppState s;
    apply_scenario(s, *lesson::find_builtin_scenario("pod"));
    ui.frames(s, 2);
    open_model(s, model::kBuiltinModelName);
    show_view(s, MainView::kKvCache);
    for (int i = 0; i < 60 && (!model_open(s) || !s.derived.run || !s.derived.run->real_model()); ++i) {
        if (s.model.job) s.model.job->wait_until_idle();
        ui.frame(s);
    }
    ASSERT_TRUE(model_open(s)) << s.model.load_error;
    ui.frames(s, 2);
    const model::ModelConfig& c = s.model.open->model->config;
    ASSERT_EQ(c.n_heads, 8);
    ASSERT_EQ(c.n_kv_heads, 4);
    ASSERT_EQ(s.view.main_view, MainView::kKvCache);
    ASSERT_EQ(widget_count(s, "gqa_query_box"), 8u);
    ASSERT_EQ(widget_count(s, "gqa_kv_box"), 4u);
    EXPECT_FALSE(drawn(s, "gqa_kv_button")) << "a trained model's groups are not regrouped";
    // Query heads 2h and 2h+1 read KV head h (Llama's repeat_kv).
    for (int h = 0; h < 8; ++h) {
        const Rect q = widget(s, "gqa_query_box", h);
        const Rect k = widget(s, "gqa_kv_box", h / 2);
        EXPECT_GE(q.center().x, k.min.x) << h;
        EXPECT_LE(q.center().x, k.max.x) << h;
    }
    const std::string text = HeadlessImGui::drawn_text();
    EXPECT_EQ(text.find("Backtothelessonmodel"), std::string::npos) << text;
    EXPECT_NE(text.find("stories260Kastrained"), std::string::npos) << text;
    // 2 x 5 layers x 4 KV heads x 8 dims x 4 bytes = 1280 bytes per token; MHA 2560; 512 tokens: 640 KiB.
    EXPECT_NE(text.find("1.2KiBpertoken"), std::string::npos) << text;
    EXPECT_NE(text.find("2.5KiB"), std::string::npos) << text;
    EXPECT_NE(text.find("640.0KiB"), std::string::npos) << text;
    EXPECT_NE(text.find("trainedwiththesesharedKandVfromthestart"), std::string::npos) << text;
}

}  // namespace
}  // namespace attnviz::gui
