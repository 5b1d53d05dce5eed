// The attention benchmark's cases, in one place for `attnviz-cli bench` and the Google Benchmark
// program tests/bench/attention_bench.cpp: d = 64, 12 heads, causal off and on, n = 128 .. 4096 for both
// paths, n = 16384 for the flash path only, and a GQA case (32 query / 8 KV heads, d = 128, n = 2048).
#pragma once

#include <vector>

namespace attnviz::cli {

struct BenchCase {
    const char* impl;  ///< "reference" or "flash"
    int n;             ///< tokens (queries = keys)
    int d;             ///< head dim
    int heads;
    int kv_heads;
    bool causal;
};

/// Every case in the order they run; quick: small sizes for a smoke run of a few seconds.
inline std::vector<BenchCase> bench_cases(bool quick) {
    std::vector<BenchCase> cases;
    const std::vector<int> sizes =
        quick ? std::vector<int>{128, 256} : std::vector<int>{128, 512, 1024, 2048, 4096};
    for (int n : sizes) {
        for (bool causal : {false, true}) {
            for (const char* impl : {"reference", "flash"}) cases.push_back({impl, n, 64, 12, 12, causal});
        }
    }
    for (bool causal : {false, true}) cases.push_back({"flash", quick ? 512 : 16384, 64, 12, 12, causal});
    for (const char* impl : {"reference", "flash"})
        cases.push_back({impl, quick ? 256 : 2048, 128, 32, 8, false});
    return cases;
}

}  // namespace attnviz::cli
