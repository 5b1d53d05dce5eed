// The forward pass's pieces against numbers worked by hand: RMSNorm, LayerNorm, RoPE (with Llama 3's
// rescaling), GELU in both forms, SiLU, the linear layer in both storage orders, top-k.
#include "core/model/forward.h"
#include "core/model/layers.h"
#include "core/model/linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using attnviz::MatrixRM;
using namespace attnviz::model;

WeightView view(const std::vector<float>& v, int rows, int cols) {
    return WeightView{v.data(), rows, cols, cols};
}

TEST(ModelLayers, RmsNormOfOneToFour) {
    // mean(x^2) = (1 + 4 + 9 + 16) / 4 = 7.5; y = w * x / sqrt(7.5 + eps).
    MatrixRM x(1, 4);
    x << 1, 2, 3, 4;
    const std::vector<float> w = {1.0f, 2.0f, 0.5f, -1.0f};
    rms_norm_rows(x, view(w, 1, 4), 1e-5, 1);
    const double r = 1.0 / std::sqrt(7.5 + 1e-5);
    EXPECT_NEAR(x(0, 0), 1.0 * r, 1e-6);
    EXPECT_NEAR(x(0, 1), 4.0 * r, 1e-6);
    EXPECT_NEAR(x(0, 2), 1.5 * r, 1e-6);
    EXPECT_NEAR(x(0, 3), -4.0 * r, 1e-6);
    EXPECT_NEAR(r, 0.3651480, 1e-6);
}

TEST(ModelLayers, RmsNormPerHeadSegment) {
    // Two heads of width 2: [3, 4] has mean square 12.5, [0, 2] has 2; each normalised on its own.
    MatrixRM x(1, 4);
    x << 3, 4, 0, 2;
    const std::vector<float> w = {1.0f, 1.0f};
    rms_norm_segments(x, 2, view(w, 1, 2), 0.0);
    EXPECT_NEAR(x(0, 0), 3.0 / std::sqrt(12.5), 1e-6);
    EXPECT_NEAR(x(0, 1), 4.0 / std::sqrt(12.5), 1e-6);
    EXPECT_NEAR(x(0, 2), 0.0, 1e-7);
    EXPECT_NEAR(x(0, 3), std::sqrt(2.0), 1e-6);
}

TEST(ModelLayers, LayerNormOfOneToFour) {
    // mean 2.5, biased variance 1.25: y = (x - 2.5) / sqrt(1.25 + eps) * w + b.
    MatrixRM x(2, 4);
    x << 1, 2, 3, 4, 5, 5, 5, 5;
    const std::vector<float> w = {1.0f, 1.0f, 2.0f, 1.0f};
    const std::vector<float> b = {0.0f, 0.5f, 0.0f, -1.0f};
    layer_norm_rows(x, view(w, 1, 4), view(b, 1, 4), 1e-5, 1);
    const double s = 1.0 / std::sqrt(1.25 + 1e-5);
    EXPECT_NEAR(x(0, 0), -1.5 * s, 1e-6);
    EXPECT_NEAR(x(0, 1), -0.5 * s + 0.5, 1e-6);
    EXPECT_NEAR(x(0, 2), 2.0 * 0.5 * s, 1e-6);
    EXPECT_NEAR(x(0, 3), 1.5 * s - 1.0, 1e-6);
    // A constant row has zero variance: every output is the bias (eps keeps it finite).
    EXPECT_FLOAT_EQ(x(1, 0), 0.0f);
    EXPECT_FLOAT_EQ(x(1, 1), 0.5f);
    EXPECT_FLOAT_EQ(x(1, 3), -1.0f);
    EXPECT_NEAR(s, 0.8944236, 1e-6);
}

TEST(ModelLayers, RopeInverseFrequencies) {
    // 1 / 10000^(2i/8) for i = 0..3: 1, 0.1, 0.01, 0.001.
    const std::vector<float> inv = rope_inverse_frequencies(8, 10000.0, RopeScaling{});
    ASSERT_EQ(inv.size(), 4u);
    EXPECT_FLOAT_EQ(inv[0], 1.0f);
    EXPECT_FLOAT_EQ(inv[1], 0.1f);
    EXPECT_FLOAT_EQ(inv[2], 0.01f);
    EXPECT_FLOAT_EQ(inv[3], 0.001f);
}

