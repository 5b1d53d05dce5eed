// Interventions in the forward pass, exact (bitwise where the issue says so): temperature, mask, window,
// heads switched off, per-head temperatures, recomputation from the first changed layer, bad values.
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

TEST(ForwardInterventions, DefaultsAndNeutralInterventionsAreThePlainForwardBitwise) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    const ForwardResult plain = run(*model, ids);
    Interventions neutral;
    neutral.temperature = 1.0;
    neutral.temperatures = {{1, 2, 1.0}, {-1, 3, 1.0}};  // explicit T = 1 on some heads: per-head path
    neutral.causal = true;
    neutral.window = -1;
    expect_bitwise_equal(plain, run(*model, ids, neutral));
    Interventions none_window;
    none_window.window = 0;  // the model has no sliding window: 0 (none) is the same computation
    expect_bitwise_equal(plain, run(*model, ids, none_window));
    // Run to run.
    expect_bitwise_equal(plain, run(*model, ids));
}

TEST(ForwardInterventions, TemperatureMatchesTheFloat64Forward) {
    const ModelConfig c = tiny_config(Architecture::kQwen2);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(8, c.vocab_size);
    Interventions hot;
    hot.temperature = 2.5;
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult r = run(*model, ids, hot, all);
    EXPECT_LT(max_rel_diff(r.logits, f64_forward(*model, ids, 2.5).logits), 1e-5);
    EXPECT_EQ(r.layers[0].config.temperature, 2.5);
}

TEST(ForwardInterventions, MaskOffLetsEarlierPositionsSeeTheFuture) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(8, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    Interventions open;
    open.causal = false;
    const ForwardResult causal = run(*model, ids, {}, all);
    const ForwardResult bidir = run(*model, ids, open, all);
    // Position 0 sees 8 keys instead of 1: its attention row and its logits change.
    EXPECT_GT(bidir.layers[0].weights.mat(0)(0, 7), 0.0f);
    EXPECT_EQ(causal.layers[0].weights.mat(0)(0, 7), 0.0f);
    EXPECT_GT((bidir.logits.row(0) - causal.logits.row(0)).cwiseAbs().maxCoeff(), 1e-3f);
    EXPECT_LT(max_rel_diff(bidir.logits, f64_forward(*model, ids, 1.0, false).logits), 1e-5);
}

TEST(ForwardInterventions, WindowKeepsTheLastWKeysIncludingItself) {
    ModelConfig c = tiny_config(Architecture::kMistral);
    c.sliding_window = 3;  // the model's own window
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(9, c.vocab_size);
    ForwardOptions all;
    all.all_logits = true;
    const ForwardResult r = run(*model, ids, {}, all);
    EXPECT_EQ(r.layers[0].config.mask.window, 3);
    // Query 5 sees keys 3, 4, 5 (j > 5 - 3).
    const auto row = r.layers[1].weights.mat(2).row(5);
    EXPECT_EQ(row(2), 0.0f);
    EXPECT_GT(row(3), 0.0f);
    EXPECT_GT(row(5), 0.0f);
    EXPECT_EQ(row(6), 0.0f);
    EXPECT_LT(max_rel_diff(r.logits, f64_forward(*model, ids, 1.0, true, 3).logits), 1e-5);
    // window = 0 turns the model's window off; window = 5 replaces it.
    Interventions off;
    off.window = 0;
    EXPECT_LT(max_rel_diff(run(*model, ids, off, all).logits, f64_forward(*model, ids).logits), 1e-5);
    Interventions five;
    five.window = 5;
    EXPECT_LT(max_rel_diff(run(*model, ids, five, all).logits, f64_forward(*model, ids, 1.0, true, 5).logits),
              1e-5);
}

TEST(ForwardInterventions, AblatingAHeadIsZeroingItsSliceOfTheOutputProjection) {
    for (const Architecture arch : {Architecture::kLlama, Architecture::kGpt2}) {
        const ModelConfig c = tiny_config(arch);
        const auto model = make_tiny_model(c);
        const std::vector<int> ids = some_ids(10, c.vocab_size);
        Interventions off;
        off.ablated = {{1, 2}};
        ForwardOptions all;
        all.all_logits = true;
        const ForwardResult ablated = run(*model, ids, off, all);
        // The same model with o_proj's input columns of head 2 in layer 1 zeroed (rows for Conv1D).
        const auto zeroed = edit_tiny_model(model, [&](TinyModelStorage& s) {
            Linear& o = s.checkpoint.weights.layers[1].o;
            float* copy = s.allocate(static_cast<std::size_t>(o.weight.rows) * o.weight.cols);
            for (int r = 0; r < o.weight.rows; ++r) {
                for (int k = 0; k < o.weight.cols; ++k) {
                    const int in = o.stored_in_out ? r : k;
                    const bool head2 = in / c.head_dim == 2;
                    copy[r * o.weight.cols + k] = head2 ? 0.0f : o.weight.data[r * o.weight.row_stride + k];
                }
            }
            o.weight = WeightView{copy, o.weight.rows, o.weight.cols, o.weight.cols};
        });
        const ForwardResult by_weights = run(*zeroed, ids, {}, all);
        EXPECT_TRUE(ablated.logits == by_weights.logits) << arch_name(arch);
        EXPECT_GT((ablated.logits - run(*model, ids, {}, all).logits).cwiseAbs().maxCoeff(), 1e-4f);
        EXPECT_LT(max_rel_diff(ablated.logits, f64_forward(*model, ids, 1.0, true, 0, 1, 2).logits), 1e-5);
        // The ablated head's own attention weights are still shown.
        EXPECT_GT(ablated.layers[1].weights.mat(2)(5, 0), 0.0f);
    }
}

