// What the forward tests of tiny checkpoints share: the names they use (`using namespace` this one),
// architecture names, token ids, running the engine, and bitwise and relative comparisons of its results.
#pragma once

#include "core/model/forward.h"
#include "tests/support/checkpoint_forward_f64.h"
#include "tests/support/tiny_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace attnviz::testing::tiny_forward {

using attnviz::Expected;
using attnviz::MatrixRM;
using attnviz::Tensor3;
using attnviz::testing::edit_tiny_model;
using attnviz::testing::make_tiny_model;
using attnviz::testing::tiny_config;
using attnviz::testing::TinyModelStorage;

/// The architecture's name as a test name: architecture_name without its hyphen ("GPT2", "Llama").
inline std::string arch_name(Architecture a) {
    std::string name = architecture_name(a);
    name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    return name;
}

inline std::vector<int> some_ids(int n, int vocab, int seed = 3) {
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) ids.push_back((i * 7 + seed * 13 + i * i) % vocab);
    return ids;
}

inline ForwardResult run(const Checkpoint& m, const std::vector<int>& ids, const Interventions& iv = {},
                         ForwardOptions options = {}) {
    Expected<ForwardResult> r = run_forward(m, ids, iv, options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? std::move(r).value() : ForwardResult{};
}

inline bool same_tensor(const Tensor3& a, const Tensor3& b) {
    return a.n_mats() == b.n_mats() && a.n_rows() == b.n_rows() && a.n_cols() == b.n_cols() &&
           std::equal(a.data(), a.data() + a.size(), b.data());
}

/// Bitwise equality of everything two results kept.
inline void expect_bitwise_equal(const ForwardResult& a, const ForwardResult& b) {
    ASSERT_EQ(a.layers.size(), b.layers.size());
    EXPECT_TRUE(a.logits == b.logits);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        EXPECT_TRUE(same_tensor(a.layers[l].weights, b.layers[l].weights)) << "layer " << l;
        EXPECT_TRUE(a.layers[l].residual_in == b.layers[l].residual_in) << "layer " << l;
    }
}

inline double max_rel_diff(const MatrixRM& got, const Mat& want, int want_row0 = 0) {
    double scale = 1e-6, diff = 0.0;
    for (int i = 0; i < got.rows(); ++i) {
        for (int j = 0; j < got.cols(); ++j) {
            const double w = want[static_cast<std::size_t>(want_row0 + i)][static_cast<std::size_t>(j)];
            scale = std::max(scale, std::abs(w));
            diff = std::max(diff, std::abs(static_cast<double>(got(i, j)) - w));
        }
    }
    return diff / scale;
}

}  // namespace attnviz::testing::tiny_forward
