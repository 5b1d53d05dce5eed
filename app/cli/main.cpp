// attnviz-cli: the attention engine without a window (compute, export, sizing).
#include "app/cli/commands.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(int, char**);
};

const Command kCommands[] = {
    {"attend", "attention over Q/K/V .npy files; writes weights, outputs, lse", attnviz::cli::run_attend},
    {"kv-cache", "KV-cache memory for a model shape, and the GQA saving", attnviz::cli::run_kv_cache},
    {"lesson", "the lesson model's heads on a sentence or a built-in lesson",
     attnviz::cli::run_lesson_command},
    {"scenarios", "list the built-in lessons", attnviz::cli::run_scenarios},
    {"model", "a real Hugging Face model on a text: tokens, next-token top-k, attention, interventions",
     attnviz::cli::run_model_command},
    {"tokenize", "a real model's tokenizer on a text: ids, display forms, byte spans",
     attnviz::cli::run_tokenize_command},
    {"export", "a head's attention as CSV, .npy, JSON, SVG, a heatmap PNG or an animated GIF",
     attnviz::cli::run_export},
    {"bench", "time the reference and flash paths against this machine's GEMM ceiling",
     attnviz::cli::run_bench},
};

void print_help() {
    std::printf(
        "attnviz-cli %s: transformer attention from the command line, the same engine as the attnviz GUI.\n\n"
        "usage: attnviz-cli <command> [options]     (attnviz-cli <command> --help for its "
        "options)\n\ncommands:\n",
        ATTNVIZ_VERSION);
    for (const Command& c : kCommands) std::printf("  %-12s %s\n", c.name, c.summary);
    std::printf(
        "\noptions:\n  --help       show this help\n  --version    print the version\n"
        "\nexit codes: 0 success, 2 bad arguments or input files, 1 other failures\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
        std::strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? attnviz::cli::kExitUsage : attnviz::cli::kExitOk;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::printf("attnviz-cli %s\n", ATTNVIZ_VERSION);
        return attnviz::cli::kExitOk;
    }
    for (const Command& c : kCommands) {
        if (std::strcmp(argv[1], c.name) == 0) return c.run(argc, argv);
    }
    std::fprintf(stderr, "attnviz-cli: unknown command '%s'; commands: ", argv[1]);
    for (std::size_t i = 0; i < sizeof kCommands / sizeof kCommands[0]; ++i) {
        std::fprintf(stderr, "%s%s", i ? ", " : "", kCommands[i].name);
    }
    std::fprintf(stderr, " (see attnviz-cli --help)\n");
    return attnviz::cli::kExitUsage;
}
