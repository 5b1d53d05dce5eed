// What the lab views (temperature, gallery, permutation) show besides the main result: computed in
// update() through core, only when what they depend on changed. Panels only read s.derived.lab.
#pragma once

#include "app/gui/app_state.h"
#include "core/lesson/lesson_run.h"

namespace attnviz::gui {

/// The sweep plot's temperature range (log axis) and resolution.
inline constexpr double kSweepTMin = 0.05;
inline constexpr double kSweepTMax = 20.0;
inline constexpr int kSweepSteps = 161;
/// The temperatures the lesson text uses (seeds/001): "At T=0.1 the highest logit dominates ... at T=5.0 ...
/// flattens".
inline constexpr double kLessonTLow = 0.1;
inline constexpr double kLessonTHigh = 5.0;
/// The 1/sqrt(d) lesson: random keys per query, queries averaged, seed.
inline constexpr int kScalingKeys = 64;
inline constexpr int kScalingQueries = 64;
inline constexpr std::uint64_t kScalingSeed = 2017;  // "Attention is all you need"
/// Gallery previews run on the first tokens only: a thumbnail, not the whole text.
inline constexpr int kPreviewTokens = 12;

/// Brings s.derived.lab up to date with s.derived and the view state.
void update_lab(AppState& s);

}  // namespace attnviz::gui
