// The CLI rule for every command (issue 18 §2): a bad input exits 2 with exactly one line on stderr,
// prints nothing on stdout and writes nothing: no output file is created, and one that was there keeps
// its bytes, even when only the second of two outputs cannot be written.
#include "app/cli/commands.h"
#include "core/io/npy.h"
#include "tests/support/random_inputs.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

const std::string kStories = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K";
const char kSentinel[] = "the bytes that were here before";

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class CliBadInput : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("attnviz_cli_bad_" + std::to_string(::getpid()) + "_" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string write(const std::string& name, const std::string& bytes) const {
        std::ofstream(path(name), std::ios::binary) << bytes;
        return path(name);
    }
    /// A copy of stories260K in dir/name whose `file` holds `bytes` instead (empty: the file is left out).
    std::string broken_stories(const std::string& name, const std::string& file,
                               const std::string& bytes) const {
        const fs::path model = dir / name;
        fs::create_directories(model);
        for (const char* f : {"config.json", "tokenizer.json", "model.safetensors"}) {
            if (file != f) fs::copy_file(kStories + "/" + f, model / f);
        }
        if (!bytes.empty()) std::ofstream(model / file, std::ios::binary) << bytes;
        return model.string();
    }

    /// Runs the command and checks the rule; `fragment` must be in the message. Every path in `outputs`
    /// either does not exist afterwards or (when `existing`) still holds kSentinel.
    void expect_refused(int (*command)(int, char**), const std::vector<std::string>& args,
                        const std::string& fragment, const std::vector<std::string>& outputs = {}) {
        for (const std::string& o : outputs) {
            if (existing) {
                std::ofstream(o, std::ios::binary) << kSentinel;
            } else {
                fs::remove(o);
            }
        }
        const testing::CliRun r = run_cli(command, args);
        std::string joined;
        for (const std::string& a : args) joined += a + " ";
        EXPECT_EQ(r.code, 2) << joined << "\nstdout: " << r.out << "\nstderr: " << r.err;
        EXPECT_EQ(r.out, "") << joined;
        ASSERT_FALSE(r.err.empty()) << joined;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\none line: " << r.err;
        EXPECT_EQ(r.err.back(), '\n') << joined;
        EXPECT_NE(r.err.find(fragment), std::string::npos) << joined << "\nstderr: " << r.err;
        for (const std::string& o : outputs) {
            if (existing) {
                EXPECT_EQ(read_all(o), kSentinel) << joined << ": " << o << " was overwritten";
            } else {
                EXPECT_FALSE(fs::exists(o)) << joined << ": " << o << " was created";
            }
        }
        // No temporary file is left behind beside the outputs.
        for (const auto& e : fs::recursive_directory_iterator(dir)) {
            EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << joined << ": " << e.path();
        }
    }

    /// Each case twice: with the outputs absent, then present with earlier contents.
    template <typename F>
    void both_ways(F cases) {
        for (bool e : {false, true}) {
            existing = e;
            cases();
        }
    }

    fs::path dir;
    bool existing = false;
};

TEST_F(CliBadInput, AttendWritesAllOutputsOrNone) {
    const attention::AttentionInputs in = testing::random_inputs(2, 2, 3, 3, 4, 2, 7);
    ASSERT_EQ(io::write_npy(path("q.npy"), {2, 3, 4}, in.q.data()), "");
    ASSERT_EQ(io::write_npy(path("k.npy"), {2, 3, 4}, in.k.data()), "");
    ASSERT_EQ(io::write_npy(path("v.npy"), {2, 3, 2}, in.v.data()), "");
    const std::vector<std::string> qkv = {"attend",      "--q", path("q.npy"), "--k",
                                          path("k.npy"), "--v", path("v.npy")};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = qkv;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::string w = path("w.npy"), o = path("o.npy");
    fs::create_directories(path("a_directory"));
    both_ways([&] {
        // The first output could be written, the second cannot: neither is.
        expect_refused(cli::run_attend, with({"--out-weights", w, "--out-output", path("no/such/dir/o.npy")}),
                       "its folder does not exist", {w});
        expect_refused(cli::run_attend, with({"--out-weights", w, "--out-output", path("a_directory")}),
                       "it is a directory", {w});
        expect_refused(cli::run_attend, with({"--out-weights", w, "--out-output", w}), "twice", {w});
        expect_refused(cli::run_attend,
                       with({"--out-weights", w, "--out-output", o, "--temperature", "-inf"}), "temperature",
                       {w, o});
        expect_refused(cli::run_attend,
                       {"attend", "--q", write("html.npy", "<!DOCTYPE html>"), "--k", path("k.npy"), "--v",
                        path("v.npy"), "--out-output", o},
                       "html.npy", {o});
        expect_refused(cli::run_attend,
                       {"attend", "--q", path("q.npy"), "--k", path("a_directory"), "--v", path("v.npy"),
                        "--out-output", o},
                       "a_directory", {o});
        expect_refused(cli::run_attend, with({"--out-output", o, "--key-padding", path("q.npy")}), "q.npy",
                       {o});
    });
}

