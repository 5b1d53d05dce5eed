// The --scenario NAME|FILE argument the lesson commands share: a built-in lesson by name, or a scenario
// file (a path with '/' or a .json name).
#pragma once

#include "app/cli/cli_output.h"
#include "core/base/expected.h"
#include "core/lesson/scenario.h"

#include <string>

namespace attnviz::cli {

/// The scenario `name` names; the error is one line for usage_error (a file's error names the file, an
/// unknown name lists the built-ins).
Expected<lesson::Scenario> scenario_argument(const ArgParser& p, const std::string& name);

}  // namespace attnviz::cli
