// Finding a model's files: plain folders, Hugging Face cache folders (refs/main -> snapshots/REV), and the
// shards of model.safetensors.index.json, with names that could leave the folder refused.
#include "core/model/model_folder.h"
#include "core/model/checkpoint.h"
#include "tests/support/safetensors_bytes.h"

#include <gtest/gtest.h>

namespace attnviz::model {
namespace {

namespace fs = std::filesystem;
using test::RawTensor;
using test::TempDir;
using test::TinyDims;

#define EXPECT_HAS(haystack, needle) \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

void write_model(const fs::path& dir) {
    const TinyDims d;
    test::write_file(dir / "config.json", test::tiny_llama_config(d));
    test::write_file(dir / "model.safetensors", test::safetensors_bytes(test::tiny_llama_tensors(d, "F32")));
}

std::vector<float> view_values(const WeightView& w) {
    std::vector<float> v;
    for (int r = 0; r < w.rows; ++r) {
        for (int c = 0; c < w.cols; ++c) v.push_back(w.map()(r, c));
    }
    return v;
}

TEST(ModelFolder, PlainFolderAndItsWeights) {
    TempDir dir("plain");
    write_model(dir.path());
    auto resolved = resolve_model_dir(dir.str());
    ASSERT_TRUE(resolved.ok()) << resolved.error();
    EXPECT_EQ(resolved.value(), dir.str());
    auto files = list_weight_files(dir.str());
    ASSERT_TRUE(files.ok()) << files.error();
    EXPECT_EQ(files.value(), std::vector<std::string>{(dir.path() / "model.safetensors").string()});
}

TEST(ModelFolder, MissingFoldersAndFilesAreExplained) {
    TempDir dir("missing");
    EXPECT_HAS(resolve_model_dir((dir.path() / "nope").string()).error(), "no such folder");
    test::write_file(dir.path() / "file.txt", "x");
    EXPECT_HAS(resolve_model_dir((dir.path() / "file.txt").string()).error(), "not a folder");
    fs::create_directories(dir.path() / "empty");
    EXPECT_HAS(resolve_model_dir((dir.path() / "empty").string()).error(), "no config.json");
    test::write_file(dir.path() / "bin" / "config.json", "{}");
    test::write_file(dir.path() / "bin" / "pytorch_model.bin", "PK");
    const std::string e = list_weight_files((dir.path() / "bin").string()).error();
    EXPECT_HAS(e, "no model.safetensors or model.safetensors.index.json");
    EXPECT_HAS(e, "PyTorch .bin");
}

TEST(ModelFolder, HuggingFaceCacheThroughRefsMain) {
    TempDir cache("hub");
    const fs::path repo = cache.path() / "models--org--tiny";
    write_model(repo / "snapshots" / "abc123");
    write_model(repo / "snapshots" / "old456");
    test::write_file(repo / "refs" / "main", "abc123\n");
    auto resolved = resolve_model_dir(repo.string());
    ASSERT_TRUE(resolved.ok()) << resolved.error();
    EXPECT_EQ(resolved.value(), (repo / "snapshots" / "abc123").string());
    // Pointing at the snapshot itself, or at the snapshots folder, works too.
    EXPECT_EQ(resolve_model_dir((repo / "snapshots" / "old456").string()).value(),
              (repo / "snapshots" / "old456").string());
    EXPECT_EQ(resolve_model_dir((repo / "snapshots").string()).value(),
              (repo / "snapshots" / "abc123").string());
    EXPECT_EQ(resolve_model_dir((repo / "snapshots").string() + "/").value(),
              (repo / "snapshots" / "abc123").string());
    EXPECT_EQ(resolve_model_dir(repo.string() + "/").value(), (repo / "snapshots" / "abc123").string());
    // The loader follows the same path and reports the snapshot it read.
    auto loaded = load_checkpoint(repo.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_EQ(loaded.value()->dir, (repo / "snapshots" / "abc123").string());
    // The cache root lists its models.
    const std::string e = resolve_model_dir(cache.str()).error();
    EXPECT_HAS(e, "a Hugging Face cache with 1 models");
    EXPECT_HAS(e, "models--org--tiny");
}

TEST(ModelFolder, CacheSnapshotFilesAreSymlinksIntoBlobs) {
    // What huggingface_hub leaves on disk: snapshot files are relative links to content-addressed blobs.
    TempDir cache("hub_blobs");
    const fs::path repo = cache.path() / "models--org--tiny";
    const TinyDims d;
    const std::vector<RawTensor> tensors = test::tiny_llama_tensors(d, "F16");
    test::write_file(repo / "blobs" / "1111", test::tiny_llama_config(d));
    test::write_file(repo / "blobs" / "2222", test::safetensors_bytes(tensors));
    fs::create_directories(repo / "snapshots" / "rev1");
    fs::create_symlink("../../blobs/1111", repo / "snapshots" / "rev1" / "config.json");
    fs::create_symlink("../../blobs/2222", repo / "snapshots" / "rev1" / "model.safetensors");
    test::write_file(repo / "refs" / "main", "rev1");
    auto loaded = load_checkpoint(repo.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_EQ(view_values(loaded.value()->weights.token_embedding), tensors.front().values);
}

TEST(ModelFolder, CacheWithoutRefsUsesTheOnlySnapshot) {
    TempDir cache("hub_norefs");
    const fs::path repo = cache.path() / "models--org--tiny";
    write_model(repo / "snapshots" / "only");
    EXPECT_EQ(resolve_model_dir(repo.string()).value(), (repo / "snapshots" / "only").string());
    write_model(repo / "snapshots" / "second");
    const std::string e = resolve_model_dir(repo.string()).error();
    EXPECT_HAS(e, "no refs/main and 2 snapshots (only, second)");
}

TEST(ModelFolder, RefsMainCannotLeaveTheSnapshotsFolder) {
    TempDir cache("hub_escape");
    const fs::path repo = cache.path() / "models--org--tiny";
    write_model(repo / "snapshots" / "abc");
    write_model(cache.path() / "elsewhere");
    for (const char* ref : {"../../elsewhere", "..", "abc/../../../elsewhere", ""}) {
        test::write_file(repo / "refs" / "main", ref);
        const std::string e = resolve_model_dir(repo.string()).error();
        EXPECT_HAS(e, "is not a snapshot name") << ref;
    }
    test::write_file(repo / "refs" / "main", "def");
    EXPECT_HAS(resolve_model_dir(repo.string()).error(), "names snapshot def but");
}

// A tiny model split over two shards, with its index.
struct ShardedModel {
    std::vector<RawTensor> tensors;
    std::string index;
};

ShardedModel write_sharded(const fs::path& dir) {
    const TinyDims d;
    ShardedModel m;
    m.tensors = test::tiny_llama_tensors(d, "BF16");
    const std::size_t half = m.tensors.size() / 2;
    const std::vector<RawTensor> first(m.tensors.begin(),
                                       m.tensors.begin() + static_cast<std::ptrdiff_t>(half));
    const std::vector<RawTensor> second(m.tensors.begin() + static_cast<std::ptrdiff_t>(half),
                                        m.tensors.end());
    test::write_file(dir / "config.json", test::tiny_llama_config(d));
    test::write_file(dir / "model-00001-of-00002.safetensors", test::safetensors_bytes(first));
    test::write_file(dir / "model-00002-of-00002.safetensors", test::safetensors_bytes(second));
    m.index = R"({"metadata": {"total_size": 1234}, "weight_map": {)";
    for (std::size_t i = 0; i < m.tensors.size(); ++i) {
        m.index += (i ? "," : "") + std::string("\"") + m.tensors[i].name + "\": \"model-0000" +
                   (i < half ? "1" : "2") + "-of-00002.safetensors\"";
    }
    m.index += "}}";
    test::write_file(dir / "model.safetensors.index.json", m.index);
    return m;
}

TEST(ModelFolderShards, IndexListsEachShardOnceAndTheModelLoads) {
    TempDir dir("sharded");
    const ShardedModel m = write_sharded(dir.path());
    auto files = list_weight_files(dir.str());
    ASSERT_TRUE(files.ok()) << files.error();
    EXPECT_EQ(files.value(),
              (std::vector<std::string>{(dir.path() / "model-00001-of-00002.safetensors").string(),
                                        (dir.path() / "model-00002-of-00002.safetensors").string()}));
    auto loaded = load_checkpoint(dir.str());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Checkpoint& ck = *loaded.value();
    EXPECT_EQ(view_values(ck.weights.token_embedding), m.tensors.front().values);
    EXPECT_EQ(view_values(ck.weights.final_norm.weight), m.tensors.back().values);
    EXPECT_EQ(ck.dtype, "BF16");
}

TEST(ModelFolderShards, ShardNamesMustStayInsideTheFolder) {
    TempDir dir("shard_escape");
    write_sharded(dir.path());
    for (const char* bad : {"../model.safetensors", "/etc/passwd", "sub/x.safetensors", "..", ""}) {
        test::write_file(dir.path() / "model.safetensors.index.json",
                         std::string(R"({"weight_map": {"model.norm.weight": ")") + bad + "\"}}");
        const std::string e = list_weight_files(dir.str()).error();
        EXPECT_HAS(e, "model.safetensors.index.json");
        EXPECT_HAS(e, "shards must be plain file names inside the model folder") << bad;
    }
}

TEST(ModelFolderShards, BrokenIndexesAreRefused) {
    TempDir dir("shard_broken");
    write_sharded(dir.path());
    const fs::path index = dir.path() / "model.safetensors.index.json";
    test::write_file(index, R"({"weight_map": {"model.norm.weight": "model-00003-of-00003.safetensors"}})");
    EXPECT_HAS(list_weight_files(dir.str()).error(),
               "shard model-00003-of-00003.safetensors (holding model.norm.weight) is missing");
    test::write_file(index, R"({"weights": {}})");
    EXPECT_HAS(list_weight_files(dir.str()).error(), "needs an object \"weight_map\"");
    test::write_file(index, R"({"weight_map": {"a": 3}})");
    EXPECT_HAS(list_weight_files(dir.str()).error(), "weight_map[\"a\"] must be a file name");
    test::write_file(index, R"({"weight_map": {}})");
    EXPECT_HAS(list_weight_files(dir.str()).error(), "lists no tensors");
    test::write_file(index, R"({"weight_map": {"a": "x",})");
    EXPECT_HAS(list_weight_files(dir.str()).error(), "model.safetensors.index.json:1:");
}

TEST(ModelFolderShards, EveryTensorOfTheIndexIsInItsShard) {
    TempDir dir("shard_mismatch");
    ShardedModel m = write_sharded(dir.path());
    // The index claims the final norm is in shard 1, but it is in shard 2.
    std::string index = m.index;
    const std::string entry = "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"";
    index.replace(index.find(entry), entry.size(),
                  "\"model.norm.weight\": \"model-00001-of-00002.safetensors\"");
    test::write_file(dir.path() / "model.safetensors.index.json", index);
    std::string e = load_checkpoint(dir.str()).error();
    EXPECT_HAS(e,
               "lists tensor \"model.norm.weight\" in model-00001-of-00002.safetensors, but it is in "
               "model-00002-of-00002.safetensors");
    // A tensor the index lists but no shard holds.
    index = m.index;
    index.insert(index.size() - 2, R"(, "extra.weight": "model-00001-of-00002.safetensors")");
    test::write_file(dir.path() / "model.safetensors.index.json", index);
    e = load_checkpoint(dir.str()).error();
    EXPECT_HAS(e, "lists tensor \"extra.weight\" in model-00001-of-00002.safetensors, but no shard has it");
}

TEST(ModelFolderShards, ATensorInTwoShardsIsRefused) {
    TempDir dir("shard_dup");
    const ShardedModel m = write_sharded(dir.path());
    std::vector<RawTensor> second(m.tensors.begin() + static_cast<std::ptrdiff_t>(m.tensors.size() / 2),
                                  m.tensors.end());
    second.push_back(m.tensors.front());  // the embedding again
    test::write_file(dir.path() / "model-00002-of-00002.safetensors", test::safetensors_bytes(second));
    const std::string e = load_checkpoint(dir.str()).error();
    EXPECT_HAS(e, "tensor \"model.embed_tokens.weight\" is also in");
    EXPECT_HAS(e, "model-00002-of-00002.safetensors");
}

}  // namespace
}  // namespace attnviz::model
