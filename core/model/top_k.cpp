// The next-token candidates: softmax over the vocabulary in float64, the k largest, ties by lower id.
#include "core/model/forward.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace attnviz::model {

std::vector<TokenProbability> top_k(const float* logits, int vocab_size, int k) {
    std::vector<TokenProbability> out;
    if (logits == nullptr || vocab_size <= 0 || k <= 0) return out;
    k = std::min(k, vocab_size);
    // NaN logits never win and get probability 0; +inf logits share the mass.
    const auto value = [&](int i) {
        const float x = logits[i];
        return std::isnan(x) ? -std::numeric_limits<double>::infinity() : static_cast<double>(x);
    };
    double max = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < vocab_size; ++i) max = std::max(max, value(i));
    const auto numerator = [&](int i) {
        const double x = value(i);
        if (std::isinf(max)) return (max > 0.0 ? x == max : true) ? 1.0 : 0.0;  // all -inf: uniform
        return std::exp(x - max);
    };
    double sum = 0.0;
    for (int i = 0; i < vocab_size; ++i) sum += numerator(i);

    std::vector<int> ids(static_cast<std::size_t>(vocab_size));
    std::iota(ids.begin(), ids.end(), 0);
    const auto better = [&](int a, int b) {
        const double va = value(a);
        const double vb = value(b);
        return va != vb ? va > vb : a < b;
    };
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), better);
    out.reserve(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
        const int id = ids[static_cast<std::size_t>(j)];
        out.push_back({id, static_cast<float>(numerator(id) / sum), logits[id]});
    }
    return out;
}

}  // namespace attnviz::model
