// Shared reporting for attnviz-cli commands: one-line errors, help output.
#pragma once

#include "app/common/args.h"

#include <string>

namespace attnviz::cli {

// The commands share the common parser under short names.
using cmdline::ArgParser;
using cmdline::parse_count;
using cmdline::parse_number;

/// Prints "<message>" as one line on stderr (line breaks inside it become spaces) and returns kExitUsage.
int usage_error(const std::string& message);

/// A number as "%g" would print it, with an infinity as "inf" (temperatures: 0 and inf are valid settings).
std::string format_number(double v);

/// Parses argv into `parser`; prints help (returns 0) or the error (returns 2) when needed.
/// Returns -1 when the command should go on.
int parse_or_exit(ArgParser& parser, int argc, char** argv);

}  // namespace attnviz::cli
