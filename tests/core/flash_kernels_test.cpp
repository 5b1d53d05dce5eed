// The flash path's inner loops on their own: the key packing (layout worked by hand), the panel
// product against Eigen over a grid of shapes, strides and offsets, and the fast exp against
// float64 over its whole range.
#include "core/attention/flash_kernels.h"
#include "core/base/eigen.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace attnviz {
namespace {

namespace fk = attention::flash_kernels;
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<float> normal_values(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

// [SECTION] Key packing ---------------------------------------------------------------------------

TEST(FlashKernels, PackKeyTilesLaysOutTransposedPanelsZeroPadded) {
    const int nr = fk::panel_width();
    ASSERT_GE(nr, 4);
    // K [n_k = 5, d = 2] with K[j][t] = 10 j + t; block_k = 3: tiles {0, 1, 2} and {3, 4}.
    const int n_k = 5;
    const int d = 2;
    const int block_k = 3;
    std::vector<float> k(static_cast<std::size_t>(n_k * d));
    for (int j = 0; j < n_k; ++j) {
        for (int t = 0; t < d; ++t) k[static_cast<std::size_t>(j * d + t)] = static_cast<float>(10 * j + t);
    }
    ASSERT_EQ(fk::panels_for(block_k), 1);
    ASSERT_EQ(fk::packed_key_floats(n_k, d, block_k), 2L * d * nr);
    std::vector<float> out(static_cast<std::size_t>(fk::packed_key_floats(n_k, d, block_k)), -1.0f);
    fk::pack_key_tiles(k.data(), n_k, d, block_k, out.data());
    const auto at = [&](int tile, int t, int j) {
        return out[static_cast<std::size_t>((tile * d + t) * nr + j)];
    };
    // Tile 0: [t][j] = K[j][t] for keys 0..2, then zeros.
    EXPECT_EQ(at(0, 0, 0), 0.0f);
    EXPECT_EQ(at(0, 1, 0), 1.0f);
    EXPECT_EQ(at(0, 0, 2), 20.0f);
    EXPECT_EQ(at(0, 1, 2), 21.0f);
    EXPECT_EQ(at(0, 0, 3), 0.0f);
    // Tile 1 starts at key 3: two keys, then zeros.
    EXPECT_EQ(at(1, 0, 0), 30.0f);
    EXPECT_EQ(at(1, 1, 1), 41.0f);
    EXPECT_EQ(at(1, 0, 2), 0.0f);
    EXPECT_EQ(at(1, 1, nr - 1), 0.0f);
}

TEST(FlashKernels, PanelsPerTileRoundUp) {
    const int nr = fk::panel_width();
    EXPECT_EQ(fk::panels_for(1), 1);
    EXPECT_EQ(fk::panels_for(nr), 1);
    EXPECT_EQ(fk::panels_for(nr + 1), 2);
    EXPECT_EQ(fk::packed_key_floats(2 * nr + 1, 3, 2 * nr), 2L * 2 * 3 * nr);
}

// [SECTION] Panel product -------------------------------------------------------------------------

// Scores: C[rows, n_k] = A[rows, d] K^T through the packed panels, for every row count around the
// register block, depths around the packet width and key counts that end mid-panel.
TEST(FlashKernels, ScoresFromPackedKeysEqualEigen) {
    const int nr = fk::panel_width();
    for (int rows : {1, 2, 5, 6, 7, 12, 13}) {
        for (int d : {1, 3, 8, 16, 17, 64}) {
            for (int n_k : {1, nr - 1, nr, nr + 3, 3 * nr}) {
                SCOPED_TRACE(testing::Message() << "rows " << rows << " d " << d << " n_k " << n_k);
                const std::vector<float> av = normal_values(static_cast<std::size_t>(rows * d), 1);
                const std::vector<float> kv = normal_values(static_cast<std::size_t>(n_k * d), 2);
                const Eigen::Map<const RowMajor> a(av.data(), rows, d);
                const Eigen::Map<const RowMajor> k(kv.data(), n_k, d);
                std::vector<float> packed(static_cast<std::size_t>(fk::packed_key_floats(n_k, d, n_k)));
                fk::pack_key_tiles(kv.data(), n_k, d, n_k, packed.data());
                const int panels = fk::panels_for(n_k);
                const int ldc = panels * nr + 5;  // a stride wider than the panels
                std::vector<float> c(static_cast<std::size_t>(rows * ldc), 99.0f);
                fk::panel_product(av.data(), d, rows, d, packed.data(), nr, d * nr, panels, c.data(), ldc,
                                  false);
                const RowMajor expected = a * k.transpose();
                for (int r = 0; r < rows; ++r) {
                    for (int j = 0; j < n_k; ++j) {
                        EXPECT_NEAR(c[static_cast<std::size_t>(r * ldc + j)], expected(r, j), 1e-5 * (1 + d));
                    }
                    for (int j = n_k; j < panels * nr; ++j) {
                        EXPECT_EQ(c[static_cast<std::size_t>(r * ldc + j)], 0.0f) << "padding key " << j;
                    }
                    EXPECT_EQ(c[static_cast<std::size_t>(r * ldc + panels * nr)], 99.0f) << "past the panels";
                }
            }
        }
    }
}

// Output: C[rows, d_v] += P[rows, depth] V[depth, d_v] read in place (ldb = d_v), over whole panels of
// V's columns, starting inside wider matrices (offsets and strides as the flash path uses them).
TEST(FlashKernels, AccumulatedOutputEqualsEigen) {
    const int nr = fk::panel_width();
    for (int rows : {1, 4, 6, 11}) {
        for (int depth : {1, 2, 9, 40}) {
            for (int panels : {1, 2, 4}) {
                SCOPED_TRACE(testing::Message()
                             << "rows " << rows << " depth " << depth << " panels " << panels);
                const int d_v = panels * nr + 3;  // 3 columns past the whole panels stay untouched
                const int lda = depth + 7;
                const std::vector<float> pv = normal_values(static_cast<std::size_t>(rows * lda), 3);
                const std::vector<float> vv = normal_values(static_cast<std::size_t>((depth + 2) * d_v), 4);
                const std::vector<float> c0 = normal_values(static_cast<std::size_t>(rows * d_v), 5);
                std::vector<float> c = c0;
                // P's columns [2, 2 + depth) against V's rows [2, 2 + depth).
                fk::panel_product(pv.data() + 2, lda, rows, depth, vv.data() + 2 * d_v, d_v, nr, panels,
                                  c.data(), d_v, true);
                const Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>> p(pv.data() + 2, rows, depth,
                                                                            Eigen::OuterStride<>(lda));
                const Eigen::Map<const RowMajor> v(vv.data() + 2 * d_v, depth, d_v);
                const RowMajor expected = Eigen::Map<const RowMajor>(c0.data(), rows, d_v) + p * v;
                for (int r = 0; r < rows; ++r) {
                    for (int j = 0; j < d_v; ++j) {
                        const float got = c[static_cast<std::size_t>(r * d_v + j)];
                        if (j < panels * nr) {
                            EXPECT_NEAR(got, expected(r, j), 1e-5 * (1 + depth));
                        } else {
                            EXPECT_EQ(got, c0[static_cast<std::size_t>(r * d_v + j)]) << "column " << j;
                        }
                    }
                }
            }
        }
    }
}

// [SECTION] Fast exp ------------------------------------------------------------------------------

// Arguments from 0 down to -87.3 (where exp leaves float's normal range), 2^20 points: relative error
// within 2e-7 (the polynomial, the reduction and the final product) plus |t| 2^-23 ln 2 from rounding
// log2(e) and the scaled argument t = x log2(e): only tiny weights (t far below 0) feel that term.
TEST(FlashKernels, ExpIsWithinItsErrorBoundOverItsRange) {
    const int n = 1 << 20;
    std::vector<float> x(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = -87.3f * static_cast<float>(i) / (n - 1);
    std::vector<float> y = x;
    fk::exp2_shifted_sum(y.data(), n, 0.0f, static_cast<float>(1.0 / std::log(2.0)));
    double worst = 0.0;
    for (int i = 0; i < n; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const double exact = std::exp(static_cast<double>(x[iu]));
        const double t = std::abs(static_cast<double>(x[iu])) / std::log(2.0);
        const double bound = 2e-7 + t * std::ldexp(1.0, -23) * std::log(2.0);
        worst = std::max(worst, std::abs(static_cast<double>(y[iu]) / exact - 1.0) / bound);
    }
    EXPECT_LE(worst, 1.0) << "worst error as a fraction of its bound";
}

TEST(FlashKernels, ExpOfMinusInfinityAndFarBelowTheMaxIsExactlyZero) {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> x = {-inf, -200.0f, -1e30f, 0.0f, -inf};
    const float sum = fk::exp2_shifted_sum(x.data(), static_cast<int>(x.size()), 0.0f, 1.0f);
    EXPECT_EQ(x[0], 0.0f);
    EXPECT_EQ(x[1], 0.0f);  // 2^-200
    EXPECT_EQ(x[2], 0.0f);
    EXPECT_EQ(x[3], 1.0f);  // the max itself: exactly 1
    EXPECT_EQ(x[4], 0.0f);
    EXPECT_EQ(sum, 1.0f);
}

// The shift m and the factor c: 2^((x - m) c) with c = log2(e) / T is exp((x - m) / T); the returned
// sum is the outputs' sum; every length (tails of 0 .. 2 packets) gives each element the same value.
TEST(FlashKernels, ExpShiftedSumMatchesExpOverTemperatureForEveryLength) {
    const double temperature = 0.7;
    const float m = 3.25f;
    const auto c = static_cast<float>(1.0 / (temperature * std::log(2.0)));
    const int max_n = 2 * fk::panel_width() + 1;  // 65 with AVX-512: more than a fixed 40 values
    const std::vector<float> base = normal_values(static_cast<std::size_t>(max_n), 6);
    for (int n = 0; n <= max_n; ++n) {
        SCOPED_TRACE(n);
        std::vector<float> x(base.begin(), base.begin() + n);
        for (float& v : x) v = std::min(v, m);
        std::vector<float> y = x;
        const float sum = fk::exp2_shifted_sum(y.data(), n, m, c);
        double expected_sum = 0.0;
        double got_sum = 0.0;
        for (int j = 0; j < n; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            const double exact =
                std::exp((static_cast<double>(x[ju]) - static_cast<double>(m)) / temperature);
            EXPECT_NEAR(y[ju], exact, 5e-7 * exact + 1e-30);
            expected_sum += exact;
            got_sum += static_cast<double>(y[ju]);
        }
        EXPECT_NEAR(sum, got_sum, 1e-6 * (1.0 + got_sum));
        EXPECT_NEAR(sum, expected_sum, 1e-6 * (1.0 + expected_sum));
    }
}

}  // namespace
}  // namespace attnviz
