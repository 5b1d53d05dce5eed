// Turning the command line into the first AppState: scenario, sentence, query, theme, text size.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/gui_options.h"
#include "app/gui/settings_file.h"

namespace attnviz::gui {

/// Applies the options to a fresh state. Errors (unknown scenario, unreadable file) leave the state
/// on the default lesson and say what went wrong.
Status configure_from_options(AppState& s, const GuiOptions& options);

/// The appearance remembered between runs ("theme" = dark|light, "font_scale" = 0.6..3, "stage_on" =
/// second_monitor|this_window) applied to the state, except what the command line set. Values out of
/// range or unknown are ignored.
void apply_saved_appearance(AppState& s, const SettingsFile& settings, const GuiOptions& options);
/// Writes the state's theme, text size and View > Stage on into settings; returns whether anything
/// changed.
bool store_appearance(const AppState& s, SettingsFile& settings);

/// The recently opened models from the settings file (keys recent_model.0, .1, ...; most recent first).
void apply_saved_recent_models(AppState& s, const SettingsFile& settings);
/// Writes s.model.recent into the settings; returns whether anything changed (the file needs saving).
bool store_recent_models(const AppState& s, SettingsFile& settings);

/// All text the interface may show soon (sentence, scenario titles and sentences): the fonts need
/// glyphs for it.
std::string text_in_use(const AppState& s);

}  // namespace attnviz::gui
