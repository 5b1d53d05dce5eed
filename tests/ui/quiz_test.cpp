// Predict, then reveal: the pure quiz logic, and the quiz view driven through clicks. The weights must
// never be drawn, in any view, between the question and the Reveal.
#include "app/gui/compute/quiz.h"
#include "app/gui/app_actions.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/scenario.h"
#include "tests/support/headless_imgui.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace attnviz::gui {
namespace {

using testing::drawn;
using testing::HeadlessImGui;
using testing::token_index;
using testing::widget;
using testing::widget_count;

int scenario_index(const std::string& name) {
    const auto& all = lesson::builtin_scenarios();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

// [SECTION] pure logic

TEST(QuizLogic, NumbersAndChecks) {
    EXPECT_TRUE(is_number("4"));
    EXPECT_TRUE(is_number(" 0.2 "));
    EXPECT_FALSE(is_number("pod"));
    EXPECT_FALSE(is_number(""));
    QuizQuestion q;
    q.answer = "0.2";
    EXPECT_TRUE(check_number_answer(q, "0.2"));
    EXPECT_TRUE(check_number_answer(q, ".2"));
    EXPECT_FALSE(check_number_answer(q, "0.25"));
    EXPECT_FALSE(check_number_answer(q, "x"));
    q.choices = {"coref", "prev", "first"};
    q.answer = "prev";
    EXPECT_TRUE(check_choice_answer(q, 1));
    EXPECT_FALSE(check_choice_answer(q, 0));
    EXPECT_FALSE(check_choice_answer(q, 7));
}

TEST(QuizLogic, EveryBuiltinQuizIsReachableInOrder) {
    const auto& all = lesson::builtin_scenarios();
    const std::vector<int> with_quiz = quiz_scenarios(all);
    ASSERT_GE(with_quiz.size(), 5u);
    int at = -1;
    std::vector<int> seen;
    for (std::size_t i = 0; i < with_quiz.size(); ++i) {
        at = next_quiz_scenario(all, at);
        seen.push_back(at);
    }
    EXPECT_EQ(seen, with_quiz);
    EXPECT_EQ(next_quiz_scenario(all, at), with_quiz.front()) << "wraps around";
}

TEST(QuizLogic, FadeGoesFromZeroToOneAfterTheReveal) {
    QuizState q;
    q.phase = QuizPhase::kAsking;
    ASSERT_TRUE(q.hidden());
    EXPECT_EQ(quiz_weights_alpha(q, 100.0), 0.0f);
    q.phase = QuizPhase::kRevealed;
    ASSERT_TRUE(q.fade_in());
    q.reveal_time = 10.0;
    EXPECT_EQ(quiz_weights_alpha(q, 10.0), 0.0f);
    EXPECT_NEAR(quiz_weights_alpha(q, 10.3), 0.5f, 1e-5f);
    EXPECT_EQ(quiz_weights_alpha(q, 11.0), 1.0f);
}

TEST(QuizLogic, HeadNamedInTheQuestion) {
    const std::vector<std::string> names = {"previous token", "coreference"};
    EXPECT_EQ(head_named_in("In the coreference head, which token...", names), 1);
    EXPECT_EQ(head_named_in("Which token comes first?", names), -1);
}

// [SECTION] the quiz view

class QuizView : public ::testing::Test {
  protected:
    void SetUp() override {
        apply_scenario(s, *lesson::find_builtin_scenario("pod"));
        ui.frames(s, 2);
        show_view(s, MainView::kQuiz);
        ui.frames(s, 3);
        ASSERT_EQ(s.view.main_view, MainView::kQuiz);
        ASSERT_TRUE(s.quiz.active());
        ASSERT_FALSE(s.quiz.needs_question()) << s.derived.status;
    }
    HeadlessImGui ui;
    AppState s;
};

TEST_F(QuizView, AsksTheLessonQuestionWithEveryWeightHidden) {
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_EQ(s.lesson->name, "pod");
    EXPECT_EQ(s.quiz.question.question, lesson::find_builtin_scenario("pod")->quiz->question);
    EXPECT_TRUE(s.quiz.hidden());
    EXPECT_FALSE(s.quiz.revealed());
    EXPECT_EQ(s.view.weights_alpha, 0.0f);
    EXPECT_FALSE(drawn(s, "weight_text")) << "no weight, arc or readout drawn before the reveal";
    EXPECT_EQ(widget_count(s, "quiz_chip"), s.derived.tokens.tokens.size());
    EXPECT_TRUE(drawn(s, "quiz_reveal"));
}

TEST_F(QuizView, ClickingTheRightChipMarksCorrectButRevealsNothing) {
    const int pod = token_index(s, "pod");
    ASSERT_GE(pod, 0);
    ui.click(s, widget(s, "quiz_chip", pod).center());
    EXPECT_EQ(s.quiz.chosen_token, pod);
    EXPECT_TRUE(s.quiz.answered());
    EXPECT_TRUE(s.quiz.correct());
    EXPECT_TRUE(s.quiz.hidden()) << "the click answers; only Reveal reveals";
    EXPECT_FALSE(drawn(s, "weight_text"));

    // The other views hide the weights too while the question is open.
    show_view(s, MainView::kAttention);
    ui.frames(s, 3);
    EXPECT_EQ(s.view.main_view, MainView::kAttention);
    EXPECT_FALSE(drawn(s, "weight_text"));
    const int it = token_index(s, "it");
    ui.click(s, widget(s, "token_chip", 0).center());
    EXPECT_EQ(s.selection.query, it) << "the question's query stays put while hidden";

    show_view(s, MainView::kQuiz);
    ui.frames(s, 2);
    ui.click(s, widget(s, "quiz_reveal").center());
    EXPECT_TRUE(s.quiz.revealed());
    EXPECT_FALSE(s.quiz.hidden());
    EXPECT_TRUE(drawn(s, "weight_text"));
    // The coreference head is the one the question names: the reveal focuses it.
    const auto infos = lesson::LessonModel::instance().heads();
    const auto coref = std::find_if(infos.begin(), infos.end(),
                                    [](const lesson::LessonHeadInfo& h) { return h.name == "coreference"; });
    ASSERT_NE(coref, infos.end());
    EXPECT_EQ(s.selection.focus_head, static_cast<int>(coref - infos.begin()));
    // The weights fade in over ~0.6 s of ImGui time (60 frames of 1/60 s here).
    EXPECT_LT(s.view.weights_alpha, 1.0f);
    ui.frames(s, 60);
    EXPECT_EQ(s.view.weights_alpha, 1.0f);
    // And the engine agrees with the answer: "pod" is the top key of "it" in that head.
    const attention::HeadResult& h =
        s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    int best = 0;
    for (int j = 0; j < s.derived.result()->n_k; ++j) {
        if (h.weights(it, j) > h.weights(it, best)) best = j;
    }
    EXPECT_EQ(best, pod);
}

TEST_F(QuizView, AWrongChipIsMarkedWrong) {
    ui.click(s, widget(s, "quiz_chip", 0).center());
    EXPECT_TRUE(s.quiz.answered());
    EXPECT_FALSE(s.quiz.correct());
    ui.click(s, widget(s, "quiz_reveal").center());
    EXPECT_TRUE(s.quiz.revealed());
    EXPECT_FALSE(s.quiz.correct());
}

TEST_F(QuizView, NextQuestionMovesToTheNextScenarioWithAQuiz) {
    const int before = s.quiz.scenario;
    ui.click(s, widget(s, "quiz_next").center());
    EXPECT_EQ(s.quiz.scenario, next_quiz_scenario(lesson::builtin_scenarios(), before));
    EXPECT_NE(s.quiz.scenario, before);
    EXPECT_TRUE(s.quiz.hidden());
    EXPECT_FALSE(s.quiz.answered());
    ASSERT_TRUE(s.lesson.has_value());
    EXPECT_EQ(s.lesson->name, lesson::builtin_scenarios()[static_cast<std::size_t>(s.quiz.scenario)].name);
}

TEST_F(QuizView, NumericAnswersAreTyped) {
    start_quiz(s, scenario_index("gqa-minimind"), QuizKind::kScenario);
    ui.frames(s, 3);
    ASSERT_EQ(s.quiz.question.mode, QuizAnswerMode::kNumber);
    answer_quiz_number(s, "3");
    EXPECT_FALSE(s.quiz.correct());
    answer_quiz_number(s, "4");
    EXPECT_TRUE(s.quiz.correct());
    EXPECT_TRUE(s.quiz.hidden());
}

TEST_F(QuizView, TemperatureQuestionAnswerIsTheEnginesTopKeyAtT01) {
    ui.click(s, widget(s, "quiz_kind_button", static_cast<int>(QuizKind::kTemperature)).center());
    ASSERT_EQ(s.quiz.kind, QuizKind::kTemperature);
    ASSERT_FALSE(s.quiz.needs_question());
    const int answer = s.quiz.question.answer_token;
    ASSERT_GE(answer, 0);
    EXPECT_TRUE(s.quiz.hidden());
    ui.click(s, widget(s, "quiz_chip", answer).center());
    EXPECT_TRUE(s.quiz.correct());
    ui.click(s, widget(s, "quiz_reveal").center());
    EXPECT_DOUBLE_EQ(s.settings.temperature, 0.1);
    const int q = s.selection.query;
    const attention::HeadResult& h =
        s.derived.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
    for (int j = 0; j < s.derived.result()->n_k; ++j) EXPECT_LE(h.weights(q, j), h.weights(q, answer));
}

TEST_F(QuizView, HeadRoleQuestionIsMultipleChoice) {
    start_quiz(s, s.quiz.scenario, QuizKind::kHeadRole);
    ui.frames(s, 3);
    ASSERT_EQ(s.quiz.question.mode, QuizAnswerMode::kChoice);
    ASSERT_EQ(widget_count(s, "quiz_choice"), s.quiz.question.choices.size());
    const auto right =
        std::find(s.quiz.question.choices.begin(), s.quiz.question.choices.end(), s.quiz.question.answer);
    ASSERT_NE(right, s.quiz.question.choices.end());
    // The role is read off the pattern: the asked head is focused, its weights shown, its name withheld.
    EXPECT_FALSE(s.quiz.hidden());
    EXPECT_TRUE(s.quiz.names_hidden());
    EXPECT_EQ(s.selection.focus_head, s.quiz.question.head);
    EXPECT_TRUE(drawn(s, "weight_text"));
    ui.click(s, widget(s, "quiz_choice", static_cast<int>(right - s.quiz.question.choices.begin())).center());
    EXPECT_TRUE(s.quiz.correct());
    ui.click(s, widget(s, "quiz_reveal").center());
    EXPECT_TRUE(s.quiz.revealed());
    EXPECT_FALSE(s.quiz.names_hidden());
    EXPECT_EQ(s.view.weights_alpha, 1.0f) << "weights that were never hidden do not fade";
}

TEST_F(QuizView, EndQuizShowsTheWeightsAgain) {
    end_quiz(s);
    show_view(s, MainView::kAttention);
    ui.frames(s, 3);
    EXPECT_FALSE(s.quiz.hidden());
    EXPECT_TRUE(drawn(s, "weight_text"));
}

TEST_F(QuizView, ATeachersOwnScenarioFileAsksItsOwnQuestion) {
    const std::string path = (std::filesystem::temp_directory_path() / "attnviz_quiz_teacher.json").string();
    {
        std::ofstream f(path);
        f << R"({"title": "my lesson", "sentence": "the dog chased the ball because it was bored", "query": "it",
                 "quiz": {"question": "Which animal does it refer to?", "answer": "dog", "explanation": "dogs get bored"}})";
    }
    end_quiz(s);
    show_view(s, MainView::kAttention);
    ui.frames(s, 2);
    ASSERT_TRUE(load_scenario_from_file(s, path)) << s.load_message;
    std::filesystem::remove(path);
    show_view(s, MainView::kQuiz);
    ui.frames(s, 4);
    ASSERT_TRUE(s.quiz.active());
    EXPECT_EQ(s.quiz.scenario, -1);
    EXPECT_EQ(s.quiz.question.question, "Which animal does it refer to?");
    EXPECT_TRUE(s.quiz.hidden());
    const int dog = token_index(s, "dog");
    ASSERT_GE(dog, 0);
    ui.click(s, widget(s, "quiz_chip", dog).center());
    EXPECT_TRUE(s.quiz.correct());
}

