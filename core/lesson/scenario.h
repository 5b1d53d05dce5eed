// Lesson scenarios: a sentence with its settings, the token to click, and what the teacher should say.
// JSON files in assets/scenarios/ (embedded at build time) or anywhere on disk.
#pragma once

#include "core/base/expected.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_run.h"

#include <optional>
#include <string>
#include <vector>

namespace attnviz::lesson {

struct ScenarioQuiz {
    std::string question;
    std::string answer;       ///< the token text that answers it, e.g. "pod"
    std::string explanation;  ///< shown after the student answers
    std::string query;        ///< the token the question is about when not the lesson's (text or index)
};

struct Scenario {
    std::string name;  ///< file stem: "pod"
    std::string title;
    std::string sentence;
    std::string key_sentence;    ///< non-empty: cross-attention, keys and values from this sentence
    LessonRunSettings settings;  ///< "settings": the fields of core/lesson/settings_fields.h (and focus_head)
    std::string query;           ///< the token selected first: its text, or its index as digits
    int focus_head = 0;          ///< the head shown first
    std::string explanation;
    std::optional<ScenarioQuiz> quiz;
    /// "hand_model": explicit embeddings and W_q, W_k, W_v for one head (the hand example), used
    /// instead of the lesson model; x has one row per token of the sentence.
    std::optional<HandModel> hand_model;
    int order = 100;                    ///< place in the built-in list (lessons in teaching order)
    std::vector<std::string> warnings;  ///< unknown keys, ignored (a newer file read by an older build)
};

/// The scenarios shipped in assets/scenarios/, in teaching order ("pod" first), then by name.
const std::vector<Scenario>& builtin_scenarios();
const Scenario* find_builtin_scenario(const std::string& name);
/// "pod, cat-it, ...": the built-in names in order, for messages that list what exists.
std::string builtin_scenario_names();

/// Parses a scenario document. `name` is the file name used in errors ("pod.json:4:12: ...") and,
/// without its extension, the scenario's name. Errors name the line:column and the JSON path.
Expected<Scenario> parse_scenario(const std::string& text, const std::string& name);

/// Reads and parses a scenario file (at most 1 MiB).
Expected<Scenario> load_scenario_file(const std::string& path);

}  // namespace attnviz::lesson
