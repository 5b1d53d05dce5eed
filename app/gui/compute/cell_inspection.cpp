// The numbers behind one weight, read from the engine's results; only the explanatory
// exp((s - m) / T) / S is rebuilt (through core's softmax_numerator), to show it equals the weight.
#include "app/gui/compute/cell_inspection.h"

#include "app/gui/widgets/widgets.h"

#include <cmath>

namespace attnviz::gui {

namespace {

std::vector<float> row_of(const Eigen::Ref<const MatrixRM>& m, int i) {
    std::vector<float> out(static_cast<std::size_t>(m.cols()));
    for (int c = 0; c < m.cols(); ++c) out[static_cast<std::size_t>(c)] = m(i, c);
    return out;
}

}  // namespace

std::pair<int, int> inspected_cell_index(const AppState& s) {
    const Derived& d = s.derived;
    const Selection& sel = s.selection;
    if (!d.result() || sel.focus_head < 0 || sel.focus_head >= static_cast<int>(d.result()->heads.size()))
        return {-1, -1};
    const attention::AttentionResult& r = *d.result();
    if (sel.selected_cell_row >= 0 && sel.selected_cell_col >= 0 && sel.selected_cell_row < r.n_q &&
        sel.selected_cell_col < r.n_k) {
        return {sel.selected_cell_row, sel.selected_cell_col};
    }
    if (sel.selected_cell_col >= 0 || sel.query < 0 || sel.query >= r.n_q) return {-1, -1};
    Eigen::Index j = 0;
    r.heads[static_cast<std::size_t>(sel.focus_head)].weights.row(sel.query).maxCoeff(&j);
    return {sel.query, static_cast<int>(j)};
}

InspectedCell inspect_cell(const AppState& s) {
    InspectedCell c;
    const Derived& d = s.derived;
    if (!d.result() || !d.forward()) {
        c.why_not = d.status.empty() ? "nothing computed yet" : d.status;
        return c;
    }
    const attention::AttentionResult& r = *d.result();
    const int h = s.selection.focus_head;
    const auto [i, j] = inspected_cell_index(s);
    if (i < 0 || j < 0) {
        c.why_not =
            "Click a cell of Q K^T, the scores or the weights (here or in the Attention heatmap) to see "
            "every number its weight comes from.";
        return c;
    }
    const attention::HeadResult& head = r.heads[static_cast<std::size_t>(h)];
    c.chosen_by_default = s.selection.selected_cell_col < 0;
    const attention::AttentionInputs& in = d.forward()->inputs;
    c.valid = true;
    c.head = h;
    c.kv_head = head.kv_head;
    c.row = i;
    c.col = j;
    c.query_label = token_label(s, i);
    c.key_label = key_label(s, j);

    // pass 1: the dot product, term by term
    c.q = row_of(in.q.mat(h), i);
    c.k = row_of(in.k.mat(head.kv_head), j);
    for (std::size_t t = 0; t < c.q.size(); ++t) {
        c.products.push_back(c.q[t] * c.k[t]);
        c.products_sum += c.products.back();
    }
    c.raw_score = head.raw_scores(i, j);
    c.scale = r.scale;
    c.scaled_score = head.scores(i, j);

    // pass 2: mask, temperature and the row's softmax bookkeeping (engine RowStats)
    c.temperature = r.temperature;
    c.regime = attention::temperature_regime(r.temperature);
    c.visible = r.visible(i, j) != 0;
    const auto row = static_cast<std::size_t>(i);
    c.n_visible = head.rows.n_visible[row];
    c.row_max = head.rows.max[row];
    c.row_sum = head.rows.sum[row];
    c.row_lse = head.rows.lse[row];
    if (c.visible && c.n_visible > 0) {
        if (c.regime == attention::TemperatureRegime::kFinite)
            c.exponent = (c.scaled_score - c.row_max) / static_cast<float>(c.temperature);
        c.numerator = attention::softmax_numerator(c.scaled_score, c.row_max, c.temperature);
        c.weight_rebuilt = c.numerator / c.row_sum;
    }
    c.weight = head.weights(i, j);

    // pass 3: what the weight multiplies
    c.v = row_of(in.v.mat(head.kv_head), j);
    for (float x : c.v) c.contribution.push_back(c.weight * x);
    c.output = row_of(head.output, i);

    if (c.n_visible == 0) {
        c.verdict = "\"" + c.query_label +
                    "\" sees no key at all: its whole row of weights is 0 and its output is 0.";
    } else if (!c.visible) {
        c.verdict = "masked: \"" + c.query_label + "\" may not look at \"" + c.key_label +
                    "\", so the score becomes -\xE2\x88\x9E and the weight is exactly 0.";
    } else if (c.regime == attention::TemperatureRegime::kArgmax) {
        c.verdict =
            c.numerator > 0.0f
                ? "T = 0 (argmax): this key has the row's highest score, so it shares all the weight with "
                  "the " +
                      std::to_string(static_cast<int>(c.row_sum)) + " key(s) tied at the max."
                : "T = 0 (argmax): this key's score is below the row's max, so its weight is exactly 0.";
    } else if (c.regime == attention::TemperatureRegime::kUniform) {
        c.verdict = "T = \xE2\x88\x9E (uniform): scores no longer matter; each of the " +
                    std::to_string(c.n_visible) + " visible keys gets 1/" + std::to_string(c.n_visible) + ".";
    } else {
        c.verdict = "visible: weight = exp((s - m) / T) / S.";
    }
    return c;
}

}  // namespace attnviz::gui
