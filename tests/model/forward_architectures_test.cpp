// The forward pass on tiny random models of every architecture against a float64 forward written from the
// formulas (tests/support/checkpoint_forward_f64.h): the reference and flash paths, the KV cache, and the
// variants (Llama 3's RoPE scaling, GPT-2's exact GELU, untied heads and biases).
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

class ForwardEveryArchitecture : public ::testing::TestWithParam<Architecture> {};

TEST_P(ForwardEveryArchitecture, MatchesTheFloat64ForwardWrittenFromTheFormulas) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(9, c.vocab_size);
    ForwardOptions options;
    options.all_logits = true;
    const ForwardResult r = run(*model, ids, {}, options);
    const F64Result ref = f64_forward(*model, ids);
    ASSERT_EQ(r.logits.rows(), 9);
    ASSERT_EQ(r.logits.cols(), c.vocab_size);
    EXPECT_LT(max_rel_diff(r.logits, ref.logits), 1e-5);
    for (int l = 0; l < c.n_layers; ++l) {
        const Tensor3& w = r.layers[static_cast<std::size_t>(l)].weights;
        ASSERT_EQ(w.n_mats(), c.n_heads);
        for (int h = 0; h < c.n_heads; ++h) {
            EXPECT_LT(max_rel_diff(w.mat(h), ref.attention[static_cast<std::size_t>(l * c.n_heads + h)]),
                      1e-5)
                << "layer " << l << " head " << h;
        }
    }
    // The last position alone is the last row of all the logits (a one-row product rounds differently).
    const ForwardResult last = run(*model, ids);
    ASSERT_EQ(last.logits.rows(), 1);
    EXPECT_LT((last.logits.row(0) - r.logits.row(8)).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST_P(ForwardEveryArchitecture, FlashPathAgreesWithTheReferencePath) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(20, c.vocab_size);
    ForwardOptions flash;
    flash.keep_attention = false;
    flash.all_logits = true;
    ForwardOptions ref = flash;
    ref.keep_attention = true;
    const ForwardResult a = run(*model, ids, {}, flash);
    const ForwardResult b = run(*model, ids, {}, ref);
    EXPECT_TRUE(a.layers[0].weights.empty());
    EXPECT_LT((a.logits - b.logits).cwiseAbs().maxCoeff(),
              1e-4f * std::max(1.0f, b.logits.cwiseAbs().maxCoeff()));
}