TEST_F(CliBadInput, ModelWritesAllOutputsOrNone) {
    const std::string a = path("a.npy"), l = path("l.npy");
    fs::create_directories(path("a_directory"));
    const auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"model", "--model", "stories260K", "--token-ids", "1,403,407"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    both_ways([&] {
        // The attention could be written (it is computed and written first), the logits cannot: neither is.
        expect_refused(cli::run_model_command,
                       run({"--out-attention", a, "--out-logits", path("no/such/dir/l.npy")}),
                       "its folder does not exist", {a});
        expect_refused(cli::run_model_command,
                       run({"--out-attention", a, "--out-logits", path("a_directory")}), "it is a directory",
                       {a});
        expect_refused(cli::run_model_command, run({"--out-attention", a, "--out-logits", a}), "twice", {a});
        expect_refused(cli::run_model_command, run({"--out-attention", a, "--out-logits", l, "--top-k", "0"}),
                       "--top-k", {a, l});
    });
}

TEST_F(CliBadInput, ModelArgumentsOutsideTheModel) {
    const std::string a = path("a.npy");
    const auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"model", "--model", kStories, "--out-attention", a};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    both_ways([&] {
        expect_refused(cli::run_model_command, run({"--token-ids", "-1"}), "--token-ids", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "99999999999999999999"}), "--token-ids",
                       {a});
        expect_refused(cli::run_model_command, run({"--token-ids", ""}), "--token-ids", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--ablate", "0.-1"}), "--ablate",
                       {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--ablate", "-1.0"}), "--ablate",
                       {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--ablate", "0.0,"}), "--ablate",
                       {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--ablate", "99999999999.0"}),
                       "--ablate", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--temperature", "-inf"}),
                       "temperature", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--temperature", "1e999x"}),
                       "--temperature", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--window", "lots"}), "--window",
                       {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--top-k", "1001"}), "--top-k", {a});
        expect_refused(cli::run_model_command, run({"--token-ids", "1", "--bogus"}), "--bogus", {a});
        expect_refused(cli::run_model_command, run({"--token-ids"}), "--token-ids", {a});
    });
}

TEST_F(CliBadInput, ModelFoldersAndFiles) {
    const std::string a = path("a.npy");
    std::string weights = read_all(kStories + "/model.safetensors");
    ASSERT_GT(weights.size(), 100u);
    std::string overflow = weights;
    overflow.replace(0, 8, std::string(8, '\xFF'));  // header length 2^64 - 1
    std::string not_object = weights;
    not_object[8] = '[';
    std::string wrong_dtype = weights;
    const std::size_t f32 = wrong_dtype.find("\"F32\"");
    ASSERT_NE(f32, std::string::npos);
    wrong_dtype.replace(f32, 5, "\"I64\"");
    std::string config = read_all(kStories + "/config.json");
    const auto config_with = [&](const std::string& key, const std::string& value) {
        std::string c = config;
        const std::size_t at = c.find("\"" + key + "\": ");
        EXPECT_NE(at, std::string::npos) << key;
        const std::size_t begin = at + key.size() + 4, end = c.find_first_of(",\n}", begin);
        return c.replace(begin, end - begin, value);
    };
    const std::string newline_path = path("two\nlines");

    struct Case {
        std::string model;
        std::string fragment;
    };
    const std::vector<Case> cases = {
        {path("no-such-folder"), "no-such-folder"},
        {write("a_file.txt", "hello"), "a_file.txt"},
        {newline_path, "lines"},
        {broken_stories("no_weights", "model.safetensors", ""), "safetensors"},
        {broken_stories("no_config", "config.json", ""), "config.json"},
        {broken_stories("png", "model.safetensors", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "model.safetensors"},
        {broken_stories("overflow", "model.safetensors", overflow), "model.safetensors"},
        {broken_stories("not_object", "model.safetensors", not_object), "model.safetensors"},
        {broken_stories("i64", "model.safetensors", wrong_dtype), "I64"},
        {broken_stories("truncated", "model.safetensors", weights.substr(0, weights.size() - 1)),
         "model.safetensors"},
        {broken_stories("trailing", "model.safetensors", weights + "x"), "model.safetensors"},
        {broken_stories("heads7", "config.json", config_with("num_attention_heads", "7")),
         "num_attention_heads"},
        {broken_stories("kv3", "config.json", config_with("num_key_value_heads", "3")),
         "num_key_value_heads"},
        {broken_stories("vocab", "config.json", config_with("vocab_size", "600")), "embed_tokens"},
        {broken_stories("layers", "config.json", config_with("num_hidden_layers", "6")), "layers.5"},
        {broken_stories("utf16", "config.json", "\xFF\xFE{"), "config.json"},
    };
    both_ways([&] {
        for (const Case& c : cases) {
            expect_refused(cli::run_model_command,
                           {"model", "--model", c.model, "--token-ids", "1,2", "--out-attention", a},
                           c.fragment, {a});
            expect_refused(cli::run_model_command, {"model", "--model", c.model, "--info"}, c.fragment);
        }
        // The weights are fine but the text needs a tokenizer that is broken or missing.
        for (const auto& [model, fragment] : std::vector<std::pair<std::string, std::string>>{
                 {broken_stories("tok_truncated", "tokenizer.json", "{\"model\": {\"type\": \"BPE\""),
                  "tokenizer.json"},
                 {broken_stories("tok_missing", "tokenizer.json", ""), "tokenizer"},
             }) {
            expect_refused(cli::run_model_command,
                           {"model", "--model", model, "--text", "Once", "--out-attention", a}, fragment,
                           {a});
        }
        fs::remove_all(dir / "tok_truncated");
        fs::remove_all(dir / "tok_missing");
    });
}

TEST_F(CliBadInput, Tokenize) {
    fs::create_directories(path("a_directory"));
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"tokenize", "--text", "x"}, "exactly one of --model or --tokenizer"},
        {{"tokenize", "--model", "stories260K"}, "--text"},
        {{"tokenize", "--model", "stories260K", "--tokenizer", kStories + "/tokenizer.json", "--text", "x"},
         "exactly one of"},
        {{"tokenize", "--model", "stories260K", "--text", "x", "--bogus"}, "--bogus"},
        {{"tokenize", "--model", path("no-such-folder"), "--text", "x"}, "no-such-folder"},
        {{"tokenize", "--model", broken_stories("no_tokenizer", "tokenizer.json", ""), "--text", "x"},
         "tokenizer"},
        {{"tokenize", "--tokenizer", path("a_directory"), "--text", "x"}, "a_directory"},
        {{"tokenize", "--tokenizer", write("empty.json", ""), "--text", "x"}, "empty.json"},
        {{"tokenize", "--tokenizer",
          write("truncated.json", read_all(kStories + "/tokenizer.json").substr(0, 300)), "--text", "x"},
         "truncated.json"},
        {{"tokenize", "--tokenizer", write("array.json", "[1, 2]"), "--text", "x"}, "array.json"},
        {{"tokenize", "--tokenizer", write("no_model.json", "{\"version\": \"1.0\"}"), "--text", "x"},
         "model"},
        {{"tokenize", "--tokenizer",
          write("unigram.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}"), "--text", "x"},
         "Unigram"},
        {{"tokenize", "--tokenizer", write("html.json", "<!DOCTYPE html><html></html>"), "--text", "x"},
         "html.json"},
        {{"tokenize", "--tokenizer", path("two\nlines.json"), "--text", "x"}, "lines.json"},
    };
    for (const auto& [args, fragment] : cases) expect_refused(cli::run_tokenize_command, args, fragment);
}

