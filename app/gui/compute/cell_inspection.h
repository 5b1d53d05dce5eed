// Every number one attention weight comes from, gathered from the engine's results for the selected
// (query i, key j) cell: the pure function behind the cell inspector panel (tested without drawing).
#pragma once

#include "app/gui/app_state.h"
#include "core/attention/softmax.h"

#include <string>
#include <utility>
#include <vector>

namespace attnviz::gui {

struct InspectedCell {
    bool valid = false;
    std::string why_not;  ///< when not valid: what to do ("click a cell of any stage")
    int head = 0;
    int kv_head = 0;
    int row = -1;                    ///< query i
    int col = -1;                    ///< key j
    bool chosen_by_default = false;  ///< no cell selected: the query row's strongest key is shown
    std::string query_label;
    std::string key_label;

    std::vector<float> q;         ///< q_i [head_dim] (engine inputs)
    std::vector<float> k;         ///< k_j [head_dim]
    std::vector<float> products;  ///< q_i[d] * k_j[d] [head_dim]
    float products_sum = 0.0f;    ///< sum of the products, as a person adds them
    float raw_score = 0.0f;       ///< engine: raw_scores(i, j) = q_i . k_j
    float scale = 1.0f;           ///< engine: s (1/sqrt(head_dim), or 1 with scaling off)
    float scaled_score = 0.0f;    ///< engine: scores(i, j) = raw * s
    double temperature = 1.0;
    attention::TemperatureRegime regime = attention::TemperatureRegime::kFinite;
    bool visible = true;              ///< engine mask: may query i see key j?
    int n_visible = 0;                ///< keys row i sees
    float row_max = 0.0f;             ///< engine RowStats: m_i
    float row_sum = 0.0f;             ///< engine RowStats: S_i
    float row_lse = 0.0f;             ///< engine RowStats: lse_i
    float exponent = 0.0f;            ///< (s_ij - m_i) / T, finite T and visible only
    float numerator = 0.0f;           ///< exp((s_ij - m_i) / T) (its T = 0 / inf limit); 0 when masked
    float weight_rebuilt = 0.0f;      ///< numerator / S_i
    float weight = 0.0f;              ///< engine: weights(i, j)
    std::vector<float> v;             ///< v_j [d_v]
    std::vector<float> contribution;  ///< weight * v_j [d_v]
    std::vector<float> output;        ///< engine: output row i [d_v] (sum of all contributions)

    /// One sentence on what happened to this cell's weight (masked, argmax, uniform, empty row).
    std::string verdict;
};

/// The (query, key) cell the inspector explains: the selected one, else the locked query's strongest
/// key in the focused head (first on ties); {-1, -1} when there is none. Views outline it.
std::pair<int, int> inspected_cell_index(const AppState& s);

/// Gathers the selected cell (s.selection.selected_cell_row/col, focused head) from s.derived; with
/// no cell selected, the locked query's strongest key (first on ties).
InspectedCell inspect_cell(const AppState& s);

}  // namespace attnviz::gui
