// attnviz-cli tokenize: a real model's tokenizer on a text: ids, display forms and byte spans.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/model_cli.h"
#include "core/model/builtin_model.h"
#include "core/model/tokenizer.h"

#include <cstdio>
#include <string>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli tokenize (--model DIR | --tokenizer FILE) --text TEXT [--json]\n"
    "\n"
    "Tokenizes TEXT as Hugging Face's tokenizer.encode(text) does (special tokens such as <s> added as the\n"
    "tokenizer file says). DIR holds tokenizer.json or GPT-2's vocab.json + merges.txt (or is stories260K,\n"
    "the built-in model); FILE is a tokenizer.json. Prints each token's id, display form (\xC2\xB7 marks a\n"
    "leading space, \xE2\x9F\xA8"
    "E5 9C\xE2\x9F\xA9"
    " the bytes of part of a character) and byte span [start, end) in TEXT.";

}  // namespace

int run_tokenize_command(int argc, char** argv) {
    ArgParser p("attnviz-cli tokenize", kUsage);
    p.option("model", "DIR", "a model folder, a Hugging Face cache folder, or stories260K (built in)");
    p.option("tokenizer", "FILE", "a tokenizer.json file");
    p.option("text", "TEXT", "the text to tokenize");
    p.flag("json", "print {\"tokens\": [{\"id\", \"text\", \"start\", \"end\"}]}");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;
    if (p.has("model") == p.has("tokenizer"))
        return usage_error(p.command() + ": give exactly one of --model or --tokenizer (see --help)");
    const std::optional<std::string> text = p.get("text");
    if (!text) return usage_error(p.command() + ": --text TEXT is required (see --help)");

    Expected<std::shared_ptr<const model::Tokenizer>> tokenizer =
        p.has("model") ? model::open_tokenizer(*p.get("model"))
                       : model::load_tokenizer_json(*p.get("tokenizer"));
    if (!tokenizer) return usage_error(p.command() + ": " + tokenizer.error());
    const std::vector<model::Token> tokens = (*tokenizer)->encode(*text, true);

    if (p.has("json")) {
        io::JsonValue root = io::JsonValue::object();
        root.set("tokens", tokens_json(tokens, true));
        std::printf("%s\n", root.dump(true).c_str());
        return kExitOk;
    }
    std::printf("%zu tokens\n", tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const model::Token& t = tokens[i];
        std::printf("  %4zu  id %-7d %s bytes [%zu, %zu)%s\n", i, t.id, pad_label(t.display, 20).c_str(),
                    t.start, t.end, t.special ? "  special" : "");
    }
    return kExitOk;
}

}  // namespace attnviz::cli
