// Sessions and undo / redo: a saved session reopens every field in a fresh app, a corrupt or foreign file
// changes nothing and says why, a newer file opens what it can, and undo / redo walk back and forth through
// the exact earlier states.
#include "app/gui/session.h"
#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/gui_options.h"
#include "app/gui/keys.h"
#include "app/gui/model_actions.h"
#include "tests/support/export_files.h"
#include "tests/support/gui_model_folder.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
using testing::ScratchDir;

std::string snapshot(const AppState& s) {
    return session_to_json(s).dump();
}

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(Session, SaveAndOpenRoundTripEveryField) {
    HeadlessImGui ui;
    AppState a;
    ASSERT_TRUE(testing::open_lesson(ui, a, "pod"));
    set_sentence(a, "The quick brown fox jumps over the lazy dog");
    set_heads(a, 4, 8);
    set_kv_heads(a, 2);
    set_temperature(a, 0.35);
    set_causal(a, false);
    set_window(a, 3);
    set_scale(a, false);
    set_use_positions(a, false);
    ui.frames(a, 2);
    set_query(a, 5);
    focus_head(a, 3);
    ASSERT_TRUE(select_cell(a, 5, 2));
    set_colormap(a, Colormap::kMagma);
    set_color_scale(a, ColorScale::kLog);
    a.view.heatmap.color.ignore_first_key = true;
    a.view.heatmap.color.zero_based = false;
    set_heatmap_view(a, 2.0f, 0.25f, 0.5f);
    set_theme(a, Theme::kLight);
    set_font_scale(a, 1.5f);
    show_view(a, MainView::kTemperature);
    ui.frames(a, 2);

    ScratchDir dir("session");
    const std::string path = dir.file("fox.attnviz");
    ASSERT_TRUE(save_session_file(a, path)) << a.session.message;

    AppState b;
    ASSERT_TRUE(testing::open_lesson(ui, b, "cat-it"));
    ASSERT_TRUE(open_session_file(b, path)) << b.session.message;
    ui.frames(b, 3);
    EXPECT_EQ(snapshot(b), snapshot(a));
    EXPECT_EQ(b.sentence, a.sentence);
    EXPECT_FALSE(b.lesson.has_value()) << "a typed sentence is no lesson";
    EXPECT_EQ(b.settings.n_heads, 4);
    EXPECT_EQ(b.settings.n_kv_heads, 2);
    EXPECT_EQ(b.settings.temperature, 0.35);
    EXPECT_FALSE(b.settings.causal);
    EXPECT_EQ(b.settings.window, 3);
    EXPECT_FALSE(b.settings.scale);
    EXPECT_FALSE(b.settings.use_positions);
    EXPECT_EQ(b.selection.query, 5);
    EXPECT_EQ(b.selection.focus_head, 3);
    EXPECT_EQ(b.selection.selected_cell_col, 2);
    EXPECT_EQ(b.view.heatmap.colormap, Colormap::kMagma);
    EXPECT_EQ(b.view.heatmap.color.scale, ColorScale::kLog);
    EXPECT_TRUE(b.view.heatmap.color.ignore_first_key);
    EXPECT_FALSE(b.view.heatmap.color.zero_based);
    EXPECT_EQ(b.view.heatmap.zoom, 2.0f);
    EXPECT_EQ(b.view.heatmap.pan_x, 0.25f);
    EXPECT_EQ(b.view.theme, Theme::kLight);
    EXPECT_EQ(b.view.font_scale, 1.5f);
    EXPECT_EQ(b.view.main_view, MainView::kTemperature);
    // The engine computes the same numbers from the reopened session.
    ASSERT_NE(b.derived.result(), nullptr);
    EXPECT_TRUE(b.derived.result()->heads[3].weights == a.derived.result()->heads[3].weights);
}

TEST(Session, LessonAndHandExampleComeBack) {
    HeadlessImGui ui;
    AppState a;
    ASSERT_TRUE(testing::open_lesson(ui, a, "hand-example"));
    ASSERT_TRUE(a.hand_model.has_value());
    a.hand_model->w_q(0, 0) = 0.625f;  // edited live in the pipeline view
    a.inputs_changed();
    set_temperature(a, std::numeric_limits<double>::infinity());
    ui.frames(a, 2);
    AppState b;
    ASSERT_TRUE(testing::open_lesson(ui, b, "pod"));
    ASSERT_TRUE(apply_session(b, session_to_json(a).dump(), "mem").empty());
    ui.frames(b, 3);
    ASSERT_TRUE(b.lesson.has_value());
    EXPECT_EQ(b.lesson->name, "hand-example");
    ASSERT_TRUE(b.hand_model.has_value());
    EXPECT_EQ(b.hand_model->w_q(0, 0), 0.625f);
    EXPECT_TRUE(b.hand_model->x == a.hand_model->x);
    EXPECT_TRUE(std::isinf(b.settings.temperature));
    EXPECT_EQ(snapshot(b), snapshot(a));
}

