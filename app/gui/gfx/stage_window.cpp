// The stage's own window: opened on the monitor stage_monitor() chooses (borderless, full screen) or as
// an ordinary window (--stage-window on one monitor), drawn after the main window each frame.
#include "app/gui/gfx/stage_window.h"

#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/gfx/gl.h"
#include "app/gui/gfx/imgui_glfw_input.h"
#include "app/gui/gfx/platform_glfw.h"
#include "app/gui/gfx/screenshot.h"
#include "app/gui/gfx/view_textures.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/startup.h"
#include "app/gui/style/theme.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cstdio>

namespace attnviz::gui {

StageWindow::~StageWindow() {
    if (m_main != nullptr) close(*m_main);  // before the main window's Platform (declared earlier) goes
}

Status StageWindow::open(Platform& main, const ScreenRect* monitor, int width, int height) {
    GLFWwindow* share = main.native_window();
    if (share == nullptr) return "no main window";
    if (m_window != nullptr) return {};
    // The heatmaps are rendered in the main context into textures both contexts see.
    if (Status st = m_renderer.init(main.glsl_version_line()); !st.empty()) {
        std::fprintf(stderr, "attnviz: the stage's heatmaps fall back to ImGui drawing: %s\n", st.c_str());
    }
    glfwDefaultWindowHints();
    // The same kind of context as the main window's: a context is shared only between like ones.
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, glfwGetWindowAttrib(share, GLFW_CONTEXT_VERSION_MAJOR));
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, glfwGetWindowAttrib(share, GLFW_CONTEXT_VERSION_MINOR));
    if (glfwGetWindowAttrib(share, GLFW_OPENGL_PROFILE) == GLFW_OPENGL_CORE_PROFILE) {
        glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
        glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, glfwGetWindowAttrib(share, GLFW_OPENGL_FORWARD_COMPAT));
    }
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);        // placed first, then shown
    glfwWindowHint(GLFW_FOCUS_ON_SHOW, GLFW_FALSE);  // the keyboard stays with the controls
    m_on_monitor = monitor != nullptr;
    if (m_on_monitor) {
        // Borderless at the monitor's rectangle: a true full-screen window would change the video mode
        // and iconify whenever the presenter clicks on the laptop's window.
        glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
        width = monitor->w;
        height = monitor->h;
    }
    m_window = glfwCreateWindow(width, height, "attnviz stage", nullptr, share);
    m_main = &main;
    if (m_window == nullptr) {
        m_renderer.shutdown();
        main.make_current();
        return "GLFW could not open a second window sharing the GL context";
    }
    if (m_on_monitor) glfwSetWindowPos(m_window, monitor->x, monitor->y);
    glfwShowWindow(m_window);

    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(0);  // the main window waits for the display; this one must not wait again
    m_imgui = ImGui::CreateContext();
    ImGui::SetCurrentContext(m_imgui);
    ImGui::GetIO().IniFilename = nullptr;
    m_imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(m_window, false);
    if (m_imgui_glfw) route_imgui_input(m_window, m_imgui);
    m_imgui_gl = m_imgui_glfw &&
                 ImGui_ImplOpenGL3_Init(main.glsl_version_line() == "#version 130" ? "#version 130"
                                                                                   : "#version 330 core");
    m_font_pixels = -1.0f;
    m_surface = StageSurface{};
    if (!m_imgui_gl) {
        close(main);
        return "the ImGui OpenGL backend could not start in a second window";
    }
    main.make_current();
    return {};
}

void StageWindow::close(Platform& main) {
    if (m_window == nullptr) return;
    glfwMakeContextCurrent(m_window);
    ImGui::SetCurrentContext(m_imgui);
    if (m_imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (m_imgui_glfw) {
        unroute_imgui_input(m_window);
        ImGui_ImplGlfw_Shutdown();
    }
    if (m_imgui != nullptr) ImGui::DestroyContext(m_imgui);
    m_imgui = nullptr;
    m_imgui_gl = m_imgui_glfw = false;
    glfwDestroyWindow(m_window);
    m_window = nullptr;
    main.make_current();
    m_renderer.shutdown();  // its textures belong to the main context's share group
    m_surface = StageSurface{};
    m_main = nullptr;
}

void StageWindow::sync(AppState& s, Platform& main) {
    const bool monitors_changed = main.take_monitors_changed();
    const std::vector<ScreenRect> monitors = main.monitor_rects();
    const int target = stage_monitor(monitors, main.window_rect());
    update_stage_output(s, target >= 0);
    if (is_open() && glfwWindowShouldClose(m_window)) leave_presenter(s);  // its close button: the end
    const bool want = s.presenter.active && s.presenter.in_window;
    // A monitor came or went: a stage covering a monitor is placed anew (its monitor may be gone).
    if (is_open() && (!want || (monitors_changed && m_on_monitor))) close(main);
    if (want && !is_open()) {
        const ScreenRect desk = main.window_rect();
        const Status st = open(main, target >= 0 ? &monitors[static_cast<std::size_t>(target)] : nullptr,
                               desk.w > 0 ? desk.w : 1280, desk.h > 0 ? desk.h : 800);
        if (!st.empty()) {
            move_stage(s, false);
            set_status(s, "the stage stays in this window: " + st);
        }
    }
}

Status StageWindow::frame(AppState& s, Platform& main, bool ignore_pointer, const std::string& screenshot) {
    if (m_window == nullptr) return {};
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(m_window, &fw, &fh);
    if (fw < 1 || fh < 1 || glfwGetWindowAttrib(m_window, GLFW_ICONIFIED) != 0) return {};
    const double now = ImGui::GetTime();  // the main context's: both contexts keep one clock
    {
        // In the main context, at the sizes the stage's panels asked for last frame.
        SurfaceScope scope(s, m_surface);
        prepare_view_textures(s, m_renderer);
    }
    glfwMakeContextCurrent(m_window);
    ImGui::SetCurrentContext(m_imgui);
    // Its own atlas, rasterized at the stage's text size (a shared atlas would be magnified or shrunk in
    // one of the two windows, and each OpenGL3 backend sets the atlas's texture id to its own texture).
    float cx = 1.0f, cy = 1.0f;
    glfwGetWindowContentScale(m_window, &cx, &cy);
    const float scale = s.presenter.stage_font_scale * (cx > 0.0f ? cx : 1.0f);
    const float pixels = kBaseFontPixels * scale;
    const std::string text = text_in_use(s);
    if (pixels != m_font_pixels || m_fonts.needs_rebuild(text)) {
        for (const std::string& w : m_fonts.build(*ImGui::GetIO().Fonts, pixels, text))
            std::fprintf(stderr, "attnviz: %s\n", w.c_str());
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        m_font_pixels = -1.0f;  // themed below
    }
    if (pixels != m_font_pixels || s.view.theme != m_theme) {
        apply_theme(s.view.theme, scale);
        m_theme = s.view.theme;
        m_font_pixels = pixels;
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (ignore_pointer) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    ImGui::GetCurrentContext()->Time = now;  // step times and fades are read against the main clock
    stage_window_frame(s, m_surface);
    ImGui::Render();
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    Status st;
    if (!screenshot.empty()) st = write_png(screenshot, read_framebuffer_rgba(fw, fh), fw, fh);
    glfwSwapBuffers(m_window);
    main.make_current();
    return st;
}

}  // namespace attnviz::gui
