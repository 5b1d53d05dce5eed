// attnviz-cli lesson / scenarios: the done-when check of the lesson issue, JSON shape, errors.
#include "app/cli/commands.h"
#include "core/io/json.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

using testing::run_cli;

TEST(CliLesson, PodScenarioRanksPodFirstInTheCoreferenceHead) {
    const testing::CliRun r =
        run_cli(cli::run_lesson_command, {"lesson", "--scenario", "pod", "--query", "it", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("query_index")->as_int(), 4);
    const auto& tokens = j->find("tokens")->items();
    ASSERT_EQ(tokens.size(), 9u);
    EXPECT_EQ(tokens[1].find("text")->as_string(), "pod");
    EXPECT_EQ(tokens[1].find("byte_begin")->as_int(), 4);
    EXPECT_EQ(tokens[1].find("byte_end")->as_int(), 7);
    const auto& heads = j->find("heads")->items();
    ASSERT_EQ(heads.size(), 8u);
    EXPECT_EQ(heads[0].find("name")->as_string(), "coreference");
    const auto& top = heads[0].find("ranked")->items().at(0);
    EXPECT_EQ(top.find("token")->as_string(), "pod");
    EXPECT_NEAR(top.find("weight")->as_number(), 0.71, 0.05);
    const auto& rows = heads[0].find("weights")->items();
    ASSERT_EQ(rows.size(), 9u);
    ASSERT_EQ(rows[4].items().size(), 9u);
    double sum = 0.0;
    for (const io::JsonValue& w : rows[4].items()) sum += w.as_number();
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ(rows[4].items()[5].as_number(), 0.0) << "the causal mask hides later tokens";
}

TEST(CliLesson, TableForASentenceWithOverrides) {
    const testing::CliRun r =
        run_cli(cli::run_lesson_command,
                {"lesson", "--sentence", "The server slowed down because it ran out of disk", "--heads", "4",
                 "--kv-heads", "2", "--temperature", "inf", "--query", "it"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("lesson model: designed heads"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("4 heads, 2 KV heads (GQA)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("T = inf"), std::string::npos);
    EXPECT_NE(r.out.find("0.17"), std::string::npos) << "T = inf is uniform over the 6 visible keys:\n"
                                                     << r.out;
    EXPECT_EQ(r.out.find("head 4"), std::string::npos);
}

TEST(CliLesson, ScenarioFileAndCrossAttention) {
    const testing::CliRun r =
        run_cli(cli::run_lesson_command, {"lesson", "--scenario", "cross-attention", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "stdout");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("key_tokens")->items().size(), 4u);  // "le chat noir dort"
    EXPECT_FALSE(j->find("settings")->find("causal")->as_bool());
}

TEST(CliLesson, ErrorsAreOneLineAndExitTwo) {
    struct Case {
        std::vector<std::string> args;
        const char* expected;
    };
    const Case cases[] = {
        {{"lesson"}, "exactly one of --sentence or --scenario"},
        {{"lesson", "--sentence", "a", "--scenario", "pod"}, "exactly one of"},
        {{"lesson", "--scenario", "nosuch"}, "no built-in lesson 'nosuch'"},
        {{"lesson", "--scenario", "/nonexistent/x.json"}, "/nonexistent/x.json"},
        {{"lesson", "--sentence", "a b", "--heads", "9"}, "--heads"},
        {{"lesson", "--sentence", "a b", "--heads", "6", "--kv-heads", "4"}, "must divide"},
        {{"lesson", "--sentence", "a b", "--temperature", "-1"}, "temperature"},
        {{"lesson", "--sentence", "a b", "--temperature", "nan"}, "temperature"},
        {{"lesson", "--sentence", "a b", "--query", "zebra"}, "\"zebra\" is neither a token"},
        {{"lesson", "--sentence", "   "}, "no tokens"},
        {{"lesson", "--sentence", "a", "--window", "0"}, "--window"},
    };
    for (const Case& c : cases) {
        const testing::CliRun r = run_cli(cli::run_lesson_command, c.args);
        EXPECT_EQ(r.code, cli::kExitUsage) << c.expected;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
}

TEST(CliScenarios, ListsTheLessonsPodFirst) {
    const testing::CliRun r = run_cli(cli::run_scenarios, {"scenarios"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("pod", 0), 0u) << r.out;
    for (const char* name : {"xiao-ming", "cat-sat", "temperature", "gqa-minimind", "chinese"}) {
        EXPECT_NE(r.out.find(name), std::string::npos) << name;
    }
    const testing::CliRun j = run_cli(cli::run_scenarios, {"scenarios", "--json"});
    ASSERT_EQ(j.code, 0);
    EXPECT_TRUE(io::parse_json(j.out, "stdout").ok());
}

}  // namespace
}  // namespace attnviz
