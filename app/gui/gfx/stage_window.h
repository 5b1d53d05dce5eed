// Presenter mode's stage in a window of its own (a second monitor, or --stage-window): a second GLFW
// window sharing the main window's GL context (the heatmap textures), with its own ImGui context, font
// atlas at the stage's text size, ImGui OpenGL3 backend (VAOs are not shared) and input.
#pragma once

#include "app/gui/app_state.h"
#include "app/gui/gfx/heatmap_renderer.h"
#include "app/gui/stage_placement.h"
#include "app/gui/stage_surface.h"
#include "app/gui/style/fonts.h"
#include "core/base/expected.h"

#include <string>

struct GLFWwindow;
struct ImGuiContext;

namespace attnviz::gui {

class Platform;

class StageWindow {
  public:
    StageWindow() = default;
    StageWindow(const StageWindow&) = delete;
    StageWindow& operator=(const StageWindow&) = delete;
    /// Closes the window if still open (the Platform it was opened with must still be alive).
    ~StageWindow();

    /// Called once a frame before the main window's frame: tells AppState whether a monitor for the
    /// stage is connected (a stage whose monitor went away comes back into the main window), ends
    /// presenter mode when the stage window was closed by its own close button, and opens or closes the
    /// window to match presenter mode. A window that cannot open puts the stage back in the main window
    /// with a status remark. The main window's contexts are current afterwards.
    void sync(AppState& s, Platform& main);

    /// One frame of the stage window after the main window's (the main window's contexts current before
    /// and after): its textures are rendered in the main context at the stage's sizes, then its keys,
    /// update() and the stage are drawn in its own contexts and shown. ignore_pointer as
    /// Platform::new_frame. With a screenshot path, the frame is also written there as PNG.
    Status frame(AppState& s, Platform& main, bool ignore_pointer, const std::string& screenshot = {});

    bool is_open() const { return m_window != nullptr; }
    /// Whether it covers a monitor (borderless, full screen) rather than being a window a person moves.
    bool on_monitor() const { return m_on_monitor; }
    GLFWwindow* native_window() const { return m_window; }
    ImGuiContext* imgui_context() const { return m_imgui; }
    /// Where the stage's panels drew in the last frame (the main window's stay in AppState::layout).
    const StageSurface& surface() const { return m_surface; }

    /// Opens the window (sync() does, where stage_monitor() says): borderless over `monitor`'s rectangle,
    /// or without one an ordinary window of width x height that a person can move. The main window's
    /// contexts are current afterwards. No-op when open.
    Status open(Platform& main, const ScreenRect* monitor, int width, int height);
    /// Closes the window and frees its GL and ImGui objects (no-op when closed).
    void close(Platform& main);

  private:
    GLFWwindow* m_window = nullptr;
    Platform* m_main = nullptr;  ///< the window it shares a context with, while open
    ImGuiContext* m_imgui = nullptr;
    bool m_imgui_glfw = false;
    bool m_imgui_gl = false;
    bool m_on_monitor = false;
    HeatmapRenderer m_renderer;  ///< its own slots, drawn in the main context (the textures are shared)
    StageSurface m_surface;
    FontLibrary m_fonts;
    float m_font_pixels = -1.0f;
    Theme m_theme = Theme::kDark;
};

}  // namespace attnviz::gui
