// Presenter mode's stage: the current view over the whole window in large type, the lesson's
// explanation as a caption at its last step, a step indicator that fades into its corner, and the
// laser / spotlight pointer drawn over everything.
#include "app/gui/panels.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

namespace attnviz::gui {

namespace {

/// The explanation under the view, relative to the stage's text: still about 1.4 times the desk's size,
/// and the view keeps more of the height.
constexpr float kCaptionTextScale = 0.8f;

/// The lesson's explanation, shown at its last step (never while a question hides the answers).
const LessonIdentity* caption_lesson(const AppState& s) {
    const PresenterState& p = s.presenter;
    const int n = static_cast<int>(presenter_step_names(p.lesson).size());
    if (p.lesson < 0 || p.step != n - 1 || !s.lesson || s.lesson->explanation.empty() || s.quiz.hidden())
        return nullptr;
    return &*s.lesson;
}

float caption_height(const LessonIdentity& lesson, float width) {
    const float fs = ImGui::GetFontSize();
    const float pad = fs * 0.7f;
    ImGui::PushFont(display_font());
    const float title_h = ImGui::CalcTextSize(lesson.title.c_str(), nullptr, false, width - 2.0f * pad).y;
    ImGui::PopFont();
    const float text_h =
        ImGui::GetFont()
            ->CalcTextSizeA(fs * kCaptionTextScale, FLT_MAX, width - 2.0f * pad, lesson.explanation.c_str())
            .y;
    return title_h + text_h + pad * 2.0f + ImGui::GetStyle().ItemSpacing.y * 2.0f;
}

void draw_caption(const AppState& s, const LessonIdentity& lesson, ImVec2 pos, ImVec2 size) {
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.7f, fs * 0.7f));
    begin_fixed_window("##stage_caption", pos, size, ImGuiWindowFlags_NoTitleBar);
    ImGui::PopStyleVar();
    ImGui::SetWindowFontScale(1.0f);  // a window keeps its font scale between frames
    ImGui::GetWindowDrawList()->AddLine(pos, ImVec2(pos.x + size.x, pos.y), pal.text_dim, 2.0f);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushFont(display_font());
    ImGui::TextColored(text_color(pal.accent), "%s", lesson.title.c_str());
    ImGui::PopFont();
    ImGui::SetWindowFontScale(kCaptionTextScale);
    ImGui::TextUnformatted(lesson.explanation.c_str());
    ImGui::PopTextWrapPos();
    ImGui::End();
}

/// "Lesson 2/9 · step 2/3 · reveal" in the bottom-right corner: bright after a step, then faint.
void draw_step_indicator(AppState& s, ImVec2 corner) {
    const double since = ImGui::GetTime() - s.presenter.step_time;
    const float fade = static_cast<float>(std::clamp(since - kStepIndicatorSeconds, 0.0, 1.0));
    const float alpha = 1.0f - 0.7f * fade;
    if (since < kStepIndicatorSeconds + 1.0) s.animating = true;  // frames while it fades
    const std::string text = presenter_indicator(s);
    const float size = ImGui::GetFontSize() * 0.6f;
    ImFont* font = ImGui::GetFont();
    const ImVec2 ts = font->CalcTextSizeA(size, FLT_MAX, 0.0f, text.c_str());
    const float pad = size * 0.4f;
    const ImVec2 max(corner.x - pad, corner.y - pad);
    const ImVec2 min(max.x - ts.x - 2.0f * pad, max.y - ts.y - pad);
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    fg->AddRectFilled(min, max, IM_COL32(0, 0, 0, static_cast<int>(110.0f * alpha)), pad);
    ImVec4 c = text_color(palette(s.view.theme).text);
    c.w *= 0.85f * alpha;
    fg->AddText(font, size, ImVec2(min.x + pad, min.y + pad * 0.5f), ImGui::ColorConvertFloat4ToU32(c),
                text.c_str());
}

/// A red laser dot with a soft halo at the mouse; the spotlight also dims all but a circle around it.
void draw_pointer(const AppState& s) {
    if (s.presenter.pointer == StagePointer::kOff) return;
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (!ImGui::IsMousePosValid(&m)) return;
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    const float fs = ImGui::GetFontSize();
    if (s.presenter.pointer == StagePointer::kSpotlight) {
        // A ring from the spotlight's edge to past the window's corners: everything else darkened.
        const ImVec2 size = ImGui::GetMainViewport()->Size;
        const float radius = fs * 5.0f;
        const float width = std::sqrt(size.x * size.x + size.y * size.y) * 2.0f;
        fg->AddCircle(m, radius + width * 0.5f, IM_COL32(0, 0, 0, 150), 128, width);
    }
    const float dot = std::max(6.0f, fs * 0.35f);
    for (int i = 4; i >= 1; --i) {
        const float r = dot * (1.0f + 0.55f * static_cast<float>(i));
        fg->AddCircleFilled(m, r, IM_COL32(255, 40, 40, 70 - 14 * i), 48);
    }
    fg->AddCircleFilled(m, dot, IM_COL32(255, 30, 30, 255), 32);
    fg->AddCircleFilled(m, dot * 0.45f, IM_COL32(255, 200, 200, 255), 24);
    ImGui::SetMouseCursor(ImGuiMouseCursor_None);
}

}  // namespace

void draw_stage(AppState& s) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 origin = vp->Pos;
    const ImVec2 size = vp->Size;
    const LessonIdentity* lesson = caption_lesson(s);
    const float caption_h = lesson ? std::min(caption_height(*lesson, size.x), size.y * 0.3f) : 0.0f;
    draw_main_view(s, origin, ImVec2(size.x, size.y - caption_h));
    if (lesson) {
        draw_caption(s, *lesson, ImVec2(origin.x, origin.y + size.y - caption_h), ImVec2(size.x, caption_h));
    }
    draw_step_indicator(s, ImVec2(origin.x + size.x, origin.y + size.y - caption_h));
    draw_pointer(s);
}

}  // namespace attnviz::gui
