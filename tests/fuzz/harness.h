// The libFuzzer entry point of one harness: runs a contract of contracts.h on every input and aborts with
// the violation (libFuzzer then saves the input as crash-*).
#pragma once

#include "tests/fuzz/contracts.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define ATTNVIZ_FUZZ_HARNESS(check)                                                                       \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {                   \
        const std::string problem = (check)(std::string_view(reinterpret_cast<const char*>(data), size)); \
        if (!problem.empty()) {                                                                           \
            std::fprintf(stderr, "contract violated (%s): %s\n", #check, problem.c_str());                \
            std::abort();                                                                                 \
        }                                                                                                 \
        return 0;                                                                                         \
    }
