// Where a model's files are: a plain Hugging Face folder or a cache folder (models--ORG--NAME).
#pragma once

#include "core/base/expected.h"

#include <string>
#include <utility>
#include <vector>

namespace attnviz::model {

/// The folder that holds config.json: `path` itself, or for a Hugging Face cache folder
/// (models--ORG--NAME) the snapshot named by refs/main (snapshots/REV/), or the only snapshot when refs/main
/// is missing. Errors say what was looked for and where.
Expected<std::string> resolve_model_dir(const std::string& path);

/// The safetensors files of a resolved model folder, in order, as paths (model_dir + "/" + name):
/// model.safetensors alone, or the shards that model.safetensors.index.json lists (each file once, names
/// checked to stay inside the folder, every shard present).
Expected<std::vector<std::string>> list_weight_files(const std::string& model_dir);

/// What list_weight_files found, with the index's weight_map (tensor name -> shard file name, empty for a
/// single model.safetensors) so the loader can check that every listed tensor is in its shard.
struct WeightFiles {
    std::vector<std::string> paths;
    std::vector<std::pair<std::string, std::string>> weight_map;
    std::string index_path;  ///< model.safetensors.index.json's path, or empty
};
Expected<WeightFiles> find_weight_files(const std::string& model_dir);

/// The weight_map of model.safetensors.index.json's text (the body of find_weight_files, without looking at
/// the folder): (tensor name, shard file name) in file order, every shard a plain file name (one path
/// component, not "." or "..", no '/', '\\' or NUL). Tensor names are unique (JSON keys). `index_path` is
/// used in errors.
Expected<std::vector<std::pair<std::string, std::string>>> parse_weight_index(const std::string& text,
                                                                              const std::string& index_path);

}  // namespace attnviz::model
