// How much memory the machine can still give: the check a big allocation makes before it is tried.
#pragma once

#include <cstdint>

namespace attnviz {

/// MemAvailable of /proc/meminfo in bytes, or -1 when the kernel does not say (not Linux, no /proc).
std::int64_t available_memory_bytes();

}  // namespace attnviz
