// The widget registry's look-ups (widget_registry.h): linear scans of this frame's records.
#include "app/gui/widgets/widget_registry.h"

namespace attnviz::gui {

const WidgetRecord* WidgetRegistry::find(std::string_view name, int index) const {
    for (auto it = m_records.rbegin(); it != m_records.rend(); ++it) {
        if (it->index == index && name == it->name) return &*it;
    }
    return nullptr;
}

std::vector<const WidgetRecord*> WidgetRegistry::all(std::string_view name) const {
    std::vector<const WidgetRecord*> out;
    for (const WidgetRecord& r : m_records) {
        if (name == r.name) out.push_back(&r);
    }
    return out;
}

Rect last_item_rect() {
    return Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
}

void note_item(WidgetRegistry& widgets, const char* name, int index) {
    widgets.note(name, index, last_item_rect());
}

}  // namespace attnviz::gui
