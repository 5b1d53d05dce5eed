// Strict command-line option parsing shared by attnviz and attnviz-cli: declared options, typed values.
#pragma once

#include "core/base/expected.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::cmdline {

/// The options one subcommand accepts. Every option is `--name` (a flag) or `--name VALUE`
/// (also `--name=VALUE`); anything undeclared, repeated or missing its value is an error.
class ArgParser {
  public:
    /// command: "attnviz-cli attend"; usage: the synopsis lines printed by --help.
    ArgParser(std::string command, std::string usage);

    void flag(const std::string& name, const std::string& help);
    void option(const std::string& name, const std::string& metavar, const std::string& help);

    /// Parses argv[first..argc). On error the Status reads "<command>: <what>".
    Status parse(int argc, char** argv, int first);

    bool has(const std::string& name) const { return m_values.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
    bool help_requested() const { return m_help; }
    const std::string& command() const { return m_command; }

    /// Usage plus one line per option.
    std::string help_text() const;

    /// "<command>: --<option>: <what>", for value errors found after parsing.
    std::string error(const std::string& option, const std::string& what) const;

  private:
    struct Spec {
        bool takes_value = false;
        std::string metavar;
        std::string help;
    };
    std::string m_command;
    std::string m_usage;
    std::vector<std::string> m_order;
    std::map<std::string, Spec> m_specs;
    std::map<std::string, std::string> m_values;
    bool m_help = false;
};

/// A number from text: decimal or scientific notation, or inf / infinity (any case). Rejects empty
/// text, trailing characters and NaN. `what` names the option in the error.
Expected<double> parse_number(const std::string& text, const std::string& what);

/// A whole number in [lo, hi], with optional binary suffix k (x1024) or M (x1024^2): "128k" = 131072.
Expected<long long> parse_count(const std::string& text, const std::string& what, long long lo, long long hi);

}  // namespace attnviz::cmdline