TEST_F(QuizView, TypingAnotherSentenceEndsTheQuestion) {
    show_view(s, MainView::kAttention);
    ui.frames(s, 2);
    ASSERT_TRUE(s.quiz.hidden());
    set_sentence(s, "a completely different sentence");
    ui.frames(s, 3);
    EXPECT_FALSE(s.quiz.active());
    EXPECT_FALSE(s.quiz.hidden());
    EXPECT_TRUE(drawn(s, "weight_text"));
}

// [SECTION] the quiz is right, always (issue 15 §2)

/// The query a lesson question is about: its own "query", else the lesson's.
int question_query(const AppState& s, const lesson::Scenario& sc) {
    const std::string& want = sc.quiz->query.empty() ? sc.query : sc.quiz->query;
    const std::optional<int> i = lesson::find_token(s.derived.tokens.tokens, want);
    return i ? *i : -1;
}

TEST(QuizTruth, EveryBuiltinQuestionNamingAHeadHasTheEnginesTopKeyAsItsAnswer) {
    HeadlessImGui ui;
    const auto infos = lesson::LessonModel::instance().heads();
    std::vector<std::string> names;
    for (const auto& h : infos) names.push_back(h.name);
    int checked = 0;
    for (const lesson::Scenario& sc : lesson::builtin_scenarios()) {
        if (!sc.quiz || is_number(sc.quiz->answer) || !sc.key_sentence.empty()) continue;
        const int head = head_named_in(sc.quiz->question, names);
        if (head < 0) continue;
        AppState s;
        apply_scenario(s, sc);
        ui.frames(s, 2);
        ASSERT_NE(s.derived.result(), nullptr) << sc.name << ": " << s.derived.status;
        const int query = question_query(s, sc);
        ASSERT_GE(query, 0) << sc.name;
        const int best = engine_top_key(*s.derived.result(), head, query);
        ASSERT_GE(best, 0) << sc.name;
        EXPECT_EQ(s.derived.tokens.tokens[static_cast<std::size_t>(best)].text, sc.quiz->answer)
            << sc.name << ": the lesson file's answer is not what the engine shows";
        ++checked;
    }
    EXPECT_GE(checked, 4);
}

