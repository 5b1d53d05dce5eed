// Compare (A/B): two snapshots of a focused head's weights lined up token by token, their signed
// difference B - A, the cells ranked by how much they changed, and which settings differ. No ImGui here.
#pragma once

#include "core/base/types.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::gui {

/// One side of a comparison: what the focused head showed, and what it was computed with.
struct CompareSide {
    MatrixRM weights;                       ///< [n_q, n_k] rows are queries, columns keys
    MaskMatrix visible;                     ///< [n_q, n_k] 1 where the query may see the key
    std::vector<std::string> query_labels;  ///< [n_q]
    std::vector<std::string> key_labels;    ///< [n_k]
    int query = -1;                         ///< the selected query row, -1 for none
    /// The settings it was made with, in display order: {"temperature", "0.1"}, {"mask", "causal"}, ...
    std::vector<std::pair<std::string, std::string>> settings;
    std::string title;  ///< one line for people: "pod \u00B7 head 0 coref \u00B7 T = 1 \u00B7 causal"
};

/// How the rows and columns of A and B were lined up.
enum class CompareAlignment {
    kSameTokens,      ///< equal labels: cell (i, j) of A against cell (i, j) of B
    kLabelsDiffer,    ///< as many tokens, some labels differ: still position by position
    kMatchedByText,   ///< different token counts: the tokens both have, matched by text in order
    kNoCommonTokens,  ///< different counts and no token in common: no cell-wise difference exists
};

/// One cell of the difference grid.
struct CellChange {
    int row = 0;  ///< in the difference grid
    int col = 0;
    int row_a = 0, col_a = 0;  ///< the same cell in A
    int row_b = 0, col_b = 0;  ///< and in B
    float a = 0.0f;
    float b = 0.0f;
    float delta = 0.0f;  ///< b - a
};

/// A and B lined up. The difference grid has one row per matched query and one column per matched key.
struct Comparison {
    CompareAlignment alignment = CompareAlignment::kSameTokens;
    std::string note;  ///< why the grid is not plain position by position (empty for kSameTokens)
    std::vector<int> rows_a, rows_b;      ///< [n_rows] the query of A and of B each difference row is
    std::vector<int> cols_a, cols_b;      ///< [n_cols] the key of A and of B each difference column is
    std::vector<std::string> row_labels;  ///< [n_rows] "cat", or "cat / cats" where A and B differ
    std::vector<std::string> col_labels;  ///< [n_cols]
    MatrixRM diff;                        ///< [n_rows, n_cols] B - A
    MaskMatrix visible;                   ///< [n_rows, n_cols] 1 where A or B sees the key
    float min_delta = 0.0f;               ///< over visible cells (0 when none)
    float max_delta = 0.0f;
    int n_changed = 0;  ///< visible cells with delta != 0
    /// The visible cells with delta != 0, largest |delta| first (ties: row, then column), at most
    /// kMaxRankedChanges of them.
    std::vector<CellChange> ranked;

    bool has_diff() const { return alignment != CompareAlignment::kNoCommonTokens && diff.size() > 0; }
    float max_abs_delta() const { return std::max(-min_delta, max_delta); }
};

inline constexpr std::size_t kMaxRankedChanges = 200;

/// The pairs (i in a, j in b) of a longest common subsequence of two label lists (equal texts, in order),
/// ascending. Ties between equally long matchings go to the earliest tokens of a.
std::vector<std::pair<int, int>> match_tokens(const std::vector<std::string>& a,
                                              const std::vector<std::string>& b);

/// Lines A and B up and computes B - A. Token lists of equal length are compared position by position
/// (with a note naming the labels that differ); of different lengths, by match_tokens over the query
/// labels (rows) and the key labels (columns). Preconditions: each side's weights and visible have the
/// shape of its labels.
Comparison compare_sides(const CompareSide& a, const CompareSide& b);

/// The visible changed cells of one difference row (a query), largest |delta| first.
std::vector<CellChange> row_changes(const Comparison& c, const CompareSide& a, const CompareSide& b, int row);

/// The settings whose value differs, as "temperature: 1 \u2192 0.1" (a setting only one side has reads
/// "\u2014" on the other), in A's order then B's new ones.
std::vector<std::string> changed_settings(const CompareSide& a, const CompareSide& b);

/// "it \u2192 pod: 0.73 \u2192 0.41 (\u22120.32)": a change as the list shows it (2 decimals, a real minus).
std::string describe_change(const Comparison& c, const CellChange& change);

/// "+0.32", "\u22120.32", "0.00" (exactly 0): a signed difference with 2 decimals, or 2 significant digits
/// when 2 decimals would hide it ("+0.0012").
std::string format_delta(float delta);

}  // namespace attnviz::gui
