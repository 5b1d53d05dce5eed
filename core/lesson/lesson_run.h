// One lesson computation, end to end: text -> tokens -> lesson model -> attention. The GUI and
// attnviz-cli lesson both call this, so they always show the same numbers.
#pragma once

#include "core/attention/attention.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/tokenizer.h"

#include <string>

namespace attnviz::lesson {

/// Everything a lesson run is computed with, held as this one struct by scenario and session files
/// ("settings"), exports, attnviz-cli lesson and the GUI's controls: a new setting is a member here and a
/// line of the table in core/lesson/settings_fields.cpp, which every file format reads and writes (plus its
/// GUI control and CLI flag). The model's own settings (heads, KV heads, positions) are the base, passed
/// as they are to LessonModel::forward.
struct LessonRunSettings : LessonSettings {
    double temperature = 1.0;  ///< 0 = argmax, +inf = uniform
    bool causal = true;        ///< ignored for cross-attention (keys from another sentence)
    int window = 0;            ///< 0: no sliding window
    bool scale = true;         ///< multiply scores by 1/sqrt(head_dim)
    int max_tokens = kDefaultTokenCap;
};

struct LessonRun {
    Tokenization tokens;      ///< the queries (and the keys, for self-attention)
    Tokenization key_tokens;  ///< cross-attention only: the keys' sentence; empty otherwise
    LessonForward forward;
    attention::AttentionConfig config;  ///< what the engine ran with (views never rebuild it)
    attention::AttentionResult result;

    bool cross() const { return !key_tokens.tokens.empty(); }
    const Tokenization& keys() const { return cross() ? key_tokens : tokens; }
};

/// Runs the lesson model and attention on a sentence (and, when key_sentence is not empty, on it as
/// the keys' sentence: cross-attention without a causal mask). Errors are sentences for people.
Expected<LessonRun> run_lesson(const std::string& sentence, const std::string& key_sentence,
                               const LessonRunSettings& settings,
                               const attention::AttentionOptions& options = {});

/// The same on text tokenized already (the GUI keeps its own tokenization for notices and spans).
/// An empty key_tokens means self-attention.
Expected<LessonRun> run_lesson(Tokenization tokens, Tokenization key_tokens,
                               const LessonRunSettings& settings,
                               const attention::AttentionOptions& options = {});

/// The hand example: one head computed from explicit matrices (core/hand_model.h) on text tokenized
/// already, with the settings' temperature, masks and scale (their head counts are ignored: 1 head).
/// The token count must equal the rows of model.x ("the hand example has 4 tokens ..." otherwise).
Expected<LessonRun> run_hand_example(Tokenization tokens, const HandModel& model,
                                     const LessonRunSettings& settings,
                                     const attention::AttentionOptions& options = {});

/// The attention config a lesson run uses (exposed for views that recompute one stage).
attention::AttentionConfig lesson_attention_config(const LessonRunSettings& settings, bool cross);

/// The settings a config ran with: heads, temperature, masks and scale as the engine saw them (a
/// cross-attention run's causal mask is off). A config holds no positions: use_positions is the argument.
LessonRunSettings settings_of_config(const attention::AttentionConfig& config, bool use_positions);

}  // namespace attnviz::lesson
