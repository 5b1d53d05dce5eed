// The --scenario argument: a built-in lesson or a scenario file.
#include "app/cli/scenario_argument.h"

namespace attnviz::cli {

Expected<Scenario> scenario_argument(const ArgParser& p, const std::string& name) {
    if (const Scenario* builtin = find_builtin_scenario(name)) return *builtin;
    if (name.find('/') != std::string::npos || name.find(".json") != std::string::npos) {
        Expected<Scenario> loaded = load_scenario_file(name);
        if (!loaded) return Error{p.command() + ": " + loaded.error()};
        return loaded;
    }
    return Error{p.error("scenario", "no built-in lesson '" + name + "' (built-ins: " +
                                         builtin_scenario_names() + "); a file path needs a '/' or .json")};
}

}  // namespace attnviz::cli