// export (issue 17): its bad arguments are in CliExport.BadInputExitsTwoWithOneLineAndWritesNothing; here the
// bad files (scenario, model, weights) and the rule's other half: nothing on stdout, an existing output keeps
// its bytes, no temporary file is left.
TEST_F(CliBadInput, Export) {
    fs::create_directories(path("a_directory"));
    const std::string cut = broken_stories("cut", "model.safetensors", "short");
    const std::string no_tokenizer = broken_stories("no_tok", "tokenizer.json", "");
    both_ways([&] {
        for (const auto& [format, name] : {std::pair<std::string, std::string>{"csv", "out.csv"},
                                           {"png", "out.png"},
                                           {"gif", "out.gif"},
                                           {"json", "out.json"}}) {
            const std::string out = path(name);
            const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
                {{"export", "--scenario", path("missing.json"), "--format", format, "--out", out},
                 "missing.json"},
                {{"export", "--scenario", path("a_directory"), "--format", format, "--out", out},
                 "a_directory"},
                {{"export", "--scenario", write("empty.json", ""), "--format", format, "--out", out},
                 "empty.json"},
                {{"export", "--scenario",
                  write("heads.json", "{\"sentence\": \"a b\", \"settings\": {\"heads\": 1e9}}"), "--format",
                  format, "--out", out},
                 "heads"},
                {{"export", "--scenario", "pod", "--format", format, "--head", "99", "--out", out},
                 "head 99"},
                {{"export", "--sentence", "hi", "--model", cut, "--format", format, "--out", out},
                 "model.safetensors"},
                {{"export", "--sentence", "hi", "--model", no_tokenizer, "--format", format, "--out", out},
                 "tokenizer"},
                {{"export", "--sentence", "", "--format", format, "--out", out}, "sentence"},
            };
            for (const auto& [args, fragment] : cases) expect_refused(cli::run_export, args, fragment, {out});
        }
    });
}

