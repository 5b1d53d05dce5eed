// attnviz-cli kv-cache: the lessons' figures in text and JSON, and argument errors.
#include "app/cli/commands.h"
#include "core/json.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

using testing::run_cli;

TEST(CliKvCache, LessonGqaFigures) {
    const testing::CliRun r = run_cli(cli::run_kv_cache, {"kv-cache", "--layers", "32", "--kv-heads", "8", "--head-dim",
                                                          "128", "--seq", "128k", "--heads", "32"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("17179869184 bytes (16.0 GiB)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("68719476736 bytes (64.0 GiB)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("4x smaller"), std::string::npos) << r.out;
}

TEST(CliKvCache, JsonHasBytesMhaBytesAndRatio) {
    // Qwen3.6 from the seed lesson: 24 query heads, 4 KV heads, head_dim 256 -> 6x smaller.
    const testing::CliRun r = run_cli(cli::run_kv_cache, {"kv-cache", "--layers", "1", "--kv-heads", "4", "--head-dim",
                                                          "256", "--seq", "1000", "--heads", "24", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<JsonValue> j = parse_json(r.out, "stdout");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("bytes")->as_int(), 2LL * 1 * 4 * 256 * 1000 * 2);
    EXPECT_EQ(j->find("mha_bytes")->as_int(), 2LL * 1 * 24 * 256 * 1000 * 2);
    EXPECT_DOUBLE_EQ(j->find("ratio")->as_number(), 6.0);
}

TEST(CliKvCache, ArgumentErrors) {
    struct Case {
        std::vector<std::string> args;
        const char* fragment;
    };
    const Case cases[] = {
        {{"kv-cache", "--kv-heads", "8", "--head-dim", "128", "--seq", "10"}, "--layers is required"},
        {{"kv-cache", "--layers", "0", "--kv-heads", "8", "--head-dim", "128", "--seq", "10"}, "outside 1.."},
        {{"kv-cache", "--layers", "2", "--kv-heads", "3", "--head-dim", "128", "--seq", "10", "--heads", "8"},
         "must be a multiple of --kv-heads (3)"},
        {{"kv-cache", "--layers", "2", "--kv-heads", "8", "--head-dim", "128", "--seq", "10", "--dtype", "fp64"},
         "'fp64' is not one of"},
        {{"kv-cache", "--layers", "2x", "--kv-heads", "8", "--head-dim", "128", "--seq", "10"}, "not a whole number"},
    };
    for (const Case& c : cases) {
        const testing::CliRun r = run_cli(cli::run_kv_cache, c.args);
        EXPECT_EQ(r.code, 2);
        EXPECT_NE(r.err.find(c.fragment), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace attnviz
