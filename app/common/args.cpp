// ArgParser and typed value parsing with messages that say what and where.
#include "app/common/args.h"

#include <strings.h>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace attnviz::cmdline {

ArgParser::ArgParser(std::string command, std::string usage)
    : m_command(std::move(command)), m_usage(std::move(usage)) {}

void ArgParser::flag(const std::string& name, const std::string& help) {
    m_order.push_back(name);
    m_specs[name] = Spec{false, "", help};
}

void ArgParser::option(const std::string& name, const std::string& metavar, const std::string& help) {
    m_order.push_back(name);
    m_specs[name] = Spec{true, metavar, help};
}

Status ArgParser::parse(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            m_help = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            return m_command + ": unexpected argument '" + arg + "'; options start with -- (see --help)";
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (const std::size_t eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const auto spec = m_specs.find(name);
        if (spec == m_specs.end()) return m_command + ": unknown option --" + name + " (see --help)";
        if (m_values.count(name) != 0) return m_command + ": --" + name + " is given twice";
        if (!spec->second.takes_value) {
            if (inline_value) return m_command + ": --" + name + " takes no value";
            m_values[name] = "";
            continue;
        }
        if (inline_value) {
            m_values[name] = *inline_value;
        } else if (i + 1 < argc) {
            m_values[name] = argv[++i];
        } else {
            return m_command + ": --" + name + " needs a value (" + spec->second.metavar + ")";
        }
    }
    return {};
}

std::optional<std::string> ArgParser::get(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string ArgParser::help_text() const {
    std::string out = m_usage + "\n\noptions:\n";
    for (const std::string& name : m_order) {
        const Spec& s = m_specs.at(name);
        std::string left = "  --" + name + (s.takes_value ? " " + s.metavar : "");
        if (left.size() < 28)
            left.append(28 - left.size(), ' ');
        else
            left += "\n" + std::string(28, ' ');
        out += left + s.help + "\n";
    }
    out += "  --help                    show this help\n";
    return out;
}

std::string ArgParser::error(const std::string& option, const std::string& what) const {
    return m_command + ": --" + option + ": " + what;
}

Expected<double> parse_number(const std::string& text, const std::string& what) {
    if (text.empty()) return Error{what + ": empty value; expected a number"};
    if (strcasecmp(text.c_str(), "inf") == 0 || strcasecmp(text.c_str(), "infinity") == 0 ||
        strcasecmp(text.c_str(), "+inf") == 0) {
        return HUGE_VAL;
    }
    if (strcasecmp(text.c_str(), "-inf") == 0) return -HUGE_VAL;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') return Error{what + ": '" + text + "' is not a number"};
    if (std::isnan(v)) return Error{what + ": NaN is not allowed"};
    if (errno == ERANGE && std::isinf(v)) return Error{what + ": '" + text + "' is out of range"};
    return v;
}

Expected<long long> parse_count(const std::string& text, const std::string& what, long long lo,
                                long long hi) {
    if (text.empty()) return Error{what + ": empty value; expected a whole number"};
    std::string digits = text;
    long long multiplier = 1;
    const char last = digits.back();
    if (last == 'k' || last == 'K') {
        multiplier = 1024;
        digits.pop_back();
    } else if (last == 'M') {
        multiplier = 1024 * 1024;
        digits.pop_back();
    }
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(digits.c_str(), &end, 10);
    if (digits.empty() || end == digits.c_str() || *end != '\0') {
        return Error{what + ": '" + text + "' is not a whole number"};
    }
    if (errno == ERANGE || v > hi / multiplier || v < lo / multiplier || v * multiplier < lo ||
        v * multiplier > hi) {
        return Error{what + ": " + text + " is outside " + std::to_string(lo) + ".." + std::to_string(hi)};
    }
    return v * multiplier;
}

}  // namespace attnviz::cmdline
