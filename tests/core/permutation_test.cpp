// Attention alone has no notion of order: without positions (and without the causal mask) shuffling
// the tokens shuffles the outputs the same way; with positions the outputs change.
#include "core/lesson/lesson_run.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace attnviz {
namespace {

/// max |O_shuffled[i] - O_original[perm[i]]| over every head, row and value dimension.
float max_permuted_difference(bool use_positions) {
    const std::vector<std::string> words = {"the", "pod", "crashed", "because", "it",
                                            "ran", "out", "of",      "memory"};
    const std::vector<int> perm = {4, 0, 8, 2, 6, 1, 7, 3, 5};  // shuffled[i] = words[perm[i]]
    std::string original, shuffled;
    for (std::size_t i = 0; i < words.size(); ++i) {
        original += (i ? " " : "") + words[i];
        shuffled += (i ? " " : "") + words[static_cast<std::size_t>(perm[i])];
    }
    lesson::LessonRunSettings s;
    s.causal = false;
    s.use_positions = use_positions;
    const Expected<lesson::LessonRun> a = lesson::run_lesson(original, "", s);
    const Expected<lesson::LessonRun> b = lesson::run_lesson(shuffled, "", s);
    EXPECT_TRUE(a.ok() && b.ok());
    float diff = 0.0f;
    for (std::size_t h = 0; h < a->result.heads.size(); ++h) {
        for (int i = 0; i < static_cast<int>(perm.size()); ++i) {
            const auto d = (b->result.heads[h].output.row(i) -
                            a->result.heads[h].output.row(perm[static_cast<std::size_t>(i)]))
                               .cwiseAbs();
            diff = std::max(diff, d.maxCoeff());
        }
    }
    return diff;
}

TEST(Permutation, WithoutPositionsOutputsArePermutedTheSameWay) {
    // Only the order of the float sums over keys changes: a few ulps.
    EXPECT_LT(max_permuted_difference(false), 1e-5f);
}

TEST(Permutation, WithPositionsOrderMatters) {
    EXPECT_GT(max_permuted_difference(true), 1e-2f);
}

}  // namespace
}  // namespace attnviz
