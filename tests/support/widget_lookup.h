// Finding what the last frame drew, by the names views give their widgets (app/gui/widgets/
// widget_registry.h): widget(s, "quiz_choice", 2) is where to click; a widget that was not drawn fails
// the test with a message that names it and lists what was drawn instead.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/widgets/widget_registry.h"

#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::testing {

/// Thrown by widget() / widget_value() for a widget the last frame did not draw; gtest reports it as the
/// test's failure, with this message.
class WidgetNotDrawn : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The indices drawn under `name` (in draw order), e.g. the KV-head counts a combo offered.
inline std::vector<int> widget_indices(const gui::FrameLayout& l, std::string_view name) {
    std::vector<int> out;
    for (const gui::WidgetRecord* r : l.widgets.all(name)) out.push_back(r->index);
    return out;
}

/// How many widgets named `name` the last frame drew (the chips of a row, the boxes of a grid).
inline std::size_t widget_count(const gui::FrameLayout& l, std::string_view name) {
    return l.widgets.all(name).size();
}

/// Whether the last frame drew any widget named `name`.
inline bool drawn(const gui::FrameLayout& l, std::string_view name) {
    return widget_count(l, name) > 0;
}

/// Whether the last frame drew the widget `name` #index (-1: the one without an index).
inline bool drawn(const gui::FrameLayout& l, std::string_view name, int index) {
    return l.widgets.find(name, index) != nullptr;
}

/// The record of widget `name` #index drawn by the last frame; throws WidgetNotDrawn when there is none.
inline const gui::WidgetRecord& widget_record(const gui::FrameLayout& l, std::string_view name,
                                              int index = -1) {
    if (const gui::WidgetRecord* r = l.widgets.find(name, index)) return *r;
    std::string msg = "widget \"" + std::string(name) + "\"";
    if (index >= 0) msg += " #" + std::to_string(index);
    msg += " was not drawn in the last frame";
    const std::vector<int> indices = widget_indices(l, name);
    if (!indices.empty()) {
        msg += "; \"" + std::string(name) + "\" was drawn with index";
        for (int i : indices) msg += " " + std::to_string(i);
    } else {
        std::set<std::string> names;
        for (const gui::WidgetRecord& r : l.widgets.records()) names.insert(r.name);
        msg += "; drawn:";
        for (const std::string& n : names) msg += " " + n;
        if (names.empty()) msg += " nothing";
    }
    throw WidgetNotDrawn(msg);
}

/// Where the last frame drew widget `name` #index; throws WidgetNotDrawn when it did not draw it.
inline gui::Rect widget(const gui::FrameLayout& l, std::string_view name, int index = -1) {
    return widget_record(l, name, index).rect;
}

/// The value widget `name` #index showed in the last frame; throws WidgetNotDrawn when not drawn.
inline double widget_value(const gui::FrameLayout& l, std::string_view name, int index = -1) {
    return widget_record(l, name, index).value;
}

// The same on the window's own layout (a second surface, such as the stage's window, has its own).
inline std::vector<int> widget_indices(const gui::AppState& s, std::string_view name) {
    return widget_indices(s.layout, name);
}
inline std::size_t widget_count(const gui::AppState& s, std::string_view name) {
    return widget_count(s.layout, name);
}
inline bool drawn(const gui::AppState& s, std::string_view name) {
    return drawn(s.layout, name);
}
inline bool drawn(const gui::AppState& s, std::string_view name, int index) {
    return drawn(s.layout, name, index);
}
inline gui::Rect widget(const gui::AppState& s, std::string_view name, int index = -1) {
    return widget(s.layout, name, index);
}
inline double widget_value(const gui::AppState& s, std::string_view name, int index = -1) {
    return widget_value(s.layout, name, index);
}

}  // namespace attnviz::testing