TEST(Session, CorruptFilesChangeNothingAndSayWhy) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    const std::string before = snapshot(s);
    std::string good = session_to_json(s).dump();
    ScratchDir dir("session_bad");
    struct Case {
        std::string text;
        std::string expect;
    };
    const auto replace = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        const std::size_t at = t.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return at == std::string::npos ? t : t.replace(at, from.size(), to);
    };
    const std::vector<Case> cases = {
        {good.substr(0, good.size() / 2), "bad.attnviz:1:"},
        {"{\"format\":\"attnviz-attention\",\"version\":1}", "is this an .attnviz session file"},
        {"[1,2]", "expected a session object"},
        {replace("\"heads\":8", "\"heads\":99"),
         "settings.heads: must be a whole number from 1 to 8, found 99"},
        {replace("\"kv_heads\":8", "\"kv_heads\":3"), "settings.kv_heads: must divide heads (8), found 3"},
        {replace("\"causal\":true", "\"causal\":\"yes\""), "settings.causal: must be true or false"},
        {replace("\"temperature\":1", "\"temperature\":-1"), "settings.temperature"},
        {replace("\"sentence\":\"", "\"sentence\":7,\"x\":\""), "sentence: expected a string"},
        {replace("\"zoom\":1", "\"zoom\":0.5"), "view.zoom"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.expect);
        write(dir.file("bad.attnviz"), c.text);
        EXPECT_FALSE(open_session_file(s, dir.file("bad.attnviz")));
        EXPECT_NE(s.session.message.find("nothing changed"), std::string::npos) << s.session.message;
        EXPECT_NE(s.session.message.find(c.expect), std::string::npos) << s.session.message;
        ui.frames(s, 1);
        EXPECT_EQ(snapshot(s), before);
    }
    EXPECT_FALSE(open_session_file(s, dir.file("missing.attnviz")));
    EXPECT_NE(s.session.message.find("missing.attnviz"), std::string::npos);
    EXPECT_EQ(snapshot(s), before);
}

TEST(Session, NewerFileOrMissingLessonOpensWhatItCan) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    std::string doc = session_to_json(s).dump();
    doc.replace(doc.find("\"version\":1"), 11, "\"version\":7,\"pinned\":{}");
    doc.replace(doc.find("\"lesson\":\"pod\""), 14, "\"lesson\":\"retired\"");
    doc.replace(doc.find("\"temperature\":1"), 15, "\"temperature\":2.5");
    AppState t;
    ASSERT_TRUE(testing::open_lesson(ui, t, "cat-it"));
    std::vector<std::string> warnings;
    ASSERT_TRUE(apply_session(t, doc, "newer.attnviz", &warnings).empty());
    EXPECT_EQ(t.settings.temperature, 2.5);
    EXPECT_EQ(t.sentence, s.sentence);
    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_NE(warnings[0].find("newer attnviz"), std::string::npos);
    EXPECT_NE(warnings[1].find("pinned"), std::string::npos);
    EXPECT_NE(warnings[2].find("\"retired\" is not built into"), std::string::npos);
}

