// Compare (A/B): the pinned state A (what the focused head showed when it was pinned) and the comparison
// of it with what is on screen now (B), derived by update() while the Compare view is shown.
#pragma once

#include "app/gui/compute/compare.h"

#include <cstdint>
#include <optional>

namespace attnviz::gui {

/// The four lessons Compare teaches with: A is a built-in lesson, B the same after one change.
enum class CompareDemo {
    kNone,
    kMask,         ///< "The cat sat": causal mask on (A) against off (B)
    kTemperature,  ///< "it finds pod": T = 1 (A) against T = 0.1 (B)
    kHead,         ///< "it finds pod": head 3 (A) against head 7 (B)
    kPlural,       ///< "The cat sat" (A) against "The cats sat" (B)
};

/// What a person set: the pin (kept in memory only; sessions and undo leave it out).
struct CompareState {
    std::optional<CompareSide> pinned;              ///< A; none until pinned
    std::uint64_t pin_version = 0;                  ///< grows with every pin and clear
    bool query_row_only = false;                    ///< the change list ranks only the selected query's row
    CompareDemo demo_pending = CompareDemo::kNone;  ///< pin once the lesson is computed, then change B
    int hover_row = -1;  ///< difference-grid cell under the mouse (last frame), -1 = none
    int hover_col = -1;
};

/// What update() derived from the pin and the run on screen.
struct CompareDerived {
    std::optional<CompareSide> current;    ///< B: the focused head now
    std::optional<Comparison> comparison;  ///< A against B; none without a pin or a run
    std::uint64_t pin_version = 0;         ///< what it was computed from
    std::uint64_t run_version = 0;
    int head = -1;
    int query = -1;
};

}  // namespace attnviz::gui
