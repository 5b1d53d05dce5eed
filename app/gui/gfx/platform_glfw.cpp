// GLFW window and GL context with fallbacks, glad loading, ImGui backends, full screen, DPI.
#include "app/gui/gfx/platform_glfw.h"

#include "app/gui/gfx/gl.h"
#include "app/gui/gfx/imgui_glfw_input.h"
#include "app/gui/gfx/shader_program.h"
#include "app/gui/keys.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cfloat>
#include <string>
#include <vector>

namespace attnviz::gui {

static_assert(kKeyH == GLFW_KEY_H && kKeyM == GLFW_KEY_M && kKeyT == GLFW_KEY_T && kKeyQ == GLFW_KEY_Q);
static_assert(kKeyS == GLFW_KEY_S && kKeyUnknown == GLFW_KEY_UNKNOWN);
static_assert(kKeyE == GLFW_KEY_E);
static_assert(kKeyY == GLFW_KEY_Y);
static_assert(kKeyZ == GLFW_KEY_Z);
static_assert(kKey0 == GLFW_KEY_0 && kKeyEqual == GLFW_KEY_EQUAL && kKeyMinus == GLFW_KEY_MINUS);
static_assert(kKeyKpAdd == GLFW_KEY_KP_ADD && kKeyKpSubtract == GLFW_KEY_KP_SUBTRACT);
static_assert(kKeyF1 == GLFW_KEY_F1 && kKeyF11 == GLFW_KEY_F11);
static_assert(kKeyF5 == GLFW_KEY_F5 && kKeyEscape == GLFW_KEY_ESCAPE && kKeySpace == GLFW_KEY_SPACE);
static_assert(kKeyRight == GLFW_KEY_RIGHT && kKeyLeft == GLFW_KEY_LEFT);
static_assert(kKeyPageUp == GLFW_KEY_PAGE_UP && kKeyPageDown == GLFW_KEY_PAGE_DOWN);

namespace {

// GLFW reports errors through a C callback; the last one is kept to explain a failed start.
std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
    g_last_glfw_error = description != nullptr ? description : ("GLFW error " + std::to_string(code));
}

// Files dropped on the window, collected by GLFW's C callback until take_dropped_paths().
std::vector<std::string> g_dropped_paths;

void on_drop(GLFWwindow*, int count, const char** paths) {
    for (int i = 0; i < count; ++i) g_dropped_paths.emplace_back(paths[i]);
}

// Set by GLFW when a monitor is connected or disconnected, until take_monitors_changed().
bool g_monitors_changed = false;

void on_monitor(GLFWmonitor*, int) {
    g_monitors_changed = true;
}

struct ContextVersion {
    int major, minor;
    bool core;
};
// Newest first; 3.0 is the oldest the heatmap shader and ImGui's backend support.
const ContextVersion kContextVersions[] = {{3, 3, true}, {3, 2, true}, {3, 0, false}};

}  // namespace

Platform::~Platform() {
    shutdown();
}

Status Platform::init(const PlatformOptions& options) {
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        return "cannot open a window: " + g_last_glfw_error +
               ".\nattnviz needs a display. On a machine without one, run it under a virtual display:\n"
               "    xvfb-run -a attnviz ...\nor use the command-line tool, e.g.:\n"
               "    attnviz-cli lesson --scenario pod --query it";
    }
    for (const ContextVersion& v : kContextVersions) {
        glfwDefaultWindowHints();
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, v.major);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, v.minor);
        if (v.core) {
            glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
            glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
        }
        m_window = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
        if (m_window != nullptr) break;
    }
    if (m_window == nullptr) {
        const std::string why = g_last_glfw_error;
        glfwTerminate();
        return "OpenGL 3.0+ required, but no such context could be created (" + why +
               ").\nOn a machine without a GPU driver, Mesa's software renderer works: install "
               "libgl1-mesa-dri, or run under xvfb-run -a.";
    }
    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(options.vsync ? 1 : 0);
    const int loaded = gladLoadGL(glfwGetProcAddress);
    if (loaded == 0) {
        shutdown();
        return "could not load OpenGL functions (glad)";
    }
    const int major = GLAD_VERSION_MAJOR(loaded);
    const int minor = GLAD_VERSION_MINOR(loaded);
    const auto gl_string = [](GLenum e) {
        const GLubyte* s = glGetString(e);
        return s != nullptr ? std::string(reinterpret_cast<const char*>(s)) : std::string("?");
    };
    m_gl_description = "OpenGL " + gl_string(GL_VERSION) + " on " + gl_string(GL_RENDERER);
    if (major < 3) {
        shutdown();
        return "OpenGL 3.0+ required; found " + m_gl_description;
    }
    m_glsl_version = attnviz::gui::glsl_version_line(major, minor);

    IMGUI_CHECKVERSION();
    m_imgui = ImGui::CreateContext();
    m_imgui_context = true;
    ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; nothing worth saving between runs
    // The callbacks are routed by window (imgui_glfw_input.h): a stage window has its own context.
    m_imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(m_window, false);
    if (m_imgui_glfw) route_imgui_input(m_window, ImGui::GetCurrentContext());
    m_imgui_gl = m_imgui_glfw && ImGui_ImplOpenGL3_Init(
                                     m_glsl_version == "#version 130" ? "#version 130" : "#version 330 core");
    if (!m_imgui_gl) {
        shutdown();
        return "the ImGui OpenGL backend could not start on " + m_gl_description;
    }
    glfwSetDropCallback(m_window, on_drop);
    glfwSetMonitorCallback(on_monitor);
    glfwGetWindowPos(m_window, &m_windowed_pos[0], &m_windowed_pos[1]);
    m_windowed_size[0] = options.width;
    m_windowed_size[1] = options.height;
    if (options.fullscreen) set_fullscreen(true);
    return {};
}

