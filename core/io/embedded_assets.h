// The files of assets/ (lexicons, scenarios) compiled into attnviz_core by assets/embed.cmake.
#pragma once

#include "core/io/embedded_file.h"

namespace attnviz::io {

/// Names are relative to assets/, e.g. "lexicon/en.tsv", "scenarios/pod.json".
EmbeddedTable embedded_assets();

}  // namespace attnviz::io
