// Two next-token distributions side by side: top-k of the new run with base probabilities, tokens pushed
// out of the top-k, and KL(base || new) in float64 (definitions in prediction_diff.h).
#include "core/model/prediction_diff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace attnviz::model {

namespace {

/// log-softmax of a row in float64; an error names the first non-finite logit.
Expected<std::vector<double>> log_softmax(const float* logits, int n, const char* run) {
    std::vector<double> out(static_cast<std::size_t>(n));
    double max = -std::numeric_limits<double>::infinity();
    for (int v = 0; v < n; ++v) {
        const double x = static_cast<double>(logits[v]);
        if (!std::isfinite(x)) {
            return Error{std::string("next-token comparison: the ") + run + " run's logit of token id " +
                         std::to_string(v) + " is " + (std::isnan(x) ? "NaN" : "infinite") +
                         "; the run is broken, recompute it"};
        }
        out[static_cast<std::size_t>(v)] = x;
        max = std::max(max, x);
    }
    double sum = 0.0;
    for (double x : out) sum += std::exp(x - max);
    const double log_z = max + std::log(sum);
    for (double& x : out) x -= log_z;
    return out;
}

/// The k ids of highest log-probability, highest first, ties by lower id.
std::vector<int> top_ids(const std::vector<double>& log_p, int k) {
    std::vector<int> ids(log_p.size());
    std::iota(ids.begin(), ids.end(), 0);
    const auto better = [&](int a, int b) {
        const double pa = log_p[static_cast<std::size_t>(a)];
        const double pb = log_p[static_cast<std::size_t>(b)];
        return pa != pb ? pa > pb : a < b;
    };
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), better);
    ids.resize(static_cast<std::size_t>(k));
    return ids;
}

}  // namespace

Expected<PredictionDiff> compare_predictions(const float* base_logits, const float* new_logits,
                                             int vocab_size, int k) {
    if (base_logits == nullptr || new_logits == nullptr)
        return Error{"next-token comparison: no logits given"};
    if (vocab_size < 1) {
        return Error{"next-token comparison: vocabulary size " + std::to_string(vocab_size) + "; need >= 1"};
    }
    if (k < 0) return Error{"next-token comparison: k is " + std::to_string(k) + "; need >= 0"};
    k = std::min(k, vocab_size);
    Expected<std::vector<double>> log_base = log_softmax(base_logits, vocab_size, "unmodified");
    if (!log_base) return Error{log_base.error()};
    Expected<std::vector<double>> log_new = log_softmax(new_logits, vocab_size, "intervened");
    if (!log_new) return Error{log_new.error()};

    PredictionDiff out;
    double kl = 0.0;
    for (std::size_t v = 0; v < static_cast<std::size_t>(vocab_size); ++v) {
        const double p = std::exp((*log_base)[v]);
        if (p > 0.0) kl += p * ((*log_base)[v] - (*log_new)[v]);
    }
    out.kl_base_new = std::max(kl, 0.0);

    const auto change = [&](int id) {
        const std::size_t v = static_cast<std::size_t>(id);
        PredictionChange c;
        c.id = id;
        c.probability = std::exp((*log_new)[v]);
        c.base_probability = std::exp((*log_base)[v]);
        c.logit = new_logits[id];
        c.base_logit = base_logits[id];
        return c;
    };
    const std::vector<int> new_top = top_ids(*log_new, k);
    for (int id : new_top) out.top.push_back(change(id));
    for (int id : top_ids(*log_base, k)) {
        if (std::find(new_top.begin(), new_top.end(), id) == new_top.end()) out.dropped.push_back(change(id));
    }
    return out;
}

Expected<PredictionDiff> compare_predictions(const MatrixRM& base_logits, const MatrixRM& new_logits, int row,
                                             int k) {
    if (base_logits.rows() != new_logits.rows() || base_logits.cols() != new_logits.cols()) {
        return Error{"next-token comparison: the unmodified run's logits are [" +
                     std::to_string(base_logits.rows()) + ", " + std::to_string(base_logits.cols()) +
                     "], the intervened run's [" + std::to_string(new_logits.rows()) + ", " +
                     std::to_string(new_logits.cols()) + "]; compare runs of the same text and options"};
    }
    if (row < 0 || row >= base_logits.rows()) {
        return Error{"next-token comparison: row " + std::to_string(row) + " of " +
                     std::to_string(base_logits.rows()) + " rows of logits"};
    }
    return compare_predictions(base_logits.row(row).data(), new_logits.row(row).data(),
                               static_cast<int>(base_logits.cols()), k);
}

}  // namespace attnviz::model
