// The next-token panel's comparison of two runs (the unmodified model and the one with interventions):
// the new run's top tokens with the base probability beside each ("pod 0.41 -> 0.12") and KL(base || new).
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"

#include <vector>

namespace attnviz::model {

/// One token in both runs. Probabilities are softmax(logits) in float64.
struct PredictionChange {
    int id = 0;
    double probability = 0.0;       ///< in the new (intervened) run
    double base_probability = 0.0;  ///< in the base (unmodified) run
    float logit = 0.0f;
    float base_logit = 0.0f;
};

struct PredictionDiff {
    /// The new run's k most probable tokens, most probable first (ties by lower id).
    std::vector<PredictionChange> top;
    /// The base run's top-k tokens that are not in `top`, by base probability (ties by lower id): what the
    /// intervention pushed out ("pod 0.41 -> 0.02" even when pod left the top 10).
    std::vector<PredictionChange> dropped;
    /// KL(base || new) = sum over the vocabulary of p_base(v) * (log p_base(v) - log p_new(v)), in nats,
    /// from log-softmax in float64: the extra surprise, per token, of predicting the unmodified model's
    /// next token with the intervened model. 0 when the runs agree; >= 0 (clamped at 0 against rounding).
    /// Not symmetric: KL(new || base) would weigh by the new run's probabilities instead.
    double kl_base_new = 0.0;
};

/// Compares two rows of logits [vocab_size] (base = unmodified run, now = intervened run) for one position.
/// k >= 0 (clamped to vocab_size). Errors: vocab_size < 1, k < 0, a null pointer, a non-finite logit
/// (naming the run and the id).
Expected<PredictionDiff> compare_predictions(const float* base_logits, const float* new_logits,
                                             int vocab_size, int k);

/// compare_predictions on row `row` of two logits matrices [n_rows, vocab] (ForwardResult::logits; row 0
/// is the last position when only it was kept). Errors when the shapes differ or the row is out of range.
Expected<PredictionDiff> compare_predictions(const MatrixRM& base_logits, const MatrixRM& new_logits, int row,
                                             int k);

}  // namespace attnviz::model
