// Finding a model's files: a plain Hugging Face folder, a cache folder resolved through refs/main, and
// the weight files (one model.safetensors or the shards of its index), with every name checked.
#include "core/model/model_folder.h"

#include "core/io/file_io.h"
#include "core/io/json.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

namespace attnviz::model {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxRefBytes = 4096;
constexpr std::int64_t kMaxIndexBytes = 64 << 20;

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);  // follows symlinks (a cache snapshot links into blobs/)
}
bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// A name that stays inside its folder: one path component, not "." or "..", no separators or NUL.
bool is_plain_name(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    return name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

std::vector<std::string> subdirectories(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (is_dir(it->path())) names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string join_names(const std::vector<std::string>& names, std::size_t max_names) {
    std::string s;
    for (std::size_t i = 0; i < names.size() && i < max_names; ++i) s += (i > 0 ? ", " : "") + names[i];
    if (names.size() > max_names) s += ", ...";
    return s;
}

// A cache repository folder (models--ORG--NAME): refs/main names the snapshot; without it, the only one.
Expected<std::string> resolve_cache_repo(const fs::path& repo) {
    const fs::path snapshots = repo / "snapshots";
    const fs::path ref = repo / "refs" / "main";
    std::string rev;
    if (is_file(ref)) {
        Expected<std::string> text = io::read_file_bytes(ref.string(), kMaxRefBytes);
        if (!text) return Error{text.error()};
        rev = text.value();
        while (!rev.empty() &&
               (rev.back() == '\n' || rev.back() == '\r' || rev.back() == ' ' || rev.back() == '\t')) {
            rev.pop_back();
        }
        if (!is_plain_name(rev)) {
            return Error{ref.string() + ": \"" + rev +
                         "\" is not a snapshot name (one folder name expected)"};
        }
    } else {
        const std::vector<std::string> revs = subdirectories(snapshots);
        if (revs.empty()) {
            return Error{repo.string() +
                         ": a Hugging Face cache folder without refs/main or any snapshot; the "
                         "download did not finish"};
        }
        if (revs.size() > 1) {
            return Error{repo.string() + ": no refs/main and " + std::to_string(revs.size()) +
                         " snapshots (" + join_names(revs, 5) + "); point at one of " + snapshots.string() +
                         "/REV"};
        }
        rev = revs.front();
    }
    const fs::path snapshot = snapshots / rev;
    if (!is_dir(snapshot)) {
        return Error{repo.string() + ": refs/main names snapshot " + rev + " but " + snapshot.string() +
                     " does not exist; the download did not finish"};
    }
    if (!is_file(snapshot / "config.json")) {
        return Error{snapshot.string() + ": no config.json in the snapshot; download the whole model"};
    }
    return snapshot.string();
}

}  // namespace

Expected<std::string> resolve_model_dir(const std::string& path) {
    fs::path p(path);
    if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();  // "models--o--n/snapshots/"
    std::error_code ec;
    if (!fs::exists(p, ec)) return Error{path + ": no such folder"};
    if (!is_dir(p)) return Error{path + ": not a folder; point at the folder that holds config.json"};
    if (is_file(p / "config.json")) return path;
    if (is_dir(p / "snapshots") || is_dir(p / "refs")) return resolve_cache_repo(p);
    if (p.filename() == "snapshots" && is_dir(p.parent_path() / "refs"))
        return resolve_cache_repo(p.parent_path());
    // The hub cache root itself: name the models it holds.
    std::vector<std::string> repos;
    for (const std::string& name : subdirectories(p)) {
        if (name.rfind("models--", 0) == 0) repos.push_back(name);
    }
    if (!repos.empty()) {
        return Error{path + ": a Hugging Face cache with " + std::to_string(repos.size()) +
                     " models; point at one of them (" + join_names(repos, 8) + ")"};
    }
    return Error{path +
                 ": no config.json; expected a Hugging Face model folder (config.json, model.safetensors, "
                 "tokenizer.json) or a cache folder models--ORG--NAME"};
}

Expected<std::vector<std::pair<std::string, std::string>>> parse_weight_index(const std::string& text,
                                                                              const std::string& index_path) {
    Expected<io::JsonValue> json = io::parse_json(text, index_path);
    if (!json) return Error{json.error()};
    const io::JsonValue* map = json->is_object() ? json->find("weight_map") : nullptr;
    if (map == nullptr || !map->is_object()) {
        return Error{index_path + ": needs an object \"weight_map\" (tensor name -> shard file name)"};
    }
    if (map->members().empty()) return Error{index_path + ": weight_map lists no tensors"};
    std::vector<std::pair<std::string, std::string>> weight_map;
    for (const io::JsonValue::Member& m : map->members()) {
        if (!m.second.is_string()) {
            return Error{index_path + ": weight_map[\"" + m.first + "\"] must be a file name (line " +
                         std::to_string(m.second.line) + ")"};
        }
        const std::string& shard = m.second.as_string();
        if (!is_plain_name(shard)) {
            return Error{index_path + ": weight_map[\"" + m.first + "\"] is \"" + shard +
                         "\"; shards must be plain file names inside the model folder"};
        }
        weight_map.emplace_back(m.first, shard);
    }
    return weight_map;
}

Expected<WeightFiles> find_weight_files(const std::string& model_dir) {
    const fs::path dir(model_dir);
    WeightFiles out;
    // transformers prefers the single file when both exist.
    if (is_file(dir / "model.safetensors")) {
        out.paths.push_back((dir / "model.safetensors").string());
        return out;
    }
    const fs::path index = dir / "model.safetensors.index.json";
    if (!is_file(index)) {
        std::string hint;
        if (is_file(dir / "pytorch_model.bin") || is_file(dir / "pytorch_model.bin.index.json")) {
            hint =
                "; it has PyTorch .bin weights, which attnviz does not read (download the safetensors files)";
        }
        return Error{model_dir + ": no model.safetensors or model.safetensors.index.json" + hint};
    }
    out.index_path = index.string();
    Expected<std::string> text = io::read_file_bytes(out.index_path, kMaxIndexBytes);
    if (!text) return Error{text.error()};
    Expected<std::vector<std::pair<std::string, std::string>>> map =
        parse_weight_index(text.value(), out.index_path);
    if (!map) return Error{map.error()};
    out.weight_map = std::move(map.value());
    std::set<std::string> seen;
    for (const auto& [tensor, shard] : out.weight_map) {
        if (seen.insert(shard).second) {
            const fs::path shard_path = dir / shard;
            if (!is_file(shard_path)) {
                return Error{out.index_path + ": shard " + shard + " (holding " + tensor +
                             ") is missing from " + model_dir + "; download every shard"};
            }
            out.paths.push_back(shard_path.string());
        }
    }
    return out;
}

Expected<std::vector<std::string>> list_weight_files(const std::string& model_dir) {
    Expected<WeightFiles> files = find_weight_files(model_dir);
    if (!files) return Error{files.error()};
    return std::move(files.value().paths);
}

}  // namespace attnviz::model
