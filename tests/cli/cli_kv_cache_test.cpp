// attnviz-cli kv-cache: the lessons' figures in text and JSON, and argument errors.
#include "app/cli/commands.h"
#include "core/io/json.h"
#include "core/lab/kv_cache.h"
#include "core/lab/model_presets.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

using testing::run_cli;

TEST(CliKvCache, LessonGqaFigures) {
    const testing::CliRun r =
        run_cli(cli::run_kv_cache, {"kv-cache", "--layers", "32", "--kv-heads", "8", "--head-dim", "128",
                                    "--seq", "128k", "--heads", "32"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("17179869184 bytes (16.0 GiB)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("68719476736 bytes (64.0 GiB)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("4x smaller"), std::string::npos) << r.out;
}

TEST(CliKvCache, JsonHasBytesMhaBytesAndRatio) {
    // Qwen3.6 from the seed lesson: 24 query heads, 4 KV heads, head_dim 256 -> 6x smaller.
    const testing::CliRun r =
        run_cli(cli::run_kv_cache, {"kv-cache", "--layers", "1", "--kv-heads", "4", "--head-dim", "256",
                                    "--seq", "1000", "--heads", "24", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
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
        {{"kv-cache", "--layers", "2", "--kv-heads", "8", "--head-dim", "128", "--seq", "10", "--dtype",
          "fp64"},
         "'fp64' is not one of"},
        {{"kv-cache", "--layers", "2x", "--kv-heads", "8", "--head-dim", "128", "--seq", "10"},
         "not a whole number"},
    };
    for (const Case& c : cases) {
        const testing::CliRun r = run_cli(cli::run_kv_cache, c.args);
        EXPECT_EQ(r.code, 2);
        EXPECT_NE(r.err.find(c.fragment), std::string::npos) << r.err;
    }
}

TEST(CliKvCache, PresetFillsTheShape) {
    // Qwen3.6 (seed lesson): 24 query heads over 4 KV heads -> "6x smaller".
    const testing::CliRun r =
        run_cli(cli::run_kv_cache, {"kv-cache", "--preset", "qwen3.6", "--seq", "128k"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("GQA is 6x smaller"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("source:"), std::string::npos) << r.out;
    const lab::ModelPreset* q = lab::find_model_preset("qwen3.6");
    const std::uint64_t expect =
        2ULL * static_cast<std::uint64_t>(q->n_attention_layers) * 4 * 256 * 131072 * 2;
    EXPECT_NE(r.out.find(std::to_string(expect) + " bytes"), std::string::npos) << r.out;
}

TEST(CliKvCache, ExplicitOptionsOverrideThePreset) {
    const testing::CliRun r =
        run_cli(cli::run_kv_cache, {"kv-cache", "--preset", "llama-3-8b", "--seq", "1000", "--kv-heads", "1",
                                    "--dtype", "fp32", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("kv_heads")->as_int(), 1);
    EXPECT_EQ(j->find("layers")->as_int(), 32);
    EXPECT_EQ(j->find("bytes")->as_int(), 2LL * 32 * 1 * 128 * 1000 * 4);
    EXPECT_DOUBLE_EQ(j->find("ratio")->as_number(), 32.0);
}

TEST(CliKvCache, MistralWindowCapsTheCache) {
    const testing::CliRun r =
        run_cli(cli::run_kv_cache, {"kv-cache", "--preset", "mistral-7b", "--seq", "32k", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("cached_tokens")->as_int(), 4096);
    EXPECT_EQ(j->find("bytes")->as_int(), 2LL * 32 * 8 * 128 * 4096 * 2);
}

TEST(CliKvCache, UnknownPresetListsTheNames) {
    const testing::CliRun r = run_cli(cli::run_kv_cache, {"kv-cache", "--preset", "gpt-5", "--seq", "10"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("'gpt-5' is not a preset"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("llama-3-8b"), std::string::npos) << r.err;
    const testing::CliRun list = run_cli(cli::run_kv_cache, {"kv-cache", "--preset", "list"});
    EXPECT_EQ(list.code, 0);
    for (const lab::ModelPreset& p : lab::model_presets())
        EXPECT_NE(list.out.find(p.name), std::string::npos) << p.name;
    const testing::CliRun help = run_cli(cli::run_kv_cache, {"kv-cache", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("mistral-7b"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace attnviz
