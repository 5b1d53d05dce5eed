#include "core/lesson/lesson_run.h"

#include <new>

namespace attnviz::lesson {

attention::AttentionConfig lesson_attention_config(const LessonRunSettings& settings, bool cross) {
    attention::AttentionConfig config;
    config.n_heads = settings.n_heads;
    config.n_kv_heads = settings.n_kv_heads;
    config.head_dim = LessonModel::instance().head_dim();
    config.scale_mode = settings.scale ? attention::ScaleMode::kInvSqrtHeadDim : attention::ScaleMode::kNone;
    config.temperature = settings.temperature;
    config.mask.causal = settings.causal && !cross;
    config.mask.window = cross ? 0 : settings.window;
    return config;
}

LessonRunSettings settings_of_config(const attention::AttentionConfig& config, bool use_positions) {
    LessonRunSettings s;
    s.n_heads = config.n_heads;
    s.n_kv_heads = config.n_kv_heads;
    s.temperature = config.temperature;
    s.causal = config.mask.causal;
    s.window = config.mask.window;
    s.scale = config.scale_mode != attention::ScaleMode::kNone;
    s.use_positions = use_positions;
    return s;
}

Expected<LessonRun> run_lesson(const std::string& sentence, const std::string& key_sentence,
                               const LessonRunSettings& settings,
                               const attention::AttentionOptions& options) {
    Tokenization keys;
    if (!key_sentence.empty()) {
        keys = tokenize(key_sentence, settings.max_tokens);
        if (keys.tokens.empty()) return Error{"the key sentence has no tokens: type some words"};
    }
    return run_lesson(tokenize(sentence, settings.max_tokens), std::move(keys), settings, options);
}

Expected<LessonRun> run_lesson(Tokenization tokens, Tokenization key_tokens,
                               const LessonRunSettings& settings,
                               const attention::AttentionOptions& options) {
    LessonRun run;
    run.tokens = std::move(tokens);
    run.key_tokens = std::move(key_tokens);
    if (run.tokens.tokens.empty()) return Error{"the sentence has no tokens: type some words"};
    try {
        Expected<LessonForward> fwd =
            run.cross() ? LessonModel::instance().forward(run.tokens, run.key_tokens, settings)
                        : LessonModel::instance().forward(run.tokens, settings);
        if (!fwd) return Error{fwd.error()};
        run.forward = std::move(fwd).value();
        run.config = lesson_attention_config(settings, run.cross());
        Expected<attention::AttentionResult> r =
            attention::compute_attention(run.config, run.forward.inputs, options);
        if (!r) return Error{r.error()};
        run.result = std::move(r).value();
    } catch (const std::bad_alloc&) {
        return Error{"not enough memory for " + std::to_string(run.tokens.tokens.size()) +
                     " tokens; use a shorter text"};
    }
    return run;
}

Expected<LessonRun> run_hand_example(Tokenization tokens, const HandModel& model,
                                     const LessonRunSettings& settings,
                                     const attention::AttentionOptions& options) {
    LessonRun run;
    run.tokens = std::move(tokens);
    const auto n = static_cast<Eigen::Index>(run.tokens.tokens.size());
    if (n != model.x.rows()) {
        return Error{"the hand example has " + std::to_string(model.x.rows()) +
                     " token embeddings but the text has " + std::to_string(n) + " tokens"};
    }
    Expected<LessonForward> fwd = hand_forward(model);
    if (!fwd) return Error{fwd.error()};
    run.forward = std::move(fwd).value();
    attention::AttentionConfig& config = run.config;
    config.n_heads = 1;
    config.n_kv_heads = 1;
    config.head_dim = static_cast<int>(model.w_q.cols());
    config.scale_mode = settings.scale ? attention::ScaleMode::kInvSqrtHeadDim : attention::ScaleMode::kNone;
    config.temperature = settings.temperature;
    config.mask.causal = settings.causal;
    config.mask.window = settings.window;
    Expected<attention::AttentionResult> r =
        attention::compute_attention(config, run.forward.inputs, options);
    if (!r) return Error{r.error()};
    run.result = std::move(r).value();
    return run;
}

}  // namespace attnviz::lesson
