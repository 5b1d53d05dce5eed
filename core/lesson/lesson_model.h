// The lesson model: designed heads (not a trained LLM) that turn any sentence into the Q, K and V
// the attention engine runs on. Tokenizer -> lexicon features -> embedding x -> per-head projections.
#pragma once

#include "core/attention/attention_inputs.h"
#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/lesson/lexicon.h"
#include "core/lesson/tokenizer.h"

#include <string>
#include <vector>

namespace attnviz::lesson {

/// What the program calls this model everywhere, so nobody mistakes it for a trained LLM.
inline constexpr const char* kLessonModelLabel = "lesson model: designed heads";

struct LessonHeadInfo {
    std::string name;
    std::string short_name;
    std::string role;
};

struct LessonSettings {
    int n_heads = 8;            ///< 1..max_heads(): the first n designed heads
    int n_kv_heads = 8;         ///< divides n_heads; fewer than n_heads mean-pools each group's K and V
    bool use_positions = true;  ///< add positional encodings (off: the order of tokens is invisible)
};

struct LessonForward {
    MatrixRM x_query;                          ///< [n_q, d_model]
    MatrixRM x_key;                            ///< [n_k, d_model]
    Tensor3 w_q;                               ///< [n_heads,    d_model, head_dim]
    Tensor3 w_k;                               ///< [n_kv_heads, d_model, head_dim], pooled over each group
    Tensor3 w_v;                               ///< [n_kv_heads, d_model, d_v], pooled over each group
    attention::AttentionInputs inputs;         ///< q = x_query w_q, k = x_key w_k, v = x_key w_v
    std::vector<std::string> head_names;       ///< [n_heads]
    std::vector<WordFeatures> query_features;  ///< [n_q]
    std::vector<WordFeatures> key_features;    ///< [n_k]
};

class LessonModel {
  public:
    /// The one built-in model (built on first use).
    static const LessonModel& instance();

    int d_model() const;
    int head_dim() const;
    int d_v() const;
    int max_heads() const;
    std::vector<LessonHeadInfo> heads() const;
    const std::vector<std::string>& embedding_dim_names() const;
    const std::vector<std::string>& value_dim_names() const;

    /// "noun · object · singular  (lexicon en)": what the lexicon makes of one token's text.
    std::string describe_token(const std::string& token_text) const;

    /// Self-attention over one sentence.
    Expected<LessonForward> forward(const Tokenization& tokens, const LessonSettings& settings) const;
    /// Cross-attention: queries from one sentence, keys and values from another.
    Expected<LessonForward> forward(const Tokenization& query_tokens, const Tokenization& key_tokens,
                                    const LessonSettings& settings) const;

  private:
    LessonModel() = default;
};

/// Checks heads / KV heads against the model: a readable error, or empty.
Status validate_lesson_settings(const LessonSettings& settings);

}  // namespace attnviz::lesson
