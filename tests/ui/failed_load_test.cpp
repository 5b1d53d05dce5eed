// A failed load of any kind changes nothing (robustness.md S1-S6, M1-M2, issue 18 §2): after a bad scenario,
// session or model, the sentence, the settings, the lesson and the hand example on screen stay, and the
// message says which file and why. (With a real model open:
// ModelViewTest.AFailedLoadKeepsTheModelTextAndSettings and
// ModelViewTest.AFailedSessionOpenKeepsTheOpenModel.)
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/session.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace attnviz::gui {
namespace {

using testing::HeadlessImGui;
namespace fs = std::filesystem;

/// What a load must not touch, copied out of the state for comparison.
struct Snapshot {
    std::string sentence;
    std::string key_sentence;
    lesson::LessonRunSettings settings;
    std::string lesson_name;
    std::string lesson_title;
    bool has_hand_model = false;
    int query = -1;
    int focus_head = -1;
    std::vector<float> first_head_row;  ///< the query row of head 0 as drawn

    static Snapshot of(const AppState& s) {
        Snapshot p;
        p.sentence = s.sentence;
        p.key_sentence = s.key_sentence;
        p.settings = s.settings;
        p.lesson_name = s.lesson ? s.lesson->name : "";
        p.lesson_title = s.lesson ? s.lesson->title : "";
        p.has_hand_model = s.hand_model.has_value();
        p.query = s.selection.query;
        p.focus_head = s.selection.focus_head;
        if (s.derived.result() != nullptr && s.selection.query >= 0) {
            const auto& w = s.derived.result()->heads[0].weights;
            for (int j = 0; j < w.cols(); ++j) p.first_head_row.push_back(w(s.selection.query, j));
        }
        return p;
    }
};

void expect_same(const Snapshot& a, const Snapshot& b, const std::string& context) {
    EXPECT_EQ(a.sentence, b.sentence) << context;
    EXPECT_EQ(a.key_sentence, b.key_sentence) << context;
    EXPECT_EQ(a.settings.n_heads, b.settings.n_heads) << context;
    EXPECT_EQ(a.settings.n_kv_heads, b.settings.n_kv_heads) << context;
    EXPECT_EQ(a.settings.temperature, b.settings.temperature) << context;
    EXPECT_EQ(a.settings.causal, b.settings.causal) << context;
    EXPECT_EQ(a.settings.window, b.settings.window) << context;
    EXPECT_EQ(a.settings.scale, b.settings.scale) << context;
    EXPECT_EQ(a.settings.use_positions, b.settings.use_positions) << context;
    EXPECT_EQ(a.lesson_name, b.lesson_name) << context;
    EXPECT_EQ(a.lesson_title, b.lesson_title) << context;
    EXPECT_EQ(a.has_hand_model, b.has_hand_model) << context;
    EXPECT_EQ(a.query, b.query) << context;
    EXPECT_EQ(a.focus_head, b.focus_head) << context;
    EXPECT_EQ(a.first_head_row, b.first_head_row) << context;
}

class FailedScenarioLoad : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = fs::temp_directory_path() /
              ("attnviz_failed_load_" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = (dir / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    /// Each bad file with a fragment its message must hold (besides the path).
    std::vector<std::pair<std::string, std::string>> bad_files() const {
        std::string huge = "{\"sentence\": \"";
        huge.append(2 << 20, 'a');
        huge += "\"}";
        return {
            {(dir / "missing.json").string(), "No such file or directory"},
            {dir.string(), "it is a directory"},
            {write("empty.json", ""), "file is empty"},
            {write("truncated.json",
                   "{\"sentence\": \"the dog chased the ball\",\n \"settings\": {\"heads\": 4,"),
             ":2:"},
            {write("trailing_comma.json", "{\"sentence\": \"a b\",}"), "trailing comma"},
            {write("negative_t.json", "{\"sentence\": \"a b\", \"settings\": {\"temperature\": -1}}"),
             "$.settings.temperature"},
            {write("heads.json", "{\"sentence\": \"a b\", \"settings\": {\"heads\": 1e9}}"),
             "$.settings.heads"},
            {write("latin1.json", "{\"sentence\": \"caf\xE9 au lait\"}"), "save the file as UTF-8"},
            {write("utf16_odd.json", std::string("\xFF\xFE{\0\"", 4) + "x"), "UTF-16LE"},
            {write("hand.json",
                   "{\"sentence\": \"a b\", \"hand_model\": {\"x\": [[1]], \"w_q\": [[1]], \"w_k\": [[1]], "
                   "\"w_v\": [[1]]}}"),
             "$.hand_model.x"},
            {write("huge.json", huge), "more than the limit"},
            {write("png.json", "\x89PNG\r\n\x1a\n"), "unexpected byte 0x89"},
        };
    }

    fs::path dir;
    HeadlessImGui ui;
    AppState s;
};

TEST_F(FailedScenarioLoad, KeepsTheLessonSentenceAndSettingsAndSaysWhy) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    // Settings of one's own on top of the lesson: a failed load must keep these too.
    s.settings.temperature = 2.5;
    s.settings.window = 3;
    s.settings.n_kv_heads = 2;
    s.selection.focus_head = 1;
    s.inputs_changed();
    ui.frames(s, 3);
    ASSERT_NE(s.derived.result(), nullptr) << s.derived.status;
    const Snapshot before = Snapshot::of(s);
    ASSERT_EQ(before.lesson_name, "pod");
    ASSERT_FALSE(before.first_head_row.empty());

    for (const auto& [path, fragment] : bad_files()) {
        s.load_message.clear();
        EXPECT_FALSE(load_scenario_from_file(s, path)) << path;
        EXPECT_NE(s.load_message.find(path), std::string::npos) << s.load_message;
        EXPECT_NE(s.load_message.find(fragment), std::string::npos) << path << ": " << s.load_message;
        EXPECT_EQ(s.load_message.find('\xFF'), std::string::npos)
            << "the message is valid text: " << s.load_message;
        ui.frames(s, 2);
        ASSERT_NE(s.derived.result(), nullptr) << path << ": " << s.derived.status;
        expect_same(before, Snapshot::of(s), path);
    }

    // The same state still takes a good file afterwards.
    const std::string good =
        write("good.json", "{\"sentence\": \"the cat sat\", \"settings\": {\"heads\": 2}}");
    ASSERT_TRUE(load_scenario_from_file(s, good)) << s.load_message;
    ui.frames(s, 3);
    EXPECT_EQ(s.sentence, "the cat sat");
    EXPECT_EQ(s.settings.n_heads, 2);
}

TEST_F(FailedScenarioLoad, KeepsTheHandExampleAndAnOwnSentence) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    ASSERT_TRUE(s.hand_model.has_value());
    const Snapshot hand = Snapshot::of(s);
    for (const auto& [path, fragment] : bad_files()) {
        EXPECT_FALSE(load_scenario_from_file(s, path)) << path;
        ui.frames(s, 2);
        expect_same(hand, Snapshot::of(s), path);
    }

    // A sentence of one's own (no lesson) survives as well.
    set_sentence(s, "my own words here");
    ui.frames(s, 3);
    ASSERT_NE(s.derived.result(), nullptr) << s.derived.status;
    const Snapshot own = Snapshot::of(s);
    EXPECT_EQ(own.lesson_name, "");
    for (const auto& [path, fragment] : bad_files()) {
        EXPECT_FALSE(load_scenario_from_file(s, path)) << path;
        ui.frames(s, 2);
        expect_same(own, Snapshot::of(s), path);
    }
}

// Sessions: every bad file (the scenario cases and the session's own) leaves the hand example and one's own
// settings as they were; the session message says "nothing changed" and names the file.
using FailedSessionLoad = FailedScenarioLoad;

TEST_F(FailedSessionLoad, KeepsTheHandExampleAndOwnSettingsAndSaysWhy) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "hand-example"));
    s.settings.temperature = 0.5;
    s.inputs_changed();
    ui.frames(s, 3);
    ASSERT_NE(s.derived.result(), nullptr) << s.derived.status;
    const Snapshot before = Snapshot::of(s);
    ASSERT_TRUE(before.has_hand_model);
    std::string good = session_to_json(s).dump();
    const auto replace = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        const std::size_t at = t.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return at == std::string::npos ? t : t.replace(at, from.size(), to);
    };
    std::vector<std::pair<std::string, std::string>> files = bad_files();
    files.emplace_back(write("foreign.attnviz", "{\"format\":\"attnviz-attention\",\"version\":1}"),
                       "is this an .attnviz session file");
    files.emplace_back(write("heads.attnviz", replace("\"heads\":1", "\"heads\":99")), "settings.heads");
    files.emplace_back(write("hand.attnviz", replace("\"w_q\":[[", "\"w_q\":[[1e9,")), "hand_model");
    files.emplace_back(write("cut.attnviz", good.substr(0, good.size() - 3)), "cut.attnviz:1:");
    for (const auto& [path, fragment] : files) {
        EXPECT_FALSE(open_session_file(s, path)) << path;
        EXPECT_NE(s.session.message.find("nothing changed"), std::string::npos) << s.session.message;
        EXPECT_NE(s.session.message.find(path), std::string::npos) << s.session.message;
        ui.frames(s, 2);
        ASSERT_NE(s.derived.result(), nullptr) << path << ": " << s.derived.status;
        expect_same(before, Snapshot::of(s), path);
        EXPECT_FALSE(model_open(s)) << path;
    }
}

