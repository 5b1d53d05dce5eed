// What the GUI's model chooser lists: whether a folder looks like a model (and why not), the models in the
// Hugging Face cache, the subfolders of a folder for the in-app browser, and the recently opened models.
// Every function reports problems as messages, never as exceptions, and reads no weight data.
#pragma once

#include "core/base/expected.h"
#include "core/io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::model {

/// The verdict on one folder, from a few stat calls (and refs/main for a cache folder).
struct ModelFolderCheck {
    bool looks_like_model = false;
    /// Why not, for a person ("no config.json", "PyTorch .bin weights only: ..."); empty when it does.
    std::string reason;
    /// The folder that holds config.json (the snapshot of a cache folder); empty when unresolved.
    std::string model_dir;
    bool cache_folder = false;  ///< a Hugging Face cache repository (models--ORG--NAME)
};

/// A folder looks like a model when it holds config.json and model.safetensors or
/// model.safetensors.index.json, or is a Hugging Face cache folder (models--ORG--NAME, or any folder with
/// snapshots/ or refs/) whose snapshot (refs/main, else the only one) does. Cheap: the index is not parsed
/// and no weight file is opened, so load_checkpoint can still refuse a folder that passes.
ModelFolderCheck looks_like_model(const std::string& dir);

/// The Hugging Face hub cache folder, as huggingface_hub finds it: $HF_HUB_CACHE, else $HF_HOME/hub,
/// else $XDG_CACHE_HOME/huggingface/hub, else $HOME/.cache/huggingface/hub (a variable set to "" counts
/// as unset). Empty when none of them is set. The folder need not exist.
std::string hf_hub_cache_dir();

/// One model repository in the cache.
struct CachedModel {
    std::string name;              ///< "ORG/NAME" (or "NAME" for models--NAME)
    std::string path;              ///< the models--ORG--NAME folder (load_checkpoint resolves it)
    std::int64_t size_bytes = -1;  ///< the files in its blobs/ folder; -1 when there is no blobs/
    ModelFolderCheck check;        ///< whether it can be opened (a partial download says why not)
};

struct HfCacheScan {
    std::string hub_dir;              ///< the folder scanned
    std::vector<CachedModel> models;  ///< sorted by name, case-insensitively
    /// Empty, or why the folder could not be read. A cache folder that does not exist is not an error
    /// (nothing was downloaded): models is then empty and error empty.
    std::string error;
};

/// The models--ORG--NAME folders of a hub cache folder (datasets-- and spaces-- folders skipped).
HfCacheScan scan_hf_cache(const std::string& hub_dir);
/// scan_hf_cache(hf_hub_cache_dir()).
HfCacheScan scan_default_hf_cache();

/// A readable name for a model path: "ORG/NAME" for a cache folder (or a snapshot inside one), else the
/// folder's own name ("stories260K" stays "stories260K").
std::string model_display_name(const std::string& path);

/// "~" and "~/..." with $HOME; any other path unchanged.
std::string expand_home(const std::string& path);

/// One subfolder in the browser.
struct FolderEntry {
    std::string name;
    std::string path;
    bool looks_like_model = false;  ///< only filled when list_folders was asked to mark models
};

struct FolderListing {
    std::string path;    ///< the folder listed, absolute and lexically normal ("~" expanded)
    std::string parent;  ///< its parent, empty at the root
    std::vector<FolderEntry>
        folders;        ///< sorted by name, case-insensitively; names starting with '.' skipped
    std::string error;  ///< empty, or why (part of) the folder could not be read
};

/// The subfolders of `dir` (symlinks to folders included). mark_models: run looks_like_model on each
/// (a few stat calls per folder).
FolderListing list_folders(const std::string& dir, bool mark_models = true);

/// The recently opened models, most recent first, each once, at most kMaxEntries. Entries are what the
/// user opened: a folder path (stored lexically normal, without a trailing '/') or the built-in model's
/// name.
class RecentModels {
  public:
    static constexpr int kMaxEntries = 10;

    /// Puts `path` first (moving it if it was already listed) and drops the oldest beyond kMaxEntries.
    /// An empty path is ignored.
    void add(const std::string& path);
    /// Removes `path` (a folder that no longer opens); no effect when it is not listed.
    void remove(const std::string& path);
    const std::vector<std::string>& entries() const { return m_entries; }

    /// A JSON array of strings, most recent first, for the settings file.
    io::JsonValue to_json() const;
    /// Reads to_json's array back (deduplicated and capped as add does). `where` names the value in
    /// errors ("settings.json: recent_models[2]: expected a string").
    static Expected<RecentModels> from_json(const io::JsonValue& value, const std::string& where);

  private:
    std::vector<std::string> m_entries;  ///< invariant: distinct, non-empty, at most kMaxEntries
};

}  // namespace attnviz::model
