// The trained model that ships inside the binary (stories260K), so a machine with nothing downloaded
// still opens a real model.
#pragma once

#include "core/base/expected.h"
#include "core/model/checkpoint.h"
#include "core/model/tokenizer.h"

#include <memory>
#include <string>

namespace attnviz::model {

/// The built-in model's name; `attnviz-cli model --model stories260K` and the GUI's model list use it.
constexpr const char* kBuiltinModelName = "stories260K";

/// True when `name` names the built-in model rather than a folder (a folder of that name wins).
bool is_builtin_model_name(const std::string& name);

/// stories260K (5-layer Llama, 8 query / 4 KV heads, vocab 512) from the bytes embedded at build time
/// (assets/models/stories260K). Validated like any checkpoint.
Expected<std::shared_ptr<const Checkpoint>> load_builtin_model(const LoadOptions& options = {});

/// Its tokenizer (SentencePiece-style BPE with byte fallback; <s> prepended).
Expected<std::shared_ptr<const Tokenizer>> load_builtin_tokenizer();

/// A model by what a person typed: the built-in model's name, or a folder (see load_checkpoint).
Expected<std::shared_ptr<const Checkpoint>> open_model(const std::string& dir_or_builtin,
                                                       const LoadOptions& options = {});
/// The tokenizer of open_model's model.
Expected<std::shared_ptr<const Tokenizer>> open_tokenizer(const std::string& dir_or_builtin);

}  // namespace attnviz::model
