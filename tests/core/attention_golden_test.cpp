// A three-token example worked out by hand; its numbers are literals, not re-computed.
#include "core/attention/attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz {
namespace {

// Hand-rounded literals carry 8 decimals; float32 holds ~7 significant digits.
constexpr float kHandTol = 2e-7f;

// d = 4, so the default scale is 1/sqrt(4) = 1/2 exactly.
//   q0 = [2,0,0,0]  q1 = [0,2,0,0]  q2 = [2,2,0,0]
//   k0 = [1,0,0,0]  k1 = [0,1,0,0]  k2 = [0,0,0,0]
//   v0 = [1,0]      v1 = [0,1]      v2 = [1,1]
// Raw scores Q K^T = [[2,0,0],[0,2,0],[2,2,0]]; scaled by 1/2: [[1,0,0],[0,1,0],[1,1,0]].
//
// No mask, T = 1:
//   row 0: max 1; exp(0)=1, exp(-1)=0.36787944 twice; sum S = 1.73575888
//          P = [1, .36787944, .36787944] / 1.73575888 = [0.57611688, 0.21194156, 0.21194156]
//          lse = m/T + ln S = 1 + 0.55144471 = 1.55144471
//          H = -sum p ln p = 0.97532783 nats, effective keys e^H = 2.65203648
//          output = 0.57611688*v0 + 0.21194156*v1 + 0.21194156*v2 = [0.78805844, 0.42388312]
//   row 2: max 1 (twice); exp: 1, 1, 0.36787944; S = 2.36787944
//          P = [0.42231880, 0.42231880, 0.15536240]; lse = 1 + ln 2.36787944 = 1.86199480
//          output = [0.42231880 + 0.15536240, 0.42231880 + 0.15536240] = [0.57768120, 0.57768120]
// Causal, T = 1:
//   row 0 sees only k0: P = [1, 0, 0], lse = 1 + ln 1 = 1
//   row 1 sees k0, k1 with scores [0, 1]: P = [e^-1, 1] / 1.36787944 = [0.26894142, 0.73105858, 0]
// No mask, T = 2, row 0: exp(-1/2) = 0.60653066; S = 2.21306132; P = [0.45186276, 0.27406862, 0.27406862];
//   lse = 1/2 + ln 2.21306132 = 1.29437677
// T = 0, row 2: two keys tie at the max -> [1/2, 1/2, 0]. T = inf: every row [1/3, 1/3, 1/3].
attention::AttentionInputs three_tokens() {
    attention::AttentionInputs in{Tensor3(1, 3, 4), Tensor3(1, 3, 4), Tensor3(1, 3, 2)};
    in.q.mat(0) << 2, 0, 0, 0, 0, 2, 0, 0, 2, 2, 0, 0;
    in.k.mat(0) << 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0;
    in.v.mat(0) << 1, 0, 0, 1, 1, 1;
    return in;
}

attention::AttentionConfig config(double temperature, bool causal) {
    attention::AttentionConfig c;
    c.head_dim = 4;
    c.temperature = temperature;
    c.mask.causal = causal;
    return c;
}

TEST(AttentionGolden, ThreeTokensNoMask) {
    Expected<attention::AttentionResult> r = attention::compute_attention(config(1.0, false), three_tokens());
    ASSERT_TRUE(r.ok()) << r.error();
    const attention::HeadResult& h = r->heads[0];
    EXPECT_EQ(r->scale, 0.5f);
    EXPECT_EQ(h.raw_scores(2, 0), 2.0f);
    EXPECT_EQ(h.scores(2, 1), 1.0f);
    EXPECT_NEAR(h.weights(0, 0), 0.57611688f, kHandTol);
    EXPECT_NEAR(h.weights(0, 1), 0.21194156f, kHandTol);
    EXPECT_NEAR(h.weights(0, 2), 0.21194156f, kHandTol);
    EXPECT_NEAR(h.weights(1, 1), 0.57611688f, kHandTol);
    EXPECT_NEAR(h.weights(2, 0), 0.42231880f, kHandTol);
    EXPECT_NEAR(h.weights(2, 2), 0.15536240f, kHandTol);
    EXPECT_NEAR(h.rows.sum[0], 1.73575888f, kHandTol * 4);
    EXPECT_NEAR(h.rows.lse[0], 1.55144471f, kHandTol * 4);
    EXPECT_NEAR(h.rows.lse[2], 1.86199480f, kHandTol * 4);
    EXPECT_NEAR(h.rows.entropy[0], 0.97532783f, 1e-6f);
    EXPECT_NEAR(h.rows.effective_keys[0], 2.65203648f, 1e-6f);
    EXPECT_NEAR(h.output(0, 0), 0.78805844f, kHandTol);
    EXPECT_NEAR(h.output(0, 1), 0.42388312f, kHandTol);
    EXPECT_NEAR(h.output(2, 0), 0.57768120f, kHandTol);
    EXPECT_NEAR(h.output(2, 1), 0.57768120f, kHandTol);
}

TEST(AttentionGolden, ThreeTokensCausal) {
    Expected<attention::AttentionResult> r = attention::compute_attention(config(1.0, true), three_tokens());
    ASSERT_TRUE(r.ok());
    const attention::HeadResult& h = r->heads[0];
    EXPECT_EQ(h.weights(0, 0), 1.0f);
    EXPECT_EQ(h.weights(0, 1), 0.0f);
    EXPECT_EQ(h.weights(0, 2), 0.0f);
    EXPECT_EQ(h.rows.lse[0], 1.0f);
    EXPECT_EQ(h.rows.entropy[0], 0.0f);
    EXPECT_NEAR(h.weights(1, 0), 0.26894142f, kHandTol);
    EXPECT_NEAR(h.weights(1, 1), 0.73105858f, kHandTol);
    EXPECT_EQ(h.weights(1, 2), 0.0f);
    EXPECT_NEAR(h.weights(2, 2), 0.15536240f, kHandTol);
    EXPECT_EQ(r->visible(0, 1), 0);
    EXPECT_EQ(r->visible(2, 2), 1);
}

TEST(AttentionGolden, ThreeTokensTemperatureTwo) {
    Expected<attention::AttentionResult> r = attention::compute_attention(config(2.0, false), three_tokens());
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(r->heads[0].weights(0, 0), 0.45186276f, kHandTol);
    EXPECT_NEAR(r->heads[0].weights(0, 1), 0.27406862f, kHandTol);
    EXPECT_NEAR(r->heads[0].rows.lse[0], 1.29437677f, kHandTol * 4);
}

TEST(AttentionGolden, ThreeTokensTemperatureLimits) {
    Expected<attention::AttentionResult> argmax =
        attention::compute_attention(config(0.0, false), three_tokens());
    ASSERT_TRUE(argmax.ok());
    EXPECT_EQ(argmax->heads[0].weights(0, 0), 1.0f);
    EXPECT_EQ(argmax->heads[0].weights(0, 1), 0.0f);
    EXPECT_EQ(argmax->heads[0].weights(2, 0), 0.5f);
    EXPECT_EQ(argmax->heads[0].weights(2, 1), 0.5f);
    EXPECT_EQ(argmax->heads[0].weights(2, 2), 0.0f);
    EXPECT_EQ(argmax->heads[0].rows.sum[2], 2.0f);  // two keys tied

    Expected<attention::AttentionResult> uniform =
        attention::compute_attention(config(std::numeric_limits<double>::infinity(), false), three_tokens());
    ASSERT_TRUE(uniform.ok());
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(uniform->heads[0].weights(i, j), 1.0f / 3.0f);
    }
    EXPECT_NEAR(uniform->heads[0].rows.entropy[0], std::log(3.0f), 1e-6f);
}

TEST(AttentionGolden, ScaleSwitchOffUsesRawScores) {
    attention::AttentionConfig c = config(1.0, false);
    c.scale_mode = attention::ScaleMode::kNone;
    Expected<attention::AttentionResult> r = attention::compute_attention(c, three_tokens());
    ASSERT_TRUE(r.ok());
    // row 0 scores [2, 0, 0]: P = [1, e^-2, e^-2] / (1 + 2 e^-2) = [0.78698604, 0.10650698, 0.10650698]
    EXPECT_NEAR(r->heads[0].weights(0, 0), 0.78698604f, kHandTol);
    EXPECT_NEAR(r->heads[0].weights(0, 1), 0.10650698f, kHandTol);
}

}  // namespace
}  // namespace attnviz
