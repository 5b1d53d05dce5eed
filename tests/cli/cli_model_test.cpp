// attnviz-cli model and tokenize on the shipped stories260K (as a folder and built in): the numbers its
// provenance gives, the documented JSON and .npy shapes, and every bad input exiting 2 with nothing written.
#include "app/cli/commands.h"
#include "core/io/json.h"
#include "core/io/npy.h"
#include "tests/support/run_cli.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace attnviz {
namespace {

using testing::run_cli;
namespace fs = std::filesystem;

const std::string kStories = std::string(ATTNVIZ_SOURCE_DIR) + "/assets/models/stories260K";

/// A scratch folder removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("attnviz_cli_model_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

std::vector<std::int64_t> token_ids(const io::JsonValue& tokens) {
    std::vector<std::int64_t> ids;
    for (const io::JsonValue& t : tokens.items()) ids.push_back(t.find("id")->as_int());
    return ids;
}

TEST(CliTokenize, StoriesTokenizesAsItsProvenanceSays) {
    for (const std::string& model : {kStories, std::string("stories260K")}) {
        const testing::CliRun r = run_cli(cli::run_tokenize_command, {"tokenize", "--model", model, "--text",
                                                                      "Once upon a time", "--json"});
        ASSERT_EQ(r.code, 0) << model << ": " << r.err;
        Expected<io::JsonValue> j = io::parse_json(r.out, "tokenize output");
        ASSERT_TRUE(j.ok()) << j.error();
        ASSERT_EQ(j->members().size(), 1u);
        const io::JsonValue& tokens = *j->find("tokens");
        EXPECT_EQ(token_ids(tokens), (std::vector<std::int64_t>{1, 403, 407, 261, 378})) << model;
        // <s> has no text; the others tile "Once upon a time" in order.
        std::size_t expected_start = 0;
        for (std::size_t i = 1; i < tokens.items().size(); ++i) {
            const io::JsonValue& t = tokens.items()[i];
            EXPECT_EQ(t.find("start")->as_int(), static_cast<std::int64_t>(expected_start)) << i;
            expected_start = static_cast<std::size_t>(t.find("end")->as_int());
        }
        EXPECT_EQ(expected_start, std::string("Once upon a time").size());
    }
}

TEST(CliTokenize, TokenizerFileAndErrors) {
    const testing::CliRun table =
        run_cli(cli::run_tokenize_command,
                {"tokenize", "--tokenizer", kStories + "/tokenizer.json", "--text", "Once upon a time"});
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("5 tokens"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("403"), std::string::npos) << table.out;

    const testing::CliRun both = run_cli(cli::run_tokenize_command, {"tokenize", "--text", "x"});
    EXPECT_EQ(both.code, 2);
    const testing::CliRun missing = run_cli(
        cli::run_tokenize_command, {"tokenize", "--tokenizer", "/nonexistent/tokenizer.json", "--text", "x"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("/nonexistent/tokenizer.json"), std::string::npos) << missing.err;
    EXPECT_EQ(missing.out, "");
}

TEST(CliModel, StoriesPredictsItsGreedyContinuation) {
    // PROVENANCE.md: greedy decoding of [1, 403, 407, 261, 378] goes on with 432 (",").
    const testing::CliRun r = run_cli(cli::run_model_command, {"model", "--model", kStories, "--text",
                                                               "Once upon a time", "--json", "--top-k", "3"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "model output");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(token_ids(*j->find("tokens")), (std::vector<std::int64_t>{1, 403, 407, 261, 378}));
    EXPECT_EQ(j->find("n_layers")->as_int(), 5);
    EXPECT_EQ(j->find("n_heads")->as_int(), 8);
    EXPECT_EQ(j->find("n_kv_heads")->as_int(), 4);
    const io::JsonValue& top = *j->find("top_k");
    ASSERT_EQ(top.items().size(), 3u);
    EXPECT_EQ(top.items()[0].find("id")->as_int(), 432);
    double previous = 1.0;
    for (const io::JsonValue& c : top.items()) {
        const double p = c.find("p")->as_number();
        EXPECT_GT(p, 0.0);
        EXPECT_LE(p, previous);
        previous = p;
    }
    const io::JsonValue& layers = *j->find("strongest_key_from_last_token");
    ASSERT_EQ(layers.items().size(), 5u);
    for (const io::JsonValue& layer : layers.items()) {
        ASSERT_EQ(layer.items().size(), 8u);
        for (const io::JsonValue& head : layer.items()) {
            EXPECT_GE(head.find("key")->as_int(), 0);
            EXPECT_LT(head.find("key")->as_int(), 5);
        }
    }
}

TEST(CliModel, WritesAttentionAndLogitsWithTheDocumentedShapes) {
    TempDir dir;
    const testing::CliRun r = run_cli(
        cli::run_model_command, {"model", "--model", "stories260K", "--token-ids", "1,403,407,261,378",
                                 "--out-attention", dir.file("a.npy"), "--out-logits", dir.file("l.npy")});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::NpyArray> logits = io::read_npy(dir.file("l.npy"));
    ASSERT_TRUE(logits.ok()) << logits.error();
    EXPECT_EQ(logits->shape, (std::vector<std::int64_t>{5, 512}));
    // The attention file is 4-D ([5 layers, 8 heads, 5, 5]): check its header and size by hand.
    std::ifstream in(dir.file("a.npy"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 128u);
    EXPECT_NE(bytes.find("'shape': (5, 8, 5, 5)"), std::string::npos);
    const std::size_t header =
        10 + static_cast<unsigned char>(bytes[8]) + 256u * static_cast<unsigned char>(bytes[9]);
    ASSERT_EQ(bytes.size(), header + 5u * 8u * 25u * sizeof(float));
    // Causal rows sum to 1 and never look ahead.
    for (int m = 0; m < 40; ++m) {
        for (int i = 0; i < 5; ++i) {
            double sum = 0.0;
            for (int k = 0; k < 5; ++k) {
                float w;
                std::memcpy(
                    &w, bytes.data() + header + sizeof(float) * static_cast<std::size_t>((m * 5 + i) * 5 + k),
                    sizeof w);
                if (k > i) {
                    EXPECT_EQ(w, 0.0f) << m << " " << i << " " << k;
                }
                sum += static_cast<double>(w);
            }
            EXPECT_NEAR(sum, 1.0, 1e-5);
        }
    }
}

TEST(CliModel, InfoDescribesTheModel) {
    const testing::CliRun r =
        run_cli(cli::run_model_command, {"model", "--model", kStories, "--info", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    Expected<io::JsonValue> j = io::parse_json(r.out, "info");
    ASSERT_TRUE(j.ok()) << j.error();
    EXPECT_EQ(j->find("architecture")->as_string(), "Llama");
    EXPECT_EQ(j->find("n_layers")->as_int(), 5);
    EXPECT_EQ(j->find("head_dim")->as_int(), 8);
    EXPECT_EQ(j->find("vocab_size")->as_int(), 512);
    EXPECT_EQ(j->find("context")->as_int(), 512);
    EXPECT_EQ(j->find("parameters")->as_int(), 260032);
    EXPECT_EQ(j->find("dtype")->as_string(), "F32");
}

TEST(CliModel, InterventionsMoveThePrediction) {
    const auto top_p = [](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {
            "model", "--model", "stories260K", "--text", "Once upon a time", "--json", "--top-k", "1"};
        args.insert(args.end(), extra.begin(), extra.end());
        const testing::CliRun r = run_cli(cli::run_model_command, args);
        EXPECT_EQ(r.code, 0) << r.err;
        Expected<io::JsonValue> j = io::parse_json(r.out, "model output");
        EXPECT_TRUE(j.ok());
        return j.ok() ? j->find("top_k")->items()[0].find("p")->as_number() : -1.0;
    };
    const double plain = top_p({});
    EXPECT_EQ(top_p({"--temperature", "1"}), plain);  // T = 1 is the model itself, bitwise
    EXPECT_NE(top_p({"--temperature", "inf"}), plain);
    EXPECT_NE(top_p({"--temperature", "0"}), plain);
    EXPECT_NE(top_p({"--ablate", "0.0,1.3"}), plain);
    EXPECT_NE(top_p({"--window", "2"}), plain);
}

TEST(CliModel, BadInputExitsTwoWithOneLineAndWritesNothing) {
    TempDir dir;
    const std::string out = dir.file("a.npy");
    const std::vector<std::vector<std::string>> cases = {
        {"--text", "x"},                                                    // no --model
        {"--model", kStories},                                              // neither text nor ids
        {"--model", kStories, "--text", "x", "--token-ids", "1"},           // both
        {"--model", kStories, "--token-ids", "1,,2"},                       // empty item
        {"--model", kStories, "--token-ids", "1,512"},                      // id outside the vocabulary
        {"--model", kStories, "--token-ids", "1", "--temperature", "-1"},   // negative T
        {"--model", kStories, "--token-ids", "1", "--temperature", "nan"},  // NaN T
        {"--model", kStories, "--token-ids", "1", "--ablate", "5.0"},       // no layer 5
        {"--model", kStories, "--token-ids", "1", "--ablate", "0.8"},       // no head 8
        {"--model", kStories, "--token-ids", "1", "--ablate", "x"},         // not L.H
        {"--model", kStories, "--token-ids", "1", "--window", "-1"},        // negative window
        {"--model", dir.file("nothing-here"), "--token-ids", "1"},          // no such folder
    };
    for (std::vector<std::string> args : cases) {
        args.insert(args.begin(), "model");
        args.push_back("--out-attention");
        args.push_back(out);
        const testing::CliRun r = run_cli(cli::run_model_command, args);
        std::string joined;
        for (const std::string& a : args) joined += a + " ";
        EXPECT_EQ(r.code, 2) << joined << "\n" << r.out;
        EXPECT_EQ(r.out, "") << joined;
        ASSERT_FALSE(r.err.empty()) << joined;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << joined << ": " << r.err;
        EXPECT_FALSE(fs::exists(out)) << joined;
    }
}

TEST(CliModel, MoreTokensThanTheContextIsRefusedWithBothNumbers) {
    std::string ids = "1";
    for (int i = 0; i < 512; ++i) ids += ",403";  // 513 tokens, the context is 512
    const testing::CliRun r =
        run_cli(cli::run_model_command, {"model", "--model", kStories, "--token-ids", ids});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("513"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("512"), std::string::npos) << r.err;
}

TEST(CliModel, BrokenFilesNameTheFileAndWriteNothing) {
    TempDir dir;
    const fs::path model = dir.path / "broken";
    fs::create_directories(model);
    fs::copy_file(kStories + "/tokenizer.json", model / "tokenizer.json");
    const std::string out = dir.file("l.npy");
    const auto run = [&]() {
        return run_cli(cli::run_model_command,
                       {"model", "--model", model.string(), "--token-ids", "1,2", "--out-logits", out});
    };
    // No config.json at all.
    testing::CliRun r = run();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
    // A config.json that is not JSON.
    std::ofstream(model / "config.json") << "{\"model_type\": \"llama\",";
    r = run();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
    // An unsupported architecture lists the supported ones.
    std::ofstream(model / "config.json") << "{\"model_type\": \"bert\"}";
    r = run();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("bert"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("gpt2"), std::string::npos) << r.err;
    // The real config, but weights truncated in the middle of a tensor.
    fs::copy_file(kStories + "/config.json", model / "config.json", fs::copy_options::overwrite_existing);
    {
        std::ifstream in(kStories + "/model.safetensors", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        bytes.resize(bytes.size() / 2);
        std::ofstream(model / "model.safetensors", std::ios::binary) << bytes;
    }
    r = run();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("model.safetensors"), std::string::npos) << r.err;
    // An HTML page saved under the weights' name (a failed download).
    std::ofstream(model / "model.safetensors", std::ios::binary | std::ios::trunc)
        << "<!DOCTYPE html><html><body>Not found</body></html>";
    r = run();
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("model.safetensors"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace attnviz
