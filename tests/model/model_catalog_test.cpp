// The model chooser's data: the looks-like-a-model verdict with its reasons, the Hugging Face cache scan
// (found through HF_HUB_CACHE / HF_HOME / XDG_CACHE_HOME / HOME set by the test), folder listings and the
// recent-models list with its settings JSON. Every case builds its folders in a fresh temporary folder.
#include "core/model/model_catalog.h"

#include "tests/support/safetensors_bytes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using attnviz::io::JsonValue;
using attnviz::io::parse_json;
using attnviz::test::TempDir;
using attnviz::test::write_file;
using namespace attnviz::model;

/// Sets (or unsets, with nullopt) an environment variable for the scope and puts the old value back.
class EnvGuard {
  public:
    EnvGuard(const char* name, std::optional<std::string> value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = std::string(old);
        if (value) {
            ::setenv(name, value->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~EnvGuard() {
        if (m_old) {
            ::setenv(m_name, m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name);
        }
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

/// A cache repository: blobs/ with the files' bytes, snapshots/REV/ with symlinks into blobs/, refs/main.
void make_cache_repo(const fs::path& repo, const std::vector<std::pair<std::string, std::string>>& files,
                     const std::string& rev = "abc123", bool write_ref = true) {
    int k = 0;
    for (const auto& [name, bytes] : files) {
        const std::string blob = "blob" + std::to_string(k++);
        write_file(repo / "blobs" / blob, bytes);
        fs::create_directories(repo / "snapshots" / rev);
        fs::create_symlink(fs::path("..") / ".." / "blobs" / blob, repo / "snapshots" / rev / name);
    }
    if (write_ref) write_file(repo / "refs" / "main", rev + "\n");
}

TEST(LooksLikeModel, PlainFoldersAndTheReasonsWhenNot) {
    TempDir tmp("catalog_plain");
    const fs::path root = tmp.path();
    write_file(root / "single" / "config.json", "{}");
    write_file(root / "single" / "model.safetensors", "x");
    write_file(root / "sharded" / "config.json", "{}");
    write_file(root / "sharded" / "model.safetensors.index.json", "{}");
    write_file(root / "config_only" / "config.json", "{}");
    write_file(root / "bin" / "config.json", "{}");
    write_file(root / "bin" / "pytorch_model.bin", "x");
    write_file(root / "gguf" / "config.json", "{}");
    write_file(root / "gguf" / "model-q4.gguf", "x");
    fs::create_directories(root / "empty");
    write_file(root / "a_file", "x");

    const ModelFolderCheck single = looks_like_model((root / "single").string());
    EXPECT_TRUE(single.looks_like_model) << single.reason;
    EXPECT_TRUE(single.reason.empty());
    EXPECT_EQ(single.model_dir, (root / "single").string());
    EXPECT_FALSE(single.cache_folder);
    EXPECT_TRUE(looks_like_model((root / "sharded").string()).looks_like_model);

    const auto reason = [&](const char* name) { return looks_like_model((root / name).string()).reason; };
    EXPECT_NE(reason("config_only").find("no model.safetensors"), std::string::npos) << reason("config_only");
    EXPECT_NE(reason("bin").find("PyTorch .bin"), std::string::npos) << reason("bin");
    EXPECT_NE(reason("gguf").find("GGUF"), std::string::npos) << reason("gguf");
    EXPECT_EQ(reason("empty"), "no config.json");
    EXPECT_EQ(reason("a_file"), "not a folder");
    EXPECT_EQ(reason("missing"), "no such folder");
    EXPECT_EQ(looks_like_model("").reason, "no such folder");
    for (const char* name : {"config_only", "bin", "gguf", "empty", "a_file", "missing"}) {
        EXPECT_FALSE(looks_like_model((root / name).string()).looks_like_model) << name;
    }
}

TEST(LooksLikeModel, CacheFoldersResolveTheirSnapshot) {
    TempDir tmp("catalog_cache");
    const fs::path repo = tmp.path() / "models--org--tiny";
    make_cache_repo(repo, {{"config.json", "{}"}, {"model.safetensors", "weights"}});
    const ModelFolderCheck ok = looks_like_model(repo.string());
    EXPECT_TRUE(ok.looks_like_model) << ok.reason;
    EXPECT_TRUE(ok.cache_folder);
    EXPECT_EQ(fs::path(ok.model_dir), repo / "snapshots" / "abc123");

    // refs/main names a snapshot that is not there: an unfinished download.
    const fs::path broken = tmp.path() / "models--org--broken";
    make_cache_repo(broken, {{"config.json", "{}"}, {"model.safetensors", "w"}}, "rev1", false);
    write_file(broken / "refs" / "main", "rev2");
    const ModelFolderCheck b = looks_like_model(broken.string());
    EXPECT_FALSE(b.looks_like_model);
    EXPECT_TRUE(b.cache_folder);
    EXPECT_NE(b.reason.find("did not finish"), std::string::npos) << b.reason;

    // A snapshot with only the tokenizer (config and weights never downloaded).
    const fs::path partial = tmp.path() / "models--org--partial";
    make_cache_repo(partial, {{"tokenizer.json", "{}"}});
    const ModelFolderCheck p = looks_like_model(partial.string());
    EXPECT_FALSE(p.looks_like_model);
    EXPECT_NE(p.reason.find("config.json"), std::string::npos) << p.reason;

    // The cache root itself points at the models inside it.
    const ModelFolderCheck root = looks_like_model(tmp.str());
    EXPECT_FALSE(root.looks_like_model);
    EXPECT_NE(root.reason.find("open one of the models--ORG--NAME folders"), std::string::npos)
        << root.reason;

    // A models--ORG--NAME folder with nothing in it.
    fs::create_directories(tmp.path() / "models--org--empty");
    EXPECT_FALSE(looks_like_model((tmp.path() / "models--org--empty").string()).looks_like_model);
}

TEST(HfHubCacheDir, FollowsHuggingFaceHubsOrderOfVariables) {
    EnvGuard hub("HF_HUB_CACHE", std::nullopt);
    EnvGuard hf_home("HF_HOME", "/data/hf");
    EnvGuard xdg("XDG_CACHE_HOME", "/xdg");
    EnvGuard home("HOME", "/home/student");
    EXPECT_EQ(hf_hub_cache_dir(), "/data/hf/hub");
    {
        EnvGuard explicit_hub("HF_HUB_CACHE", "/fast/hub");
        EXPECT_EQ(hf_hub_cache_dir(), "/fast/hub");
    }
    {
        EnvGuard empty_home("HF_HOME", "");
        EXPECT_EQ(hf_hub_cache_dir(), "/xdg/huggingface/hub");
        EnvGuard no_xdg("XDG_CACHE_HOME", std::nullopt);
        EXPECT_EQ(hf_hub_cache_dir(), "/home/student/.cache/huggingface/hub");
        EnvGuard no_home("HOME", std::nullopt);
        EXPECT_EQ(hf_hub_cache_dir(), "");
        EXPECT_TRUE(scan_default_hf_cache().models.empty());
    }
}

TEST(ScanHfCache, ListsModelRepositoriesWithNamesSizesAndVerdicts) {
    TempDir tmp("catalog_scan");
    EnvGuard hub_var("HF_HUB_CACHE", std::nullopt);
    EnvGuard home_var("HF_HOME", tmp.str());
    const fs::path hub = tmp.path() / "hub";
    make_cache_repo(hub / "models--openai-community--gpt2",
                    {{"config.json", std::string(20, 'c')}, {"model.safetensors", std::string(100, 'w')}});
    make_cache_repo(hub / "models--Qwen--Qwen2.5-0.5B", {{"tokenizer.json", std::string(7, 't')}});
    fs::create_directories(hub / "models--distilgpt2");  // no snapshots, no blobs
    make_cache_repo(hub / "datasets--org--data", {{"data.csv", "a,b"}});
    fs::create_directories(hub / ".locks" / "models--x--y");
    write_file(hub / "version.txt", "1");

    const HfCacheScan scan = scan_default_hf_cache();
    EXPECT_EQ(fs::path(scan.hub_dir), hub);
    EXPECT_TRUE(scan.error.empty()) << scan.error;
    ASSERT_EQ(scan.models.size(), 3u);
    EXPECT_EQ(scan.models[0].name, "distilgpt2");
    EXPECT_EQ(scan.models[1].name, "openai-community/gpt2");
    EXPECT_EQ(scan.models[2].name, "Qwen/Qwen2.5-0.5B");
    EXPECT_EQ(scan.models[0].size_bytes, -1);
    EXPECT_EQ(scan.models[1].size_bytes, 120);
    EXPECT_EQ(scan.models[2].size_bytes, 7);
    EXPECT_FALSE(scan.models[0].check.looks_like_model);
    EXPECT_TRUE(scan.models[1].check.looks_like_model) << scan.models[1].check.reason;
    EXPECT_FALSE(scan.models[2].check.looks_like_model);
    EXPECT_EQ(fs::path(scan.models[1].path), hub / "models--openai-community--gpt2");
}

TEST(ScanHfCache, AMissingCacheIsEmptyAndAFileIsAnError) {
    TempDir tmp("catalog_missing");
    const HfCacheScan none = scan_hf_cache((tmp.path() / "hub").string());
    EXPECT_TRUE(none.models.empty());
    EXPECT_TRUE(none.error.empty());
    write_file(tmp.path() / "hub_file", "x");
    const HfCacheScan file = scan_hf_cache((tmp.path() / "hub_file").string());
    EXPECT_NE(file.error.find("not a folder"), std::string::npos) << file.error;
}

TEST(ModelDisplayName, CacheFoldersSnapshotsAndPlainFolders) {
    EXPECT_EQ(model_display_name("/c/hub/models--openai-community--gpt2"), "openai-community/gpt2");
    EXPECT_EQ(model_display_name("/c/hub/models--openai-community--gpt2/"), "openai-community/gpt2");
    EXPECT_EQ(model_display_name("/c/hub/models--Qwen--Qwen2.5-0.5B/snapshots/0123abcd"),
              "Qwen/Qwen2.5-0.5B");
    EXPECT_EQ(model_display_name("/c/hub/models--gpt2"), "gpt2");
    EXPECT_EQ(model_display_name("/home/me/models/tiny-llama"), "tiny-llama");
    EXPECT_EQ(model_display_name("stories260K"), "stories260K");
}

TEST(ExpandHome, OnlyALeadingTildeComponent) {
    EnvGuard home("HOME", "/home/student");
    EXPECT_EQ(expand_home("~"), "/home/student");
    EXPECT_EQ(expand_home("~/models"), "/home/student/models");
    EXPECT_EQ(expand_home("~other/models"), "~other/models");
    EXPECT_EQ(expand_home("/a/~/b"), "/a/~/b");
    EXPECT_EQ(expand_home(""), "");
}

TEST(ListFolders, SortedSubfoldersHiddenSkippedModelsMarked) {
    TempDir tmp("catalog_list");
    const fs::path root = tmp.path();
    for (const char* name : {"b", "A", ".hidden", "c_model"}) fs::create_directories(root / name);
    write_file(root / "c_model" / "config.json", "{}");
    write_file(root / "c_model" / "model.safetensors", "x");
    write_file(root / "f.txt", "x");
    fs::create_directory_symlink(root / "b", root / "link_to_b");
    fs::create_symlink(root / "f.txt", root / "link_to_file");

    const FolderListing l = list_folders(root.string() + "/");
    EXPECT_TRUE(l.error.empty()) << l.error;
    EXPECT_EQ(fs::path(l.path), root);
    EXPECT_EQ(fs::path(l.parent), root.parent_path());
    std::vector<std::string> names;
    for (const FolderEntry& e : l.folders) names.push_back(e.name);
    EXPECT_EQ(names, (std::vector<std::string>{"A", "b", "c_model", "link_to_b"}));
    for (const FolderEntry& e : l.folders) {
        EXPECT_EQ(e.looks_like_model, e.name == "c_model") << e.name;
        EXPECT_EQ(fs::path(e.path), root / e.name);
    }
    const FolderListing unmarked = list_folders(root.string(), false);
    for (const FolderEntry& e : unmarked.folders) EXPECT_FALSE(e.looks_like_model);
}

TEST(ListFolders, ErrorsAreMessagesAndTheRootHasNoParent) {
    TempDir tmp("catalog_list_err");
    const FolderListing missing = list_folders((tmp.path() / "nope").string());
    EXPECT_NE(missing.error.find("no such folder"), std::string::npos) << missing.error;
    EXPECT_TRUE(missing.folders.empty());
    write_file(tmp.path() / "file", "x");
    EXPECT_NE(list_folders((tmp.path() / "file").string()).error.find("not a folder"), std::string::npos);
    const FolderListing root = list_folders("/");
    EXPECT_EQ(root.path, "/");
    EXPECT_EQ(root.parent, "");
    const FolderListing relative = list_folders(".");
    EXPECT_TRUE(fs::path(relative.path).is_absolute()) << relative.path;
}

TEST(RecentModels, MostRecentFirstDedupedAndCapped) {
    RecentModels r;
    r.add("/m/a");
    r.add("/m/b/");
    r.add("/m/./a");  // the same folder as /m/a: moves to the front
    r.add("");
    EXPECT_EQ(r.entries(), (std::vector<std::string>{"/m/a", "/m/b"}));
    for (int k = 0; k < 12; ++k) r.add("/m/" + std::to_string(k));
    ASSERT_EQ(r.entries().size(), 10u);
    EXPECT_EQ(r.entries().front(), "/m/11");
    EXPECT_EQ(r.entries().back(), "/m/2");
    r.remove("/m/5/");
    EXPECT_EQ(r.entries().size(), 9u);
    r.remove("/not/there");
    EXPECT_EQ(r.entries().size(), 9u);
    r.add("stories260K");
    EXPECT_EQ(r.entries().front(), "stories260K");
}

TEST(RecentModels, RoundTripsThroughTheSettingsJson) {
    RecentModels r;
    r.add("stories260K");
    r.add("/home/me/models--Qwen--Qwen2.5-0.5B");
    r.add("/tmp/with \"quotes\" and ünïcode");
    const std::string text = r.to_json().dump();
    const auto parsed = parse_json(text, "settings.json");
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    const auto back = RecentModels::from_json(*parsed, "settings.json: recent_models");
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->entries(), r.entries());
}

TEST(RecentModels, HandEditedSettingsAreCheckedDedupedAndCapped) {
    const auto not_array = parse_json("{\"a\": 1}", "s");
    ASSERT_TRUE(not_array.ok());
    const auto e1 = RecentModels::from_json(*not_array, "settings.json: recent_models");
    ASSERT_FALSE(e1.ok());
    EXPECT_NE(e1.error().find("settings.json: recent_models: expected an array"), std::string::npos)
        << e1.error();

    const auto bad_item = parse_json("[\"/a\", \"/b\", 3]", "s");
    ASSERT_TRUE(bad_item.ok());
    const auto e2 = RecentModels::from_json(*bad_item, "recent_models");
    ASSERT_FALSE(e2.ok());
    EXPECT_NE(e2.error().find("recent_models[2]: expected a string"), std::string::npos) << e2.error();

    JsonValue many = JsonValue::array();
    many.push(JsonValue::string("/x"));
    for (int k = 0; k < 14; ++k) many.push(JsonValue::string("/m/" + std::to_string(k)));
    many.push(JsonValue::string("/x/"));  // a duplicate of the newest: dropped
    many.push(JsonValue::string(""));     // empty: dropped
    const auto capped = RecentModels::from_json(many, "recent_models");
    ASSERT_TRUE(capped.ok()) << capped.error();
    ASSERT_EQ(capped->entries().size(), 10u);
    EXPECT_EQ(capped->entries()[0], "/x");
    EXPECT_EQ(capped->entries()[1], "/m/0");
    EXPECT_EQ(capped->entries()[9], "/m/8");
}

}  // namespace