bool Platform::should_close() const {
    return m_window == nullptr || glfwWindowShouldClose(m_window);
}

void Platform::request_close() {
    if (m_window) glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

void Platform::poll_events(bool wait, double timeout_s) {
    if (wait) {
        glfwWaitEventsTimeout(timeout_s);
    } else {
        glfwPollEvents();
    }
}

bool Platform::minimized() const {
    if (m_window == nullptr) return true;
    return glfwGetWindowAttrib(m_window, GLFW_ICONIFIED) != 0 || framebuffer_width() < 1 ||
           framebuffer_height() < 1;
}

void Platform::new_frame(bool ignore_pointer, float framebuffer_scale) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    if (ignore_pointer) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    io.DisplayFramebufferScale.x *= framebuffer_scale;
    io.DisplayFramebufferScale.y *= framebuffer_scale;
    ImGui::NewFrame();
}

void Platform::render(float r, float g, float b) {
    ImGui::Render();
    glViewport(0, 0, framebuffer_width(), framebuffer_height());
    glClearColor(r, g, b, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Platform::swap() {
    glfwSwapBuffers(m_window);
}

void Platform::set_fullscreen(bool fullscreen) {
    if (m_window == nullptr || fullscreen == m_fullscreen) return;
    if (fullscreen) {
        GLFWmonitor* monitor = glfwGetPrimaryMonitor();
        const GLFWvidmode* mode = monitor != nullptr ? glfwGetVideoMode(monitor) : nullptr;
        if (mode == nullptr) return;
        glfwGetWindowPos(m_window, &m_windowed_pos[0], &m_windowed_pos[1]);
        glfwGetWindowSize(m_window, &m_windowed_size[0], &m_windowed_size[1]);
        glfwSetWindowMonitor(m_window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    } else {
        glfwSetWindowMonitor(m_window, nullptr, m_windowed_pos[0], m_windowed_pos[1], m_windowed_size[0],
                             m_windowed_size[1], 0);
    }
    m_fullscreen = fullscreen;
}

std::vector<std::string> Platform::take_dropped_paths() {
    std::vector<std::string> out;
    out.swap(g_dropped_paths);
    return out;
}

void Platform::reload_font_texture() {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

int Platform::framebuffer_width() const {
    int w = 0, h = 0;
    if (m_window) glfwGetFramebufferSize(m_window, &w, &h);
    return w;
}

int Platform::framebuffer_height() const {
    int w = 0, h = 0;
    if (m_window) glfwGetFramebufferSize(m_window, &w, &h);
    return h;
}

float Platform::content_scale() const {
    float x = 1.0f, y = 1.0f;
    if (m_window) glfwGetWindowContentScale(m_window, &x, &y);
    return x > 0.0f ? x : 1.0f;
}

void Platform::make_current() {
    if (m_window == nullptr) return;
    glfwMakeContextCurrent(m_window);
    ImGui::SetCurrentContext(m_imgui);
}

std::vector<ScreenRect> Platform::monitor_rects() const {
    std::vector<ScreenRect> out;
    if (m_window == nullptr) return out;
    int n = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&n);
    for (int i = 0; monitors != nullptr && i < n; ++i) {
        ScreenRect r;
        glfwGetMonitorPos(monitors[i], &r.x, &r.y);
        if (const GLFWvidmode* mode = glfwGetVideoMode(monitors[i])) {
            r.w = mode->width;
            r.h = mode->height;
        }
        out.push_back(r);
    }
    return out;
}

ScreenRect Platform::window_rect() const {
    ScreenRect r;
    if (m_window == nullptr) return r;
    glfwGetWindowPos(m_window, &r.x, &r.y);
    glfwGetWindowSize(m_window, &r.w, &r.h);
    return r;
}

bool Platform::take_monitors_changed() {
    const bool changed = g_monitors_changed;
    g_monitors_changed = false;
    return changed;
}

void Platform::shutdown() {
    if (m_window) glfwMakeContextCurrent(m_window);
    if (m_imgui_context) ImGui::SetCurrentContext(m_imgui);
    if (m_imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (m_imgui_glfw) unroute_imgui_input(m_window);
    if (m_imgui_glfw) ImGui_ImplGlfw_Shutdown();
    if (m_imgui_context) ImGui::DestroyContext();
    m_imgui_gl = m_imgui_glfw = m_imgui_context = false;
    if (m_window) {
        glfwSetMonitorCallback(nullptr);
        glfwDestroyWindow(m_window);
        glfwTerminate();
        m_window = nullptr;
    }
}

}  // namespace attnviz::gui
