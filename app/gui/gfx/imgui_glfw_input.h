// GLFW's input callbacks routed to the ImGui context of the window they come from. imgui_impl_glfw 1.86's
// callbacks write into the *current* ImGui context, and glfwPollEvents delivers the events of every
// window while one context is current: with two windows (the stage's own) each would type into the other.
#pragma once

struct GLFWwindow;
struct ImGuiContext;

namespace attnviz::gui {

/// Installs focus, cursor-enter, mouse-button, scroll, key and character callbacks on `window` that make
/// `context` current around imgui_impl_glfw's own callbacks (the backend must be initialised for this
/// window with install_callbacks = false). Keys reach ImGui as the key their layout types (layout_key).
/// Uses the window's GLFW user pointer.
void route_imgui_input(GLFWwindow* window, ImGuiContext* context);

/// Removes them (before the backend is shut down or the window destroyed).
void unroute_imgui_input(GLFWwindow* window);

}  // namespace attnviz::gui
