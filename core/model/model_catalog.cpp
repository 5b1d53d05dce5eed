// Model folders for the GUI's chooser: the looks-like-a-model check, the Hugging Face cache scan, folder
// listings for the browser and the recent-models list (contracts in model_catalog.h).
#include "core/model/model_catalog.h"

#include "core/model/model_folder.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace attnviz::model {

namespace fs = std::filesystem;

namespace {

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);  // follows symlinks (cache snapshots link into blobs/)
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

bool less_ignoring_case(const std::string& a, const std::string& b) {
    const auto lower = [](unsigned char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
    };
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char ca = lower(static_cast<unsigned char>(a[i]));
        const unsigned char cb = lower(static_cast<unsigned char>(b[i]));
        if (ca != cb) return ca < cb;
    }
    if (a.size() != b.size()) return a.size() < b.size();
    return a < b;  // same letters: a fixed order all the same
}

/// The weights check of a folder that holds config.json.
void check_weights(const fs::path& dir, ModelFolderCheck& out) {
    if (is_file(dir / "model.safetensors") || is_file(dir / "model.safetensors.index.json")) {
        out.looks_like_model = true;
        return;
    }
    if (is_file(dir / "pytorch_model.bin") || is_file(dir / "pytorch_model.bin.index.json")) {
        out.reason = "PyTorch .bin weights only; attnviz reads safetensors (download model.safetensors)";
        return;
    }
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".gguf") {
            out.reason =
                "GGUF weights only; attnviz reads Hugging Face safetensors (download the original model)";
            return;
        }
    }
    out.reason = "config.json but no model.safetensors or model.safetensors.index.json";
}

/// "models--ORG--NAME" -> "ORG/NAME", as huggingface_hub names it; empty when `folder` is not one.
std::string repo_name_of(const std::string& folder) {
    const std::string prefix = "models--";
    if (folder.rfind(prefix, 0) != 0 || folder.size() == prefix.size()) return {};
    std::string name;
    std::size_t at = prefix.size();
    while (true) {
        const std::size_t next = folder.find("--", at);
        name += folder.substr(at, next == std::string::npos ? std::string::npos : next - at);
        if (next == std::string::npos) break;
        name += '/';
        at = next + 2;
    }
    return name;
}

std::int64_t blobs_size(const fs::path& repo) {
    const fs::path blobs = repo / "blobs";
    if (!is_dir(blobs)) return -1;
    std::int64_t total = 0;
    std::error_code ec;
    for (fs::directory_iterator it(blobs, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code size_ec;
        if (!it->is_regular_file(size_ec)) continue;
        const std::uintmax_t size = it->file_size(size_ec);
        if (!size_ec) total += static_cast<std::int64_t>(size);
    }
    return total;
}

/// Lexically normal, without a trailing separator (except for the root itself).
std::string normal_path(const std::string& path) {
    std::string s = fs::path(path).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

}  // namespace

ModelFolderCheck looks_like_model(const std::string& dir) {
    ModelFolderCheck out;
    const fs::path p(dir);
    std::error_code ec;
    if (dir.empty() || !fs::exists(p, ec)) {
        out.reason = "no such folder";
        return out;
    }
    if (!is_dir(p)) {
        out.reason = "not a folder";
        return out;
    }
    if (is_file(p / "config.json")) {
        out.model_dir = dir;
        check_weights(p, out);
        return out;
    }
    const std::string name =
        p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
    if (is_dir(p / "snapshots") || is_dir(p / "refs") || !repo_name_of(name).empty()) {
        out.cache_folder = true;
        Expected<std::string> snapshot = resolve_model_dir(dir);
        if (!snapshot) {
            out.reason = snapshot.error();
            return out;
        }
        out.model_dir = snapshot.value();
        check_weights(fs::path(out.model_dir), out);
        return out;
    }
    for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (!repo_name_of(it->path().filename().string()).empty() && is_dir(it->path())) {
            out.reason = "a Hugging Face cache folder: open one of the models--ORG--NAME folders in it";
            return out;
        }
    }
    out.reason = "no config.json";
    return out;
}

std::string hf_hub_cache_dir() {
    if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) return hub;
    if (const std::string home = env("HF_HOME"); !home.empty()) return (fs::path(home) / "hub").string();
    if (const std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) {
        return (fs::path(xdg) / "huggingface" / "hub").string();
    }
    if (const std::string home = env("HOME"); !home.empty()) {
        return (fs::path(home) / ".cache" / "huggingface" / "hub").string();
    }
    return {};
}

