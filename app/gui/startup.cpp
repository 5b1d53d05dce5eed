// First-frame state from the command line.
#include "app/gui/startup.h"

#include "app/gui/app_actions.h"
#include "app/gui/compare_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/session.h"
#include "app/gui/views/views.h"
#include "core/lesson/scenario.h"

#include <cstdio>

namespace attnviz::gui {

Status configure_from_options(AppState& s, const GuiOptions& o) {
    s.view.theme = o.theme == "light" ? Theme::kLight : Theme::kDark;
    set_font_scale(s, o.font_scale);
    s.view.fullscreen = o.fullscreen;

    Status error;
    if (const lesson::Scenario* builtin = lesson::find_builtin_scenario(o.scenario)) {
        apply_scenario(s, *builtin);
    } else {
        Expected<lesson::Scenario> loaded = lesson::load_scenario_file(o.scenario);
        if (loaded) {
            apply_scenario(s, *loaded);
        } else {
            error = "attnviz: --scenario " + o.scenario + " is neither a built-in lesson (" +
                    lesson::builtin_scenario_names() + ") nor a readable scenario file: " + loaded.error();
            if (const lesson::Scenario* fallback = lesson::find_builtin_scenario("pod"))
                apply_scenario(s, *fallback);
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
    if (!o.compare.empty()) start_compare_demo(s, compare_demo_from_name(o.compare));
    if (!o.panel.empty()) {
        const std::optional<MainView> view = find_view(o.panel);
        if (!view) return "attnviz: --panel " + o.panel + " is not a view; views: " + view_names();
        show_view(s, *view);
    }
    if (!o.session.empty() && !open_session_file(s, o.session)) return "attnviz: " + s.session.message;
    return error;
}

void apply_saved_appearance(AppState& s, const SettingsFile& settings, const GuiOptions& options) {
    if (!options.has_theme) {
        const std::optional<std::string> theme = settings.get("theme");
        if (theme == "light") set_theme(s, Theme::kLight);
        if (theme == "dark") set_theme(s, Theme::kDark);
    }
    if (!options.has_font_scale) {
        const std::optional<double> scale = settings.get_number("font_scale");
        if (scale && *scale >= 0.6 && *scale <= 3.0) set_font_scale(s, static_cast<float>(*scale));
    }
    // View > Stage on (a second monitor by default); an unknown value keeps the default.
    const std::optional<std::string> stage_on = settings.get("stage_on");
    if (stage_on == "this_window") s.stage_output.prefer_second_monitor = false;
    if (stage_on == "second_monitor") s.stage_output.prefer_second_monitor = true;
}

bool store_appearance(const AppState& s, SettingsFile& settings) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%.3g", static_cast<double>(s.view.font_scale));
    const std::string theme = s.view.theme == Theme::kLight ? "light" : "dark";
    const std::string stage_on = s.stage_output.prefer_second_monitor ? "second_monitor" : "this_window";
    if (settings.get("theme") == theme && settings.get("font_scale") == std::string(scale) &&
        settings.get("stage_on") == stage_on)
        return false;
    settings.set("theme", theme);
    settings.set("font_scale", scale);
    settings.set("stage_on", stage_on);
    return true;
}

namespace {

std::string recent_key(int i) {
    return "recent_model." + std::to_string(i);
}

}  // namespace

void apply_saved_recent_models(AppState& s, const SettingsFile& settings) {
    // Added oldest first, so the most recent ends up first again.
    for (int i = model::RecentModels::kMaxEntries - 1; i >= 0; --i) {
        if (const std::optional<std::string> path = settings.get(recent_key(i))) s.model.recent.add(*path);
    }
}

bool store_recent_models(const AppState& s, SettingsFile& settings) {
    const std::vector<std::string>& entries = s.model.recent.entries();
    bool changed = false;
    for (int i = 0; i < model::RecentModels::kMaxEntries; ++i) {
        const auto iu = static_cast<std::size_t>(i);
        const std::optional<std::string> old = settings.get(recent_key(i));
        if (iu < entries.size()) {
            if (old != entries[iu]) changed = settings.set(recent_key(i), entries[iu]) || changed;
        } else if (old) {
            settings.erase(recent_key(i));
            changed = true;
        }
    }
    return changed;
}

std::string text_in_use(const AppState& s) {
    std::string text = s.sentence;
    for (const lesson::Scenario& sc : lesson::builtin_scenarios())
        text += sc.title + sc.sentence + sc.key_sentence;
    return text;
}

}  // namespace attnviz::gui