TEST_F(QuizView, AnAuthoredAnswerTheEngineDisagreesWithFollowsTheEngine) {
    const std::string path = (std::filesystem::temp_directory_path() / "attnviz_quiz_wrong.json").string();
    {
        std::ofstream f(path);
        f << R"({"title": "wrong key", "sentence": "the pod crashed because it ran out of memory", "query": "it",
                 "quiz": {"question": "In the coreference head, which token does it attend to most?",
                          "answer": "because"}})";
    }
    end_quiz(s);
    show_view(s, MainView::kAttention);
    ui.frames(s, 2);
    ASSERT_TRUE(load_scenario_from_file(s, path)) << s.load_message;
    std::filesystem::remove(path);
    show_view(s, MainView::kQuiz);
    ui.frames(s, 4);
    ASSERT_EQ(s.quiz.scenario, -1);
    EXPECT_EQ(s.quiz.question.answer, "pod") << "the engine's top key, not the file's";
    EXPECT_NE(s.quiz.question.explanation.find("because"), std::string::npos) << "says the file disagreed";
    ui.click(s, widget(s, "quiz_chip", token_index(s, "pod")).center());
    EXPECT_TRUE(s.quiz.correct());
}

TEST_F(QuizView, TheCatItQuestionMarksTheEnginesTopKeyRight) {
    start_quiz(s, scenario_index("cat-it"), QuizKind::kScenario);
    ui.frames(s, 3);
    ASSERT_FALSE(s.quiz.needs_question());
    const int answer = s.quiz.question.answer_token;
    ASSERT_GE(answer, 0);
    ASSERT_EQ(lesson::LessonModel::instance().heads()[0].name, "coreference");
    EXPECT_EQ(answer, engine_top_key(*s.derived.result(), 0, s.selection.query));
    ui.click(s, widget(s, "quiz_chip", answer).center());
    EXPECT_TRUE(s.quiz.correct());
}

