// Validation: every invalid config or shape gets a sentence and nothing is computed.
#include "core/attention/attention.h"
#include "tests/support/random_inputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attnviz {
namespace {

attention::AttentionConfig valid() {
    attention::AttentionConfig c;
    c.n_heads = 4;
    c.n_kv_heads = 2;
    c.head_dim = 8;
    return c;
}

void expect_error(const attention::AttentionConfig& c, const char* fragment) {
    const Status s = attention::validate_config(c);
    EXPECT_NE(s.find(fragment), std::string::npos) << "got: '" << s << "', wanted: " << fragment;
}

TEST(Config, ValidConfigPasses) {
    EXPECT_EQ(attention::validate_config(valid()), "");
}

TEST(Config, HeadCountsAreChecked) {
    attention::AttentionConfig c = valid();
    c.n_kv_heads = 3;
    expect_error(c, "must be divisible by number of key/value heads (3)");
    c.n_kv_heads = 0;
    expect_error(c, "need at least 1 key/value head");
    c.n_kv_heads = 8;
    expect_error(c, "larger than n_heads");
    c = valid();
    c.n_heads = 0;
    expect_error(c, "need at least 1 query head");
}

TEST(Config, HeadDimScaleTemperatureWindow) {
    attention::AttentionConfig c = valid();
    c.head_dim = 0;
    expect_error(c, "head_dim is 0");
    c = valid();
    c.scale_mode = attention::ScaleMode::kCustom;
    for (double bad : {0.0, -1.0, std::numeric_limits<double>::infinity(), std::nan("")}) {
        c.custom_scale = bad;
        expect_error(c, "is not a finite number > 0");
    }
    c = valid();
    c.temperature = -0.5;
    expect_error(c, "is negative");
    c.temperature = std::nan("");
    expect_error(c, "temperature is NaN");
    c.temperature = std::numeric_limits<double>::infinity();
    EXPECT_EQ(attention::validate_config(c), "");
    c = valid();
    c.mask.window = -1;
    expect_error(c, "is negative; use 0 for no window");
}

TEST(Config, ScaleIsAlwaysFinitePositive) {
    attention::AttentionConfig c = valid();
    EXPECT_FLOAT_EQ(c.scale(), 1.0f / std::sqrt(8.0f));
    c.scale_mode = attention::ScaleMode::kNone;
    EXPECT_EQ(c.scale(), 1.0f);
    c.scale_mode = attention::ScaleMode::kCustom;
    c.custom_scale = 0.25;
    EXPECT_EQ(c.scale(), 0.25f);
}

TEST(Config, KvHeadMappingIsIntegerDivisionNotModulo) {
    attention::AttentionConfig c = valid();
    c.n_heads = 8;
    c.n_kv_heads = 2;
    const int expected[] = {0, 0, 0, 0, 1, 1, 1, 1};
    for (int h = 0; h < 8; ++h) EXPECT_EQ(c.kv_head_for(h), expected[h]);
    EXPECT_STREQ(attention::attention_kind_name(8, 8), "MHA");
    EXPECT_STREQ(attention::attention_kind_name(8, 2), "GQA");
    EXPECT_STREQ(attention::attention_kind_name(8, 1), "MQA");
}

TEST(Config, ShapeMismatchesAreRejectedBeforeComputing) {
    const attention::AttentionConfig c = valid();
    attention::AttentionInputs in = testing::random_inputs(4, 2, 5, 5, 8, 3, 1);
    EXPECT_EQ(attention::validate_inputs(c, in), "");

    attention::AttentionInputs wrong_heads = testing::random_inputs(3, 2, 5, 5, 8, 3, 1);
    EXPECT_NE(attention::validate_inputs(c, wrong_heads).find("Q must be [n_heads=4"), std::string::npos);
    attention::AttentionInputs wrong_dim = testing::random_inputs(4, 2, 5, 5, 6, 3, 1);
    EXPECT_NE(attention::validate_inputs(c, wrong_dim).find("head_dim=8"), std::string::npos);
    attention::AttentionInputs v_rows = in;
    v_rows.v = Tensor3(2, 4, 3);
    EXPECT_NE(attention::validate_inputs(c, v_rows).find("V must be"), std::string::npos);
    attention::AttentionInputs no_tokens = testing::random_inputs(4, 2, 0, 5, 8, 3, 1);
    EXPECT_NE(attention::validate_inputs(c, no_tokens).find("no queries"), std::string::npos);

    attention::AttentionConfig pad = c;
    pad.mask.key_valid = {1, 1, 1};
    EXPECT_NE(attention::validate_inputs(pad, in).find("key padding has 3 entries but there are 5 keys"),
              std::string::npos);
    const Expected<attention::AttentionResult> r = attention::compute_attention(pad, in);
    EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace attnviz
