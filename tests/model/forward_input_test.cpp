// The forward pass on bad input (too many tokens, ids out of range, wrong weight shapes, a pass too big for
// memory), bitwise the same over thread counts, and the shapes of what its options keep.
#include "core/model/forward.h"
#include "tests/support/forward_checks.h"
#include "tests/support/tiny_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using namespace attnviz::testing::tiny_forward;

TEST(ForwardInput, TooManyTokensNamesBothNumbers) {
    for (const Architecture arch : {Architecture::kGpt2, Architecture::kLlama}) {
        const ModelConfig c = tiny_config(arch);
        const auto model = make_tiny_model(c);
        Expected<ForwardResult> r = run_forward(*model, some_ids(65, c.vocab_size), {});
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().find("65 tokens"), std::string::npos) << r.error();
        EXPECT_NE(r.error().find("64"), std::string::npos) << r.error();
        EXPECT_TRUE(run_forward(*model, some_ids(64, c.vocab_size), {}).ok());
    }
}

TEST(ForwardInput, TokenIdsOutOfRangeAndNoTokens) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    Expected<ForwardResult> r = run_forward(*model, {1, 50, 2}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("token id 50 at position 1"), std::string::npos) << r.error();
    EXPECT_FALSE(run_forward(*model, {-1}, {}).ok());
    EXPECT_FALSE(run_forward(*model, {}, {}).ok());
    KvCacheSession session(model, {});
    ASSERT_TRUE(session.append(some_ids(60, c.vocab_size)).ok());
    Expected<ForwardResult> over = session.append(some_ids(5, c.vocab_size));
    ASSERT_FALSE(over.ok());
    EXPECT_NE(over.error().find("65 tokens"), std::string::npos);
    EXPECT_EQ(session.n_cached(), 60);  // unchanged by the refused append
    KvCacheSession open(model, Interventions{1.0, {}, false, -1, {}});
    EXPECT_FALSE(open.append({1, 2}).ok());
}

TEST(ForwardInput, AWeightOfTheWrongShapeIsRefusedBeforeAnyProduct) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const auto narrow = edit_tiny_model(
        model, [](TinyModelStorage& s) { s.checkpoint.weights.layers[1].up.weight.rows -= 1; });
    Expected<ForwardResult> r = run_forward(*narrow, {1, 2, 3}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("layer 1 up projection"), std::string::npos) << r.error();
    const auto no_norm =
        edit_tiny_model(model, [](TinyModelStorage& s) { s.checkpoint.weights.final_norm.weight = {}; });
    EXPECT_FALSE(run_forward(*no_norm, {1, 2, 3}, {}).ok());
}

TEST(ForwardInput, APassThatCannotFitInMemoryIsRefusedWithTheEstimate) {
    // 64 layers x 4 heads x 60000^2 attention weights: about 3.4 TB, on no machine.
    ModelConfig c = tiny_config(Architecture::kLlama, 32, 4, 2, 64);
    c.n_ctx = 100000;
    const auto model = make_tiny_model(c);
    EXPECT_GT(forward_memory_bytes(c, 60000, 0, {}), std::int64_t{3} << 40);
    Expected<ForwardResult> r = run_forward(*model, std::vector<int>(60000, 1), {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("needs about"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("available"), std::string::npos) << r.error();
    // The same sequence without the attention weights kept needs a few MB.
    ForwardOptions lean;
    lean.keep_attention = false;
    lean.keep_residual = false;
    EXPECT_LT(forward_memory_bytes(c, 60000, 0, lean), std::int64_t{100} << 20);
    // GPT-2 small at 512 tokens keeping every attention matrix: 12 x 12 x 512 x 512 floats = 151 MB of them.
    const ModelConfig gpt2 = tiny_config(Architecture::kGpt2, 768, 12, 12, 12, 3072, 50257);
    const std::int64_t bytes = forward_memory_bytes(gpt2, 512, 0, {});
    EXPECT_GT(bytes, std::int64_t{12} * 12 * 512 * 512 * 4);
    EXPECT_LT(bytes, std::int64_t{300} << 20);
}

TEST(ForwardDeterminism, OneAndTwoThreadsGiveBitwiseTheSameResult) {
    // Large enough that the products, norms and attention really split over threads.
    for (const Architecture arch : {Architecture::kGpt2, Architecture::kLlama}) {
        const ModelConfig c = tiny_config(arch, 256, 8, 4, 2, 1024, 300);
        ModelConfig big = c;
        const auto model = make_tiny_model(big);
        const std::vector<int> ids = some_ids(60, c.vocab_size);
        ForwardOptions one;
        one.n_threads = 1;
        one.all_logits = true;
        ForwardOptions two = one;
        two.n_threads = 2;
        expect_bitwise_equal(run(*model, ids, {}, one), run(*model, ids, {}, two));
        one.keep_attention = two.keep_attention = false;
        expect_bitwise_equal(run(*model, ids, {}, one), run(*model, ids, {}, two));
        Interventions mixed;
        mixed.temperatures = {{0, 3, 0.7}};
        expect_bitwise_equal(run(*model, ids, mixed, one), run(*model, ids, mixed, two));
    }
}

TEST(ForwardOptionsKept, QkvScoresAndResidualShapes) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    ForwardOptions o;
    o.keep_qkv = true;
    o.keep_scores = true;
    const ForwardResult r = run(*model, some_ids(6, c.vocab_size), {}, o);
    const LayerAttention& l = r.layers[1];
    EXPECT_EQ(l.q.n_mats(), 4);
    EXPECT_EQ(l.q.n_rows(), 6);
    EXPECT_EQ(l.q.n_cols(), 8);
    EXPECT_EQ(l.k.n_mats(), 2);
    EXPECT_EQ(l.v.n_mats(), 2);
    EXPECT_EQ(l.scores.n_mats(), 4);
    EXPECT_EQ(l.residual_in.rows(), 6);
    EXPECT_EQ(l.residual_in.cols(), 32);
    // Scores are Q K^T / sqrt(head_dim) of the kept q and k; head 3 reads KV head 1.
    const float s = l.q.mat(3).row(4).dot(l.k.mat(1).row(2)) / std::sqrt(8.0f);
    EXPECT_NEAR(l.scores.mat(3)(4, 2), s, 1e-5f);
    ForwardOptions bare;
    bare.keep_residual = false;
    EXPECT_EQ(run(*model, some_ids(6, c.vocab_size), {}, bare).layers[0].residual_in.size(), 0);
}

}  // namespace
