// The settings' one table (core/lesson/settings_fields.h) is the single source of every format: each field,
// changed alone, round-trips through scenario files, session files, exports and attnviz-cli lesson --json;
// each reader accepts exactly the table's keys and names file, JSON path and what to do when one is wrong.
#include "core/lesson/settings_fields.h"
#include "app/cli/commands.h"
#include "app/common/session_file.h"
#include "core/exports/attention_export.h"
#include "core/lesson/scenario.h"
#include "tests/support/export_files.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace attnviz {
namespace {

/// The defaults with one field changed to another valid value (for a count: another value in the lesson
/// model's range; heads and kv_heads kept dividing each other).
lesson::LessonRunSettings changed(const lesson::SettingField& f) {
    lesson::LessonRunSettings s;
    switch (f.kind) {
        case lesson::SettingKind::kCount: {
            const lesson::IntRange r = lesson::lesson_settings_limits().*f.range;
            s.*f.count = s.*f.count == r.lo + 1 ? r.lo : r.lo + 1;
            // A count that others divide (heads): the dividing ones become 1, which divides any count.
            for (const lesson::SettingField& g : lesson::setting_fields()) {
                if (g.divides == f.count) s.*g.count = 1;
            }
            break;
        }
        case lesson::SettingKind::kFlag:
            s.*f.flag = !(s.*f.flag);
            break;
        case lesson::SettingKind::kTemperature:
            s.*f.real = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits to read back the same
            break;
    }
    return s;
}

std::vector<std::string> keys_of(const io::JsonValue& object) {
    std::vector<std::string> keys;
    for (const io::JsonValue::Member& m : object.members()) keys.push_back(m.first);
    return keys;
}

std::vector<std::string> table_keys() {
    std::vector<std::string> keys;
    for (const lesson::SettingField& f : lesson::setting_fields()) keys.emplace_back(f.key);
    return keys;
}

/// The smallest valid export: one token, one layer, one head.
exports::AttentionExport tiny_export(const lesson::LessonRunSettings& settings) {
    exports::AttentionExport e;
    e.source = "test";
    e.sentence = "a";
    e.query_labels = {"a"};
    e.key_labels = {"a"};
    Tensor3 w(1, 1, 1);
    w.mat(0)(0, 0) = 1.0f;
    e.layers.push_back(w);
    e.visible.push_back(MaskMatrix::Constant(1, 1, 1));
    e.settings = settings;
    return e;
}

std::string scenario_text(const lesson::LessonRunSettings& s) {
    io::JsonValue doc = io::JsonValue::object();
    doc.set("sentence", io::JsonValue::string("the cat sat"));
    doc.set("settings", lesson::settings_json(s));
    return doc.dump(true);
}

TEST(SettingFields, TheTableHasOneLinePerMemberWithAKindItsPointerMatches) {
    std::set<std::string> keys;
    for (const lesson::SettingField& f : lesson::setting_fields()) {
        SCOPED_TRACE(f.key);
        EXPECT_TRUE(keys.insert(f.key).second) << "a key twice";
        EXPECT_NE(std::string(f.doc), "");
        EXPECT_TRUE(lesson::is_setting_key(f.key));
        const int n_pointers = (f.count != nullptr) + (f.flag != nullptr) + (f.real != nullptr);
        EXPECT_EQ(n_pointers, 1);
        EXPECT_EQ(f.count != nullptr, f.kind == lesson::SettingKind::kCount);
        EXPECT_EQ(f.range != nullptr, f.kind == lesson::SettingKind::kCount);
        EXPECT_EQ(f.flag != nullptr, f.kind == lesson::SettingKind::kFlag);
        EXPECT_EQ(f.real != nullptr, f.kind == lesson::SettingKind::kTemperature);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"heads", "kv_heads", "temperature", "causal", "window", "scale",
                                           "use_positions"}));
    EXPECT_FALSE(lesson::is_setting_key("max_tokens")) << "a run's cap, not part of a file";
    EXPECT_FALSE(lesson::is_setting_key("focus_head")) << "a scenario's, not a run setting";
    EXPECT_EQ(lesson::setting_keys_text(),
              "heads, kv_heads, temperature, causal, window, scale, use_positions");
}

