// KV-cache arithmetic against the lessons' own figures.
#include "core/kv_cache.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

TEST(KvCache, LessonFiguresMhaAndGqaAt128k) {
    // numerics.md / seed lesson: 32 layers, head_dim 128, 131072 tokens, fp16:
    // 32 KV heads = 64 GiB, 8 KV heads = 16 GiB.
    KvCacheShape s{32, 32, 128, 131072, 1, KvDtype::kFp16};
    EXPECT_EQ(validate_kv_cache_shape(s), "");
    EXPECT_EQ(kv_cache_bytes(s), 64ULL << 30);
    EXPECT_EQ(format_bytes(static_cast<double>(kv_cache_bytes(s))), "64.0 GiB");
    s.n_kv_heads = 8;
    EXPECT_EQ(kv_cache_bytes(s), 16ULL << 30);
    EXPECT_EQ(kv_cache_bytes_per_token(s), 2ULL * 32 * 8 * 128 * 2);
}

TEST(KvCache, DtypesAndNames) {
    EXPECT_EQ(kv_dtype_bytes(KvDtype::kFp32), 4);
    EXPECT_EQ(kv_dtype_bytes(KvDtype::kBf16), 2);
    EXPECT_EQ(kv_dtype_bytes(KvDtype::kInt8), 1);
    EXPECT_EQ(parse_kv_dtype("fp8"), KvDtype::kFp8);
    EXPECT_FALSE(parse_kv_dtype("float16").has_value());
}

TEST(KvCache, InvalidShapesAreNamed) {
    KvCacheShape s;
    s.head_dim = 0;
    EXPECT_NE(validate_kv_cache_shape(s).find("head-dim is 0"), std::string::npos);
    KvCacheShape huge{1LL << 20, 1LL << 20, 1LL << 20, 1LL << 20, 1, KvDtype::kFp32};
    EXPECT_NE(validate_kv_cache_shape(huge).find("2^63"), std::string::npos);
}

TEST(KvCache, FormatBytes) {
    EXPECT_EQ(format_bytes(100), "100 bytes");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(512.0 * 1024 * 1024), "512.0 MiB");
}

}  // namespace
}  // namespace attnviz
