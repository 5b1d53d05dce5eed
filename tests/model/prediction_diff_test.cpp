// The next-token comparison: probabilities and KL(base || new) worked by hand, its direction, tokens pushed
// out of the top-k, ties, bad input, and a real intervention on stories260K.
#include "core/model/prediction_diff.h"

#include "core/model/builtin_model.h"
#include "core/model/forward.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using attnviz::MatrixRM;
using namespace attnviz::model;

TEST(PredictionDiff, ThreeTokensByHand) {
    // base: p = [1/6, 2/6, 3/6]; new: p = [3/6, 2/6, 1/6].
    const std::vector<float> base = {0.0f, std::log(2.0f), std::log(3.0f)};
    const std::vector<float> now = {std::log(3.0f), std::log(2.0f), 0.0f};
    const auto d = compare_predictions(base.data(), now.data(), 3, 2);
    ASSERT_TRUE(d.ok()) << d.error();
    ASSERT_EQ(d->top.size(), 2u);
    EXPECT_EQ(d->top[0].id, 0);
    EXPECT_NEAR(d->top[0].probability, 0.5, 1e-7);
    EXPECT_NEAR(d->top[0].base_probability, 1.0 / 6, 1e-7);
    EXPECT_FLOAT_EQ(d->top[0].logit, std::log(3.0f));
    EXPECT_FLOAT_EQ(d->top[0].base_logit, 0.0f);
    EXPECT_EQ(d->top[1].id, 1);
    EXPECT_NEAR(d->top[1].probability, 1.0 / 3, 1e-7);
    EXPECT_NEAR(d->top[1].base_probability, 1.0 / 3, 1e-7);
    // The base's top 2 were ids 2 and 1; id 2 left the new top 2.
    ASSERT_EQ(d->dropped.size(), 1u);
    EXPECT_EQ(d->dropped[0].id, 2);
    EXPECT_NEAR(d->dropped[0].base_probability, 0.5, 1e-7);
    EXPECT_NEAR(d->dropped[0].probability, 1.0 / 6, 1e-7);
    // KL = 1/6 ln(1/3) + 2/6 ln 1 + 3/6 ln 3 = ln(3) / 3.
    EXPECT_NEAR(d->kl_base_new, std::log(3.0) / 3.0, 1e-7);
}

TEST(PredictionDiff, KlIsBaseAgainstNewNotTheOtherWay) {
    // base p = [1/2, 1/2], new p = [1/5, 4/5]:
    // KL(base || new) = 1/2 ln(5/2) + 1/2 ln(5/8) = 0.2231436; KL(new || base) = 1/5 ln(2/5) + 4/5 ln(8/5) =
    // 0.1927448.
    const std::vector<float> base = {0.0f, 0.0f};
    const std::vector<float> now = {0.0f, std::log(4.0f)};
    const auto d = compare_predictions(base.data(), now.data(), 2, 2);
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_NEAR(d->kl_base_new, 0.5 * std::log(2.5) + 0.5 * std::log(0.625), 1e-7);
    EXPECT_NEAR(d->kl_base_new, 0.2231436, 1e-6);
    EXPECT_TRUE(d->dropped.empty());
}

TEST(PredictionDiff, SameDistributionGivesZeroAndTiesGoToTheLowerId) {
    const std::vector<float> base = {1.0f, 3.0f, 3.0f, -2.0f};
    const std::vector<float> shifted = {11.0f, 13.0f, 13.0f, 8.0f};  // softmax is shift invariant
    const auto d = compare_predictions(base.data(), shifted.data(), 4, 3);
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_NEAR(d->kl_base_new, 0.0, 1e-12);
    EXPECT_GE(d->kl_base_new, 0.0);
    ASSERT_EQ(d->top.size(), 3u);
    EXPECT_EQ(d->top[0].id, 1);
    EXPECT_EQ(d->top[1].id, 2);
    EXPECT_EQ(d->top[2].id, 0);
    for (const PredictionChange& c : d->top) EXPECT_NEAR(c.probability, c.base_probability, 1e-12);
    EXPECT_TRUE(d->dropped.empty());
}

TEST(PredictionDiff, KIsClampedAndZeroGivesOnlyTheDivergence) {
    const std::vector<float> a = {0.0f, 1.0f};
    const std::vector<float> b = {1.0f, 0.0f};
    const auto all = compare_predictions(a.data(), b.data(), 2, 50);
    ASSERT_TRUE(all.ok()) << all.error();
    EXPECT_EQ(all->top.size(), 2u);
    const auto none = compare_predictions(a.data(), b.data(), 2, 0);
    ASSERT_TRUE(none.ok()) << none.error();
    EXPECT_TRUE(none->top.empty());
    EXPECT_TRUE(none->dropped.empty());
    EXPECT_GT(none->kl_base_new, 0.0);
}