TEST(SettingFields, EachFieldChangedAloneRoundTripsThroughEveryFormat) {
    testing::ScratchDir dir("settings_fields");
    for (const lesson::SettingField& f : lesson::setting_fields()) {
        SCOPED_TRACE(f.key);
        const lesson::LessonRunSettings s = changed(f);
        ASSERT_FALSE(lesson::same_settings(s, lesson::LessonRunSettings{}))
            << "the comparison misses the field";

        const io::JsonValue written = lesson::settings_json(s);
        EXPECT_EQ(keys_of(written), table_keys());
        lesson::LessonRunSettings read;
        EXPECT_FALSE(lesson::read_settings_json(written, lesson::lesson_settings_limits(), read).has_value());
        EXPECT_TRUE(lesson::same_settings(read, s));

        Expected<lesson::Scenario> sc = lesson::parse_scenario(scenario_text(s), "s.json");
        ASSERT_TRUE(sc.ok()) << sc.error();
        EXPECT_TRUE(lesson::same_settings(sc->settings, s));
        EXPECT_TRUE(sc->warnings.empty()) << sc->warnings.front();

        SessionFile session;
        session.sentence = "the cat sat";
        session.settings = s;
        const io::JsonValue session_json = session_file_json(session);
        EXPECT_EQ(keys_of(*session_json.find("settings")), table_keys());
        Expected<SessionFile> back = parse_session_file(session_json.dump(true), "s.attnviz");
        ASSERT_TRUE(back.ok()) << back.error();
        EXPECT_TRUE(lesson::same_settings(back->settings, s));
        EXPECT_TRUE(back->warnings.empty()) << back->warnings.front();
        EXPECT_TRUE(*back == session);
        SessionFile other = session;
        other.settings = lesson::LessonRunSettings{};
        EXPECT_FALSE(*back == other) << "the session's equality misses the field";

        const io::JsonValue export_json = exports::export_to_json(tiny_export(s));
        EXPECT_EQ(keys_of(*export_json.find("settings")), table_keys());
        Expected<exports::AttentionExport> exported =
            exports::export_from_json(export_json.dump(true), "e.json");
        ASSERT_TRUE(exported.ok()) << exported.error();
        EXPECT_TRUE(lesson::same_settings(exported->settings, s));

        // attnviz-cli lesson --json prints what the engine ran with, in the same fields.
        const std::string file = dir.file(std::string(f.key) + ".json");
        std::ofstream(file) << scenario_text(s);
        const testing::CliRun r =
            testing::run_cli(cli::run_lesson_command, {"lesson", "--scenario", file, "--json"});
        ASSERT_EQ(r.code, 0) << r.err;
        Expected<io::JsonValue> out = io::parse_json(r.out, "stdout");
        ASSERT_TRUE(out.ok()) << out.error();
        EXPECT_EQ(keys_of(*out->find("settings")), table_keys());
        lesson::LessonRunSettings printed;
        EXPECT_FALSE(
            lesson::read_settings_json(*out->find("settings"), lesson::lesson_settings_limits(), printed)
                .has_value());
        EXPECT_TRUE(lesson::same_settings(printed, s));
    }
}

TEST(SettingFields, InfiniteTemperatureIsTheStringInfEverywhere) {
    lesson::LessonRunSettings s;
    s.temperature = std::numeric_limits<double>::infinity();
    EXPECT_EQ(lesson::settings_json(s).find("temperature")->as_string(), "inf");
    EXPECT_TRUE(std::isinf(lesson::parse_scenario(scenario_text(s), "s.json")->settings.temperature));
    Expected<exports::AttentionExport> e =
        exports::export_from_json(exports::export_to_json(tiny_export(s)).dump(), "e.json");
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_TRUE(std::isinf(e->settings.temperature));
}

