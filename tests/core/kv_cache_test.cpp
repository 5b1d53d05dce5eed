// KV-cache arithmetic against the lessons' own figures.
#include "core/lab/kv_cache.h"
#include "core/lab/model_presets.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

TEST(KvCache, LessonFiguresMhaAndGqaAt128k) {
    // numerics.md / seed lesson: 32 layers, head_dim 128, 131072 tokens, fp16:
    // 32 KV heads = 64 GiB, 8 KV heads = 16 GiB.
    lab::KvCacheShape s{32, 32, 128, 131072, 1, lab::KvDtype::kFp16};
    EXPECT_EQ(lab::validate_kv_cache_shape(s), "");
    EXPECT_EQ(lab::kv_cache_bytes(s), 64ULL << 30);
    EXPECT_EQ(lab::format_bytes(static_cast<double>(lab::kv_cache_bytes(s))), "64.0 GiB");
    s.n_kv_heads = 8;
    EXPECT_EQ(lab::kv_cache_bytes(s), 16ULL << 30);
    EXPECT_EQ(lab::kv_cache_bytes_per_token(s), 2ULL * 32 * 8 * 128 * 2);
}

TEST(KvCache, DtypesAndNames) {
    EXPECT_EQ(lab::kv_dtype_bytes(lab::KvDtype::kFp32), 4);
    EXPECT_EQ(lab::kv_dtype_bytes(lab::KvDtype::kBf16), 2);
    EXPECT_EQ(lab::kv_dtype_bytes(lab::KvDtype::kInt8), 1);
    EXPECT_EQ(lab::parse_kv_dtype("fp8"), lab::KvDtype::kFp8);
    EXPECT_FALSE(lab::parse_kv_dtype("float16").has_value());
}

TEST(KvCache, InvalidShapesAreNamed) {
    lab::KvCacheShape s;
    s.head_dim = 0;
    EXPECT_NE(lab::validate_kv_cache_shape(s).find("head-dim is 0"), std::string::npos);
    lab::KvCacheShape huge{1LL << 20, 1LL << 20, 1LL << 20, 1LL << 20, 1, lab::KvDtype::kFp32};
    EXPECT_NE(lab::validate_kv_cache_shape(huge).find("2^63"), std::string::npos);
}

TEST(KvCache, FormatBytes) {
    EXPECT_EQ(lab::format_bytes(100), "100 bytes");
    EXPECT_EQ(lab::format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(lab::format_bytes(512.0 * 1024 * 1024), "512.0 MiB");
}

TEST(KvCache, CompareGivesMhaGqaMqaAndTheSaving) {
    const lab::KvCacheShape s{32, 8, 128, 131072, 1, lab::KvDtype::kFp16};
    Expected<lab::KvCacheComparison> c = lab::compare_kv_cache(s, 32);
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->bytes, 16ULL << 30);
    EXPECT_EQ(c->mha_bytes, 64ULL << 30);
    EXPECT_EQ(c->mqa_bytes, 2ULL << 30);
    EXPECT_EQ(c->mha_bytes_per_token, 2ULL * 32 * 32 * 128 * 2);
    EXPECT_DOUBLE_EQ(c->saving, 4.0);
    EXPECT_EQ(lab::format_saving(c->saving), "4x");
    EXPECT_STREQ(lab::kv_layout_name(8, 32), "GQA");
    EXPECT_STREQ(lab::kv_layout_name(32, 32), "MHA");
    EXPECT_STREQ(lab::kv_layout_name(1, 32), "MQA");
    EXPECT_FALSE(lab::compare_kv_cache(s, 12).ok()) << "12 query heads cannot share 8 KV heads evenly";
}

TEST(KvCache, SlidingWindowCapsTheCachedTokens) {
    lab::KvCacheShape s{32, 8, 128, 131072, 1, lab::KvDtype::kFp16};
    s.window = 4096;
    EXPECT_EQ(lab::kv_cached_tokens(s), 4096);
    EXPECT_EQ(lab::kv_cache_bytes(s), lab::kv_cache_bytes_per_token(s) * 4096);
    s.seq_len = 100;
    EXPECT_EQ(lab::kv_cached_tokens(s), 100);
    s.window = -1;
    EXPECT_NE(lab::validate_kv_cache_shape(s), "");
}

TEST(ModelPresets, LessonNumbers) {
    const lab::ModelPreset* qwen = lab::find_model_preset("qwen3.6");
    ASSERT_NE(qwen, nullptr);
    EXPECT_EQ(qwen->n_heads, 24);
    EXPECT_EQ(qwen->n_kv_heads, 4);
    EXPECT_EQ(qwen->head_dim, 256);
    EXPECT_EQ(qwen->n_attention_layers * 4, qwen->n_layers) << "full attention every 4th layer";
    lab::KvCacheShape s{qwen->n_attention_layers, qwen->n_kv_heads, qwen->head_dim, 4096, 1,
                        lab::KvDtype::kFp16};
    Expected<lab::KvCacheComparison> c = lab::compare_kv_cache(s, qwen->n_heads);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(lab::format_saving(c->saving), "6x");

    const lab::ModelPreset* mini = lab::find_model_preset("minimind");
    ASSERT_NE(mini, nullptr);
    EXPECT_EQ(mini->n_heads, 8);
    EXPECT_EQ(mini->n_kv_heads, 2);
    EXPECT_EQ(mini->head_dim, 64);
    EXPECT_EQ(mini->hidden, 512);
    s = lab::KvCacheShape{mini->n_attention_layers, mini->n_kv_heads, mini->head_dim, 512, 1,
                          lab::KvDtype::kFp16};
    c = lab::compare_kv_cache(s, mini->n_heads);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(lab::format_saving(c->saving), "4x");
    EXPECT_EQ(c->bytes * 4, c->mha_bytes) << "75% less";

    const lab::ModelPreset* lesson = lab::find_model_preset("lesson-4096");
    ASSERT_NE(lesson, nullptr);
    EXPECT_EQ(lesson->hidden, 4096);
    EXPECT_EQ(lesson->n_layers, 32);
    EXPECT_EQ(lesson->head_dim, 128);
}

TEST(ModelPresets, PublishedConfigsAreConsistent) {
    for (const lab::ModelPreset& p : lab::model_presets()) {
        SCOPED_TRACE(p.name);
        EXPECT_FALSE(p.source.empty());
        EXPECT_EQ(p.n_heads % p.n_kv_heads, 0);
        EXPECT_LE(p.n_attention_layers, p.n_layers);
        if (p.hidden > 0 && p.name != "qwen3.6") {
            EXPECT_EQ(p.n_heads * p.head_dim, p.hidden);
        }
    }
    EXPECT_EQ(lab::find_model_preset("gpt-3-175b")->hidden, 12288);
    EXPECT_EQ(lab::find_model_preset("gpt-3-175b")->n_layers, 96);
    EXPECT_EQ(lab::find_model_preset("llama-2-7b")->n_kv_heads, 32);
    EXPECT_EQ(lab::find_model_preset("llama-3-8b")->n_kv_heads, 8);
    EXPECT_EQ(lab::find_model_preset("mistral-7b")->window, 4096);
    EXPECT_EQ(lab::find_model_preset("nope"), nullptr);
}

}  // namespace
}  // namespace attnviz
