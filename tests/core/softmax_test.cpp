// The temperature softmax on single rows: shift invariance, limits, ties, subnormal T, padding.
#include "core/attention/softmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace attnviz {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<float> run(const std::vector<float>& s, double t, const std::uint8_t* valid = nullptr,
                       attention::SoftmaxRowStats* stats = nullptr) {
    std::vector<float> w(s.size(), -1.0f);
    const attention::SoftmaxRowStats st =
        attention::softmax_row(s.data(), static_cast<int>(s.size()),
                               attention::KeyRange{0, static_cast<int>(s.size())}, valid, t, w.data());
    if (stats) *stats = st;
    return w;
}

TEST(Softmax, NumeratorOverSumRebuildsEveryWeight) {
    // What a view shows for one cell, exp((s - m) / T) / S, is the weight softmax_row gave it; the
    // vectorised exp may differ from std::exp by an ulp or so, hence the relative tolerance.
    const std::vector<float> s = {0.5f, -1.25f, 2.0f, 2.0f, 0.0f};
    for (double t : {0.0, 0.3, 1.0, 7.0, kInf}) {
        attention::SoftmaxRowStats st;
        const std::vector<float> w = run(s, t, nullptr, &st);
        for (std::size_t j = 0; j < s.size(); ++j) {
            const float rebuilt = attention::softmax_numerator(s[j], st.max, t) / st.sum;
            EXPECT_NEAR(rebuilt, w[j], 4e-7f * std::max(1.0f, w[j])) << "T=" << t << " j=" << j;
        }
    }
    EXPECT_EQ(attention::softmax_numerator(2.0f, 2.0f, 0.0), 1.0f);
    EXPECT_EQ(attention::softmax_numerator(1.0f, 2.0f, 0.0), 0.0f);
    EXPECT_EQ(attention::softmax_numerator(-9.0f, 2.0f, kInf), 1.0f);
}

TEST(Softmax, ShiftInvarianceWithExactlyRepresentableShifts) {
    // Logits on a 1/8 grid stay exact after adding integers up to 1e4 (they need < 24 mantissa bits).
    const std::vector<float> base = {0.125f, -1.5f, 2.0f, 0.75f, -3.25f};
    for (double t : {0.0, 0.3, 1.0, 7.0, kInf}) {
        const std::vector<float> ref = run(base, t);
        for (float c : {-10000.0f, -50.0f, 50.0f, 10000.0f}) {
            std::vector<float> shifted = base;
            for (float& x : shifted) x += c;
            const std::vector<float> w = run(shifted, t);
            for (std::size_t j = 0; j < w.size(); ++j)
                EXPECT_NEAR(w[j], ref[j], 1e-7) << "T=" << t << " c=" << c;
        }
    }
}

TEST(Softmax, HugeShiftsStayFinite) {
    // At +-1e30 float cannot hold the small logit differences, but nothing overflows: max first.
    for (float c : {-1e30f, 1e30f}) {
        const std::vector<float> w = run({c, c + 1e24f, c - 1e24f}, 1.0);
        double sum = 0;
        for (float x : w) {
            EXPECT_TRUE(std::isfinite(x));
            sum += static_cast<double>(x);
        }
        EXPECT_NEAR(sum, 1.0, 1e-6);
    }
}

TEST(Softmax, ZeroTemperatureSharesTiesEvenly) {
    attention::SoftmaxRowStats st;
    const std::vector<float> w = run({1.0f, 3.0f, 3.0f, -2.0f, 3.0f}, 0.0, nullptr, &st);
    EXPECT_EQ(w, (std::vector<float>{0.0f, 1.0f / 3, 1.0f / 3, 0.0f, 1.0f / 3}));
    EXPECT_EQ(st.sum, 3.0f);
    EXPECT_FLOAT_EQ(st.lse, std::log(3.0f));
}

TEST(Softmax, SubnormalAndTinyTemperaturesGiveTheArgmax) {
    for (double t : {1e-39, 1.4e-45, 1e-300}) {
        const std::vector<float> w = run({0.5f, 1.0f, 0.999f}, t);
        EXPECT_EQ(w, (std::vector<float>{0.0f, 1.0f, 0.0f})) << "T=" << t;
    }
}

TEST(Softmax, HugeTemperatureApproachesUniform) {
    const std::vector<float> w = run({5.0f, -5.0f, 0.0f, 1.0f}, 1e30);
    for (float x : w) EXPECT_FLOAT_EQ(x, 0.25f);
    const std::vector<float> u = run({5.0f, -5.0f, 0.0f, 1.0f}, kInf);
    for (float x : u) EXPECT_EQ(x, 0.25f);
}

TEST(Softmax, PaddedKeysAreExactlyZeroAndNeverRead) {
    const std::uint8_t valid[] = {1, 0, 1, 0};
    const float nan = std::numeric_limits<float>::quiet_NaN();
    attention::SoftmaxRowStats st;
    const std::vector<float> w = run({0.0f, nan, 0.0f, 1e38f}, 1.0, valid, &st);
    EXPECT_EQ(w, (std::vector<float>{0.5f, 0.0f, 0.5f, 0.0f}));
    EXPECT_EQ(st.n_visible, 2);
    EXPECT_EQ(st.max, 0.0f);
}

TEST(Softmax, RowWithNoVisibleKeyIsAllZeroNotNaN) {
    const std::uint8_t valid[] = {0, 0, 0};
    attention::SoftmaxRowStats st;
    const std::vector<float> w = run({1.0f, 2.0f, 3.0f}, 1.0, valid, &st);
    EXPECT_EQ(w, (std::vector<float>{0.0f, 0.0f, 0.0f}));
    EXPECT_FALSE(st.has_keys());
    EXPECT_EQ(st.lse, -std::numeric_limits<float>::infinity());
    EXPECT_EQ(attention::softmax_row_entropy(nullptr, w.data(), attention::KeyRange{0, 3}, valid, st, 1.0),
              0.0f);
}

TEST(Softmax, EntropyShortcutEqualsDirectFormula) {
    const std::vector<float> s = {0.3f, -1.2f, 2.5f, 0.0f, 1.1f, -0.4f};
    for (double t : {0.05, 0.5, 1.0, 3.0, 50.0}) {
        attention::SoftmaxRowStats st;
        const std::vector<float> w = run(s, t, nullptr, &st);
        const float shortcut =
            attention::softmax_row_entropy(s.data(), w.data(), attention::KeyRange{0, 6}, nullptr, st, t);
        EXPECT_NEAR(shortcut, attention::entropy_nats(w.data(), 6), 2e-6) << "T=" << t;
    }
}

TEST(Softmax, TemperatureRegimes) {
    EXPECT_EQ(attention::temperature_regime(0.0), attention::TemperatureRegime::kArgmax);
    EXPECT_EQ(attention::temperature_regime(1e-50),
              attention::TemperatureRegime::kArgmax);  // rounds to 0 in float
    EXPECT_EQ(attention::temperature_regime(1e-39),
              attention::TemperatureRegime::kFinite);  // a float subnormal
    EXPECT_EQ(attention::temperature_regime(1.0), attention::TemperatureRegime::kFinite);
    EXPECT_EQ(attention::temperature_regime(kInf), attention::TemperatureRegime::kUniform);
}

}  // namespace
}  // namespace attnviz
