// Calls an attnviz-cli subcommand in-process with a given argument list (so it runs under the
// sanitizers and its exit code is checked exactly), capturing stdout and stderr.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace attnviz::testing {

struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

inline CliRun run_cli(int (*command)(int, char**), std::vector<std::string> args) {
    args.insert(args.begin(), "attnviz-cli");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    CliRun r;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    r.code = command(static_cast<int>(args.size()), argv.data());
    r.out = ::testing::internal::GetCapturedStdout();
    r.err = ::testing::internal::GetCapturedStderr();
    return r;
}

}  // namespace attnviz::testing
