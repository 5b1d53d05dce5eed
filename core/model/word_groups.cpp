// Tokens grouped into words by their display labels, and attention merged over those words (rules in
// word_groups.h).
#include "core/model/word_groups.h"

#include <string>

namespace attnviz::model {

namespace {

constexpr const char* kWhitespaceMarks[] = {
    "\xC2\xB7",      // · space
    "\xE2\x86\xB5",  // ↵ newline
    "\xE2\x87\xA5",  // ⇥ tab
    " ",
    "\t",
    "\r",
    "\n",
};

bool starts_with_whitespace(const std::string& label) {
    for (const char* mark : kWhitespaceMarks) {
        if (label.rfind(mark, 0) == 0) return true;
    }
    return false;
}

constexpr const char* kLineBreakMarks[] = {
    "\xE2\x86\xB5",  // ↵ newline
    "\xE2\x87\xA5",  // ⇥ tab
    "\t",           "\r", "\n",
};

bool ends_with_line_break(const std::string& label) {
    for (const char* mark : kLineBreakMarks) {
        const std::string m(mark);
        if (label.size() >= m.size() && label.compare(label.size() - m.size(), m.size(), m) == 0) return true;
    }
    return false;
}

/// Word starts and word indices agree with each other and with n tokens.
bool consistent(const WordGroups& g) {
    const int n = g.n_tokens();
    if (g.word_start.empty() || g.word_start.front() != 0 || g.word_start.back() != n) return false;
    for (std::size_t w = 0; w + 1 < g.word_start.size(); ++w) {
        if (g.word_start[w] >= g.word_start[w + 1]) return false;
        for (int k = g.word_start[w]; k < g.word_start[w + 1]; ++k) {
            if (g.word_of_token[static_cast<std::size_t>(k)] != static_cast<int>(w)) return false;
        }
    }
    return true;
}

}  // namespace

WordGroups group_words_from_labels(const std::vector<std::string>& displays,
                                   const std::vector<bool>& special) {
    WordGroups g;
    const std::size_t n = displays.size();
    g.word_of_token.reserve(n);
    auto is_special = [&](std::size_t k) { return k < special.size() && special[k]; };
    for (std::size_t k = 0; k < n; ++k) {
        const bool starts = k == 0 || is_special(k) || is_special(k - 1) ||
                            starts_with_whitespace(displays[k]) || ends_with_line_break(displays[k - 1]);
        if (starts) g.word_start.push_back(static_cast<int>(k));
        g.word_of_token.push_back(static_cast<int>(g.word_start.size()) - 1);
    }
    g.word_start.push_back(static_cast<int>(n));
    return g;
}

WordGroups group_words(const std::vector<Token>& tokens) {
    std::vector<std::string> displays;
    std::vector<bool> special;
    displays.reserve(tokens.size());
    special.reserve(tokens.size());
    for (const Token& t : tokens) {
        displays.push_back(t.display);
        special.push_back(t.special);
    }
    return group_words_from_labels(displays, special);
}

std::vector<std::string> word_labels(const std::vector<std::string>& displays, const WordGroups& groups) {
    std::vector<std::string> labels(static_cast<std::size_t>(groups.n_words()));
    for (std::size_t k = 0; k < displays.size() && k < groups.word_of_token.size(); ++k) {
        const int w = groups.word_of_token[k];
        if (w >= 0 && w < groups.n_words()) labels[static_cast<std::size_t>(w)] += displays[k];
    }
    return labels;
}

Expected<MatrixRM> merge_attention(const ConstMapRM& weights, const WordGroups& groups) {
    const int n = groups.n_tokens();
    if (weights.rows() != n || weights.cols() != n) {
        return Error{"merge into words: the weights are [" + std::to_string(weights.rows()) + ", " +
                     std::to_string(weights.cols()) + "] but the text has " + std::to_string(n) +
                     " tokens; group the words of the same text"};
    }
    if (!consistent(groups)) {
        return Error{
            "merge into words: the word groups are inconsistent (word starts do not match the "
            "tokens' word indices); build them with group_words"};
    }
    const int n_words = groups.n_words();
    MatrixRMd sum = MatrixRMd::Zero(n_words, n_words);
    for (int i = 0; i < n; ++i) {
        const int a = groups.word_of_token[static_cast<std::size_t>(i)];
        for (int j = 0; j < n; ++j) {
            sum(a, groups.word_of_token[static_cast<std::size_t>(j)]) += static_cast<double>(weights(i, j));
        }
    }
    for (int a = 0; a < n_words; ++a) {
        const int size = groups.word_start[static_cast<std::size_t>(a) + 1] -
                         groups.word_start[static_cast<std::size_t>(a)];
        sum.row(a) /= static_cast<double>(size);
    }
    return MatrixRM(sum.cast<float>());
}

}  // namespace attnviz::model
