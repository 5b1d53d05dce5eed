// Scenarios: every built-in lesson loads and names a real token; bad files get located errors.
#include "core/lesson/scenario.h"
#include "core/lesson/tokenizer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attnviz {
namespace {

TEST(Scenario, BuiltinsCoverTheLessonsPodFirst) {
    const std::vector<lesson::Scenario>& all = lesson::builtin_scenarios();
    ASSERT_GE(all.size(), 7u);
    EXPECT_EQ(all.front().name, "pod");
    EXPECT_EQ(all.front().sentence, "the pod crashed because it ran out of memory");
    EXPECT_EQ(all.front().query, "it");
    for (const char* name :
         {"pod", "cat-it", "xiao-ming", "cat-sat", "temperature", "gqa-minimind", "chinese"}) {
        EXPECT_NE(lesson::find_builtin_scenario(name), nullptr) << name;
    }
    EXPECT_EQ(lesson::find_builtin_scenario("gqa-minimind")->settings.n_kv_heads, 2);
    EXPECT_EQ(lesson::find_builtin_scenario("nope"), nullptr);
    EXPECT_EQ(lesson::builtin_scenario_names().rfind("pod, cat-it, ", 0), 0u)
        << lesson::builtin_scenario_names();
    for (const lesson::Scenario& sc : all) {
        EXPECT_TRUE(sc.warnings.empty()) << sc.name;
        EXPECT_FALSE(sc.explanation.empty()) << sc.name;
        const lesson::Tokenization t = lesson::tokenize(sc.sentence);
        if (!sc.query.empty()) {
            EXPECT_TRUE(lesson::find_token(t.tokens, sc.query).has_value()) << sc.name << ": " << sc.query;
        }
        if (sc.quiz) {
            const lesson::Tokenization keys =
                lesson::tokenize(sc.key_sentence.empty() ? sc.sentence : sc.key_sentence);
            const bool token_answer = lesson::find_token(keys.tokens, sc.quiz->answer).has_value();
            const bool number_answer = sc.quiz->answer.find_first_not_of("0123456789.") == std::string::npos;
            EXPECT_TRUE(token_answer || number_answer) << sc.name << ": " << sc.quiz->answer;
        }
    }
}

TEST(Scenario, ParsesAllFields) {
    Expected<lesson::Scenario> sc =
        lesson::parse_scenario(R"({"title": "T", "sentence": "a b c", "query": "b",
        "settings": {"heads": 4, "kv_heads": 2, "temperature": "inf", "causal": false, "window": 2, "scale": false},
        "quiz": {"question": "Q?", "answer": "b"}, "future_field": 1})",
                               "dir/my-lesson.json");
    ASSERT_TRUE(sc.ok()) << sc.error();
    EXPECT_EQ(sc->name, "my-lesson");
    EXPECT_EQ(sc->settings.n_heads, 4);
    EXPECT_EQ(sc->settings.n_kv_heads, 2);
    EXPECT_TRUE(std::isinf(sc->settings.temperature));
    EXPECT_FALSE(sc->settings.causal);
    EXPECT_EQ(sc->settings.window, 2);
    EXPECT_FALSE(sc->settings.scale);
    ASSERT_TRUE(sc->quiz.has_value());
    EXPECT_EQ(sc->quiz->answer, "b");
    ASSERT_EQ(sc->warnings.size(), 1u);
    EXPECT_NE(sc->warnings[0].find("$.future_field"), std::string::npos);
    // heads alone sets kv_heads to match (MHA).
    EXPECT_EQ(lesson::parse_scenario(R"({"sentence": "x", "settings": {"heads": 3}})", "s.json")
                  ->settings.n_kv_heads,
              3);
}

