// The temperature sweep is the engine's softmax: each sweep row equals compute_attention's weights at
// that T, and the limits equal T = 0 and T = inf runs.
#include "core/lab/temperature_sweep.h"
#include "core/attention/attention.h"
#include "tests/support/random_inputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz {
namespace {

attention::AttentionResult attend(const attention::AttentionInputs& in, double t) {
    attention::AttentionConfig c;
    c.n_heads = 1;
    c.n_kv_heads = 1;
    c.head_dim = static_cast<int>(in.q.n_cols());
    c.temperature = t;
    c.mask.causal = true;
    Expected<attention::AttentionResult> r = attention::compute_attention(c, in);
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
}

TEST(TemperatureSweep, LogSpacedEnds) {
    const std::vector<double> t = lab::log_spaced_temperatures(0.05, 20.0, 9);
    ASSERT_EQ(t.size(), 9u);
    EXPECT_NEAR(t.front(), 0.05, 1e-12);
    EXPECT_NEAR(t.back(), 20.0, 1e-9);
    EXPECT_NEAR(t[4], 1.0, 1e-9) << "the middle of [0.05, 20] in log is 1";
    EXPECT_TRUE(lab::log_spaced_temperatures(0.0, 1.0, 5).empty());
}

TEST(TemperatureSweep, RowsAndLimitsEqualTheEngine) {
    const attention::AttentionInputs in = testing::random_inputs(1, 1, 6, 6, 8, 8, 11);
    const attention::AttentionResult base = attend(in, 1.0);
    const int row = 4;
    const attention::Mask mask(attention::MaskConfig{true, 0, {}}, 6, 6);
    const std::vector<double> temps = {0.1, 1.0, 5.0};
    const lab::TemperatureSweep sw = lab::sweep_temperature(base.heads[0].scores.row(row).data(), 6,
                                                            mask.position_range(row), nullptr, temps);
    for (std::size_t t = 0; t < temps.size(); ++t) {
        const attention::AttentionResult r = attend(in, temps[t]);
        for (int j = 0; j < 6; ++j)
            EXPECT_FLOAT_EQ(sw.weights(static_cast<int>(t), j), r.heads[0].weights(row, j))
                << "T=" << temps[t];
        EXPECT_NEAR(sw.entropy[t], r.heads[0].rows.entropy[row], 1e-6);
    }
    const attention::AttentionResult zero = attend(in, 0.0);
    const attention::AttentionResult inf = attend(in, std::numeric_limits<double>::infinity());
    for (int j = 0; j < 6; ++j) {
        EXPECT_EQ(sw.argmax_limit[static_cast<std::size_t>(j)], zero.heads[0].weights(row, j));
        EXPECT_EQ(sw.uniform_limit[static_cast<std::size_t>(j)], inf.heads[0].weights(row, j));
    }
    EXPECT_EQ(sw.uniform_limit[5], 0.0f) << "a masked key stays 0 in the uniform limit";
}

}  // namespace
}  // namespace attnviz
