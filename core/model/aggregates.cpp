// The mean over a layer's heads and attention rollout across layers (formulas in aggregates.h).
#include "core/model/aggregates.h"

#include <string>

namespace attnviz::model {

MatrixRM mean_over_heads(const Tensor3& weights, const std::vector<bool>& include) {
    MatrixRMd sum = MatrixRMd::Zero(weights.n_rows(), weights.n_cols());
    int n_included = 0;
    for (int h = 0; h < weights.n_mats(); ++h) {
        if (!include.empty() &&
            (static_cast<std::size_t>(h) >= include.size() || !include[static_cast<std::size_t>(h)]))
            continue;
        sum += weights.mat(h).cast<double>();
        ++n_included;
    }
    if (n_included > 0) sum /= static_cast<double>(n_included);
    return sum.cast<float>();
}

Expected<std::vector<MatrixRM>> layer_means(const ForwardResult& result, bool skip_ablated) {
    std::vector<MatrixRM> out;
    out.reserve(result.layers.size());
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        const Tensor3& w = result.layers[l].weights;
        if (w.empty()) {
            return Error{"layer mean: layer " + std::to_string(l) +
                         " has no attention weights; run the forward with keep_attention"};
        }
        std::vector<bool> include;
        if (skip_ablated) {
            for (const HeadRef& a : result.interventions.ablated) {
                if (a.layer != static_cast<int>(l) || a.head < 0 || a.head >= w.n_mats()) continue;
                if (include.empty()) include.assign(static_cast<std::size_t>(w.n_mats()), true);
                include[static_cast<std::size_t>(a.head)] = false;
            }
            // Every head of the layer switched off: include stays all-false, the mean is zero.
        }
        out.push_back(mean_over_heads(w, include));
    }
    return out;
}

Expected<std::vector<MatrixRM>> attention_rollout(const std::vector<MatrixRM>& layer_attention) {
    if (layer_attention.empty()) return Error{"attention rollout: no layers given"};
    const Eigen::Index n = layer_attention[0].rows();
    for (std::size_t l = 0; l < layer_attention.size(); ++l) {
        const MatrixRM& a = layer_attention[l];
        if (a.rows() != n || a.cols() != n) {
            return Error{"attention rollout: layer " + std::to_string(l) + " is [" +
                         std::to_string(a.rows()) + ", " + std::to_string(a.cols()) + "], layer 0 is [" +
                         std::to_string(n) + ", " + std::to_string(n) +
                         "]; every layer needs the same square shape"};
        }
    }
    std::vector<MatrixRM> out;
    out.reserve(layer_attention.size());
    MatrixRMd rollout;
    for (std::size_t l = 0; l < layer_attention.size(); ++l) {
        MatrixRMd a = 0.5 * layer_attention[l].cast<double>() + 0.5 * MatrixRMd::Identity(n, n);
        for (Eigen::Index i = 0; i < n; ++i) {
            const double row_sum = a.row(i).sum();
            if (row_sum > 0.0) {
                a.row(i) /= row_sum;
            } else {
                a.row(i).setZero();
                a(i, i) = 1.0;
            }
        }
        rollout = l == 0 ? a : MatrixRMd(a * rollout);
        out.push_back(rollout.cast<float>());
    }
    return out;
}

}  // namespace attnviz::model
