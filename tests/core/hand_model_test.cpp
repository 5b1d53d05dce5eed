// The hand example's forward pass: q = x W_q etc. by hand, and one attention head through the engine.
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_run.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz {
namespace {

lesson::HandModel small_model() {
    lesson::HandModel m;
    m.x.resize(3, 2);
    m.x << 1, 0, 0, 1, 1, 1;
    m.w_q.resize(2, 2);
    m.w_q << 1, 0, 0, 2;
    m.w_k = MatrixRM::Identity(2, 2);
    m.w_v.resize(2, 1);
    m.w_v << 1, -1;
    return m;
}

// Hand-computed values are exact in float (small integers); the softmax goes through exp.
constexpr float kTol = 1e-6f;

TEST(HandModel, ForwardProjectsTheEmbeddings) {
    Expected<lesson::LessonForward> f = lesson::hand_forward(small_model());
    ASSERT_TRUE(f.ok()) << f.error();
    ASSERT_EQ(f->inputs.q.n_mats(), 1);
    // q_2 = [1, 1] W_q = [1, 2]; k_2 = [1, 1]; v = [1, -1, 0].
    EXPECT_FLOAT_EQ(f->inputs.q.mat(0)(2, 1), 2.0f);
    EXPECT_FLOAT_EQ(f->inputs.k.mat(0)(2, 0), 1.0f);
    EXPECT_FLOAT_EQ(f->inputs.v.mat(0)(1, 0), -1.0f);
    EXPECT_FLOAT_EQ(f->inputs.v.mat(0)(2, 0), 0.0f);
    EXPECT_EQ(f->w_q.mat(0)(1, 1), 2.0f);
    EXPECT_EQ(f->x_key.rows(), 3);
    EXPECT_EQ(f->head_names.size(), 1u);
}

TEST(HandModel, RunsOneHeadThroughTheEngine) {
    lesson::LessonRunSettings settings;
    settings.causal = false;
    settings.scale = false;
    Expected<lesson::LessonRun> run =
        lesson::run_hand_example(lesson::tokenize("a b c"), small_model(), settings);
    ASSERT_TRUE(run.ok()) << run.error();
    ASSERT_EQ(run->result.heads.size(), 1u);
    const attention::HeadResult& h = run->result.heads[0];
    // Row 2: q = [1, 2], keys [1,0], [0,1], [1,1] -> scores 1, 2, 3.
    EXPECT_NEAR(h.raw_scores(2, 0), 1.0f, kTol);
    EXPECT_NEAR(h.raw_scores(2, 2), 3.0f, kTol);
    const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    EXPECT_NEAR(h.weights(2, 2), std::exp(3.0) / z, kTol);
    EXPECT_NEAR(h.output(2, 0), (std::exp(1.0) - std::exp(2.0)) / z, kTol);
}

TEST(HandModel, RefusesBadShapesAndValues) {
    lesson::HandModel m = small_model();
    m.w_v.resize(3, 1);
    EXPECT_NE(lesson::validate_hand_model(m).find("w_v must have 2 rows"), std::string::npos);
    m = small_model();
    m.x(0, 0) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_NE(lesson::validate_hand_model(m).find("x[0][0]"), std::string::npos);
    EXPECT_FALSE(lesson::hand_forward(m).ok());
    Expected<lesson::LessonRun> run = lesson::run_hand_example(lesson::tokenize("a b"), small_model(), {});
    ASSERT_FALSE(run.ok());
    EXPECT_NE(run.error().find("3 token embeddings but the text has 2 tokens"), std::string::npos);
}

}  // namespace
}  // namespace attnviz
