// The subcommands of attnviz-cli. Each takes the whole argv (argv[1] is its name) and returns the
// process exit code: 0 success, 2 bad arguments or files (one line on stderr), 1 other failures.
#pragma once

namespace attnviz::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int run_attend(int argc, char** argv);
int run_kv_cache(int argc, char** argv);
int run_lesson_command(int argc, char** argv);
int run_scenarios(int argc, char** argv);
int run_bench(int argc, char** argv);
int run_model_command(int argc, char** argv);
int run_tokenize_command(int argc, char** argv);
int run_export(int argc, char** argv);

}  // namespace attnviz::cli