TEST(Scenario, MalformedFilesSayWhereAndWhat) {
    struct Case {
        const char* text;
        const char* expected;
    };
    const Case cases[] = {
        {"{\"sentence\": \"a\",\n  \"settings\": {\"heads\": 3,}}", "s.json:2:"},
        {"[1, 2]", "s.json:1:1: $ must be an object"},
        {"{\"title\": \"x\"}", "needs a \"sentence\""},
        {"{\"sentence\": \"  \"}", "$.sentence is empty"},
        {"{\"sentence\": 5}", "s.json:1:14: $.sentence must be a string"},
        {"{\"sentence\": \"a\", \"settings\": {\"heads\": \"8\"}}",
         "$.settings.heads must be a whole number from 1 to 8"},
        {"{\"sentence\": \"a\", \"settings\": {\"heads\": 12}}", "$.settings.heads"},
        {"{\"sentence\": \"a\", \"settings\": {\"heads\": 6, \"kv_heads\": 4}}", "must divide heads"},
        {"{\"sentence\": \"a\", \"settings\": {\"heads\": 2, \"focus_head\": 5}}",
         "focus_head (5) must be below heads (2)"},
        {"{\"sentence\": \"a\", \"settings\": {\"temperature\": -1}}",
         "$.settings.temperature must be a number from 0 up"},
        {"{\"sentence\": \"a\", \"settings\": {\"causal\": \"yes\"}}",
         "$.settings.causal must be true or false"},
        {"{\"sentence\": \"a\", \"settings\": 3}", "$.settings must be an object"},
        {"{\"sentence\": \"a\", \"quiz\": {\"question\": \"q\"}}", "$.quiz needs a \"answer\""},
        {"{\"sentence\": \"a\", \"sentence\": \"b\"}", "duplicate"},
        {"", "s.json:1:1"},
    };
    for (const Case& c : cases) {
        Expected<lesson::Scenario> sc = lesson::parse_scenario(c.text, "s.json");
        ASSERT_FALSE(sc.ok()) << c.text;
        EXPECT_NE(sc.error().find(c.expected), std::string::npos) << c.text << "\n -> " << sc.error();
    }
}

TEST(Scenario, HandExampleCarriesItsMatrices) {
    const lesson::Scenario* hand = lesson::find_builtin_scenario("hand-example");
    ASSERT_NE(hand, nullptr);
    EXPECT_EQ(hand->order, 9);
    ASSERT_TRUE(hand->hand_model.has_value());
    const lesson::HandModel& m = *hand->hand_model;
    EXPECT_EQ(m.x.rows(), 4);
    EXPECT_EQ(m.x.cols(), 3);
    for (const MatrixRM* w : {&m.w_q, &m.w_k, &m.w_v}) {
        EXPECT_EQ(w->rows(), 3);
        EXPECT_EQ(w->cols(), 3);
    }
    EXPECT_EQ(lesson::tokenize(hand->sentence).tokens.size(), 4u);
    EXPECT_FLOAT_EQ(m.x(1, 2), 0.5f);
    EXPECT_FALSE(lesson::find_builtin_scenario("pod")->hand_model.has_value());
}

TEST(Scenario, HandModelErrorsSayWhereAndWhat) {
    const auto doc = [](const std::string& hand) {
        return "{\"sentence\": \"a b\", \"hand_model\": {" + hand + "}}";
    };
    const std::string w = R"("w_q": [[1]], "w_k": [[1]], "w_v": [[1]])";
    struct Case {
        std::string text;
        const char* expected;
    };
    const Case cases[] = {
        {doc(w), "$.hand_model needs a \"x\""},
        {doc(R"("x": 3, )" + w), "$.hand_model.x must be an array of 1 to 64 rows"},
        {doc(R"("x": [[1], [2, 3]], )" + w), "$.hand_model.x[1] has 2 numbers; every row needs 1"},
        {doc(R"("x": [[1], ["2"]], )" + w), "$.hand_model.x[1][0] must be a number"},
        {doc(R"("x": [[1], [1e9]], )" + w), "$.hand_model.x[1][0] must be a number within +-1000"},
        {doc(R"("x": [[1], [2]], "w_q": [[1]], "w_k": [[1, 2]], "w_v": [[1]])"),
         "w_q and w_k must have the same number of columns"},
        {doc(R"("x": [[1, 0], [2, 0]], )" + w), "w_q must have 2 rows"},
        {doc(R"("x": [[1], [2], [3]], )" + w), "$.hand_model.x has 3 rows but the sentence has 2 tokens"},
        {"{\"sentence\": \"a\", \"hand_model\": []}", "$.hand_model must be an object"},
    };
    for (const Case& c : cases) {
        Expected<lesson::Scenario> sc = lesson::parse_scenario(c.text, "s.json");
        ASSERT_FALSE(sc.ok()) << c.text;
        EXPECT_NE(sc.error().find(c.expected), std::string::npos) << c.text << "\n -> " << sc.error();
    }
    Expected<lesson::Scenario> ok = lesson::parse_scenario(doc(R"("x": [[1], [2]], )" + w), "s.json");
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(ok->hand_model->x.rows(), 2);
}

TEST(Scenario, LoadingAMissingFileNamesIt) {
    Expected<lesson::Scenario> sc = lesson::load_scenario_file("/nonexistent/lesson.json");
    ASSERT_FALSE(sc.ok());
    EXPECT_NE(sc.error().find("/nonexistent/lesson.json"), std::string::npos);
}

}  // namespace
}  // namespace attnviz
