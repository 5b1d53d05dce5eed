// The pattern gallery's cards: what each known attention pattern sets (mask, head, sentence) and the
// two lines a teacher says about it. Used by apply_pattern (app_actions.h) and the card previews.
#pragma once

#include "app/gui/app_state.h"

#include <string>
#include <vector>

namespace attnviz::gui {

enum class Pattern {
    kCausal,
    kSlidingWindow,
    kGlobalWindow,
    kSink,
    kPreviousToken,
    kInduction,
    kBidirectional
};

struct PatternInfo {
    Pattern id;
    const char* name;
    const char* what;   ///< what it is for
    const char* where;  ///< where it is used
};

/// Every card, in gallery order.
const std::vector<PatternInfo>& patterns();

/// The lesson model's heads a card can focus (core/lesson/lesson_heads.cpp order).
inline constexpr int kHeadPrevious = 1;
inline constexpr int kHeadSink = 2;
inline constexpr int kHeadInduction = 4;
inline constexpr int kHeadLocal = 5;

/// The sliding window the window cards set (W keys, the query included).
inline constexpr int kGalleryWindow = 3;

/// A sentence with a repeat, "A B ... A": its last "cat" should look at "sat".
inline constexpr const char* kInductionSentence = "the cat sat on the mat and then the cat";

/// What a card changes, computed from the current state (it keeps whatever it does not name).
struct PatternTarget {
    lesson::LessonRunSettings settings;
    int focus_head = -1;      ///< -1: keep the focused head
    std::string sentence;     ///< empty: keep the sentence
    bool query_last = false;  ///< select the last token (the repeat of the induction sentence)
};
PatternTarget pattern_target(Pattern p, const AppState& s);

}  // namespace attnviz::gui
