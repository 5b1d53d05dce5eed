// attnviz-cli export: each format written from a lesson and from the built-in real model, read back; every
// bad input exits 2 with one line on stderr and writes nothing.
#include "app/cli/commands.h"
#include "core/exports/attention_export.h"
#include "core/io/npy.h"
#include "tests/support/export_files.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace attnviz {
namespace {

using testing::run_cli;
using testing::ScratchDir;

TEST(CliExport, CsvOfTheScenariosFocusedHead) {
    ScratchDir dir("cli_csv");
    const std::string out = dir.file("pod.csv");
    const testing::CliRun r =
        run_cli(cli::run_export, {"export", "--scenario", "pod", "--format", "csv", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote " + out), std::string::npos);
    const auto rows = testing::parse_csv(testing::read_text(out));
    ASSERT_EQ(rows.size(), 10u);
    EXPECT_EQ(rows[0][2], "pod");
    EXPECT_EQ(rows[5][0], "it");
    EXPECT_NEAR(std::stod(rows[5][2]), 0.71, 0.05) << "the coreference head: it -> pod";
}

TEST(CliExport, JsonOfTheBuiltinModelLoadsBack) {
    ScratchDir dir("cli_json");
    const std::string out = dir.file("m.json");
    const testing::CliRun r =
        run_cli(cli::run_export, {"export", "--sentence", "Once upon a time", "--model", "stories260K",
                                  "--layer", "3", "--head", "5", "--format", "json", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<exports::AttentionExport> e = exports::export_from_json(testing::read_text(out), out);
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_EQ(e->n_layers(), 5);
    EXPECT_EQ(e->n_heads(), 8);
    EXPECT_EQ(e->focus_layer, 3);
    EXPECT_EQ(e->focus_head, 5);
    EXPECT_EQ(e->source, "model: stories260K");
}

TEST(CliExport, NpyScopesAndPictures) {
    ScratchDir dir("cli_npy");
    const testing::CliRun head =
        run_cli(cli::run_export, {"export", "--scenario", "pod", "--head", "3", "--format", "npy", "--scope",
                                  "layer", "--out", dir.file("layer.npy")});
    ASSERT_EQ(head.code, 0) << head.err;
    Expected<io::NpyArray> a = io::read_npy(dir.file("layer.npy"));
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{8, 9, 9}));
    for (const char* format : {"svg", "png", "gif"}) {
        SCOPED_TRACE(format);
        const std::string out = dir.file(std::string("pod.") + format);
        std::vector<std::string> args = {"export", "--scenario", "pod", "--format", format, "--out", out};
        if (std::string(format) != "svg") {
            args.insert(args.end(), {"--size", "64x32"});
        }
        const testing::CliRun r = run_cli(cli::run_export, args);
        ASSERT_EQ(r.code, 0) << r.err;
        const std::string bytes = testing::read_text(out);
        if (std::string(format) == "png") {
            EXPECT_EQ(testing::png_size(bytes), std::make_pair(64, 32));
        } else if (std::string(format) == "gif") {
            EXPECT_EQ(bytes.compare(0, 6, "GIF89a"), 0);
            EXPECT_EQ(static_cast<unsigned char>(bytes[6]), 64u);
            EXPECT_EQ(static_cast<unsigned char>(bytes[8]), 32u);
        } else {
            EXPECT_EQ(testing::count_of(bytes, "class=\"cell\""), 81);
        }
    }
    const testing::CliRun flash =
        run_cli(cli::run_export, {"export", "--sentence", "Once upon a time", "--model", "stories260K",
                                  "--layer", "1", "--format", "gif", "--animation", "flash", "--tiles", "2x3",
                                  "--size", "40", "--out", dir.file("flash.gif")});
    ASSERT_EQ(flash.code, 0) << flash.err;
    EXPECT_EQ(testing::read_text(dir.file("flash.gif")).compare(0, 6, "GIF89a"), 0);
    const testing::CliRun arcs = run_cli(cli::run_export, {"export", "--scenario", "pod", "--format", "svg",
                                                           "--view", "arcs", "--out", dir.file("arcs.svg")});
    ASSERT_EQ(arcs.code, 0) << arcs.err;
    EXPECT_EQ(testing::count_of(testing::read_text(dir.file("arcs.svg")), "class=\"chip\""), 9);
}

TEST(CliExport, BadInputExitsTwoWithOneLineAndWritesNothing) {
    ScratchDir dir("cli_bad");
    const std::string out = dir.file("never.out");
    struct Case {
        std::vector<std::string> args;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {{"--format", "csv", "--out", out}, "exactly one of --sentence or --scenario"},
        {{"--scenario", "pod", "--out", out}, "--format is required"},
        {{"--scenario", "pod", "--format", "bmp", "--out", out}, "\"bmp\" is not one of"},
        {{"--scenario", "pod", "--format", "csv"}, "--out PATH is required"},
        {{"--scenario", "nope", "--format", "csv", "--out", out}, "no built-in lesson 'nope'"},
        {{"--scenario", "pod", "--format", "csv", "--head", "8", "--out", out}, "head 8 is out of range"},
        {{"--scenario", "pod", "--format", "csv", "--head", "x", "--out", out}, "--head"},
        {{"--scenario", "pod", "--format", "csv", "--layer", "1", "--out", out}, "--layer needs --model"},
        {{"--scenario", "pod", "--format", "csv", "--size", "64", "--out", out},
         "applies to --format png or gif only"},
        {{"--scenario", "pod", "--format", "npy", "--scope", "everything", "--out", out},
         "not head, layer or all"},
        {{"--scenario", "pod", "--format", "gif", "--fps", "0", "--out", out}, "between 0.1 and 50"},
        {{"--scenario", "pod", "--format", "gif", "--animation", "spin", "--out", out},
         "not temperature, mask or flash"},
        {{"--scenario", "pod", "--format", "png", "--size", "3", "--out", out}, "--size"},
        {{"--scenario", "cross-attention", "--format", "gif", "--animation", "mask", "--out", out},
         "cross-attention"},
        {{"--scenario", "pod", "--format", "csv", "--temperature", "-1", "--out", out}, "--temperature"},
        {{"--scenario", "pod", "--format", "gif", "--tiles", "2x2", "--out", out},
         "applies to --animation flash only"},
        {{"--scenario", "pod", "--format", "gif", "--animation", "flash", "--frames", "5", "--out", out},
         "one frame per tile"},
        {{"--scenario", "pod", "--format", "gif", "--animation", "flash", "--tiles", "0x2", "--out", out},
         "--tiles"},
        {{"--scenario", "pod", "--format", "svg", "--view", "arcs", "--query", "zebra", "--out", out},
         "zebra"},
        {{"--sentence", "hi", "--model", dir.file("no-model"), "--format", "csv", "--out", out}, "no-model"},
        {{"--sentence", "hi", "--model", "stories260K", "--layer", "5", "--format", "csv", "--out", out},
         "5 layers"},
        {{"--scenario", "pod", "--format", "csv", "--out", dir.file("missing/dir/x.csv")}, "missing/dir"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.begin(), "export");
        const testing::CliRun r = run_cli(cli::run_export, args);
        SCOPED_TRACE(c.expect);
        EXPECT_EQ(r.code, 2) << r.out;
        EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
}

}  // namespace
}  // namespace attnviz
