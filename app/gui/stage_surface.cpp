// One frame of the stage's own window: its keys, the update they need, and the stage drawn into its
// own surface.
#include "app/gui/stage_surface.h"

#include "app/gui/app.h"
#include "app/gui/compute/quiz.h"
#include "app/gui/panels.h"

namespace attnviz::gui {

void stage_window_frame(AppState& s, StageSurface& surface) {
    handle_stage_window_shortcuts(s);
    update(s);
    if (!s.presenter.active || !s.presenter.in_window) return;  // Esc there: nothing more to show
    SurfaceScope scope(s, surface);
    s.view.weights_alpha = quiz_weights_alpha(s.quiz, ImGui::GetTime());
    s.layout.widgets.clear();  // the stage window's own widgets, in its own layout
    draw_stage(s);
}

}  // namespace attnviz::gui
