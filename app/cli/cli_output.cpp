// One-line errors on stderr and --help handling shared by every subcommand.
#include "app/cli/cli_output.h"

#include "app/cli/commands.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace attnviz::cli {

int usage_error(const std::string& message) {
    // Exactly one line, even when a path or a quoted input holds a line break.
    std::string line = message;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    return kExitUsage;
}

int parse_or_exit(ArgParser& parser, int argc, char** argv) {
    const Status s = parser.parse(argc, argv, 2);
    if (parser.help_requested()) {
        std::fputs(parser.help_text().c_str(), stdout);
        return kExitOk;
    }
    if (!s.empty()) return usage_error(s);
    return -1;
}

std::string format_number(double v) {
    if (std::isinf(v)) return "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace attnviz::cli
