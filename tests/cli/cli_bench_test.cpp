// attnviz-cli bench: the --quick --json smoke run has the documented shape (the full bench never runs in
// tests: benchmarks measure, tests assert).
#include "app/cli/commands.h"
#include "core/io/json.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace attnviz {
namespace {

using testing::run_cli;

TEST(CliBench, QuickJsonHasTheDocumentedShape) {
    const testing::CliRun r = run_cli(cli::run_bench, {"bench", "--quick", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "bench output");
    ASSERT_TRUE(j.ok()) << j.error() << "\n" << r.out;
    ASSERT_TRUE(j->is_object());
    ASSERT_EQ(j->members().size(), 7u);
    ASSERT_NE(j->find("model_gemm_backend"), nullptr);
    const std::string backend = j->find("model_gemm_backend")->as_string();
    EXPECT_TRUE(backend == "OpenBLAS" || backend == "Eigen") << backend;
    for (const char* k :
         {"fma_peak_gflops", "fma_peak_one_thread_gflops", "gemm_gflops", "model_gemm_gflops"}) {
        const io::JsonValue* v = j->find(k);
        ASSERT_NE(v, nullptr) << k;
        ASSERT_TRUE(v->is_number()) << k;
        EXPECT_GT(v->as_number(), 0.0) << k;
    }
    const io::JsonValue* cases = j->find("cases");
    ASSERT_NE(cases, nullptr);
    ASSERT_TRUE(cases->is_array());
    ASSERT_FALSE(cases->items().empty());
    std::set<std::string> impls;
    bool saw_gqa = false;
    bool saw_causal = false;
    for (const io::JsonValue& c : cases->items()) {
        ASSERT_TRUE(c.is_object());
        ASSERT_EQ(c.members().size(), 11u);
        const char* keys[] = {"impl",           "n",       "d",      "heads",
                              "kv_heads",       "causal",  "ms",     "gflops",
                              "peak_extra_mib", "cold_ms", "of_peak"};
        for (std::size_t k = 0; k < 11; ++k) EXPECT_EQ(c.members()[k].first, keys[k]);
        // of_peak is gflops over the measured FMA peak, not another number (the JSON keeps 9 digits).
        const double ratio = c.find("gflops")->as_number() / j->find("fma_peak_gflops")->as_number();
        EXPECT_NEAR(c.find("of_peak")->as_number(), ratio, 1e-7 * ratio);
        ASSERT_TRUE(c.find("impl")->is_string());
        impls.insert(c.find("impl")->as_string());
        for (const char* k : {"n", "d", "heads", "kv_heads"}) {
            ASSERT_TRUE(c.find(k)->is_int()) << k;
            EXPECT_GT(c.find(k)->as_int(), 0) << k;
        }
        ASSERT_TRUE(c.find("causal")->is_bool());
        saw_causal = saw_causal || c.find("causal")->as_bool();
        saw_gqa = saw_gqa || c.find("kv_heads")->as_int() < c.find("heads")->as_int();
        for (const char* k : {"ms", "gflops", "cold_ms"}) {
            ASSERT_TRUE(c.find(k)->is_number()) << k;
            EXPECT_GT(c.find(k)->as_number(), 0.0) << k;
        }
        // -1 where /proc/self/clear_refs cannot reset the peak; otherwise a size.
        ASSERT_TRUE(c.find("peak_extra_mib")->is_number());
        EXPECT_GE(c.find("peak_extra_mib")->as_number(), -1.0);
    }
    EXPECT_EQ(impls, (std::set<std::string>{"reference", "flash"}));
    const io::JsonValue* models = j->find("models");
    ASSERT_NE(models, nullptr);
    ASSERT_TRUE(models->is_array());
    ASSERT_EQ(models->items().size(), 2u);  // --quick: one size, attention kept and not
    bool kept[2] = {false, false};
    for (const io::JsonValue& m : models->items()) {
        ASSERT_TRUE(m.is_object());
        const char* keys[] = {"shape", "n", "keep_attention", "ms", "gflops", "tokens_per_s", "of_peak"};
        ASSERT_EQ(m.members().size(), 7u);
        for (std::size_t k = 0; k < 7; ++k) EXPECT_EQ(m.members()[k].first, keys[k]);
        EXPECT_EQ(m.find("shape")->as_string(), "gpt2-tiny");
        EXPECT_EQ(m.find("n")->as_int(), 16);
        kept[m.find("keep_attention")->as_bool() ? 1 : 0] = true;
        for (const char* k : {"ms", "gflops", "tokens_per_s", "of_peak"})
            EXPECT_GT(m.find(k)->as_number(), 0.0) << k;
    }
    EXPECT_TRUE(kept[0] && kept[1]);
    EXPECT_TRUE(saw_gqa);
    EXPECT_TRUE(saw_causal);
}

TEST(CliBench, TableByDefaultAndStrictOptions) {
    const testing::CliRun help = run_cli(cli::run_bench, {"bench", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("VmHWM"), std::string::npos);
    const testing::CliRun bad = run_cli(cli::run_bench, {"bench", "--fast"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--fast"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace attnviz
