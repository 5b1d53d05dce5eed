// The real model's side of update(): sends the text and the interventions to the background job, takes
// in what it delivers, and derives what the views show (the shown layer, thumbnails, previews, the
// next-token comparison). The UI thread never waits on the engine here.
#pragma once

#include "app/gui/app_state.h"

namespace attnviz::gui {

/// Encodes the text with the open model's tokenizer and submits a forward pass (a decode that reuses the
/// cached K/V after Generate; otherwise from the first changed layer when only interventions changed).
/// What is on screen stays until the result arrives.
void submit_model_compute(AppState& s);

/// Polls the load and compute lanes; applies a loaded model (the text is recomputed on it) or a finished
/// run; keeps the shown layer, the thumbnails, the model view's preview and the prediction current.
void update_model(AppState& s);

/// The lesson Tokenization the shared views read, from a model's tokens (labels as token texts, byte
/// spans into `text`; generated tokens have empty spans at its end).
lesson::Tokenization tokenization_from_model(const std::vector<model::Token>& tokens,
                                             const std::string& text);

}  // namespace attnviz::gui