// Models: with the lesson model on screen, a folder that is not a model (or is gone) leaves it there.
using FailedModelLoad = FailedScenarioLoad;

TEST_F(FailedModelLoad, KeepsTheLessonModelTextAndSettings) {
    ASSERT_TRUE(testing::open_lesson(ui, s, "pod"));
    s.settings.window = 2;
    s.inputs_changed();
    ui.frames(s, 3);
    const Snapshot before = Snapshot::of(s);
    write("config.json", "{\"model_type\": \"llama\"}");  // a config that is not enough, and no weights
    for (const std::string& bad : {(dir / "missing").string(), dir.string()}) {
        open_model(s, bad);
        for (int i = 0; i < 200 && !s.model.loading.empty(); ++i) {
            if (s.model.job) s.model.job->wait_until_idle();
            ui.frame(s);
        }
        ui.frames(s, 2);
        EXPECT_TRUE(s.model.loading.empty()) << bad;
        EXPECT_FALSE(s.model.load_error.empty()) << bad;
        EXPECT_FALSE(model_open(s)) << bad;
        ASSERT_NE(s.derived.result(), nullptr) << bad << ": " << s.derived.status;
        expect_same(before, Snapshot::of(s), bad);
    }
}

}  // namespace
}  // namespace attnviz::gui
