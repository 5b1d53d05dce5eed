// Compare (A/B): token alignment, the signed difference B - A and the ranking of changed cells.
#include "app/gui/compute/compare.h"

#include <cmath>
#include <cstdio>

namespace attnviz::gui {

namespace {

const char* const kArrow = "\xE2\x86\x92";  // →
const char* const kMinus = "\xE2\x88\x92";  // −
const char* const kDash = "\xE2\x80\x94";   // —

std::string fixed2(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
    return buf;
}

/// How one axis (queries or keys) of A and B lines up.
struct AxisMatch {
    std::vector<int> a, b;                    ///< matched indices, in order
    std::vector<std::string> labels;          ///< one per match
    bool by_text = false;                     ///< the counts differ: matched by match_tokens
    int n_differ = 0;                         ///< position by position: labels that differ
    std::string first_differ;                 ///< the first such pair, "cat / cats"
    std::vector<std::string> only_a, only_b;  ///< by text: the tokens left out
};

AxisMatch match_axis(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    AxisMatch m;
    if (a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            m.a.push_back(static_cast<int>(i));
            m.b.push_back(static_cast<int>(i));
            if (a[i] == b[i]) {
                m.labels.push_back(a[i]);
            } else {
                m.labels.push_back(a[i] + " / " + b[i]);
                if (m.n_differ++ == 0) m.first_differ = m.labels.back();
            }
        }
        return m;
    }
    m.by_text = true;
    std::vector<bool> used_a(a.size(), false), used_b(b.size(), false);
    for (const auto& [i, j] : match_tokens(a, b)) {
        m.a.push_back(i);
        m.b.push_back(j);
        m.labels.push_back(a[static_cast<std::size_t>(i)]);
        used_a[static_cast<std::size_t>(i)] = true;
        used_b[static_cast<std::size_t>(j)] = true;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!used_a[i]) m.only_a.push_back(a[i]);
    }
    for (std::size_t j = 0; j < b.size(); ++j) {
        if (!used_b[j]) m.only_b.push_back(b[j]);
    }
    return m;
}

/// "\"down\", \"now\"": up to four tokens quoted, then "and N more".
std::string quoted_list(const std::vector<std::string>& tokens) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(tokens.size(), 4);
    for (std::size_t i = 0; i < shown; ++i) out += (i > 0 ? ", \"" : "\"") + tokens[i] + "\"";
    if (tokens.size() > shown) out += " and " + std::to_string(tokens.size() - shown) + " more";
    return out;
}

std::string count_tokens(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " token" : " tokens");
}

/// The note for one axis ("queries", "keys" or "tokens"); empty when its labels are the same.
std::string axis_note(const AxisMatch& m, std::size_t n_a, std::size_t n_b, const std::string& what) {
    if (!m.by_text) {
        if (m.n_differ == 0) return {};
        return "the " + what + " are labelled differently at " + std::to_string(m.n_differ) + " of " +
               std::to_string(n_a) + (n_a == 1 ? " position" : " positions") + " (" + m.first_differ +
               (m.n_differ > 1 ? ", \xE2\x80\xA6" : "") + "); A and B have as many " + what +
               ", so they are compared position by position";
    }
    if (m.a.empty()) {
        return "A has " + count_tokens(n_a) + " and B " + count_tokens(n_b) + " with no " + what +
               " in common, so no cell-wise difference exists: A and B are shown side by side";
    }
    std::string note = "A has " + count_tokens(n_a) + ", B " + count_tokens(n_b) + ": the " +
                       std::to_string(m.a.size()) + " " + what +
                       " both have are matched by their text, in order";
    if (!m.only_a.empty()) note += "; only in A: " + quoted_list(m.only_a);
    if (!m.only_b.empty()) note += "; only in B: " + quoted_list(m.only_b);
    return note + " (left out of the difference, so its rows need not sum to 0)";
}

bool ranks_before(const CellChange& x, const CellChange& y) {
    const float ax = std::fabs(x.delta), ay = std::fabs(y.delta);
    if (ax != ay) return ax > ay;
    if (x.row != y.row) return x.row < y.row;
    return x.col < y.col;
}

}  // namespace

