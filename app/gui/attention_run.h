// The run: the single source of what the engine computed. An attention source (the lesson model, the
// hand example, cross-attention; next a checkpoint with n layers) produces a run of layers x heads with
// the config each layer ran with and the labels of its queries and keys. Every view reads the run;
// nothing downstream rebuilds a config or picks a label function by itself.
#pragma once

#include "core/attention/attention.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/tokenizer.h"

#include <string>
#include <vector>

namespace attnviz::gui {

/// Where a run's queries, keys and values came from.
enum class SourceKind {
    kLessonModel,     ///< the designed heads on one sentence (self-attention)
    kHandExample,     ///< one head from explicit X, W_q, W_k, W_v
    kCrossAttention,  ///< the designed heads, queries from one sentence, keys and values from another
    kModel,           ///< one layer of a real model's forward pass (compute/model_run.h)
};

/// One layer as the engine ran it.
struct LayerRun {
    attention::AttentionConfig
        config;                     ///< what the engine ran with: heads, head dim, mask, scale, temperature
    lesson::LessonForward forward;  ///< the glass box: X, the W matrices and the inputs Q, K, V
    attention::AttentionResult result;  ///< [n_heads] heads; rows are queries, columns keys
};

struct AttentionRun {
    SourceKind kind = SourceKind::kLessonModel;
    std::vector<std::string>
        query_labels;                     ///< [n_q] the queries' tokens as shown (visible control characters)
    std::vector<std::string> key_labels;  ///< [n_k] the keys' tokens: the key sentence's in cross-attention
    std::vector<LayerRun> layers;         ///< the lesson sources have one; a model run the shown layer
    int model_layer = 0;                  ///< a model run: which of the model's layers layers[0] is

    bool cross() const { return kind == SourceKind::kCrossAttention; }
    bool real_model() const { return kind == SourceKind::kModel; }
    int n_layers() const { return static_cast<int>(layers.size()); }
    /// The label of query row i / key column j, "?" outside the run.
    const std::string& query_label(int i) const;
    const std::string& key_label(int j) const;
};

/// What a source runs on: the tokenized sentences and the settings (an empty key tokenization means
/// self-attention; a hand model replaces the lesson model).
struct SourceInputs {
    const lesson::Tokenization* tokens = nullptr;      ///< the queries' sentence, required
    const lesson::Tokenization* key_tokens = nullptr;  ///< the keys' sentence; null or empty: self-attention
    const lesson::HandModel* hand_model = nullptr;     ///< the hand example, or null
    lesson::LessonRunSettings settings;
};

/// Runs the source the inputs name and packages what it computed. Errors are sentences for people.
Expected<AttentionRun> run_attention_source(const SourceInputs& in);

}  // namespace attnviz::gui
