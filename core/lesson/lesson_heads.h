// The lesson model's heads: each one built by hand, in the named dimensions of lesson_embedding.h, to
// show a pattern that trained transformer heads are known for. Small seeded noise makes the matrices
// look learned without changing what they do.
#pragma once

#include "core/base/types.h"

#include <string>
#include <vector>

namespace attnviz::lesson {

constexpr int kHeadDim = 16;
constexpr int kValueDim = 16;
constexpr int kMaxHeads = 8;

struct HeadInfo {
    std::string name;        ///< for labels: "coreference"
    std::string short_name;  ///< for small labels: "coref"
    std::string role;        ///< one sentence for tooltips: what it looks for and why
};

struct HeadDesign {
    HeadInfo info;
    MatrixRM w_q;  ///< [kDModel, kHeadDim]
    MatrixRM w_k;  ///< [kDModel, kHeadDim]
    MatrixRM w_v;  ///< [kDModel, kValueDim]
};

/// The kMaxHeads heads, in order: coreference, previous token, first token, verb -> subject,
/// induction, local window, noun -> modifier, delimiter. Built once; the same on every run.
const std::vector<HeadDesign>& head_designs();

/// The head cross-attention shows in place of the local-window head (index kTranslationHead): a query
/// matches the key with the same meaning identity (a word and its translation share it, see
/// lesson_embedding.h), whatever the positions, so it aligns a translation word by word by meaning.
const HeadDesign& translation_head_design();
inline constexpr int kTranslationHead = 5;

/// Names of the kValueDim value dimensions (the features V carries).
const std::vector<std::string>& value_dimension_names();

}  // namespace attnviz::lesson
