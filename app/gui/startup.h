// Turning the command line into the first AppState: scenario, sentence, query, theme, text size.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/gui_options.h"

namespace attnviz::gui {

/// Applies the options to a fresh state. Errors (unknown scenario, unreadable file) leave the state
/// on the default lesson and say what went wrong.
Status configure_from_options(AppState& s, const GuiOptions& options);

/// All text the interface may show soon (sentence, scenario titles and sentences): the fonts need
/// glyphs for it.
std::string text_in_use(const AppState& s);

}  // namespace attnviz::gui
