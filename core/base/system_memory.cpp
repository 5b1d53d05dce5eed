// MemAvailable from /proc/meminfo, shared by the checkpoint loader and the forward pass's estimates.
#include "core/base/system_memory.h"

#include <fstream>
#include <string>

namespace attnviz {

std::int64_t available_memory_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::int64_t kib = 0;
    std::string rest;
    while (in >> key >> kib) {
        std::getline(in, rest);
        if (key == "MemAvailable:") return kib * 1024;
    }
    return -1;
}

}  // namespace attnviz
