// The real-model GUI (issue 14) on a tiny random checkpoint written by the test helper: open it, focus a
// head in the grid, switch a head off, change the temperature, generate, and fail a load; every number on
// screen is compared with run_forward called directly.
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/session.h"
#include "app/gui/settings_file.h"
#include "app/gui/startup.h"
#include "core/model/builtin_model.h"
#include "core/model/forward.h"
#include "core/model/prediction_diff.h"
#include "core/model/word_groups.h"
#include "tests/support/gui_model_folder.h"
#include "tests/support/headless_imgui.h"
#include "tests/support/hf_checkpoint_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using gui::AppState;
using testing::HeadlessImGui;

const std::string kStoriesTokenizer =
    std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K/tokenizer.json";
constexpr int kLayers = testing::GuiModelFolder::kLayers;
constexpr int kHeads = testing::GuiModelFolder::kHeads;

using testing::settle_model;

/// The ids on screen and the model's own forward pass on them with the given interventions.
model::ForwardResult engine_run(const AppState& s, const model::Interventions& iv) {
    model::ForwardOptions o;
    o.keep_attention = true;
    o.all_logits = true;
    Expected<model::ForwardResult> r =
        model::run_forward(*s.model.open->model, s.derived.model.result->run->token_ids, iv, o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return std::move(r).value();
}

class ModelViewTest : public ::testing::Test {
  protected:
    testing::GuiModelFolder folder{"gui_model"};
    HeadlessImGui ui{1600.0f, 1000.0f};
    AppState s;

    void SetUp() override {
        gui::apply_scenario(s, *lesson::find_builtin_scenario("pod"));
        ui.frames(s, 2);
        gui::set_sentence(s, "Lily saw a big dog. The dog was happy.");
        gui::open_model(s, folder.dir.path());
        gui::show_view(s, gui::MainView::kModel);
        settle_model(ui, s);
        ASSERT_TRUE(gui::model_open(s)) << s.model.load_error;
    }

    /// The focused head's weights on screen minus the engine's, largest absolute difference.
    double focused_weights_diff(const model::ForwardResult& engine) const {
        const gui::Derived& d = s.derived;
        EXPECT_TRUE(d.run && d.run->real_model());
        const int layer = d.run->model_layer;
        const int head = s.selection.focus_head;
        const MatrixRM& shown = d.result()->heads[static_cast<std::size_t>(head)].weights;
        const auto& want = engine.layers[static_cast<std::size_t>(layer)].weights.mat(head);
        EXPECT_EQ(shown.rows(), want.rows());
        return static_cast<double>((shown - want).cwiseAbs().maxCoeff());
    }

    ImVec2 thumbnail_center(int layer, int head) const {
        for (const auto& [index, rect] : s.layout.model_thumbs) {
            if (index == layer * kHeads + head) return rect.center();
        }
        ADD_FAILURE() << "thumbnail L" << layer << " H" << head << " is not on screen";
        return ImVec2(-1, -1);
    }
};

TEST_F(ModelViewTest, OpeningShowsEveryLayerAndHeadWithTheEnginesNumbers) {
    const gui::Derived& d = s.derived;
    ASSERT_TRUE(d.run && d.run->real_model());
    EXPECT_EQ(d.model.thumbnails.size(), static_cast<std::size_t>(kLayers * kHeads));
    EXPECT_EQ(s.layout.model_thumbs.size(), static_cast<std::size_t>(kLayers * kHeads)) << "all drawn";
    // The labels are the tokenizer's: <s> first, a leading-space mark on later words.
    ASSERT_GE(d.run->query_labels.size(), 3u);
    EXPECT_EQ(d.run->query_labels[0], "<s>");
    EXPECT_EQ(d.run->query_labels[1], "\xC2\xB7Lily");
    EXPECT_EQ(d.tokens.tokens.size(), d.run->query_labels.size());
    // Every head of the shown layer equals the engine's forward pass.
    const model::ForwardResult engine = engine_run(s, model::Interventions{});
    for (int h = 0; h < kHeads; ++h) {
        gui::focus_head(s, h);
        EXPECT_LT(focused_weights_diff(engine), 1e-6) << "head " << h;
    }
    // The prediction is the model's: top token = argmax of the engine's last logits.
    ASSERT_TRUE(d.model.prediction);
    const auto& last = engine.logits.row(engine.logits.rows() - 1);
    Eigen::Index best = 0;
    last.maxCoeff(&best);
    EXPECT_EQ(d.model.prediction->top.front().id, static_cast<int>(best));
    EXPECT_DOUBLE_EQ(d.model.prediction->kl_base_new, 0.0);
    // Badges for every head, in [0, 1] or NaN.
    ASSERT_TRUE(d.model.result->scores);
    EXPECT_EQ(d.model.result->scores->scores.size(), static_cast<std::size_t>(kLayers * kHeads));
    EXPECT_EQ(d.model.result->rollout.size(), static_cast<std::size_t>(kLayers));
}

TEST_F(ModelViewTest, ClickingAThumbnailFocusesThatHeadInEveryView) {
    ui.click(s, thumbnail_center(2, 3));
    settle_model(ui, s);
    EXPECT_EQ(s.selection.layer, 2);
    EXPECT_EQ(s.selection.focus_head, 3);
    ASSERT_TRUE(s.derived.run);
    EXPECT_EQ(s.derived.run->model_layer, 2);
    EXPECT_LT(focused_weights_diff(engine_run(s, model::Interventions{})), 1e-6);
    // The pipeline's inputs are that head's own q, k, v: GQA maps query head 3 to KV head 1.
    EXPECT_EQ(s.derived.result()->heads[3].kv_head, 1);
    EXPECT_EQ(s.derived.forward()->inputs.k.n_mats(), 2);
}

TEST_F(ModelViewTest, AltClickSwitchesAHeadOffAndThePredictionMoves) {
    const ImVec2 at = thumbnail_center(1, 2);
    ImGui::GetIO().KeyAlt = true;
    ui.click(s, at);
    ImGui::GetIO().KeyAlt = false;
    settle_model(ui, s);
    ASSERT_EQ(s.model.interventions.ablated.size(), 1u);
    EXPECT_EQ(s.model.interventions.ablated[0].layer, 1);
    EXPECT_EQ(s.model.interventions.ablated[0].head, 2);
    EXPECT_EQ(s.selection.layer, 0) << "Alt+click does not move the focus";
    // The panel compares the unmodified run with the ablated one exactly as the engine does.
    const model::ForwardResult base = engine_run(s, model::Interventions{});
    const model::ForwardResult now = engine_run(s, s.model.interventions);
    const int row = static_cast<int>(base.logits.rows()) - 1;
    Expected<model::PredictionDiff> want = model::compare_predictions(base.logits, now.logits, row, 10);
    ASSERT_TRUE(want.ok());
    const auto& got = s.derived.model.prediction;
    ASSERT_TRUE(got);
    EXPECT_GT(got->kl_base_new, 0.0);
    EXPECT_NEAR(got->kl_base_new, want->kl_base_new, 1e-6 * (1.0 + want->kl_base_new));
    ASSERT_EQ(got->top.size(), want->top.size());
    for (std::size_t k = 0; k < got->top.size(); ++k) {
        EXPECT_EQ(got->top[k].id, want->top[k].id);
        EXPECT_NEAR(got->top[k].base_probability, want->top[k].base_probability, 1e-6);
    }
    // Alt+click again switches it back on: the run is the model as trained.
    ImGui::GetIO().KeyAlt = true;
    ui.click(s, thumbnail_center(1, 2));
    ImGui::GetIO().KeyAlt = false;
    settle_model(ui, s);
    EXPECT_TRUE(s.model.interventions.ablated.empty());
    EXPECT_DOUBLE_EQ(s.derived.model.prediction->kl_base_new, 0.0);
}

TEST_F(ModelViewTest, TemperatureOnOneHeadChangesOnlyThatHead) {
    gui::focus_model_head(s, 1, 1);
    settle_model(ui, s);
    ASSERT_TRUE(gui::set_model_temperature(s, 0.25, gui::InterventionScope::kThisHead));
    settle_model(ui, s);
    EXPECT_DOUBLE_EQ(s.model.interventions.temperature_for(1, 1), 0.25);
    EXPECT_DOUBLE_EQ(s.model.interventions.temperature_for(1, 0), 1.0);
    const model::ForwardResult engine = engine_run(s, s.model.interventions);
    EXPECT_LT(focused_weights_diff(engine), 1e-6);
    const model::ForwardResult plain = engine_run(s, model::Interventions{});
    EXPECT_GT(focused_weights_diff(plain), 1e-3) << "the focused head is sharper than as trained";
    // Layer 0 comes before the change: its weights are the plain run's.
    EXPECT_EQ(s.derived.model.result->first_computed_layer, 1) << "recomputed from the first changed layer";
    gui::focus_model_head(s, 0, 1);
    settle_model(ui, s);
    EXPECT_LT(focused_weights_diff(plain), 1e-6);
    // A refused temperature keeps the old one and says why.
    EXPECT_FALSE(gui::set_model_temperature(s, -1.0, gui::InterventionScope::kAllLayers));
    EXPECT_FALSE(s.temperature_message.empty());
    EXPECT_DOUBLE_EQ(s.model.interventions.temperature, 1.0);
    // Reset: the model as trained.
    gui::reset_interventions(s);
    settle_model(ui, s);
    EXPECT_DOUBLE_EQ(s.model.interventions.temperature_for(1, 1), 1.0);
    EXPECT_DOUBLE_EQ(s.derived.model.prediction->kl_base_new, 0.0);
}

TEST_F(ModelViewTest, GenerateDecodesOneRowFromTheKvCache) {
    const std::size_t n = s.derived.model.result->run->token_ids.size();
    gui::generate_token(s);
    settle_model(ui, s);
    ASSERT_EQ(s.model.generated_ids.size(), 1u);
    const model::ForwardResult& run = *s.derived.model.result->run;
    ASSERT_EQ(run.token_ids.size(), n + 1);
    EXPECT_NE(s.derived.model.decode_message.find("decode: 1 new row, " + std::to_string(n) +
                                                  " cached K/V rows reused"),
              std::string::npos)
        << s.derived.model.decode_message;
    EXPECT_EQ(s.derived.model.result->n_decoded, 1);
    // The decoded run equals a full forward pass on the extended ids.
    const model::ForwardResult engine = engine_run(s, model::Interventions{});
    for (int l = 0; l < kLayers; ++l) {
        const auto& a = run.layers[static_cast<std::size_t>(l)].weights;
        const auto& b = engine.layers[static_cast<std::size_t>(l)].weights;
        for (int h = 0; h < kHeads; ++h)
            EXPECT_LT((a.mat(h) - b.mat(h)).cwiseAbs().maxCoeff(), 1e-5f) << l << " " << h;
    }
    EXPECT_EQ(s.derived.tokens.tokens.size(), n + 1) << "the views extend by one row";
    // A second token reuses n + 1 cached rows.
    gui::generate_token(s);
    settle_model(ui, s);
    EXPECT_NE(s.derived.model.decode_message.find(std::to_string(n + 1) + " cached"), std::string::npos)
        << s.derived.model.decode_message;
    // Typing drops the generated tokens.
    gui::set_sentence(s, "Lily saw a cat.");
    settle_model(ui, s);
    EXPECT_TRUE(s.model.generated_ids.empty());
}

TEST_F(ModelViewTest, AFailedLoadKeepsTheModelTextAndSettings) {
    gui::toggle_head_ablation(s, 2, 0);
    ASSERT_TRUE(gui::set_model_temperature(s, 2.0, gui::InterventionScope::kAllLayers));
    gui::focus_model_head(s, 1, 3);
    settle_model(ui, s);
    const std::string sentence = s.sentence;
    const auto open = s.model.open;
    const auto result = s.derived.model.result;

    // A folder that is not a model, and one whose weights are cut short.
    testing::hf::ScratchDir broken("gui_broken");
    fs::copy_file(folder.dir.file("config.json"), broken.file("config.json"));
    fs::copy_file(kStoriesTokenizer, broken.file("tokenizer.json"));
    {
        std::ifstream in(folder.dir.file("model.safetensors"), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(broken.file("model.safetensors"), std::ios::binary)
            << bytes.substr(0, bytes.size() / 2);
    }
    for (const std::string& bad : {std::string("/nonexistent/model"), broken.path()}) {
        gui::open_model(s, bad);
        settle_model(ui, s);
        EXPECT_FALSE(s.model.load_error.empty()) << bad;
        EXPECT_EQ(s.model.open, open) << "the open model stays";
        EXPECT_EQ(s.sentence, sentence);
        EXPECT_EQ(s.model.interventions.ablated.size(), 1u);
        EXPECT_DOUBLE_EQ(s.model.interventions.temperature, 2.0);
        EXPECT_EQ(s.selection.layer, 1);
        EXPECT_EQ(s.selection.focus_head, 3);
        EXPECT_EQ(s.derived.model.result, result) << "the run on screen stays";
    }
    EXPECT_NE(s.model.load_error.find("model.safetensors"), std::string::npos) << s.model.load_error;
    // The lesson model is one click away and the text stays.
    gui::close_model(s);
    settle_model(ui, s);
    EXPECT_FALSE(gui::model_open(s));
    EXPECT_EQ(s.sentence, sentence);
    ASSERT_TRUE(s.derived.run);
    EXPECT_FALSE(s.derived.run->real_model());
}

// A session that cannot be opened leaves the real model, its interventions and the text as they were.
TEST_F(ModelViewTest, AFailedSessionOpenKeepsTheOpenModel) {
    gui::toggle_head_ablation(s, 1, 1);
    settle_model(ui, s);
    const std::string sentence = s.sentence;
    const auto open = s.model.open;
    testing::hf::ScratchDir dir("gui_bad_session");
    std::string doc = gui::session_to_json(s, true).dump();
    doc.replace(doc.find("\"heads\":"), 8, "\"heads\":\"x\",\"_\":");
    std::ofstream(dir.file("bad.attnviz"), std::ios::binary) << doc;
    EXPECT_FALSE(gui::open_session_file(s, dir.file("bad.attnviz")));
    EXPECT_NE(s.session.message.find("settings.heads"), std::string::npos) << s.session.message;
    settle_model(ui, s);
    EXPECT_EQ(s.model.open, open);
    EXPECT_EQ(s.sentence, sentence);
    EXPECT_EQ(s.model.interventions.ablated.size(), 1u);
}

TEST_F(ModelViewTest, TheBuiltInModelOpensFromItsName) {
    gui::open_model(s, model::kBuiltinModelName);
    settle_model(ui, s);
    ASSERT_TRUE(gui::model_open(s)) << s.model.load_error;
    EXPECT_EQ(s.model.open->model->config.n_layers, 5);
    EXPECT_EQ(s.derived.model.thumbnails.size(), 5u * 8u);
    EXPECT_EQ(s.model.recent.entries().front(), model::kBuiltinModelName);
}

TEST_F(ModelViewTest, MergingSubwordsShowsAWordMatrixWhoseRowsStillSumToOne) {
    gui::set_merge_words(s, true);
    settle_model(ui, s);
    const gui::ModelDerived& m = s.derived.model;
    // "<s> ·Lily ·saw ·a ·big ·dog. ·The ·dog ·was ·happy." : fewer words than tokens.
    const model::WordGroups groups = model::group_words(m.tokens);
    ASSERT_LT(groups.n_words(), static_cast<int>(m.tokens.size()));
    EXPECT_EQ(m.preview.n_rows, groups.n_words());
    EXPECT_EQ(m.preview_labels.size(), static_cast<std::size_t>(groups.n_words()));
    EXPECT_NE(m.preview_title.find("over words"), std::string::npos);
    // The merged focused head equals merge_attention on the engine's own weights.
    const model::ForwardResult engine = engine_run(s, model::Interventions{});
    const auto& w = engine.layers[0].weights;
    Expected<MatrixRM> want = model::merge_attention(w.mat(s.selection.focus_head), groups);
    ASSERT_TRUE(want.ok());
    for (int a = 0; a < groups.n_words(); ++a) {
        EXPECT_NEAR(want->row(a).sum(), 1.0f, 1e-5f) << "word " << a;
    }
    EXPECT_EQ(m.preview_key.find("words") != std::string::npos, true);
    gui::set_merge_words(s, false);
    settle_model(ui, s);
    EXPECT_EQ(m.preview_key.find("words"), std::string::npos);
}

TEST_F(ModelViewTest, ASessionRemembersTheModelAndReopensIt) {
    const std::string text = gui::session_to_json(s, true).dump();
    EXPECT_NE(text.find(folder.dir.path()), std::string::npos) << text;
    AppState b;
    ASSERT_TRUE(gui::apply_session(b, text, "test.attnviz").empty());
    if (b.model.job) b.model.job->wait_until_idle();
    ui.frames(b, 1);
    settle_model(ui, b);
    ASSERT_TRUE(gui::model_open(b)) << b.model.load_error;
    EXPECT_EQ(b.model.open->source, folder.dir.path());
    EXPECT_EQ(b.sentence, s.sentence);
    // A session without a model closes the open one (the lesson model again).
    AppState c;
    const std::string lesson_text = gui::session_to_json(c, true).dump();
    ASSERT_TRUE(gui::apply_session(b, lesson_text, "lesson.attnviz").empty());
    EXPECT_FALSE(gui::model_open(b));
}

// Robustness X2: a model with many layers lays out and renders only the rows of thumbnails on screen
// (ImGuiListClipper), whole rows at a time.
TEST(ModelViewManyLayers, OnlyTheVisibleRowsOfThumbnailsAreLaidOut) {
    constexpr int kManyLayers = 40;
    testing::GuiModelFolder folder("gui_many_layers", kManyLayers);
    HeadlessImGui ui{1280.0f, 800.0f};
    AppState s;
    gui::set_sentence(s, "Lily saw a big dog.");
    gui::open_model(s, folder.dir.path());
    gui::show_view(s, gui::MainView::kModel);
    settle_model(ui, s);
    ASSERT_TRUE(gui::model_open(s)) << s.model.load_error;
    EXPECT_EQ(s.derived.model.thumbnails.size(), static_cast<std::size_t>(kManyLayers * kHeads));
    const std::size_t laid_out = s.layout.model_thumbs.size();
    EXPECT_GT(laid_out, 0u);
    EXPECT_LT(laid_out, static_cast<std::size_t>(kManyLayers * kHeads) / 2) << "only the visible rows";
    // (prepare_view_textures renders exactly the thumbnails in layout.model_thumbs: no GL here.)
    const int first = s.layout.model_thumbs.front().first;
    EXPECT_EQ(first % kHeads, 0) << "whole rows";
}

TEST(ModelBrowser, OpensFromTheMenuRequestListingTheBuiltInModelAndTheLessonModel) {
    HeadlessImGui ui;
    AppState a;
    gui::apply_scenario(a, *lesson::find_builtin_scenario("pod"));
    a.requests.open_model = true;  // Ctrl+O / File > Open model, asked on the very first frame
    ui.frames(a, 5);
    const std::string text = HeadlessImGui::drawn_text();
    EXPECT_NE(text.find("Openmodel"), std::string::npos) << text;
    EXPECT_NE(text.find("stories260K"), std::string::npos);
    EXPECT_NE(text.find("Lessonmodel"), std::string::npos);
    EXPECT_FALSE(a.requests.open_model) << "carried out";
}

TEST(RecentModels, AreRememberedInTheSettingsFileMostRecentFirst) {
    AppState a;
    a.model.recent.add("/models/gpt2");
    a.model.recent.add(model::kBuiltinModelName);
    gui::SettingsFile settings;
    EXPECT_TRUE(gui::store_recent_models(a, settings));
    EXPECT_FALSE(gui::store_recent_models(a, settings)) << "nothing new to write";
    const gui::SettingsFile read = gui::SettingsFile::parse(settings.serialize(), "settings.ini");
    AppState b;
    gui::apply_saved_recent_models(b, read);
    ASSERT_EQ(b.model.recent.entries().size(), 2u);
    EXPECT_EQ(b.model.recent.entries()[0], model::kBuiltinModelName);
    EXPECT_EQ(b.model.recent.entries()[1], "/models/gpt2");
    // A shorter list drops the keys it no longer needs.
    a.model.recent.remove("/models/gpt2");
    EXPECT_TRUE(gui::store_recent_models(a, settings));
    EXPECT_FALSE(settings.get("recent_model.1").has_value());
}

}  // namespace
}  // namespace attnviz
