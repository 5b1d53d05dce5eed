// Pieces the real-model commands share (model, tokenize): list arguments and the JSON of tokens.
#pragma once

#include "core/base/expected.h"
#include "core/io/json.h"
#include "core/model/forward.h"
#include "core/model/tokenizer.h"

#include <string>
#include <vector>

namespace attnviz::cli {

/// "1,2,3" -> {1, 2, 3}: non-negative ids, at least one, no empty items.
Expected<std::vector<int>> parse_id_list(const std::string& text);

/// "0.3,2.1" -> {{0, 3}, {2, 1}}: layer.head pairs (ranges are checked against the model later).
Expected<std::vector<model::HeadRef>> parse_head_list(const std::string& text);

/// `text` followed by spaces up to `width` characters (code points, not bytes), for aligned tables of
/// token labels such as "·time" or "⟨E5⟩".
std::string pad_label(const std::string& text, std::size_t width);

/// [{"id", "text", "start", "end"}] for tokens; start and end are null when the tokens came as ids
/// (with_spans = false) rather than from a text.
io::JsonValue tokens_json(const std::vector<model::Token>& tokens, bool with_spans);

}  // namespace attnviz::cli