TEST(Session, PositionalFileOnTheCommandLine) {
    std::vector<std::string> args = {"attnviz", "lesson.attnviz", "--theme", "light"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    Expected<GuiOptions> o = parse_gui_options(static_cast<int>(argv.size()), argv.data());
    ASSERT_TRUE(o.ok()) << o.error();
    EXPECT_EQ(o->session, "lesson.attnviz");
    EXPECT_EQ(o->theme, "light");
}

TEST(Session, LastSessionComesBackUnlessTurnedOff) {
    HeadlessImGui ui;
    ScratchDir dir("last_session");
    ::setenv("XDG_CONFIG_HOME", dir.file("config").c_str(), 1);
    EXPECT_EQ(last_session_path(), dir.file("config") + "/attnviz/last.attnviz");
    AppState a;
    ASSERT_TRUE(testing::open_lesson(ui, a, "cat-it"));
    set_temperature(a, 4.0);
    ui.frames(a, 2);
    a.session.autosave_path = last_session_path();
    ASSERT_TRUE(save_last_session(a).empty()) << "creates the config folder";

    AppState b;
    ASSERT_TRUE(testing::open_lesson(ui, b, "pod"));
    b.session.autosave_path = last_session_path();
    restore_last_session(b);
    ui.frames(b, 2);
    EXPECT_EQ(snapshot(b), snapshot(a));
    EXPECT_NE(b.status_message.find("reopened the last session"), std::string::npos);

    b.session.restore_at_start = false;  // File > Reopen this session next time, unticked
    ASSERT_TRUE(save_last_session(b).empty());
    AppState c;
    ASSERT_TRUE(testing::open_lesson(ui, c, "pod"));
    const std::string before = snapshot(c);
    c.session.autosave_path = last_session_path();
    restore_last_session(c);
    ui.frames(c, 1);
    EXPECT_EQ(snapshot(c), before);
    EXPECT_FALSE(c.session.restore_at_start) << "the choice survives to the next save";

    write(last_session_path(), "{\"format\":\"attnviz-session\",\"version\":1,\"settings\":{\"heads\":0}}");
    AppState d;
    ASSERT_TRUE(testing::open_lesson(ui, d, "pod"));
    d.session.autosave_path = last_session_path();
    restore_last_session(d);
    ui.frames(d, 1);
    EXPECT_EQ(snapshot(d), before);
    EXPECT_NE(d.status_message.find("settings.heads"), std::string::npos) << d.status_message;
    ::unsetenv("XDG_CONFIG_HOME");
}

TEST(Undo, ReturnsToTheExactEarlierStatesAndRedoesThem) {
    HeadlessImGui ui;
    AppState s;
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    std::vector<std::string> states = {session_to_json(s, false).dump()};
    const std::vector<std::function<void()>> changes = {
        [&] { set_temperature(s, 0.2); },
        [&] { set_causal(s, false); },
        [&] { focus_head(s, 4); },
        [&] { set_query(s, 2); },
        [&] { set_colormap(s, Colormap::kGrey); },
        [&] { set_sentence(s, "A new sentence to look at"); },
        [&] { set_heads(s, 2, 8); },
    };
    for (const auto& change : changes) {
        change();
        ui.frames(s, 2);
        states.push_back(session_to_json(s, false).dump());
        ASSERT_NE(states.back(), states[states.size() - 2]);
    }
    ASSERT_EQ(s.session.history.undo.size(), changes.size());
    // A view change (zoom, theme) is no undo step.
    set_theme(s, Theme::kLight);
    ui.frames(s, 2);
    EXPECT_EQ(s.session.history.undo.size(), changes.size());
    for (std::size_t k = states.size() - 1; k-- > 0;) {
        ui.key(s, kKeyZ, /*ctrl=*/true);
        EXPECT_EQ(session_to_json(s, false).dump(), states[k]) << "after undoing to step " << k;
    }
    EXPECT_FALSE(undo(s));
    EXPECT_EQ(s.sentence, lesson::find_builtin_scenario("pod")->sentence)
        << "back at the lesson's own sentence";
    for (std::size_t k = 1; k < states.size(); ++k) {
        ui.key(s, kKeyZ, /*ctrl=*/true, /*shift=*/true);
        EXPECT_EQ(session_to_json(s, false).dump(), states[k]) << "after redoing to step " << k;
    }
    EXPECT_FALSE(redo(s));
    // A new change after an undo drops the redo steps.
    ASSERT_TRUE(undo(s));
    ui.frames(s, 2);
    set_temperature(s, 3.0);
    ui.frames(s, 2);
    EXPECT_TRUE(s.session.history.redo.empty());
    EXPECT_FALSE(redo(s));
}

}  // namespace
}  // namespace attnviz::gui

