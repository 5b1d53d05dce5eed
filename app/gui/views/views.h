// The registry of main-area views: one entry per tab, with the name `attnviz --panel NAME` uses.
// A new view is a MainView value, a draw function in its own file, and a line in kViews (views.cpp).
#pragma once

#include "app/gui/app_state.h"

#include <optional>
#include <string_view>
#include <vector>

namespace attnviz::gui {

struct ViewInfo {
    MainView id;
    const char* name;           ///< for --panel, lower case, no spaces
    const char* tab_label;      ///< shown on the tab
    void (*draw)(AppState& s);  ///< draws the view into the current window's remaining space
    bool hides_weights;  ///< it hides weights itself while a quiz question is open (s.view.weights_alpha)
    /// It teaches with the lesson model's designed heads (patterns, word order, cross-attention, the
    /// quiz): with a real model open it says so instead of showing something wrong.
    bool lesson_only;
    /// It draws every head's thumbnail (Derived::head_thumbnail_cells): only then are they kept current.
    bool shows_head_thumbnails;
};

/// Every view, in tab order.
const std::vector<ViewInfo>& views();

/// The view --panel NAME names, if any.
std::optional<MainView> find_view(std::string_view name);

/// The entry of a view.
const ViewInfo& view_info(MainView id);

/// "attention, pipeline, ...", for messages.
std::string view_names();

}  // namespace attnviz::gui