TEST(PredictionDiff, FarApartLogitsStayFinite) {
    // exp(-200) underflows float but not the float64 log-softmax: KL = p_b(1) * 200 ~ 200 (base is sure of
    // 1).
    const std::vector<float> base = {0.0f, 200.0f};
    const std::vector<float> now = {200.0f, 0.0f};
    const auto d = compare_predictions(base.data(), now.data(), 2, 1);
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_TRUE(std::isfinite(d->kl_base_new));
    EXPECT_NEAR(d->kl_base_new, 200.0, 1e-6);
}

TEST(PredictionDiff, BadInputIsAnError) {
    const std::vector<float> ok = {0.0f, 1.0f};
    const std::vector<float> nan = {0.0f, std::numeric_limits<float>::quiet_NaN()};
    const std::vector<float> inf = {std::numeric_limits<float>::infinity(), 0.0f};
    const auto e1 = compare_predictions(ok.data(), nan.data(), 2, 1);
    ASSERT_FALSE(e1.ok());
    EXPECT_NE(e1.error().find("intervened run's logit of token id 1 is NaN"), std::string::npos)
        << e1.error();
    const auto e2 = compare_predictions(inf.data(), ok.data(), 2, 1);
    ASSERT_FALSE(e2.ok());
    EXPECT_NE(e2.error().find("unmodified run's logit of token id 0 is infinite"), std::string::npos)
        << e2.error();
    EXPECT_FALSE(compare_predictions(ok.data(), ok.data(), 0, 1).ok());
    EXPECT_FALSE(compare_predictions(ok.data(), ok.data(), 2, -1).ok());
    EXPECT_FALSE(compare_predictions(nullptr, ok.data(), 2, 1).ok());

    const MatrixRM m2 = MatrixRM::Zero(2, 4);
    const MatrixRM m1 = MatrixRM::Zero(1, 4);
    const auto shape = compare_predictions(m2, m1, 0, 1);
    ASSERT_FALSE(shape.ok());
    EXPECT_NE(shape.error().find("[2, 4]"), std::string::npos) << shape.error();
    EXPECT_FALSE(compare_predictions(m2, m2, 2, 1).ok());
    EXPECT_FALSE(compare_predictions(m2, m2, -1, 1).ok());
    EXPECT_TRUE(compare_predictions(m2, m2, 1, 1).ok());
}

TEST(PredictionDiffStories260K, AHeadSwitchedOffMovesThePrediction) {
    auto model = load_builtin_model();
    ASSERT_TRUE(model.ok()) << model.error();
    const std::vector<int> ids = {1, 400, 300, 45, 260, 270};
    const auto base = run_forward(**model, ids, Interventions{});
    ASSERT_TRUE(base.ok()) << base.error();
    const auto same = compare_predictions(base->logits, base->logits, 0, 10);
    ASSERT_TRUE(same.ok()) << same.error();
    EXPECT_EQ(same->kl_base_new, 0.0);
    ASSERT_EQ(same->top.size(), 10u);
    // Agrees with the engine's own top_k (float probabilities).
    const auto engine = top_k(base->logits.row(0).data(), static_cast<int>(base->logits.cols()), 10);
    for (std::size_t k = 0; k < 10; ++k) {
        EXPECT_EQ(same->top[k].id, engine[k].id);
        EXPECT_NEAR(same->top[k].probability, static_cast<double>(engine[k].probability), 1e-6);
    }

    // Every probability the base run gives, to check the ones shown beside the new run's.
    const int vocab = static_cast<int>(base->logits.cols());
    const auto full = compare_predictions(base->logits, base->logits, 0, vocab);
    ASSERT_TRUE(full.ok()) << full.error();
    std::vector<double> p_base(static_cast<std::size_t>(vocab));
    for (const PredictionChange& c : full->top) p_base[static_cast<std::size_t>(c.id)] = c.probability;

    Interventions off;
    off.ablated = {HeadRef{4, 0}, HeadRef{4, 5}};
    const auto changed = run_forward(**model, ids, off);
    ASSERT_TRUE(changed.ok()) << changed.error();
    const auto d = compare_predictions(base->logits, changed->logits, 0, 10);
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_GT(d->kl_base_new, 1e-6);
    for (const PredictionChange& c : d->top) {
        EXPECT_NEAR(c.base_probability, p_base[static_cast<std::size_t>(c.id)], 1e-12) << c.id;
    }
    // What left the top 10 was in the base's top 10, and is not in the new one.
    for (const PredictionChange& c : d->dropped) {
        bool in_base_top = false;
        for (const PredictionChange& t : same->top) in_base_top = in_base_top || t.id == c.id;
        EXPECT_TRUE(in_base_top) << c.id;
        EXPECT_LE(c.probability, d->top.back().probability);
    }
}

}  // namespace
