// The "hand example": a tiny single-head model whose embeddings and projection matrices are written
// out by hand (in a scenario file) and edited live, shaped like the lesson model's forward pass.
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/lesson/lesson_model.h"

namespace attnviz::lesson {

/// Explicit numbers for one head. Rows of x are tokens; the W matrices map d_model -> head_dim / d_v.
struct HandModel {
    MatrixRM x;    ///< [n_tokens, d_model] token embeddings
    MatrixRM w_q;  ///< [d_model, head_dim]
    MatrixRM w_k;  ///< [d_model, head_dim]
    MatrixRM w_v;  ///< [d_model, d_v]
};

/// Largest |entry| a hand model may hold: big enough for any lesson, small enough that Q K^T stays
/// far from float overflow.
inline constexpr float kHandModelMaxAbs = 1000.0f;

/// Checks shapes (x has d_model columns, every W has d_model rows, W_q and W_k have the same width, all
/// sizes >= 1) and that every entry is finite and within kHandModelMaxAbs. Empty Status when usable.
Status validate_hand_model(const HandModel& model);

/// The forward pass of the hand model as a one-head LessonForward (self-attention):
///   x_query = x_key = x,  w_q / w_k / w_v: [1, d_model, .],  q = x W_q, k = x W_k, v = x W_v.
/// head_names = {"hand example"}; the word features are left default (no lexicon is involved).
Expected<LessonForward> hand_forward(const HandModel& model);

/// Default names of a hand model's dimensions: "d0", "d1", ...
std::vector<std::string> hand_dim_names(int n);

}  // namespace attnviz::lesson
