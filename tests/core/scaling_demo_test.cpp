// The 1/sqrt(d) lesson's statistics: unscaled q.k spreads like sqrt(d), scaled stays ~1, and the
// unscaled softmax saturates as d grows.
#include "core/lab/scaling_demo.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attnviz {
namespace {

TEST(ScalingDemo, UnscaledStdGrowsLikeSqrtDScaledStaysNearOne) {
    for (int d : {1, 4, 16, 64, 256, 1024}) {
        const lab::ScalingStats st = lab::scaling_stats(d, 64, 64, 7);
        // 4096 dots: the sample std of a unit-variance product is within ~10% with room to spare.
        EXPECT_NEAR(st.std_unscaled / std::sqrt(static_cast<double>(d)), 1.0, 0.12) << "d=" << d;
        EXPECT_NEAR(st.std_scaled, 1.0, 0.12) << "d=" << d;
        EXPECT_EQ(st.d, d);
    }
}

TEST(ScalingDemo, UnscaledSoftmaxSaturatesScaledDoesNot) {
    const lab::ScalingStats small = lab::scaling_stats(1, 64, 64, 3);
    const lab::ScalingStats big = lab::scaling_stats(1024, 64, 64, 3);
    EXPECT_GT(big.max_weight_unscaled, 0.9) << "std ~32: the largest dot takes nearly everything";
    EXPECT_LT(big.max_weight_scaled, 0.5);
    EXPECT_NEAR(big.max_weight_scaled, small.max_weight_scaled, 0.15)
        << "scaling keeps the spread the same for every d";
}

TEST(ScalingDemo, CurveIsPowersOfTwoAndDeterministic) {
    const std::vector<lab::ScalingStats> c = lab::scaling_curve(1024, 16, 8, 1);
    ASSERT_EQ(c.size(), 11u);
    EXPECT_EQ(c.front().d, 1);
    EXPECT_EQ(c.back().d, 1024);
    const std::vector<lab::ScalingStats> again = lab::scaling_curve(1024, 16, 8, 1);
    EXPECT_EQ(c[5].std_unscaled, again[5].std_unscaled);
}

}  // namespace
}  // namespace attnviz
