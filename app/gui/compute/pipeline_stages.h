// The pipeline view's model: which matrix each stage shows (the engine's own numbers), its axis names,
// and how stages and the parts of the formula point at each other. No drawing here.
#pragma once

#include "app/gui/app_actions.h"
#include "app/gui/app_state.h"
#include "core/base/types.h"

#include <optional>
#include <string>
#include <vector>

namespace attnviz::gui {

/// Short title drawn above a stage: "X", "W_q", "Q K^T", ...
const char* stage_title(PipelineStage stage);
/// One line under the title: what the stage computes, in words.
const char* stage_caption(PipelineStage stage);

/// The formula part's text as drawn: "softmax(", "mask(", "Q", ...
const char* formula_part_text(FormulaPart part);

/// The formula parts a stage stands for, as a bit set (bit p = FormulaPart p). Q K^T stands for both
/// Q and K^T; the embeddings X for none.
unsigned stage_formula_parts(PipelineStage stage);
/// The stage a formula part points at (its result).
PipelineStage formula_stage(FormulaPart part);

/// Whether a stage / a formula part is lit, given what the mouse is over (either side).
bool stage_highlighted(const PipelineViewState& v, PipelineStage stage);
bool formula_part_highlighted(const PipelineViewState& v, FormulaPart part);

/// A stage's matrix as the pipeline shows it.
struct StageMatrix {
    MatrixRM values;                     ///< [n_rows, n_cols]; -inf where the mask removed a score
    std::vector<std::string> row_names;  ///< [n_rows]
    std::vector<std::string> col_names;  ///< [n_cols]
    const char* row_axis = "";           ///< "query", "key", "token", "embedding dim"
    const char* col_axis = "";
    bool rows_are_queries = false;       ///< the query row is highlighted
    bool cols_are_keys = false;          ///< the selected key column is highlighted
    bool rows_are_keys = false;          ///< K, V: the selected key's row is highlighted
    bool masked = false;                 ///< draw result.visible's zeros as masked cells
    std::optional<HandMatrix> editable;  ///< the hand example's X and W matrices
    std::string note;                    ///< e.g. "T = 0: the max of each row takes all the weight"
};

/// The matrix of a stage for the focused head. Empty values when nothing is computed.
StageMatrix stage_matrix(const AppState& s, PipelineStage stage);

/// Names of the embedding dimensions (X's columns, the W matrices' rows) and of the value dimensions:
/// the lesson model's, or d0, d1, ... for the hand example.
std::vector<std::string> embedding_dim_labels(const AppState& s);
std::vector<std::string> value_dim_labels(const AppState& s);

}  // namespace attnviz::gui
