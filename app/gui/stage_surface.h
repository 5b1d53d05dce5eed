// The stage's own window draws the same AppState as the main window, but its panels' rectangles and GPU
// images are its own: a StageSurface holds them, swapped into AppState while the stage is drawn, so the
// main window's layout and hit tests are never those of the other window.
#pragma once

#include "app/gui/app_state.h"

#include <utility>

namespace attnviz::gui {

/// What one drawn surface owns: where its panels drew this frame and the textures sized from it.
struct StageSurface {
    FrameLayout layout;
    Textures textures;
};

/// While alive, s.layout and s.textures are the surface's; the main window's come back at the end of
/// the scope (also when drawing throws).
class SurfaceScope {
  public:
    SurfaceScope(AppState& s, StageSurface& surface) : m_state(s), m_surface(surface) { swap(); }
    ~SurfaceScope() { swap(); }
    SurfaceScope(const SurfaceScope&) = delete;
    SurfaceScope& operator=(const SurfaceScope&) = delete;

  private:
    void swap() {
        std::swap(m_state.layout, m_surface.layout);
        std::swap(m_state.textures, m_surface.textures);
    }
    AppState& m_state;
    StageSurface& m_surface;
};

/// One frame of the stage's own window, in the current ImGui context (between NewFrame and Render):
/// its keys, then update() (cheap when nothing changed; a step taken there is drawn at once), then the
/// stage into `surface`.
void stage_window_frame(AppState& s, StageSurface& surface);

}  // namespace attnviz::gui