TEST_F(CliBadInput, LessonScenariosKvCacheAndBench) {
    // A scenario with an unknown field gives a warning; with a bad --heads the error stays the only line.
    const std::string warned = write("warned.json", "{\"sentence\": \"a b c\", \"colour\": \"red\"}");
    const std::vector<std::pair<std::vector<std::string>, std::string>> lesson = {
        {{"lesson", "--scenario", warned, "--heads", "9"}, "--heads"},
        {{"lesson", "--scenario", warned, "--query", "zebra"}, "zebra"},
        {{"lesson", "--scenario", write("utf16.json", std::string("\xFF\xFE{\0", 4) + "x"), "--json"},
         "UTF-16LE"},
        {{"lesson", "--scenario", write("latin1.json", "{\"sentence\": \"caf\xE9\"}")},
         "save the file as UTF-8"},
        {{"lesson", "--scenario", write("deep.json", std::string(100000, '[') + std::string(100000, ']'))},
         "nesting deeper than"},
        {{"lesson", "--scenario", dir.string() + "/"}, "directory"},
        {{"lesson", "--scenario",
          write("t.json", "{\"sentence\": \"a\", \"settings\": {\"temperature\": \"NaN\"}}")},
         "$.settings.temperature"},
        {{"lesson", "--sentence", "a b", "--window", "-1"}, "--window"},
        {{"lesson", "--sentence", "a b", "--kv-heads", "0"}, "--kv-heads"},
    };
    for (const auto& [args, fragment] : lesson) expect_refused(cli::run_lesson_command, args, fragment);
    expect_refused(cli::run_scenarios, {"scenarios", "--bogus"}, "--bogus");
    expect_refused(cli::run_bench, {"bench", "--quick", "--bogus"}, "--bogus");
    const std::vector<std::pair<std::vector<std::string>, std::string>> kv = {
        {{"kv-cache", "--preset", "no-such-model"}, "no-such-model"},
        {{"kv-cache", "--layers", "2", "--kv-heads", "8", "--head-dim", "128", "--seq", "-5"}, "--seq"},
        {{"kv-cache", "--layers", "2", "--kv-heads", "0", "--head-dim", "128", "--seq", "5"}, "--kv-heads"},
        {{"kv-cache", "--layers", "2", "--kv-heads", "8", "--head-dim", "128", "--seq", "5", "--batch", "0"},
         "--batch"},
        {{"kv-cache", "--layers", "2", "--kv-heads", "8", "--head-dim", "128", "--seq", "5", "--window", "x"},
         "--window"},
        {{"kv-cache", "--layers", "99999999999999999999", "--kv-heads", "8", "--head-dim", "128", "--seq",
          "5"},
         "--layers"},
    };
    for (const auto& [args, fragment] : kv) expect_refused(cli::run_kv_cache, args, fragment);
}

}  // namespace
}  // namespace attnviz
