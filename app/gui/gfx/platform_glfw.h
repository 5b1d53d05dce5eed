// The window, the GL context (with a fallback through older versions), glad, and the ImGui GLFW and
// OpenGL3 backends. Only gfx/ touches GLFW: this, the stage's window (stage_window) and the input routing
// (imgui_glfw_input).
#pragma once

#include "app/gui/stage_placement.h"
#include "core/base/expected.h"

#include <string>
#include <vector>

struct GLFWwindow;
struct ImGuiContext;

namespace attnviz::gui {

struct PlatformOptions {
    int width = 1280;
    int height = 800;
    bool fullscreen = false;
    bool vsync = true;
    std::string title = "attnviz";
};

class Platform {
  public:
    Platform() = default;
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;
    ~Platform();

    /// Opens the window and sets up GL and ImGui. On failure a message for a person (no display, no
    /// usable OpenGL) and nothing to clean up.
    Status init(const PlatformOptions& options);

    bool should_close() const;
    void request_close();

    /// Waits for input when idle (never busy-spins; returns at least every timeout_s), else polls.
    void poll_events(bool wait, double timeout_s);
    /// A minimised or zero-sized window: skip rendering.
    bool minimized() const;

    /// Starts an ImGui frame. With ignore_pointer the mouse reads as absent (unattended timed runs,
    /// where a virtual display's parked pointer would otherwise hover something).
    /// framebuffer_scale multiplies the window's own pixel scale (an offscreen render at 2x or 4x).
    void new_frame(bool ignore_pointer = false, float framebuffer_scale = 1.0f);
    /// Renders ImGui's draw data over a cleared background.
    void render(float clear_r, float clear_g, float clear_b);
    void swap();

    /// Switches to or from full screen on the current monitor.
    void set_fullscreen(bool fullscreen);
    bool fullscreen() const { return m_fullscreen; }

    /// Paths of files dropped on the window since the last call.
    std::vector<std::string> take_dropped_paths();

    /// Re-uploads the ImGui font atlas after it was rebuilt.
    void reload_font_texture();

    int framebuffer_width() const;
    int framebuffer_height() const;
    /// The monitor's content scale (1 on a standard display, 1.5-2 on HiDPI).
    float content_scale() const;

    /// Makes this window's GL context and ImGui context current again (after a stage window's frame).
    void make_current();
    GLFWwindow* native_window() const { return m_window; }
    /// Every connected monitor's rectangle on the virtual desktop (GLFW's order: the primary first),
    /// and this window's.
    std::vector<ScreenRect> monitor_rects() const;
    ScreenRect window_rect() const;
    /// Whether a monitor was connected or disconnected since the last call.
    bool take_monitors_changed();

    const std::string& glsl_version_line() const { return m_glsl_version; }
    const std::string& gl_description() const { return m_gl_description; }

    void shutdown();

  private:
    GLFWwindow* m_window = nullptr;
    ImGuiContext* m_imgui = nullptr;
    bool m_imgui_context = false;
    bool m_imgui_glfw = false;
    bool m_imgui_gl = false;
    bool m_fullscreen = false;
    int m_windowed_pos[2] = {100, 100};
    int m_windowed_size[2] = {1280, 800};
    std::string m_glsl_version;
    std::string m_gl_description;
};

}  // namespace attnviz::gui
