// The shipped real model (stories260K, a trained Llama with GQA) through the loader and the forward pass:
// its greedy continuation must be the one in its PROVENANCE.md, with run_forward and with the KV cache.
#include "core/model/checkpoint.h"
#include "core/model/forward.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace attnviz::model;

const std::string kDir = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K";

// "Once upon a time" and the first 40 ids of its greedy continuation (PROVENANCE.md).
const std::vector<int> kPrompt = {1, 403, 407, 261, 378};
const std::vector<int> kGreedy = {1,   403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395,
                                  317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265,
                                  282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432};

int argmax_last_row(const attnviz::MatrixRM& logits) {
    Eigen::Index best = 0;
    logits.row(logits.rows() - 1).maxCoeff(&best);
    return static_cast<int>(best);
}

std::shared_ptr<const Checkpoint> load() {
    auto m = load_checkpoint(kDir);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error());
    return m.ok() ? *m : nullptr;
}

TEST(Stories260KForward, GreedyContinuationWithRunForward) {
    const auto model = load();
    ASSERT_TRUE(model);
    std::vector<int> ids = kPrompt;
    ForwardOptions options;
    options.keep_attention = false;  // the flash path: the continuation must not depend on it either
    while (ids.size() < kGreedy.size()) {
        auto r = run_forward(*model, ids, {}, options);
        ASSERT_TRUE(r.ok()) << r.error();
        ids.push_back(argmax_last_row(r->logits));
    }
    EXPECT_EQ(ids, kGreedy);
}

TEST(Stories260KForward, GreedyContinuationWithTheKvCache) {
    const auto model = load();
    ASSERT_TRUE(model);
    KvCacheSession session(model, {});
    std::vector<int> ids = kPrompt;
    auto step = session.append(kPrompt);
    ASSERT_TRUE(step.ok()) << step.error();
    while (ids.size() < kGreedy.size()) {
        const int next = argmax_last_row(step->logits);
        ids.push_back(next);
        step = session.append({next});
        ASSERT_TRUE(step.ok()) << step.error();
    }
    EXPECT_EQ(ids, kGreedy);
    EXPECT_EQ(session.n_cached(), 40);
    // 5 layers x (K + V) x 4 KV heads x 40 positions x head_dim 8 floats.
    EXPECT_EQ(session.cache_bytes(), 5 * 2 * 4 * 40 * 8 * 4);
}

TEST(Stories260KForward, AttentionRowsAreDistributionsAndTopKIsTheGreedyToken) {
    const auto model = load();
    ASSERT_TRUE(model);
    auto r = run_forward(*model, kPrompt, {});
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->layers.size(), 5u);
    for (const LayerAttention& l : r->layers) {
        ASSERT_EQ(l.weights.n_mats(), 8);
        for (int h = 0; h < 8; ++h) {
            for (int i = 0; i < 5; ++i) {
                EXPECT_NEAR(l.weights.mat(h).row(i).sum(), 1.0f, 1e-5f);
                if (i + 1 < 5) {
                    EXPECT_EQ(l.weights.mat(h)(i, i + 1), 0.0f);  // causal
                }
            }
        }
    }
    const auto top = top_k(r->logits.data(), static_cast<int>(r->logits.cols()), 5);
    ASSERT_EQ(top.size(), 5u);
    EXPECT_EQ(top[0].id, 432);
    EXPECT_GT(top[0].probability, top[1].probability);
    // Switching every head of the last layer off changes the prediction's probabilities.
    Interventions off;
    for (int h = 0; h < 8; ++h) off.ablated.push_back({4, h});
    auto ablated = rerun_forward(*model, *r, off);
    ASSERT_TRUE(ablated.ok()) << ablated.error();
    EXPECT_FALSE(ablated->logits == r->logits);
    EXPECT_TRUE(ablated->layers[3].residual_in == r->layers[3].residual_in);
}

}  // namespace
