// Where presenter mode's stage goes when several monitors are connected: a pure choice over the monitors'
// rectangles and the main window's (no GLFW here, so the rules are unit-tested).
#pragma once

#include <vector>

namespace attnviz::gui {

/// A rectangle on the virtual desktop, in screen coordinates (GLFW's monitor position and video mode,
/// the window's position and size).
struct ScreenRect {
    int x = 0;
    int y = 0;
    int w = 0;
    int h = 0;
};

/// Area of the intersection of a and b (0 when they do not overlap or one is empty).
long long overlap_area(const ScreenRect& a, const ScreenRect& b);

/// The "desk": the monitor holding the main window. The one with the largest overlap with it; on a
/// tie the earlier one (GLFW lists the primary monitor first); a window on no monitor (moved off every
/// screen) belongs to the monitor nearest its centre. Monitors with no area are never chosen. -1 when
/// there is none.
int desk_monitor(const std::vector<ScreenRect>& monitors, const ScreenRect& main_window);

/// The monitor for the stage: another monitor than the desk that does not overlap it (a mirrored or
/// cloned display shows the desk itself), the largest by area, the earlier on a tie. -1 when there is
/// no such monitor: the stage stays in the main window.
int stage_monitor(const std::vector<ScreenRect>& monitors, const ScreenRect& main_window);

}  // namespace attnviz::gui