TEST_F(QuizView, TheCatSatQuestionAboutCatHighlightsCat) {
    start_quiz(s, scenario_index("cat-sat"), QuizKind::kScenario);
    ui.frames(s, 3);
    ASSERT_FALSE(s.quiz.needs_question());
    EXPECT_EQ(s.selection.query, token_index(s, "cat"));
}

TEST_F(QuizView, ChoosingAnotherLessonReplacesTheOpenQuestion) {
    ASSERT_EQ(s.lesson->name, "pod");
    // The temperature lesson has the same sentence as pod: only the lesson picker changed.
    apply_scenario(s, *lesson::find_builtin_scenario("temperature"));
    ui.frames(s, 4);
    ASSERT_TRUE(s.quiz.active());
    EXPECT_EQ(s.quiz.question.question, lesson::find_builtin_scenario("temperature")->quiz->question);
    EXPECT_EQ(s.quiz.scenario, scenario_index("temperature"));
}

TEST_F(QuizView, LeavingTheTemperatureQuestionPutsTheTemperatureBack) {
    ASSERT_DOUBLE_EQ(s.settings.temperature, 1.0);
    start_quiz(s, -1, QuizKind::kTemperature);
    ui.frames(s, 3);
    reveal_quiz(s, 0.0);
    ui.frames(s, 2);
    EXPECT_DOUBLE_EQ(s.settings.temperature, 0.1);
    end_quiz(s);
    ui.frames(s, 2);
    EXPECT_DOUBLE_EQ(s.settings.temperature, 1.0) << "the T the question found";
}

