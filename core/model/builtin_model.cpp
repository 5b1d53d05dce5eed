// The built-in model's files, embedded with the assembler's .incbin: 1 MB of weights would make a
// generated C array of several MB to parse on every build, .incbin copies the bytes as they are.
#include "core/model/builtin_model.h"

#include <filesystem>
#include <string_view>
#include <system_error>

#ifndef ATTNVIZ_BUILTIN_MODEL_DIR
#error "ATTNVIZ_BUILTIN_MODEL_DIR must name assets/models/stories260K (set in core/CMakeLists.txt)"
#endif

// Each file: a 64-byte aligned start symbol and an end symbol, in read-only data.
#define ATTNVIZ_INCBIN(symbol, file)                    \
    __asm__(                                            \
        ".section .rodata\n"                            \
        ".balign 64\n"                                  \
        ".global " #symbol "_begin\n" #symbol           \
        "_begin:\n"                                     \
        ".incbin \"" ATTNVIZ_BUILTIN_MODEL_DIR "/" file \
        "\"\n"                                          \
        ".global " #symbol "_end\n" #symbol             \
        "_end:\n"                                       \
        ".byte 0\n"                                     \
        ".previous\n");                                 \
    extern "C" const char symbol##_begin[];             \
    extern "C" const char symbol##_end[];

ATTNVIZ_INCBIN(attnviz_builtin_config, "config.json")
ATTNVIZ_INCBIN(attnviz_builtin_weights, "model.safetensors")
ATTNVIZ_INCBIN(attnviz_builtin_tokenizer, "tokenizer.json")

namespace attnviz::model {

namespace {

std::string_view span(const char* begin, const char* end) {
    return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

}  // namespace

bool is_builtin_model_name(const std::string& name) {
    std::error_code ec;  // a folder of that name wins: the user pointed at it
    return name == kBuiltinModelName && !std::filesystem::exists(name, ec);
}

Expected<std::shared_ptr<const Checkpoint>> load_builtin_model(const LoadOptions& options) {
    InMemoryModel m;
    m.name = std::string("built-in ") + kBuiltinModelName;
    m.config_json = span(attnviz_builtin_config_begin, attnviz_builtin_config_end);
    m.weight_files.emplace_back("model.safetensors",
                                span(attnviz_builtin_weights_begin, attnviz_builtin_weights_end));
    return load_checkpoint_from_memory(m, options);
}

Expected<std::shared_ptr<const Tokenizer>> load_builtin_tokenizer() {
    return parse_tokenizer_json(
        std::string(span(attnviz_builtin_tokenizer_begin, attnviz_builtin_tokenizer_end)),
        std::string("built-in ") + kBuiltinModelName + "/tokenizer.json");
}

Expected<std::shared_ptr<const Checkpoint>> open_model(const std::string& dir_or_builtin,
                                                       const LoadOptions& options) {
    if (is_builtin_model_name(dir_or_builtin)) return load_builtin_model(options);
    return load_checkpoint(dir_or_builtin, options);
}

Expected<std::shared_ptr<const Tokenizer>> open_tokenizer(const std::string& dir_or_builtin) {
    if (is_builtin_model_name(dir_or_builtin)) return load_builtin_tokenizer();
    return load_tokenizer_for_model(dir_or_builtin);
}

}  // namespace attnviz::model