std::vector<std::pair<int, int>> match_tokens(const std::vector<std::string>& a,
                                              const std::vector<std::string>& b) {
    const std::size_t n = a.size(), m = b.size();
    // len[i][j]: the longest common subsequence of a[i..] and b[j..].
    std::vector<int> len((n + 1) * (m + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> int& { return len[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
    std::vector<std::pair<int, int>> out;
    std::size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j] && at(i, j) == at(i + 1, j + 1) + 1) {
            out.emplace_back(static_cast<int>(i), static_cast<int>(j));
            ++i;
            ++j;
        } else if (at(i, j + 1) >= at(i + 1, j)) {
            ++j;  // keeps a's token i for a later match
        } else {
            ++i;
        }
    }
    return out;
}

Comparison compare_sides(const CompareSide& a, const CompareSide& b) {
    Comparison c;
    const bool self_a = a.query_labels == a.key_labels, self_b = b.query_labels == b.key_labels;
    const AxisMatch rows = match_axis(a.query_labels, b.query_labels);
    const AxisMatch cols = self_a && self_b ? rows : match_axis(a.key_labels, b.key_labels);
    const bool same_axes = self_a && self_b;
    if (rows.by_text || cols.by_text) {
        c.alignment = rows.a.empty() || cols.a.empty() ? CompareAlignment::kNoCommonTokens
                                                       : CompareAlignment::kMatchedByText;
    } else {
        c.alignment = rows.n_differ + cols.n_differ > 0 ? CompareAlignment::kLabelsDiffer
                                                        : CompareAlignment::kSameTokens;
    }
    if (same_axes) {
        c.note = axis_note(rows, a.query_labels.size(), b.query_labels.size(), "tokens");
    } else {
        const std::string rn = axis_note(rows, a.query_labels.size(), b.query_labels.size(), "queries");
        const std::string cn = axis_note(cols, a.key_labels.size(), b.key_labels.size(), "keys");
        c.note = rn.empty() ? cn : cn.empty() ? rn : rn + "; " + cn;
    }
    if (c.alignment == CompareAlignment::kNoCommonTokens) return c;

    c.rows_a = rows.a;
    c.rows_b = rows.b;
    c.cols_a = cols.a;
    c.cols_b = cols.b;
    c.row_labels = rows.labels;
    c.col_labels = cols.labels;
    const auto n_rows = static_cast<Eigen::Index>(rows.a.size());
    const auto n_cols = static_cast<Eigen::Index>(cols.a.size());
    c.diff = MatrixRM::Zero(n_rows, n_cols);
    c.visible = MaskMatrix::Zero(n_rows, n_cols);
    std::vector<CellChange> changed;
    bool any = false;
    for (Eigen::Index r = 0; r < n_rows; ++r) {
        const int ra = rows.a[static_cast<std::size_t>(r)], rb = rows.b[static_cast<std::size_t>(r)];
        for (Eigen::Index k = 0; k < n_cols; ++k) {
            const int ca = cols.a[static_cast<std::size_t>(k)], cb = cols.b[static_cast<std::size_t>(k)];
            const bool seen = a.visible(ra, ca) != 0 || b.visible(rb, cb) != 0;
            const float wa = a.weights(ra, ca), wb = b.weights(rb, cb);
            const float d = wb - wa;
            c.diff(r, k) = d;
            c.visible(r, k) = seen ? 1 : 0;
            if (!seen) continue;
            c.min_delta = any ? std::min(c.min_delta, d) : d;
            c.max_delta = any ? std::max(c.max_delta, d) : d;
            any = true;
            if (d != 0.0f) {
                changed.push_back(
                    CellChange{static_cast<int>(r), static_cast<int>(k), ra, ca, rb, cb, wa, wb, d});
            }
        }
    }
    c.n_changed = static_cast<int>(changed.size());
    const std::size_t keep = std::min(changed.size(), kMaxRankedChanges);
    std::partial_sort(changed.begin(), changed.begin() + static_cast<std::ptrdiff_t>(keep), changed.end(),
                      ranks_before);
    changed.resize(keep);
    c.ranked = std::move(changed);
    return c;
}

std::vector<CellChange> row_changes(const Comparison& c, const CompareSide& a, const CompareSide& b,
                                    int row) {
    std::vector<CellChange> out;
    if (!c.has_diff() || row < 0 || row >= c.diff.rows()) return out;
    const int ra = c.rows_a[static_cast<std::size_t>(row)], rb = c.rows_b[static_cast<std::size_t>(row)];
    for (int k = 0; k < c.diff.cols(); ++k) {
        const float d = c.diff(row, k);
        if (c.visible(row, k) == 0 || d == 0.0f) continue;
        const int ca = c.cols_a[static_cast<std::size_t>(k)], cb = c.cols_b[static_cast<std::size_t>(k)];
        out.push_back(CellChange{row, k, ra, ca, rb, cb, a.weights(ra, ca), b.weights(rb, cb), d});
    }
    std::sort(out.begin(), out.end(), ranks_before);
    return out;
}

std::vector<std::string> changed_settings(const CompareSide& a, const CompareSide& b) {
    const auto find = [](const CompareSide& s, const std::string& key) -> const std::string* {
        for (const auto& [k, v] : s.settings) {
            if (k == key) return &v;
        }
        return nullptr;
    };
    std::vector<std::string> out;
    for (const auto& [k, va] : a.settings) {
        const std::string* vb = find(b, k);
        if (vb == nullptr || *vb != va)
            out.push_back(k + ": " + va + " " + kArrow + " " + (vb ? *vb : kDash));
    }
    for (const auto& [k, vb] : b.settings) {
        if (find(a, k) == nullptr) out.push_back(k + ": " + kDash + " " + kArrow + " " + vb);
    }
    return out;
}

std::string format_delta(float delta) {
    if (delta == 0.0f) return "0.00";
    std::string magnitude = fixed2(std::fabs(delta));
    if (magnitude == "0.00") {
        // A change too small for two decimals is still a change: two significant digits ("0.0012").
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2g", static_cast<double>(std::fabs(delta)));
        magnitude = buf;
    }
    return (delta < 0.0f ? kMinus : "+") + magnitude;
}

std::string describe_change(const Comparison& c, const CellChange& ch) {
    const auto label = [](const std::vector<std::string>& labels, int i) {
        return i >= 0 && i < static_cast<int>(labels.size()) ? labels[static_cast<std::size_t>(i)]
                                                             : std::string("?");
    };
    return label(c.row_labels, ch.row) + " " + kArrow + " " + label(c.col_labels, ch.col) + ": " +
           fixed2(ch.a) + " " + kArrow + " " + fixed2(ch.b) + " (" + format_delta(ch.delta) + ")";
}

}  // namespace attnviz::gui