TEST(ForwardInterventions, RerunFromTheFirstChangedLayerIsAFullRunBitwise) {
    const ModelConfig c = tiny_config(Architecture::kQwen3, 32, 4, 2, 4);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(11, c.vocab_size);
    const ForwardResult plain = run(*model, ids);
    Interventions changed;
    changed.temperatures = {{2, 1, 0.5}};
    changed.ablated = {{3, 0}};
    EXPECT_EQ(changed.first_changed_layer(Interventions{}, c.n_layers), 2);
    Expected<ForwardResult> rerun = rerun_forward(*model, plain, changed);
    ASSERT_TRUE(rerun.ok()) << rerun.error();
    expect_bitwise_equal(*rerun, run(*model, ids, changed));
    EXPECT_FALSE(rerun->logits == plain.logits);
    // Layers before the change are the previous ones.
    EXPECT_TRUE(same_tensor(rerun->layers[1].weights, plain.layers[1].weights));
    // Back to the defaults from there: the plain run again, bitwise.
    Expected<ForwardResult> back = rerun_forward(*model, *rerun, Interventions{});
    ASSERT_TRUE(back.ok());
    expect_bitwise_equal(*back, plain);
    // The mask changes every layer.
    Interventions open;
    open.causal = false;
    EXPECT_EQ(open.first_changed_layer(Interventions{}, c.n_layers), 0);
    Expected<ForwardResult> open_rerun = rerun_forward(*model, plain, open);
    ASSERT_TRUE(open_rerun.ok());
    expect_bitwise_equal(*open_rerun, run(*model, ids, open));
    // Without kept residuals there is nothing to start from.
    ForwardOptions bare;
    bare.keep_residual = false;
    const ForwardResult no_residual = run(*model, ids, {}, bare);
    Expected<ForwardResult> refused = rerun_forward(*model, no_residual, changed, bare);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("keep_residual"), std::string::npos);
}

TEST(ForwardInterventions, FirstChangedLayer) {
    Interventions a;
    Interventions b;
    EXPECT_EQ(a.first_changed_layer(b, 6), 6);
    b.temperatures = {{4, -1, 2.0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 4);
    b.temperatures = {{-1, 3, 2.0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 0);
    b = {};
    b.ablated = {{5, 1}, {3, 0}};
    EXPECT_EQ(b.first_changed_layer(a, 6), 3);
    b = {};
    b.window = 4;
    EXPECT_EQ(a.first_changed_layer(b, 6), 0);
    // The same heads in another order change nothing.
    a.ablated = {{1, 0}, {2, 3}};
    b = {};
    b.ablated = {{2, 3}, {1, 0}};
    EXPECT_EQ(a.first_changed_layer(b, 6), 6);
    EXPECT_EQ(b.temperature_for(1, 1), 1.0);
}

TEST(ForwardInterventions, TemperatureOverridesLaterEntriesWin) {
    Interventions iv;
    iv.temperature = 2.0;
    iv.temperatures = {{-1, -1, 3.0}, {1, -1, 4.0}, {1, 2, 0.0}};
    EXPECT_EQ(iv.temperature_for(0, 0), 3.0);
    EXPECT_EQ(iv.temperature_for(1, 0), 4.0);
    EXPECT_EQ(iv.temperature_for(1, 2), 0.0);
}

TEST(ForwardInterventions, PerHeadTemperaturesMatchTheJointCallAndTheLimitsAreFinite) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(10, c.vocab_size);
    Interventions all_zero;
    all_zero.temperature = 0.0;
    Interventions per_head;  // every head at 0, but through per-head overrides (one call per head)
    per_head.temperature = 0.0;
    per_head.temperatures = {{0, 1, 0.0}};
    per_head.temperatures.push_back({0, 0, 1.0});
    per_head.temperatures.push_back({0, 0, 0.0});
    expect_bitwise_equal(run(*model, ids, all_zero), run(*model, ids, per_head));
    Interventions uniform;
    uniform.temperature = std::numeric_limits<double>::infinity();
    const ForwardResult u = run(*model, ids, uniform);
    EXPECT_FLOAT_EQ(u.layers[0].weights.mat(1)(3, 0), 0.25f);
    EXPECT_TRUE(u.logits.allFinite());
}

TEST(ForwardInterventions, BadInterventionsAreRefusedWithAMessage) {
    const ModelConfig c = tiny_config(Architecture::kLlama);
    const auto model = make_tiny_model(c);
    const std::vector<int> ids = some_ids(4, c.vocab_size);
    Interventions iv;
    iv.temperature = -1.0;
    Expected<ForwardResult> r = run_forward(*model, ids, iv);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("negative"), std::string::npos);
    iv = {};
    iv.temperatures = {{0, 0, std::nan("")}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.ablated = {{2, 0}};
    r = run_forward(*model, ids, iv);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("2.0"), std::string::npos);
    iv = {};
    iv.ablated = {{0, 4}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.temperatures = {{5, 0, 1.0}};
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
    iv = {};
    iv.window = -2;
    EXPECT_FALSE(run_forward(*model, ids, iv).ok());
}

}  // namespace
