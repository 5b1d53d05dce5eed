// Predict, then reveal: the quiz's questions, answers and checks, with no ImGui in sight so tests can
// drive it directly. The quiz view (views/quiz_view.cpp) shows it; app_actions.h changes it.
#pragma once

#include "core/attention/attention.h"
#include "core/lesson/scenario.h"
#include "core/lesson/tokenizer.h"

#include <limits>
#include <string>
#include <vector>

namespace attnviz::gui {

enum class QuizKind {
    kScenario,     ///< the scenario's own question: click a token, or type a number
    kTemperature,  ///< which key takes the weight at T = 0.1 (click a token)
    kHeadRole,     ///< what the focused head does (pick one of the roles)
};

/// How the student answers.
enum class QuizAnswerMode { kToken, kNumber, kChoice };

struct QuizQuestion {
    QuizKind kind = QuizKind::kScenario;
    QuizAnswerMode mode = QuizAnswerMode::kToken;
    std::string question;
    std::string answer;  ///< token text, number, or the right choice's text
    std::string explanation;
    std::vector<std::string> choices;  ///< kChoice only
    int answer_token = -1;  ///< kToken when known from the engine (kTemperature); else matched by text
    int head = -1;          ///< the head the question is about (focused on reveal), -1 = unchanged
};

/// Where a question stands: closed -> preparing (start_quiz) -> asking (update() built the question)
/// -> revealed (reveal_quiz) -> closed (end_quiz).
enum class QuizPhase {
    kClosed,     ///< no question open
    kPreparing,  ///< started: update() builds the question once the engine has a result
    kAsking,     ///< the question is open; weights (a role question: the heads' names) hidden
    kRevealed,   ///< right / wrong, the answer and the weights are shown
};

/// The student's answer so far.
enum class QuizVerdict { kUnanswered, kRight, kWrong };

/// The state of the quiz. `hidden()` is what every panel checks: while it is true no weight, arc, bar,
/// number or heatmap may be drawn anywhere.
struct QuizState {
    QuizPhase phase = QuizPhase::kClosed;
    QuizVerdict verdict = QuizVerdict::kUnanswered;

    bool active() const { return phase != QuizPhase::kClosed; }
    bool needs_question() const { return phase == QuizPhase::kPreparing; }
    bool revealed() const { return phase == QuizPhase::kRevealed; }
    /// Weights hidden: from the start of a question until Reveal (a role question shows them).
    bool hidden() const {
        return (phase == QuizPhase::kPreparing || phase == QuizPhase::kAsking) && kind != QuizKind::kHeadRole;
    }
    /// A role question: the weights show, the heads' names do not (until Reveal).
    bool names_hidden() const {
        return (phase == QuizPhase::kPreparing || phase == QuizPhase::kAsking) && kind == QuizKind::kHeadRole;
    }
    /// The reveal uncovered hidden weights: they fade in.
    bool fade_in() const { return phase == QuizPhase::kRevealed && kind != QuizKind::kHeadRole; }
    bool answered() const { return verdict != QuizVerdict::kUnanswered; }
    bool correct() const { return verdict == QuizVerdict::kRight; }

    int scenario =
        -1;  ///< index into builtin_scenarios(); -1 = the lesson loaded now (e.g. a teacher's file)
    std::string sentence;  ///< the sentence asked about: editing it ends the question
    QuizKind kind = QuizKind::kScenario;
    QuizQuestion question;
    int chosen_token = -1;     ///< the chip the student clicked
    int chosen_choice = -1;    ///< kChoice: the button the student picked
    std::string typed;         ///< kNumber: what the student typed
    double reveal_time = 0.0;  ///< ImGui time of the reveal (the weights fade in from it)
    int round = 0;             ///< questions asked so far (picks the head a role question asks about)
    /// The temperature the T = 0.1 question found: its reveal sets T = 0.1, leaving the question puts
    /// this back. NaN when nothing is to be restored.
    double temperature_before = std::numeric_limits<double>::quiet_NaN();
};

/// Seconds the weights take to fade in after Reveal.
constexpr double kRevealFadeSeconds = 0.6;

/// Opacity of the weights: 0 while hidden, then 0 -> 1 over kRevealFadeSeconds after the reveal.
float quiz_weights_alpha(const QuizState& q, double now);

/// Indices of the scenarios that carry a quiz, in their order.
std::vector<int> quiz_scenarios(const std::vector<lesson::Scenario>& scenarios);
/// The next scenario with a quiz after `current` (wrapping); -1 when none has one.
int next_quiz_scenario(const std::vector<lesson::Scenario>& scenarios, int current);

/// Whether text is a plain number ("4", "0.2", "-1.5e3").
bool is_number(const std::string& text);

/// The scenario's own question; numeric answers are typed, others are clicked.
QuizQuestion scenario_question(const lesson::ScenarioQuiz& quiz, const std::vector<std::string>& head_names);

/// The visible key with the highest weight in `head` for `query` (ties: the first), or -1 when the
/// query is out of range or sees no key. What every token question's answer is checked against.
int engine_top_key(const attention::AttentionResult& result, int head, int query);

/// Makes a token question agree with the engine: when it names a head (q.head >= 0), the answer is
/// that head's top key for `query`, whatever the lesson file says. Returns the authored answer when
/// it disagreed (the explanation then says so), empty when it agreed or nothing was derived.
std::string derive_answer_from_engine(QuizQuestion& q, const lesson::Tokenization& tokens,
                                      const attention::AttentionResult& result, int query);

/// The sentence a role question about the head with this short name is asked on, so that its pattern
/// shows the role: a repeat "A B ... A" for the induction head, a pronoun, verbs, a noun with its
/// article and a conjunction for the others.
std::string role_question_sentence(const std::string& short_name);

/// "Which key takes the weight of <query> at T = 0.1?": the answer is the visible key with the highest
/// score in `head` (softmax keeps the order of the scores at every T > 0). Needs a query with a visible key.
QuizQuestion temperature_question(const lesson::Tokenization& tokens,
                                  const attention::AttentionResult& result, int head, int query,
                                  const std::string& head_name);

/// "What does head h do?" with every head's role as a choice.
QuizQuestion head_role_question(int head, const std::vector<std::string>& short_names,
                                const std::vector<std::string>& roles);

/// The head whose full name the question mentions ("In the coreference head, ..."), or -1.
int head_named_in(const std::string& question, const std::vector<std::string>& head_names);

/// Checks an answer: a clicked token (its text matched without case for ASCII, or its index when the
/// question knows it), a typed number (within 0.5% or 1e-6), or a picked choice.
bool check_token_answer(const QuizQuestion& q, const lesson::Tokenization& tokens, int token);
bool check_number_answer(const QuizQuestion& q, const std::string& typed);
bool check_choice_answer(const QuizQuestion& q, int choice);

}  // namespace attnviz::gui
