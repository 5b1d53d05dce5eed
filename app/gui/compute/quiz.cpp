// Quiz questions built from scenarios and from the engine's result, and the answer checks.
#include "app/gui/compute/quiz.h"

#include "app/gui/compute/patterns.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace attnviz::gui {

namespace {

std::string lower_ascii(std::string s) {
    for (char& c : s) {
        if (static_cast<unsigned char>(c) < 0x80)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

}  // namespace

float quiz_weights_alpha(const QuizState& q, double now) {
    if (q.hidden()) return 0.0f;
    if (!q.revealed() || !q.fade_in()) return 1.0f;
    const double t = (now - q.reveal_time) / kRevealFadeSeconds;
    return static_cast<float>(std::clamp(t, 0.0, 1.0));
}

std::vector<int> quiz_scenarios(const std::vector<lesson::Scenario>& scenarios) {
    std::vector<int> out;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        if (scenarios[i].quiz && scenarios[i].key_sentence.empty()) out.push_back(static_cast<int>(i));
    }
    return out;
}

int next_quiz_scenario(const std::vector<lesson::Scenario>& scenarios, int current) {
    const std::vector<int> q = quiz_scenarios(scenarios);
    if (q.empty()) return -1;
    for (int i : q) {
        if (i > current) return i;
    }
    return q.front();
}

bool is_number(const std::string& text) {
    const std::string t = trim(text);
    if (t.empty()) return false;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    return end == t.c_str() + t.size() && std::isfinite(v);
}

int head_named_in(const std::string& question, const std::vector<std::string>& head_names) {
    const std::string q = lower_ascii(question);
    for (std::size_t h = 0; h < head_names.size(); ++h) {
        if (!head_names[h].empty() && q.find(lower_ascii(head_names[h]) + " head") != std::string::npos) {
            return static_cast<int>(h);
        }
    }
    return -1;
}

QuizQuestion scenario_question(const lesson::ScenarioQuiz& quiz, const std::vector<std::string>& head_names) {
    QuizQuestion q;
    q.kind = QuizKind::kScenario;
    q.mode = is_number(quiz.answer) ? QuizAnswerMode::kNumber : QuizAnswerMode::kToken;
    q.question = quiz.question;
    q.answer = quiz.answer;
    q.explanation = quiz.explanation;
    q.head = head_named_in(quiz.question, head_names);
    return q;
}

int engine_top_key(const attention::AttentionResult& result, int head, int query) {
    if (head < 0 || head >= static_cast<int>(result.heads.size()) || query < 0 || query >= result.n_q)
        return -1;
    const attention::HeadResult& h = result.heads[static_cast<std::size_t>(head)];
    int best = -1;
    for (int j = 0; j < result.n_k; ++j) {
        if (result.visible(query, j) && (best < 0 || h.weights(query, j) > h.weights(query, best))) best = j;
    }
    return best;
}

std::string derive_answer_from_engine(QuizQuestion& q, const lesson::Tokenization& tokens,
                                      const attention::AttentionResult& result, int query) {
    if (q.mode != QuizAnswerMode::kToken || q.head < 0) return "";
    const int best = engine_top_key(result, q.head, query);
    if (best < 0 || best >= static_cast<int>(tokens.tokens.size())) return "";
    const std::string engine = tokens.tokens[static_cast<std::size_t>(best)].text;
    const std::string authored = q.answer;
    q.answer_token = best;
    q.answer = engine;
    if (lower_ascii(trim(authored)) == lower_ascii(trim(engine))) return "";
    q.explanation = "The engine's top key here is \"" + engine + "\" (the lesson file says \"" + authored +
                    "\"): the answer follows what the engine shows. " + q.explanation;
    return authored;
}

std::string role_question_sentence(const std::string& short_name) {
    if (short_name == "induction") return kInductionSentence;
    return "the pod crashed because it ran out of memory";
}

QuizQuestion temperature_question(const lesson::Tokenization& tokens,
                                  const attention::AttentionResult& result, int head, int query,
                                  const std::string& head_name) {
    QuizQuestion q;
    q.kind = QuizKind::kTemperature;
    q.mode = QuizAnswerMode::kToken;
    q.head = head;
    const attention::HeadResult& h = result.heads[static_cast<std::size_t>(head)];
    int best = -1;
    for (int j = 0; j < result.n_k; ++j) {
        if (!result.visible(query, j)) continue;
        if (best < 0 || h.scores(query, j) > h.scores(query, best)) best = j;
    }
    const std::string who = tokens.tokens[static_cast<std::size_t>(query)].text;
    q.question = "Predict: at T = 0.1, which token will \"" + who + "\" give most of its weight to in head " +
                 std::to_string(head) + (head_name.empty() ? "" : " (" + head_name + ")") + "?";
    q.answer_token = best;
    q.answer = best >= 0 ? tokens.tokens[static_cast<std::size_t>(best)].text : "";
    q.explanation =
        "Dividing every score by T = 0.1 keeps their order and multiplies the gaps by 10, so the key "
        "with the highest score takes most of the weight (nearly all of it unless another score is "
        "close). The readout shows the weights at T = 0.1.";
    return q;
}

QuizQuestion head_role_question(int head, const std::vector<std::string>& short_names,
                                const std::vector<std::string>& roles) {
    QuizQuestion q;
    q.kind = QuizKind::kHeadRole;
    q.mode = QuizAnswerMode::kChoice;
    q.head = head;
    q.question = "Look at head " + std::to_string(head) + "'s pattern: what does it look for? Pick its role.";
    q.choices = short_names;
    const auto hu = static_cast<std::size_t>(head);
    q.answer = hu < short_names.size() ? short_names[hu] : "";
    q.explanation =
        hu < roles.size() ? "Head " + std::to_string(head) + " (" + q.answer + "): " + roles[hu] : "";
    return q;
}

bool check_token_answer(const QuizQuestion& q, const lesson::Tokenization& tokens, int token) {
    if (token < 0 || token >= static_cast<int>(tokens.tokens.size())) return false;
    if (q.answer_token >= 0) return token == q.answer_token;
    return lower_ascii(trim(tokens.tokens[static_cast<std::size_t>(token)].text)) ==
           lower_ascii(trim(q.answer));
}

bool check_number_answer(const QuizQuestion& q, const std::string& typed) {
    if (!is_number(typed) || !is_number(q.answer)) return false;
    const double got = std::strtod(trim(typed).c_str(), nullptr);
    const double want = std::strtod(trim(q.answer).c_str(), nullptr);
    return std::abs(got - want) <= std::max(1e-6, 0.005 * std::abs(want));
}

bool check_choice_answer(const QuizQuestion& q, int choice) {
    if (choice < 0 || choice >= static_cast<int>(q.choices.size())) return false;
    return q.choices[static_cast<std::size_t>(choice)] == q.answer;
}

}  // namespace attnviz::gui