namespace attnviz::gui {
namespace {

void expect_same_interventions(const model::Interventions& got, const model::Interventions& want) {
    EXPECT_EQ(got.temperature, want.temperature);
    ASSERT_EQ(got.temperatures.size(), want.temperatures.size());
    for (std::size_t i = 0; i < want.temperatures.size(); ++i) {
        EXPECT_EQ(got.temperatures[i].layer, want.temperatures[i].layer) << i;
        EXPECT_EQ(got.temperatures[i].head, want.temperatures[i].head) << i;
        EXPECT_EQ(got.temperatures[i].temperature, want.temperatures[i].temperature) << i;
    }
    EXPECT_EQ(got.causal, want.causal);
    EXPECT_EQ(got.window, want.window);
    ASSERT_EQ(got.ablated.size(), want.ablated.size());
    for (std::size_t i = 0; i < want.ablated.size(); ++i) {
        EXPECT_EQ(got.ablated[i].layer, want.ablated[i].layer) << i;
        EXPECT_EQ(got.ablated[i].head, want.ablated[i].head) << i;
    }
}

// A real model's interventions (temperatures with their scope, causal off, a window, heads off) and its
// focused head come back in a fresh app once the model has loaded, and in the app that has it open; a
// malformed intervention changes nothing and names its JSON path. The Compare pin is never saved.
TEST(Session, RealModelInterventionsRoundTrip) {
    testing::GuiModelFolder folder("session_model");
    HeadlessImGui ui;
    AppState a;
    ASSERT_TRUE(testing::open_tiny_model(ui, a, folder));
    ASSERT_TRUE(set_model_temperature(a, 2.0, InterventionScope::kAllLayers));
    focus_model_head(a, 1, 2);
    ASSERT_TRUE(set_model_temperature(a, 0.25, InterventionScope::kThisHead));
    focus_model_head(a, 2, 0);
    ASSERT_TRUE(
        set_model_temperature(a, std::numeric_limits<double>::infinity(), InterventionScope::kThisLayer));
    a.model.temperature_scope = InterventionScope::kThisLayer;
    set_model_causal(a, false);
    set_model_window(a, 3);
    toggle_head_ablation(a, 0, 1);
    toggle_head_ablation(a, 2, 3);
    focus_model_head(a, 1, 2);
    testing::settle_model(ui, a);
    ASSERT_TRUE(pin_compare(a));
    const model::Interventions want = a.model.interventions;
    ASSERT_EQ(want.temperatures.size(), 2u);
    ASSERT_EQ(want.ablated.size(), 2u);

    ScratchDir dir("session_model");
    const std::string path = dir.file("model.attnviz");
    ASSERT_TRUE(save_session_file(a, path)) << a.session.message;
    EXPECT_EQ(session_to_json(a).find("compare"), nullptr) << "the pin is not part of a session";

    AppState b;
    ASSERT_TRUE(testing::open_lesson(ui, b, "cat-it"));
    ASSERT_TRUE(open_session_file(b, path)) << b.session.message;
    testing::settle_model(ui, b);
    ASSERT_TRUE(model_open(b)) << b.model.load_error;
    expect_same_interventions(b.model.interventions, want);
    EXPECT_EQ(b.model.temperature_scope, InterventionScope::kThisLayer);
    EXPECT_EQ(b.selection.layer, 1);
    EXPECT_EQ(b.selection.focus_head, 2);
    EXPECT_FALSE(b.compare.pinned.has_value());
    EXPECT_EQ(snapshot(b), snapshot(a));
    // The run on screen is the one the interventions give.
    ASSERT_TRUE(b.derived.run && b.derived.run->real_model());
    EXPECT_TRUE(b.derived.result()->heads[2].weights == a.derived.result()->heads[2].weights);

    // The app with the model open: the saved interventions replace the ones set since.
    reset_interventions(a);
    testing::settle_model(ui, a);
    ASSERT_TRUE(open_session_file(a, path)) << a.session.message;
    testing::settle_model(ui, a);
    expect_same_interventions(a.model.interventions, want);

    // Malformed interventions: nothing changes, and the message names the path.
    const std::string before = snapshot(a);
    std::string doc = session_to_json(a).dump();
    const std::size_t at = doc.find("\"heads_off\":[[0,1]");
    ASSERT_NE(at, std::string::npos) << doc;
    doc.replace(at, std::string("\"heads_off\":[[0,1]").size(), "\"heads_off\":[[0]");
    write(dir.file("bad.attnviz"), doc);
    EXPECT_FALSE(open_session_file(a, dir.file("bad.attnviz")));
    EXPECT_NE(a.session.message.find("interventions.heads_off[0]"), std::string::npos) << a.session.message;
    testing::settle_model(ui, a);
    EXPECT_EQ(snapshot(a), before);
}

}  // namespace
}  // namespace attnviz::gui
