// Mask semantics: causal alignment, inclusive windows, padding, and the "seen by any query" set.
#include "core/attention/mask.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace attnviz {
namespace {

TEST(Mask, CausalSquareIsTheLowerTriangle) {
    attention::MaskConfig c;
    c.causal = true;
    const MaskMatrix m = attention::Mask(c, 5, 5).build_matrix();
    for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) EXPECT_EQ(m(i, j), j <= i ? 1 : 0);
    }
}

TEST(Mask, NonCausalWindowIsSymmetricAndInclusive) {
    attention::MaskConfig c;
    c.window = 2;  // |i - j| < 2
    const attention::Mask mask(c, 6, 6);
    for (int i = 0; i < 6; ++i) {
        for (int j = 0; j < 6; ++j) EXPECT_EQ(mask.visible(i, j), std::abs(i - j) < 2) << i << "," << j;
    }
}

TEST(Mask, WindowLargerThanSequenceIsFullCausal) {
    attention::MaskConfig c;
    c.causal = true;
    c.window = 1000;
    attention::MaskConfig plain;
    plain.causal = true;
    EXPECT_EQ(attention::Mask(c, 7, 7).build_matrix(), attention::Mask(plain, 7, 7).build_matrix());
}

TEST(Mask, PaddingHidesKeysFromEveryQuery) {
    attention::MaskConfig c;
    c.key_valid = {1, 0, 1, 1};
    const attention::Mask mask(c, 3, 4);
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(mask.visible(i, 1));
        EXPECT_EQ(mask.count_visible(i), 3);
    }
}

TEST(Mask, KeysSeenByAnyQuery) {
    attention::MaskConfig c;
    c.causal = true;
    c.window = 2;
    c.key_valid = {1, 1, 1, 0, 1, 1};
    // n_q = 2 < n_k = 6: queries sit at positions 4 and 5 and see {3,4} and {4,5}
    const std::vector<std::uint8_t> seen = attention::Mask(c, 2, 6).keys_seen_by_any_query();
    EXPECT_EQ(seen, (std::vector<std::uint8_t>{0, 0, 0, 0, 1, 1}));
}

TEST(Mask, QueryPositionsAreBottomRightAligned) {
    attention::MaskConfig c;
    c.causal = true;
    const attention::Mask mask(c, 2, 10);
    EXPECT_EQ(mask.query_position(0), 8);
    EXPECT_EQ(mask.position_range(1).end, 10);
    const attention::Mask more_queries(c, 4, 2);
    EXPECT_TRUE(more_queries.position_range(0).empty());
    EXPECT_TRUE(more_queries.position_range(1).empty());
    EXPECT_EQ(more_queries.count_visible(3), 2);
}

}  // namespace
}  // namespace attnviz
