// The stage's monitor: the desk is the monitor that holds the main window, the stage goes on another.
#include "app/gui/stage_placement.h"

#include <algorithm>
#include <limits>

namespace attnviz::gui {

namespace {

bool has_area(const ScreenRect& r) {
    return r.w > 0 && r.h > 0;
}

long long area(const ScreenRect& r) {
    return has_area(r) ? static_cast<long long>(r.w) * r.h : 0;
}

/// Squared distance from the point (px, py) to the rectangle (0 inside it).
long long distance2(const ScreenRect& r, long long px, long long py) {
    const long long dx =
        std::max({static_cast<long long>(r.x) - px, 0LL, px - (static_cast<long long>(r.x) + r.w)});
    const long long dy =
        std::max({static_cast<long long>(r.y) - py, 0LL, py - (static_cast<long long>(r.y) + r.h)});
    return dx * dx + dy * dy;
}

}  // namespace

long long overlap_area(const ScreenRect& a, const ScreenRect& b) {
    if (!has_area(a) || !has_area(b)) return 0;
    const long long x0 = std::max<long long>(a.x, b.x);
    const long long y0 = std::max<long long>(a.y, b.y);
    const long long x1 = std::min(static_cast<long long>(a.x) + a.w, static_cast<long long>(b.x) + b.w);
    const long long y1 = std::min(static_cast<long long>(a.y) + a.h, static_cast<long long>(b.y) + b.h);
    return x1 > x0 && y1 > y0 ? (x1 - x0) * (y1 - y0) : 0;
}

int desk_monitor(const std::vector<ScreenRect>& monitors, const ScreenRect& main_window) {
    int best = -1;
    long long best_overlap = 0;
    for (std::size_t i = 0; i < monitors.size(); ++i) {
        const long long o = overlap_area(monitors[i], main_window);
        if (o > best_overlap) {
            best_overlap = o;
            best = static_cast<int>(i);
        }
    }
    if (best >= 0) return best;
    // On no monitor (or a window with no area): the monitor nearest the window's centre.
    const long long cx = static_cast<long long>(main_window.x) + std::max(0, main_window.w) / 2;
    const long long cy = static_cast<long long>(main_window.y) + std::max(0, main_window.h) / 2;
    long long best_d = std::numeric_limits<long long>::max();
    for (std::size_t i = 0; i < monitors.size(); ++i) {
        if (!has_area(monitors[i])) continue;
        const long long d = distance2(monitors[i], cx, cy);
        if (d < best_d) {
            best_d = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

int stage_monitor(const std::vector<ScreenRect>& monitors, const ScreenRect& main_window) {
    const int desk = desk_monitor(monitors, main_window);
    if (desk < 0) return -1;
    const ScreenRect& d = monitors[static_cast<std::size_t>(desk)];
    int best = -1;
    long long best_area = 0;
    for (std::size_t i = 0; i < monitors.size(); ++i) {
        if (static_cast<int>(i) == desk || !has_area(monitors[i]) || overlap_area(monitors[i], d) > 0)
            continue;
        if (area(monitors[i]) > best_area) {
            best_area = area(monitors[i]);
            best = static_cast<int>(i);
        }
    }
    return best;
}

}  // namespace attnviz::gui
