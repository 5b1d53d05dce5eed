// Attention sources: each engine entry point's result packaged as a run with its config and labels.
#include "app/gui/attention_run.h"

#include <utility>

namespace attnviz::gui {

namespace {

const std::string& label_at(const std::vector<std::string>& labels, int i) {
    static const std::string kUnknown = "?";
    if (i < 0 || i >= static_cast<int>(labels.size())) return kUnknown;
    return labels[static_cast<std::size_t>(i)];
}

std::vector<std::string> display_labels(const lesson::Tokenization& t) {
    std::vector<std::string> out;
    out.reserve(t.tokens.size());
    for (const lesson::Token& tok : t.tokens) out.push_back(lesson::token_display_label(tok.text));
    return out;
}

}  // namespace

const std::string& AttentionRun::query_label(int i) const {
    return label_at(query_labels, i);
}
const std::string& AttentionRun::key_label(int j) const {
    return label_at(key_labels, j);
}

Expected<AttentionRun> run_attention_source(const SourceInputs& in) {
    const bool cross = in.hand_model == nullptr && in.key_tokens != nullptr && !in.key_tokens->tokens.empty();
    Expected<lesson::LessonRun> lesson =
        in.hand_model != nullptr ? lesson::run_hand_example(*in.tokens, *in.hand_model, in.settings)
        : cross                  ? lesson::run_lesson(*in.tokens, *in.key_tokens, in.settings)
                                 : lesson::run_lesson(*in.tokens, lesson::Tokenization{}, in.settings);
    if (!lesson) return Error{lesson.error()};
    AttentionRun run;
    run.kind = in.hand_model != nullptr ? SourceKind::kHandExample
               : cross                  ? SourceKind::kCrossAttention
                                        : SourceKind::kLessonModel;
    run.query_labels = display_labels(lesson->tokens);
    run.key_labels = cross ? display_labels(lesson->key_tokens) : run.query_labels;
    run.layers.push_back(LayerRun{lesson->config, std::move(lesson->forward), std::move(lesson->result)});
    return run;
}

}  // namespace attnviz::gui
