// File > Export: what is on screen packaged as an AttentionExport (from the run the views show, no
// recompute) and written in the dialog's format; animations re-run the lesson source per frame.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/export_state.h"
#include "core/exports/attention_export.h"

#include <string>

namespace attnviz::gui {

/// "PNG: the window (1x)", ... for the dialog's list.
const char* export_format_label(ExportFormat f);
/// "png", "svg", "csv", "npy", "json", "gif".
const char* export_format_extension(ExportFormat f);
/// Why a format cannot be written from this state ("" when it can).
std::string export_format_unavailable(const AppState& s, ExportFormat f);

/// A file name for the current lesson, head and format: "attnviz-pod-head0.svg".
std::string default_export_path(const AppState& s, ExportFormat f);

/// The shown run as an export (every layer and head; the focused layer, head and query). Errors when
/// nothing is computed or the quiz hides the weights.
Expected<exports::AttentionExport> export_from_state(const AppState& s);

/// Why a window PNG at `scale` times a framebuffer of fb_width x fb_height cannot be rendered offscreen
/// on a GL whose largest picture side is max_side ("" when it can): names the size, the limit and what
/// to choose instead.
std::string png_scale_unavailable(int fb_width, int fb_height, int scale, int max_side);

/// Opens the File > Export dialog on the next frame.
void request_export_dialog(AppState& s);

/// Writes the dialog's choice. The window PNG is handed to the main loop (s.requests.screenshot);
/// every other format is written here. The result (or why not) goes to s.export_dialog.message and
/// s.status_message; returns whether a file was written or requested.
bool run_export(AppState& s);

}  // namespace attnviz::gui
