// First-frame state from the command line.
#include "app/gui/startup.h"

#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/views/views.h"
#include "core/lesson/scenario.h"

namespace attnviz::gui {

Status configure_from_options(AppState& s, const GuiOptions& o) {
    s.view.theme = o.theme == "light" ? Theme::kLight : Theme::kDark;
    set_font_scale(s, o.font_scale);
    s.view.fullscreen = o.fullscreen;

    Status error;
    if (const Scenario* builtin = find_builtin_scenario(o.scenario)) {
        apply_scenario(s, *builtin);
    } else {
        Expected<Scenario> loaded = load_scenario_file(o.scenario);
        if (loaded) {
            apply_scenario(s, *loaded);
        } else {
            error = "attnviz: --scenario " + o.scenario + " is neither a built-in lesson (" +
                    builtin_scenario_names() + ") nor a readable scenario file: " + loaded.error();
            if (const Scenario* fallback = find_builtin_scenario("pod")) apply_scenario(s, *fallback);
        }
    }
    if (o.has_sentence) {
        set_sentence(s, o.sentence);
        s.selection.pending_query.clear();
    }
    if (!o.query.empty()) s.selection.pending_query = o.query;
    if (!o.model.empty()) {
        open_model(s, o.model);  // in the background; the lesson shows until it has loaded
        if (o.panel.empty()) show_view(s, MainView::kModel);
    }
    if (!o.panel.empty()) {
        const std::optional<MainView> view = find_view(o.panel);
        if (!view) return "attnviz: --panel " + o.panel + " is not a view; views: " + view_names();
        show_view(s, *view);
    }
    return error;
}

std::string text_in_use(const AppState& s) {
    std::string text = s.sentence;
    for (const Scenario& sc : builtin_scenarios()) text += sc.title + sc.sentence + sc.key_sentence;
    return text;
}

}  // namespace attnviz::gui
