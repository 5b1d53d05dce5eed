// What an export holds (tokens, settings, every layer's and head's weights) and the exact-number formats:
// CSV of one head, .npy of one head / one layer / all layers, and a JSON document that loads back.
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/io/json.h"
#include "core/lesson/lesson_run.h"

#include <string>
#include <vector>

namespace attnviz::exports {

/// The `source` of a real model's export: "model: " and the folder or the built-in model's name, so a
/// reader tells it from the lesson model's label and finds the model again.
std::string model_export_source(const std::string& model_path_or_name);

/// One computed attention, ready to be written in any format.
struct AttentionExport {
    std::string source;        ///< what computed it: the lesson model's label, "hand example", "model: DIR"
    std::string sentence;      ///< the text the queries come from
    std::string key_sentence;  ///< cross-attention: the keys' text; empty for self-attention
    std::vector<std::string> query_labels;  ///< [n_q] the query tokens as shown
    std::vector<std::string> key_labels;    ///< [n_k] the key tokens as shown
    std::vector<std::string> head_names;    ///< [n_heads] or empty (a real model's heads have no names)
    /// What the weights were computed with (a real model: its heads and window, the interventions'
    /// temperature and mask). Written with the fields of core/lesson/settings_fields.h.
    lesson::LessonRunSettings settings;
    std::vector<Tensor3> layers;      ///< [n_layers], each [n_heads, n_q, n_k]: rows queries, columns keys
    std::vector<MaskMatrix> visible;  ///< [n_layers], each [n_q, n_k]: 1 where the query may see the key
    int focus_layer = 0;              ///< the layer and head a single-head export writes
    int focus_head = 0;
    int query = -1;  ///< the selected query row, -1 = none

    int n_layers() const { return static_cast<int>(layers.size()); }
    int n_heads() const { return layers.empty() ? 0 : layers.front().n_mats(); }
    int n_queries() const { return static_cast<int>(query_labels.size()); }
    int n_keys() const { return static_cast<int>(key_labels.size()); }
};

/// Checks that every shape agrees (labels, layers, heads, masks, focus and query in range). Empty when valid.
Status validate_export(const AttentionExport& e);

/// One head's weights [n_q, n_k] as a matrix (preconditions: layer and head in range).
MatrixRM head_weights(const AttentionExport& e, int layer, int head);

/// One field of CSV (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote, CR or LF, or
/// starts or ends with a space.
std::string csv_field(const std::string& text);

/// A float written with 9 significant digits ("%.9g"): reading it back gives the same float.
std::string float_text(float v);

/// CSV of one matrix: a header row of the column labels (after an empty corner cell, "query \ key"),
/// then one row per query label followed by its numbers; CRLF line ends (RFC 4180).
/// weights: [row_labels.size(), col_labels.size()].
std::string matrix_csv(const MatrixRM& weights, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels);

/// What a .npy export holds.
enum class NpyScope {
    kHead,       ///< float32 [n_q, n_k]: the focused head
    kLayer,      ///< float32 [n_heads, n_q, n_k]: every head of the focused layer
    kAllLayers,  ///< float32 [n_layers, n_heads, n_q, n_k]
};

/// Writes the weights as .npy (atomically: a failure leaves no file). Preconditions: validate_export ok.
Status write_export_npy(const std::string& path, const AttentionExport& e, NpyScope scope);

/// The whole export as one JSON document:
/// {"format": "attnviz-attention", "version": 1, "source", "sentence", "key_sentence", "tokens": [..],
///  "key_tokens": [..], "head_names": [..], "settings": {..}, "focus": {"layer", "head", "query"},
///  "layers": [{"visible": [[0|1, ..], ..], "heads": [[[w, ..], ..], ..]}, ..]}.
/// Weights carry 9 significant digits, so every float reads back exactly.
io::JsonValue export_to_json(const AttentionExport& e);

/// Reads what export_to_json wrote. Errors name the JSON path ("layers[1].heads[3][2]: ...") and what
/// is wrong; unknown members are ignored, a newer "version" is refused.
Expected<AttentionExport> export_from_json(const std::string& text, const std::string& name);

}  // namespace attnviz::exports
