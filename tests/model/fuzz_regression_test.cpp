// The fuzz harnesses' contracts (tests/fuzz/contracts.h) over every seed of tests/fuzz/corpus/ and every
// input a fuzzer once broke the code with (tests/fuzz/regressions/<harness>/), compiled by the normal
// toolchain.
#include "tests/fuzz/contracts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string bytes_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs each harness's contract over tests/fuzz/<folder>/<harness>/*; returns how many files were checked.
int replay(const std::string& folder) {
    int n_files = 0;
    const fs::path root = fs::path(ATTNVIZ_SOURCE_DIR) / "tests" / "fuzz" / folder;
    for (const auto& [harness, check] : attnviz::fuzz::contracts()) {
        for (const fs::path& file : files_in(root / harness)) {
            EXPECT_EQ(check(bytes_of(file)), "") << harness << ": " << file.string();
            ++n_files;
        }
    }
    return n_files;
}

TEST(FuzzRegression, EveryKeptCrashInputNowMeetsItsContract) {
    // Folders appear as the fuzzers find problems; an empty set is fine, a violation is not.
    replay("regressions");
}

TEST(FuzzRegression, EverySeedMeetsItsContract) {
    // Every harness has seeds, so this cannot pass by finding nothing.
    for (const auto& entry : attnviz::fuzz::contracts()) {
        EXPECT_FALSE(
            files_in(fs::path(ATTNVIZ_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / entry.first).empty())
            << entry.first;
    }
    EXPECT_GT(replay("corpus"), 100);
}

TEST(FuzzRegression, TheFixedTokenizersLoad) {
    for (const auto& tok : attnviz::fuzz::fixed_tokenizers()) ASSERT_NE(tok, nullptr);
}

TEST(FuzzRegression, ContractsCatchViolations) {
    // The checks themselves can fail: an error without the file name, and spans that do not tile.
    EXPECT_NE(attnviz::fuzz::check_rejection("", "x.json"), "");
    EXPECT_NE(attnviz::fuzz::check_rejection("y.json: bad", "x.json"), "");
    EXPECT_EQ(attnviz::fuzz::check_rejection("x.json:1:1: bad", "x.json"), "");
}

}  // namespace
