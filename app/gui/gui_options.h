// The command line of the attnviz GUI.
#pragma once

#include "core/base/expected.h"

#include <string>

namespace attnviz::gui {

struct GuiOptions {
    std::string sentence;  ///< --sentence (used when has_sentence)
    bool has_sentence = false;
    std::string scenario = "pod";  ///< --scenario NAME|FILE
    std::string query;             ///< --query TOKEN|INDEX
    float font_scale = 1.0f;
    bool has_font_scale = false;  ///< --font-scale was given (else the remembered size is used)
    std::string theme = "dark";
    bool has_theme = false;  ///< --theme was given (else the remembered theme is used)
    bool fullscreen = false;
    int frames = 0;                   ///< 0 = run until closed
    std::string screenshot;           ///< PNG path written after the last frame
    int screenshot_scale = 1;         ///< --scale: 1, 2 or 4 times the window's pixels
    bool screenshot_controls = true;  ///< false (--no-controls): the main view alone
    bool present = false;             ///< --present: start in presenter mode
    bool stage_window = false;        ///< --stage-window: the stage in its own window even on one monitor
    std::string stage_screenshot;     ///< --stage-screenshot: the stage window's last frame as PNG
    bool stats = false;
    bool recompute_every_frame = false;  ///< benchmark: recompute as if a slider moved every frame
    std::string panel;                   ///< --panel NAME: the view to open ("" = attention)
    std::string model;                   ///< --model DIR|stories260K: open a real model ("" = none)
    std::string compare;                 ///< --compare LESSON: a Compare (A/B) lesson ("" = none)
    int width = 1280;
    int height = 800;
    bool show_help = false;     ///< --help was given: print usage and exit 0
    std::string session;        ///< `attnviz FILE.attnviz` or --session FILE: a saved session to open
    bool has_scenario = false;  ///< --scenario was given (the last session is reopened only without one)
};

/// Parses argv. Errors are one line for stderr.
Expected<GuiOptions> parse_gui_options(int argc, char** argv);

/// The usage text printed by --help.
std::string gui_usage();

}  // namespace attnviz::gui
