// The --scenario argument: a built-in lesson or a scenario file.
#include "app/cli/scenario_argument.h"

namespace attnviz::cli {

Expected<lesson::Scenario> scenario_argument(const ArgParser& p, const std::string& name) {
    if (const lesson::Scenario* builtin = lesson::find_builtin_scenario(name)) return *builtin;
    if (name.find('/') != std::string::npos || name.find(".json") != std::string::npos) {
        Expected<lesson::Scenario> loaded = lesson::load_scenario_file(name);
        if (!loaded) return Error{p.command() + ": " + loaded.error()};
        return loaded;
    }
    return Error{p.error("scenario", "no built-in lesson '" + name +
                                         "' (built-ins: " + lesson::builtin_scenario_names() +
                                         "); a file path needs a '/' or .json")};
}

}  // namespace attnviz::cli
