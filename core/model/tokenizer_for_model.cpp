// The tokenizer of a model folder: tokenizer.json, else GPT-2's vocab.json + merges.txt.
#include "core/model/model_folder.h"
#include "core/model/tokenizer.h"

#include <filesystem>

namespace attnviz::model {

Expected<std::shared_ptr<const Tokenizer>> load_tokenizer_for_model(const std::string& model_dir) {
    auto dir = resolve_model_dir(model_dir);
    if (!dir) return Error{dir.error()};
    const std::filesystem::path base(*dir);
    std::error_code ec;
    if (std::filesystem::is_regular_file(base / "tokenizer.json", ec))
        return load_tokenizer_json((base / "tokenizer.json").string());
    if (std::filesystem::is_regular_file(base / "vocab.json", ec) &&
        std::filesystem::is_regular_file(base / "merges.txt", ec)) {
        return load_gpt2_vocab_merges((base / "vocab.json").string(), (base / "merges.txt").string());
    }
    return Error{*dir +
                 ": no tokenizer.json and no vocab.json + merges.txt: copy the model's tokenizer files into "
                 "the folder"};
}

}  // namespace attnviz::model