TEST(SettingFields, BadValuesNameFileJsonPathAndWhatToDoInEachFormat) {
    struct Case {
        const char* settings;
        const char* key;
        const char* what;  ///< the same words in both: "must be ..., found ..."
    };
    const Case cases[] = {
        {R"({"heads": 99})", "heads", "must be a whole number from 1 to 8, found 99"},
        {R"({"heads": 6, "kv_heads": 4})", "kv_heads", "must divide heads (6), found 4"},
        {R"({"kv_heads": 3})", "kv_heads", "must divide heads (8), found 3"},
        {R"({"temperature": -1})", "temperature", "must be a number from 0 up, or \"inf\", found -1"},
        {R"({"causal": "yes"})", "causal", "must be true or false, found a string"},
        {R"({"window": -1})", "window", "must be a whole number from 0 to 1073741824, found -1"},
        {R"({"use_positions": 1})", "use_positions", "must be true or false, found 1"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.settings);
        Expected<lesson::Scenario> sc = lesson::parse_scenario(
            std::string(R"({"sentence": "a", "settings": )") + c.settings + "}", "s.json");
        ASSERT_FALSE(sc.ok());
        // Each format words the place as its other messages do: "$.settings.heads must ...", "settings.heads:
        // must ...".
        EXPECT_NE(sc.error().find(std::string("$.settings.") + c.key + " " + c.what), std::string::npos)
            << sc.error();
        EXPECT_EQ(sc.error().rfind("s.json:1:", 0), 0u) << sc.error();
        Expected<SessionFile> session = parse_session_file(
            std::string(R"({"format": "attnviz-session", "version": 1, "settings": )") + c.settings + "}",
            "s.attnviz");
        ASSERT_FALSE(session.ok());
        EXPECT_NE(session.error().find(std::string("settings.") + c.key + ": " + c.what), std::string::npos)
            << session.error();
        EXPECT_EQ(session.error().rfind("s.attnviz:1:", 0), 0u) << session.error();
    }
    // An export may come from a real model: its heads are not capped at the lesson model's 8, and a window of
    // -1 (the model's own) is accepted, but the same words name what is wrong.
    const std::string text = exports::export_to_json(tiny_export(lesson::LessonRunSettings{})).dump();
    const std::string heads = "\"heads\":8";
    ASSERT_NE(text.find(heads), std::string::npos);
    lesson::LessonRunSettings big;
    big.n_heads = 64;
    big.window = -1;
    Expected<exports::AttentionExport> real =
        exports::export_from_json(exports::export_to_json(tiny_export(big)).dump(), "e.json");
    ASSERT_TRUE(real.ok()) << real.error();
    EXPECT_EQ(real->settings.n_heads, 64);
    EXPECT_EQ(real->settings.window, -1);
    Expected<exports::AttentionExport> zero = exports::export_from_json(
        std::string(text).replace(text.find(heads), heads.size(), "\"heads\":0"), "e.json");
    ASSERT_FALSE(zero.ok());
    EXPECT_NE(zero.error().find("e.json:1:"), std::string::npos) << zero.error();
    EXPECT_NE(zero.error().find("settings.heads: must be a whole number from 1 to 1048576, found 0"),
              std::string::npos)
        << zero.error();
}

TEST(SettingFields, MembersOutsideTheTableAreIgnoredWithAWarning) {
    Expected<lesson::Scenario> sc = lesson::parse_scenario(
        R"({"sentence": "a", "settings": {"heads": 2, "focus_head": 1, "colour": 3}})", "s.json");
    ASSERT_TRUE(sc.ok()) << sc.error();
    EXPECT_EQ(sc->focus_head, 1) << "focus_head: the scenario's own member of settings";
    ASSERT_EQ(sc->warnings.size(), 1u);
    EXPECT_NE(sc->warnings[0].find("$.settings.colour is not a scenario field; ignored"), std::string::npos)
        << sc->warnings[0];
    Expected<SessionFile> session = parse_session_file(
        R"({"format": "attnviz-session", "version": 1, "settings": {"colour": 3}})", "s.attnviz");
    ASSERT_TRUE(session.ok()) << session.error();
    ASSERT_EQ(session->warnings.size(), 1u);
    EXPECT_EQ(session->warnings[0],
              "settings.colour is not a setting this attnviz knows (heads, kv_heads, temperature, causal, "
              "window, scale, use_positions); ignored");
}

}  // namespace
}  // namespace attnviz
