// Each window's GLFW input reaches its own ImGui context: the callbacks switch context around
// imgui_impl_glfw's and switch back.
#include "app/gui/gfx/imgui_glfw_input.h"

#include "app/gui/shortcuts.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <imgui.h>

namespace attnviz::gui {

namespace {

/// Makes the window's context current for one callback; the previous one comes back after it.
class ContextOf {
  public:
    explicit ContextOf(GLFWwindow* window)
        : m_previous(ImGui::GetCurrentContext()),
          m_context(static_cast<ImGuiContext*>(glfwGetWindowUserPointer(window))) {
        if (m_context != nullptr) ImGui::SetCurrentContext(m_context);
    }
    ~ContextOf() { ImGui::SetCurrentContext(m_previous); }
    ContextOf(const ContextOf&) = delete;
    ContextOf& operator=(const ContextOf&) = delete;
    bool ok() const { return m_context != nullptr; }

  private:
    ImGuiContext* m_previous;
    ImGuiContext* m_context;
};

void on_focus(GLFWwindow* window, int focused) {
    ContextOf c(window);
    if (c.ok()) ImGui_ImplGlfw_WindowFocusCallback(window, focused);
}

void on_cursor_enter(GLFWwindow* window, int entered) {
    ContextOf c(window);
    if (c.ok()) ImGui_ImplGlfw_CursorEnterCallback(window, entered);
}

void on_mouse_button(GLFWwindow* window, int button, int action, int mods) {
    ContextOf c(window);
    if (c.ok()) ImGui_ImplGlfw_MouseButtonCallback(window, button, action, mods);
}

void on_scroll(GLFWwindow* window, double dx, double dy) {
    ContextOf c(window);
    if (c.ok()) ImGui_ImplGlfw_ScrollCallback(window, dx, dy);
}

// Keys reach ImGui as the key their layout types (layout_key): GLFW names keys by their US position and
// its character callback does not fire with Ctrl, so without this Ctrl+Z on AZERTY would be the key
// that types 'w'. ImGui's own Ctrl+A/C/V/X/Z in text fields follow the layout too.
void on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
    ContextOf c(window);
    if (!c.ok()) return;
    const int translated =
        key >= GLFW_KEY_SPACE && key < GLFW_KEY_ESCAPE ? layout_key(key, glfwGetKeyName(key, scancode)) : key;
    ImGui_ImplGlfw_KeyCallback(window, translated, scancode, action, mods);
}

void on_char(GLFWwindow* window, unsigned int c) {
    ContextOf ctx(window);
    if (ctx.ok()) ImGui_ImplGlfw_CharCallback(window, c);
}

}  // namespace

void route_imgui_input(GLFWwindow* window, ImGuiContext* context) {
    glfwSetWindowUserPointer(window, context);
    glfwSetWindowFocusCallback(window, on_focus);
    glfwSetCursorEnterCallback(window, on_cursor_enter);
    glfwSetMouseButtonCallback(window, on_mouse_button);
    glfwSetScrollCallback(window, on_scroll);
    glfwSetKeyCallback(window, on_key);
    glfwSetCharCallback(window, on_char);
}

void unroute_imgui_input(GLFWwindow* window) {
    glfwSetWindowFocusCallback(window, nullptr);
    glfwSetCursorEnterCallback(window, nullptr);
    glfwSetMouseButtonCallback(window, nullptr);
    glfwSetScrollCallback(window, nullptr);
    glfwSetKeyCallback(window, nullptr);
    glfwSetCharCallback(window, nullptr);
    glfwSetWindowUserPointer(window, nullptr);
}

}  // namespace attnviz::gui