TEST(ModelLayers, RopeLlama3RescalingHasThreeRegimes) {
    // Llama 3.1's rope_scaling: factor 8, low 1, high 4, original context 8192, so wavelengths below
    // 8192 / 4 = 2048 keep their frequency, those above 8192 / 1 are divided by 8, and in between
    // smooth = (8192 / wavelen - 1) / 3 blends f / 8 and f.
    RopeScaling s;
    s.llama3 = true;
    s.factor = 8.0;
    s.low_freq_factor = 1.0;
    s.high_freq_factor = 4.0;
    s.original_max_position_embeddings = 8192;
    // head_dim 4: f = [1, 1 / sqrt(theta)].
    // theta = 1e8: f1 = 1e-4, wavelength 62832 > 8192: f1 / 8 = 1.25e-5. f0 = 1 (wavelength 6.28) is kept.
    const std::vector<float> low = rope_inverse_frequencies(4, 1e8, s);
    EXPECT_FLOAT_EQ(low[0], 1.0f);
    EXPECT_NEAR(low[1], 1.25e-5, 1e-11);
    // theta = 4e5: f1 = 1 / 632.4555 = 1.5811388e-3, wavelength 2 pi / f1 = 3973.835 (medium):
    // smooth = (8192 / 3973.835 - 1) / 3 = 0.3538282, f' = f1 ((1 - smooth) / 8 + smooth) = 6.871624e-4.
    const std::vector<float> mid = rope_inverse_frequencies(4, 4e5, s);
    EXPECT_NEAR(mid[1], 6.871624e-4, 1e-9);
    // theta = 1e4: f1 = 0.01, wavelength 628 < 2048: unchanged.
    const std::vector<float> high = rope_inverse_frequencies(4, 1e4, s);
    EXPECT_FLOAT_EQ(high[1], 0.01f);
}

TEST(ModelLayers, RopeRotatesHalvesByPositionTimesFrequency) {
    // head_dim 4, theta 100: f = [1, 0.1]. Position 2: angles 2 and 0.2.
    // x = [x1 | x2] = [1, 2 | 3, 4]: x' = [x1 cos - x2 sin | x2 cos + x1 sin] per frequency.
    const std::vector<float> inv = rope_inverse_frequencies(4, 100.0, RopeScaling{});
    const RopeTable t = make_rope_table(inv, 2, 1);
    EXPECT_EQ(t.first_position, 2);
    float x[4] = {1, 2, 3, 4};
    apply_rope(x, 4, t.cos.row(0).data(), t.sin.row(0).data());
    EXPECT_NEAR(x[0], 1 * std::cos(2.0) - 3 * std::sin(2.0), 1e-6);
    EXPECT_NEAR(x[1], 2 * std::cos(0.2) - 4 * std::sin(0.2), 1e-6);
    EXPECT_NEAR(x[2], 3 * std::cos(2.0) + 1 * std::sin(2.0), 1e-6);
    EXPECT_NEAR(x[3], 4 * std::cos(0.2) + 2 * std::sin(0.2), 1e-6);
    // Position 0 is the identity.
    const RopeTable t0 = make_rope_table(inv, 0, 1);
    float y[4] = {1, 2, 3, 4};
    apply_rope(y, 4, t0.cos.row(0).data(), t0.sin.row(0).data());
    EXPECT_EQ(y[0], 1.0f);
    EXPECT_EQ(y[3], 4.0f);
}