HfCacheScan scan_hf_cache(const std::string& hub_dir) {
    HfCacheScan out;
    out.hub_dir = hub_dir;
    if (hub_dir.empty()) return out;
    const fs::path hub(hub_dir);
    std::error_code ec;
    if (!fs::exists(hub, ec)) return out;
    if (!is_dir(hub)) {
        out.error = hub_dir + ": not a folder (the Hugging Face cache should be one)";
        return out;
    }
    fs::directory_iterator it(hub, ec);
    for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
        const std::string folder = it->path().filename().string();
        const std::string name = repo_name_of(folder);
        if (name.empty() || !is_dir(it->path())) continue;
        CachedModel m;
        m.name = name;
        m.path = it->path().string();
        m.size_bytes = blobs_size(it->path());
        m.check = looks_like_model(m.path);
        out.models.push_back(std::move(m));
    }
    if (ec) out.error = hub_dir + ": " + ec.message();
    std::sort(out.models.begin(), out.models.end(),
              [](const CachedModel& a, const CachedModel& b) { return less_ignoring_case(a.name, b.name); });
    return out;
}

HfCacheScan scan_default_hf_cache() {
    return scan_hf_cache(hf_hub_cache_dir());
}

std::string model_display_name(const std::string& path) {
    const fs::path p(normal_path(path));
    // .../models--ORG--NAME/snapshots/REV -> the repository's name.
    if (p.parent_path().filename() == "snapshots") {
        const std::string repo = repo_name_of(p.parent_path().parent_path().filename().string());
        if (!repo.empty()) return repo;
    }
    const std::string folder = p.filename().string();
    const std::string repo = repo_name_of(folder);
    return repo.empty() ? folder : repo;
}

std::string expand_home(const std::string& path) {
    if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/')) return path;
    const std::string home = env("HOME");
    if (home.empty()) return path;
    return home + path.substr(1);
}

FolderListing list_folders(const std::string& dir, bool mark_models) {
    FolderListing out;
    std::error_code ec;
    fs::path p(expand_home(dir.empty() ? std::string(".") : dir));
    if (p.is_relative()) {
        const fs::path absolute = fs::absolute(p, ec);
        if (!ec) p = absolute;
    }
    out.path = normal_path(p.string());
    const fs::path listed(out.path);
    if (listed.has_parent_path() && listed.parent_path() != listed)
        out.parent = listed.parent_path().string();
    if (!fs::exists(listed, ec)) {
        out.error = out.path + ": no such folder";
        return out;
    }
    if (!is_dir(listed)) {
        out.error = out.path + ": not a folder";
        return out;
    }
    fs::directory_iterator it(listed, ec);
    for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.' || !is_dir(it->path())) continue;
        FolderEntry e;
        e.name = name;
        e.path = it->path().string();
        if (mark_models) e.looks_like_model = looks_like_model(e.path).looks_like_model;
        out.folders.push_back(std::move(e));
    }
    if (ec) out.error = out.path + ": " + ec.message();
    std::sort(out.folders.begin(), out.folders.end(),
              [](const FolderEntry& a, const FolderEntry& b) { return less_ignoring_case(a.name, b.name); });
    return out;
}

void RecentModels::add(const std::string& path) {
    if (path.empty()) return;
    const std::string entry = normal_path(path);
    m_entries.erase(std::remove(m_entries.begin(), m_entries.end(), entry), m_entries.end());
    m_entries.insert(m_entries.begin(), entry);
    if (m_entries.size() > static_cast<std::size_t>(kMaxEntries))
        m_entries.resize(static_cast<std::size_t>(kMaxEntries));
}

void RecentModels::remove(const std::string& path) {
    const std::string entry = path.empty() ? path : normal_path(path);
    m_entries.erase(std::remove(m_entries.begin(), m_entries.end(), entry), m_entries.end());
}

io::JsonValue RecentModels::to_json() const {
    io::JsonValue a = io::JsonValue::array();
    for (const std::string& e : m_entries) a.push(io::JsonValue::string(e));
    return a;
}

Expected<RecentModels> RecentModels::from_json(const io::JsonValue& value, const std::string& where) {
    if (!value.is_array()) return Error{where + ": expected an array of model paths"};
    const std::vector<io::JsonValue>& items = value.items();
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (!items[k].is_string()) {
            return Error{where + "[" + std::to_string(k) + "]: expected a string (a model folder's path)"};
        }
    }
    RecentModels out;
    // Oldest first through add, so the first item ends up first and duplicates keep their newest place.
    for (std::size_t k = items.size(); k-- > 0;) out.add(items[k].as_string());
    return out;
}

}  // namespace attnviz::model
