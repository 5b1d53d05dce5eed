// Where each widget was drawn this frame, by a stable name: what tests click and check. It lives in
// FrameLayout::widgets (app_state.h), beside the few rectangles production code reads back; production
// code only notes into it, never reads it (a layering test checks).
//
// Keyed by a name chosen where the widget is drawn ("temperature_slider", "quiz_choice" #2), not by
// ImGui's id: an id is a hash of the whole window / child / PushID path plus the label ("##chip" under
// PushID(3) in the strip's child of "##main_view"), so a test would have to rebuild that path and would
// break whenever a panel moves into a child; many labels are hidden ("##temperature") or change with the
// value shown ("T = 1.00"), so they are not what a user reads either; and custom-drawn regions (the
// heatmap, GQA boxes, the sweep plot) are no ImGui item at all. Debian's imgui 1.86 is built without
// IMGUI_ENABLE_TEST_ENGINE, so ImGui cannot list its items for us anyway. One name plus an optional index
// covers buttons, custom-drawn cells and the few numbers a test checks (a record's value) alike.
#pragma once

#include <imgui.h>

#include <string_view>
#include <vector>

namespace attnviz::gui {

/// A screen rectangle (ImGui coordinates: pixels of the window, y down).
struct Rect {
    ImVec2 min;
    ImVec2 max;
    ImVec2 center() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

/// One widget drawn this frame.
struct WidgetRecord {
    const char* name = "";  ///< a string literal ("temperature_slider"): stored, not copied
    int index = -1;         ///< which of several (a token, a head, a KV-head count); -1 = the only one
    Rect rect;              ///< where it was drawn; empty for a record that only carries a value
    double value = 0.0;     ///< what it showed, for the few widgets whose number tests check
};

/// The widgets drawn this frame, in draw order: a flat vector, cleared by draw() at the start of each
/// frame (its capacity stays, so a frame allocates nothing once the first has run).
class WidgetRegistry {
  public:
    void clear() { m_records.clear(); }

    /// Records that the widget `name` (#index) is at `rect` this frame. `name` must outlive the frame
    /// (pass a string literal).
    void note(const char* name, int index, Rect rect, double value = 0.0) {
        m_records.push_back(WidgetRecord{name, index, rect, value});
    }

    /// The widget `name` with exactly this index (-1: the one noted without an index), or null when
    /// it was not drawn this frame. Noted twice: the last one (where it was drawn last).
    const WidgetRecord* find(std::string_view name, int index = -1) const;

    /// Every record of `name`, in draw order.
    std::vector<const WidgetRecord*> all(std::string_view name) const;

    const std::vector<WidgetRecord>& records() const { return m_records; }

  private:
    std::vector<WidgetRecord> m_records;
};

/// The last ImGui item's rectangle (ImGui::GetItemRectMin / Max).
Rect last_item_rect();

/// Notes the last ImGui item (the button, slider or field just submitted) as `name` (#index).
void note_item(WidgetRegistry& widgets, const char* name, int index = -1);

}  // namespace attnviz::gui