TEST(ModelLayers, GeluBothFormsAndSilu) {
    // gelu_new(1) = 0.5 (1 + tanh(sqrt(2/pi) 1.044715)) = 0.8411920; gelu(1) = 0.5 (1 + erf(1/sqrt2)) =
    // 0.8413447; at -1 both are x - gelu(-x) style mirrors: gelu(-1) = -1 + gelu(1). silu(1) = 1 / (1 + e^-1)
    // = 0.7310586.
    float t[3] = {1.0f, -1.0f, 0.0f};
    gelu_tanh_in_place(t, 3);
    EXPECT_NEAR(t[0], 0.8411920, 2e-6);
    EXPECT_NEAR(t[1], -0.1588080, 2e-6);
    EXPECT_EQ(t[2], 0.0f);
    float e[2] = {1.0f, -1.0f};
    gelu_exact_in_place(e, 2);
    EXPECT_NEAR(e[0], 0.8413447, 2e-6);
    EXPECT_NEAR(e[1], -0.1586553, 2e-6);
    float g[2] = {1.0f, -2.0f};
    const float up[2] = {2.0f, 1.0f};
    silu_mul_in_place(g, up, 2);
    EXPECT_NEAR(g[0], 2.0 * 0.7310586, 2e-6);
    EXPECT_NEAR(g[1], -2.0 / (1.0 + std::exp(2.0)), 2e-6);
}

TEST(ModelLayers, LinearInBothStorageOrdersWithBias) {
    // W (nn.Linear, [out=2, in=3]) = [[1, 2, 3], [4, 5, 6]], b = [0.5, -1]; x = [1, 0, -1]:
    // y = [1 - 3 + 0.5, 4 - 6 - 1] = [-1.5, -3].
    const std::vector<float> w_out_in = {1, 2, 3, 4, 5, 6};
    const std::vector<float> w_in_out = {1, 4, 2, 5, 3, 6};  // the same matrix stored [in, out]
    const std::vector<float> b = {0.5f, -1.0f};
    MatrixRM x(2, 3);
    x << 1, 0, -1, 2, 1, 0;  // second row: [2 + 2, 8 + 5] + b = [4.5, 12]
    Linear a{view(w_out_in, 2, 3), false, view(b, 1, 2)};
    Linear c{view(w_in_out, 3, 2), true, view(b, 1, 2)};
    MatrixRM ya, yc;
    matmul_linear(x, a, ya, 1);
    matmul_linear(x, c, yc, 2);
    ASSERT_EQ(ya.rows(), 2);
    ASSERT_EQ(ya.cols(), 2);
    EXPECT_FLOAT_EQ(ya(0, 0), -1.5f);
    EXPECT_FLOAT_EQ(ya(0, 1), -3.0f);
    EXPECT_FLOAT_EQ(ya(1, 0), 4.5f);
    EXPECT_FLOAT_EQ(ya(1, 1), 12.0f);
    EXPECT_EQ(ya, yc);
}

TEST(ModelLayers, LinearOnAColumnViewOfAFusedTensor) {
    // GPT-2's c_attn [in=2, out=6]: the k part is columns 2..3, a view with row_stride 6.
    const std::vector<float> fused = {0, 0, 1, 2, 0, 0,  //
                                      0, 0, 3, 4, 0, 0};
    Linear k{WeightView{fused.data() + 2, 2, 2, 6}, true, {}};
    MatrixRM x(1, 2);
    x << 1, 1;
    MatrixRM y;
    matmul_linear(x, k, y, 1);
    EXPECT_FLOAT_EQ(y(0, 0), 4.0f);
    EXPECT_FLOAT_EQ(y(0, 1), 6.0f);
}

TEST(ModelLayers, TopKSoftmaxInFloat64WithTiesByLowerId) {
    // logits [0, ln 3, ln 3, -inf]: p = [1/7, 3/7, 3/7, 0]; the tie goes to the lower id.
    const float inf = std::numeric_limits<float>::infinity();
    const float logits[4] = {0.0f, std::log(3.0f), std::log(3.0f), -inf};
    const std::vector<TokenProbability> top = top_k(logits, 4, 3);
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].id, 1);
    EXPECT_EQ(top[1].id, 2);
    EXPECT_EQ(top[2].id, 0);
    EXPECT_NEAR(top[0].probability, 3.0 / 7.0, 1e-7);
    EXPECT_NEAR(top[2].probability, 1.0 / 7.0, 1e-7);
    EXPECT_FLOAT_EQ(top[2].logit, 0.0f);
    EXPECT_EQ(top_k(logits, 4, 10).size(), 4u);
    EXPECT_TRUE(top_k(logits, 4, 0).empty());
}

}  // namespace