TEST_F(QuizView, EveryRoleQuestionIsAskedWhereTheHeadShowsItsRole) {
    const auto infos = lesson::LessonModel::instance().heads();
    bool saw_induction = false;
    for (std::size_t r = 0; r < infos.size(); ++r) {
        start_quiz(s, s.quiz.scenario, QuizKind::kHeadRole);
        ui.frames(s, 3);
        ASSERT_EQ(s.quiz.question.mode, QuizAnswerMode::kChoice);
        EXPECT_EQ(s.settings.n_kv_heads, s.settings.n_heads) << "no pooled K/V blurring the pattern";
        const int head = s.quiz.question.head;
        if (infos[static_cast<std::size_t>(head)].short_name != "induction") continue;
        saw_induction = true;
        // A repeat "A B ... A": the last token's top key in the induction head is what followed A before.
        const auto& toks = s.derived.tokens.tokens;
        const int last = static_cast<int>(toks.size()) - 1;
        ASSERT_EQ(s.selection.query, last);
        int first = -1;
        for (int j = 0; j < last; ++j) {
            if (toks[static_cast<std::size_t>(j)].text == toks.back().text) {
                first = j;
                break;
            }
        }
        ASSERT_GE(first, 0) << "the sentence repeats the query's word";
        EXPECT_EQ(engine_top_key(*s.derived.result(), head, last), first + 1);
    }
    EXPECT_TRUE(saw_induction);
}

}  // namespace
}  // namespace attnviz::gui