TEST_P(ForwardEveryArchitecture, KvCacheEqualsAFullRecompute) {
    const ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(12, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult full = run(*model, ids, {}, all);

    KvCacheSession session(model, {});
    const std::vector<int> prompt(ids.begin(), ids.begin() + 5);
    Expected<ForwardResult> pre = session.append(prompt, all);
    ASSERT_TRUE(pre.ok()) << pre.error();
    ASSERT_EQ(pre->logits.rows(), 5);
    EXPECT_LT((pre->logits - full.logits.topRows(5)).cwiseAbs().maxCoeff(), 1e-5f);
    for (std::size_t i = 5; i < ids.size(); ++i) {
        Expected<ForwardResult> step = session.append({ids[i]});
        ASSERT_TRUE(step.ok()) << step.error();
        ASSERT_EQ(step->logits.rows(), 1);
        EXPECT_LT((step->logits.row(0) - full.logits.row(static_cast<Eigen::Index>(i))).cwiseAbs().maxCoeff(),
                  1e-5f)
            << "position " << i;
        // The new row of attention of every head: [n_heads, 1, i + 1].
        const Tensor3& w = step->layers[1].weights;
        ASSERT_EQ(w.n_rows(), 1);
        ASSERT_EQ(w.n_cols(), static_cast<int>(i) + 1);
        for (int h = 0; h < c.n_heads; ++h) {
            const auto want = full.layers[1]
                                  .weights.mat(h)
                                  .row(static_cast<Eigen::Index>(i))
                                  .head(static_cast<Eigen::Index>(i) + 1);
            EXPECT_LT((w.mat(h).row(0) - want).cwiseAbs().maxCoeff(), 1e-5f);
        }
        EXPECT_EQ(step->token_ids.size(), i + 1);
    }
    EXPECT_EQ(session.n_cached(), 12);
    EXPECT_EQ(session.cache_bytes(),
              static_cast<std::int64_t>(2 * c.n_layers * c.n_kv_heads * 12 * c.head_dim * sizeof(float)));
}

TEST_P(ForwardEveryArchitecture, KvCacheOnTheFlashPathWithAWindowAndATemperature) {
    ModelConfig c = tiny_config(GetParam());
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(14, c.vocab_size);
    Interventions iv;
    iv.window = 4;
    iv.temperatures = {{1, 1, 0.5}};
    ForwardOptions flash;
    flash.keep_attention = false;
    flash.all_logits = true;
    const ForwardResult full = run(*model, ids, iv, flash);
    KvCacheSession session(model, iv);
    Expected<ForwardResult> step = session.append(std::vector<int>(ids.begin(), ids.begin() + 6), flash);
    ASSERT_TRUE(step.ok()) << step.error();
    EXPECT_LT((step->logits - full.logits.topRows(6)).cwiseAbs().maxCoeff(), 1e-4f);
    for (std::size_t i = 6; i < ids.size(); ++i) {
        step = session.append({ids[i]}, flash);
        ASSERT_TRUE(step.ok()) << step.error();
        EXPECT_LT((step->logits.row(0) - full.logits.row(static_cast<Eigen::Index>(i))).cwiseAbs().maxCoeff(),
                  1e-4f)
            << "position " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Architectures, ForwardEveryArchitecture,
                         ::testing::Values(Architecture::kGpt2, Architecture::kLlama, Architecture::kMistral,
                                           Architecture::kQwen2, Architecture::kQwen3),
                         [](const ::testing::TestParamInfo<Architecture>& param_info) {
                             return std::string(arch_name(param_info.param));
                         });

TEST(ForwardVariants, Llama3RopeScalingIsApplied) {
    // head_dim 8, theta 10000: wavelengths 6.3, 63, 628, 6283. With an original context of 64 and factors
    // 1 / 4, the first keeps its frequency, the second is blended, the last two are divided by 8.
    ModelConfig c = tiny_config(Architecture::kLlama);
    c.rope_scaling.llama3 = true;
    c.rope_scaling.factor = 8.0;
    c.rope_scaling.low_freq_factor = 1.0;
    c.rope_scaling.high_freq_factor = 4.0;
    c.rope_scaling.original_max_position_embeddings = 64;
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(30, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult r = run(*model, ids, {}, all);
    EXPECT_LT(max_rel_diff(r.logits, f64_forward(*model, ids).logits), 1e-5);
    // Without the rescaling the numbers are measurably different: the test can tell.
    ModelConfig plain = c;
    plain.rope_scaling = RopeScaling{};
    const auto unscaled = edit_tiny_model(model, [&](TinyModelStorage& s) { s.checkpoint.config = plain; });
    EXPECT_GT(max_rel_diff(r.logits, f64_forward(*unscaled, ids).logits), 1e-3);
}

TEST(ForwardVariants, Gpt2WithTheExactGelu) {
    ModelConfig c = tiny_config(Architecture::kGpt2);
    c.activation = Activation::kGeluExact;
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    EXPECT_LT(max_rel_diff(run(*model, ids, {}, all).logits, f64_forward(*model, ids).logits), 1e-5);
}

TEST(ForwardVariants, UntiedHeadAndAttentionAndMlpBiases) {
    ModelConfig c = tiny_config(Architecture::kLlama);
    c.tie_word_embeddings = false;
    c.qkv_bias = c.o_bias = c.mlp_bias = true;
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    EXPECT_LT(max_rel_diff(run(*model, ids, {}, all).logits, f64_forward(*model, ids).logits), 1e-5);
}

}  // namespace
