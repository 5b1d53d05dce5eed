// Compare (A/B) actions: pin what the focused head shows as A, clear it, and (for update()) derive B and
// the comparison while the Compare view is shown. Like app_actions.h: edits AppState, no engine calls.
#pragma once

#include "app/gui/app_state.h"

#include <optional>
#include <string>

namespace attnviz::gui {

/// The focused head as it is on screen now: its weights, labels, selected query and a description of
/// the settings it was computed with (the lesson or the model, sentence, layer, head, temperature, mask,
/// interventions). None while nothing is computed.
std::optional<CompareSide> compare_side_now(const AppState& s);

/// Pins what the focused head shows now as A (a second pin replaces the first). Refused with a status
/// message while nothing is computed. Returns whether it pinned.
bool pin_compare(AppState& s);
/// Forgets A.
void clear_compare_pin(AppState& s);
/// The change list ranks the selected query's row only (true) or every cell.
void set_compare_query_row_only(AppState& s, bool only);

/// One of the four Compare lessons: applies its lesson now; update() pins A once it is computed, makes
/// the one change that gives B and shows the Compare view. Only for the lesson model (a real model open:
/// refused with a status message).
void start_compare_demo(AppState& s, CompareDemo demo);
/// "mask", "temperature", "head", "plural" (for --compare) and back; kNone for another name.
CompareDemo compare_demo_from_name(const std::string& name);
const char* compare_demo_name(CompareDemo demo);
/// The button text of a lesson: "mask on vs off".
const char* compare_demo_label(CompareDemo demo);

/// update()'s part: while the Compare view is shown and A is pinned, B and the comparison follow the run
/// on screen, the focused head and the query (recomputed only when one of them changed).
void update_compare(AppState& s);

}  // namespace attnviz::gui
