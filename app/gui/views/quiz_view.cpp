// The "Quiz" view: predict, then reveal. The question is asked with every weight hidden; the student
// clicks a token (or types a number, or picks a head's role); Reveal says right or wrong, explains, and
// fades the weights in. The questions and checks live in app/gui/quiz.h.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lesson/scenario.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace attnviz::gui {

namespace {

const char* kind_label(QuizKind k) {
    switch (k) {
        case QuizKind::kScenario:
            return "Lesson question";
        case QuizKind::kHeadRole:
            return "Which role has this head?";
        case QuizKind::kTemperature:
            return "What will T = 0.1 do?";
    }
    return "";
}

void draw_kind_buttons(AppState& s) {
    for (QuizKind k : {QuizKind::kScenario, QuizKind::kTemperature, QuizKind::kHeadRole}) {
        const bool chosen = s.quiz.kind == k;
        if (chosen) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(kind_label(k))) start_quiz(s, s.quiz.scenario, k);
        if (chosen) ImGui::PopStyleColor();
        note_item(s.layout.widgets, "quiz_kind_button", static_cast<int>(k));
        ImGui::SameLine();
    }
    ImGui::NewLine();
}

/// Token chips to answer with: text only, no weight anywhere.
void draw_answer_chips(AppState& s) {
    const auto& tokens = s.derived.tokens.tokens;
    const int n = static_cast<int>(tokens.size());
    const Palette& pal = palette(s.view.theme);
    ImGui::PushFont(display_font());
    const float fs = ImGui::GetFontSize();
    const float avail_x = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float x_start = p.x;
    const float chip_h = fs * 1.7f;
    for (int i = 0; i < n; ++i) {
        const std::string label = shorten(token_label(s, i), 14);
        const float w = std::max(fs * 1.5f, ImGui::CalcTextSize(label.c_str()).x + fs * 0.9f);
        if (p.x + w > x_start + avail_x && p.x > x_start) {  // wrap: a quiz sentence is read, not scrolled
            p.x = x_start;
            p.y += chip_h + fs * 0.4f;
        }
        const Rect r{p, ImVec2(p.x + w, p.y + chip_h)};
        s.layout.widgets.note("quiz_chip", i, r);
        ImGui::SetCursorScreenPos(r.min);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("##quiz_chip", ImVec2(w, chip_h))) answer_quiz_token(s, i);
        const bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        const bool chosen = s.quiz.chosen_token == i;
        const bool is_query = i == s.selection.query;
        ImU32 bg = hovered ? pal.chip_hover : pal.chip;
        if (is_query) bg = pal.chip_query;
        dl->AddRectFilled(r.min, r.max, bg, fs * 0.3f);
        dl->AddRect(r.min, r.max, chosen ? pal.accent : pal.chip_border, fs * 0.3f, 0, chosen ? 4.0f : 1.0f);
        const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        dl->AddText(ImVec2(0.5f * (r.min.x + r.max.x - ts.x), 0.5f * (r.min.y + r.max.y - ts.y)),
                    is_query ? IM_COL32(20, 20, 20, 255) : pal.text, label.c_str());
        p.x += w + fs * 0.35f;
    }
    ImGui::SetCursorScreenPos(ImVec2(x_start, p.y + chip_h + fs * 0.3f));
    ImGui::PopFont();
    ImGui::TextDisabled("the query token is highlighted; click the token you predict");
}

void draw_number_input(AppState& s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s", s.quiz.typed.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Your answer:");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
    if (ImGui::InputText("##quiz_number", buf, sizeof buf, ImGuiInputTextFlags_CharsScientific))
        answer_quiz_number(s, buf);
    note_item(s.layout.widgets, "quiz_number_input");
    if (!s.quiz.typed.empty() && !s.quiz.answered()) {
        ImGui::SameLine();
        ImGui::TextColored(text_color(palette(s.view.theme).error), "type a number");
    }
}

void draw_choices(AppState& s) {
    const QuizQuestion& q = s.quiz.question;
    const float avail = ImGui::GetContentRegionAvail().x;
    float x = 0.0f;
    for (std::size_t i = 0; i < q.choices.size(); ++i) {
        const float w = ImGui::CalcTextSize(q.choices[i].c_str()).x + ImGui::GetStyle().FramePadding.x * 2.0f;
        if (i > 0 && x + w < avail) ImGui::SameLine();
        if (i > 0 && x + w >= avail) x = 0.0f;
        const bool chosen = s.quiz.chosen_choice == static_cast<int>(i);
        if (chosen) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::Button(q.choices[i].c_str())) answer_quiz_choice(s, static_cast<int>(i));
        ImGui::PopID();
        if (chosen) ImGui::PopStyleColor();
        note_item(s.layout.widgets, "quiz_choice", static_cast<int>(i));
        x += w + ImGui::GetStyle().ItemSpacing.x;
    }
}

std::string your_answer(const AppState& s) {
    const QuizState& q = s.quiz;
    if (!q.answered()) return "";
    switch (q.question.mode) {
        case QuizAnswerMode::kToken:
            return "\"" + token_label(s, q.chosen_token) + "\"";
        case QuizAnswerMode::kNumber:
            return q.typed;
        case QuizAnswerMode::kChoice:
            return q.question.choices[static_cast<std::size_t>(q.chosen_choice)];
    }
    return "";
}

/// After the reveal: right or wrong, the answer, the explanation and the true top key of the query row.
void draw_verdict(AppState& s) {
    const QuizState& q = s.quiz;
    ImGui::PushFont(display_font());
    if (!q.answered()) {
        ImGui::TextColored(text_color(palette(s.view.theme).warning), "No answer given. The answer: %s",
                           q.question.answer.c_str());
    } else if (q.correct()) {
        ImGui::TextColored(text_color(palette(s.view.theme).success), "Right! %s", q.question.answer.c_str());
    } else {
        ImGui::TextColored(text_color(palette(s.view.theme).error),
                           "Not quite: you said %s; the answer is %s", your_answer(s).c_str(),
                           q.question.answer.c_str());
    }
    ImGui::PopFont();
    ImGui::PushTextWrapPos();
    ImGui::TextUnformatted(q.question.explanation.c_str());
    ImGui::PopTextWrapPos();
    if (s.lesson && !s.lesson->title.empty()) ImGui::TextDisabled("lesson: %s", s.lesson->title.c_str());
    const Derived& d = s.derived;
    const int query = s.selection.query;
    if (d.result() && query >= 0 && query < d.result()->n_q && !s.recompute_pending()) {
        const attention::HeadResult& h = d.result()->heads[static_cast<std::size_t>(s.selection.focus_head)];
        int best = -1;
        for (int j = 0; j < d.result()->n_k; ++j) {
            if (d.result()->visible(query, j) && (best < 0 || h.weights(query, j) > h.weights(query, best)))
                best = j;
        }
        if (best >= 0) {
            ImGui::Text("Engine: \"%s\" gives its largest weight, %s, to \"%s\" (head %d, T = %.3g).",
                        token_label(s, query).c_str(), format_weight(h.weights(query, best)).c_str(),
                        token_label(s, best).c_str(), s.selection.focus_head, s.settings.temperature);
            note_item(s.layout.widgets, "weight_text");
        }
    }
}

}  // namespace

void draw_quiz_view(AppState& s) {
    const auto& all = lesson::builtin_scenarios();
    QuizState& q = s.quiz;
    // Leaving the tab this frame (another view requested): do not ask a question on the way out.
    if (s.requests.view && *s.requests.view != MainView::kQuiz) return;
    if (!q.active()) {
        // Opening the tab asks the first question (the current lesson's if it has one).
        int first = -1;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (s.lesson && all[i].name == s.lesson->name && all[i].quiz) first = static_cast<int>(i);
        }
        if (first < 0 && s.lesson && s.lesson->quiz) {
            start_quiz(s, -1, QuizKind::kScenario);  // a teacher's own lesson file with its question
        } else {
            start_quiz(s, first >= 0 ? first : next_quiz_scenario(all, -1), QuizKind::kScenario);
        }
        if (!q.active()) {
            ImGui::TextDisabled("No built-in lesson has a quiz.");
            return;
        }
    }
    const float fs = ImGui::GetFontSize();
    if (!s.presenter.active) {  // on the stage PageDown steps; the kinds are the teacher's desk work
        draw_kind_buttons(s);
        ImGui::Separator();
    }
    if (q.needs_question()) {
        ImGui::TextDisabled(
            "%s", s.derived.status.empty() ? "Preparing the question\xE2\x80\xA6" : s.derived.status.c_str());
        return;
    }

    ImGui::PushFont(display_font());
    ImGui::PushTextWrapPos();
    ImGui::TextUnformatted(q.question.question.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::Spacing();

    if (!q.revealed()) {
        switch (q.question.mode) {
            case QuizAnswerMode::kToken:
                draw_answer_chips(s);
                break;
            case QuizAnswerMode::kNumber:
                draw_number_input(s);
                break;
            case QuizAnswerMode::kChoice:
                draw_choices(s);
                break;
        }
        ImGui::Spacing();
        if (q.answered()) {
            ImGui::Text("Your prediction: %s", your_answer(s).c_str());
        } else {
            ImGui::TextDisabled(q.hidden()
                                    ? "Predict first: the weights stay hidden until you press Reveal."
                                    : "Predict first: the heads' names stay hidden until you press Reveal.");
        }
        ImGui::Spacing();
    }
    if (!q.revealed()) {
        if (ImGui::Button("Reveal", ImVec2(fs * 7.0f, fs * 1.8f))) reveal_quiz(s, ImGui::GetTime());
        note_item(s.layout.widgets, "quiz_reveal");
        ImGui::SameLine();
    }
    if (ImGui::Button("Next question", ImVec2(fs * 9.0f, fs * 1.8f))) next_quiz(s);
    note_item(s.layout.widgets, "quiz_next");
    if (!q.revealed() && q.question.mode == QuizAnswerMode::kChoice) {
        // A role is read off the pattern: the asked head's matrix, its name withheld.
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        if (avail.y > fs * 6.0f) draw_heatmap_panel(s, avail);
        return;
    }
    if (!q.revealed()) {
        // Where the weights will appear: an empty frame, so the class sees that something is withheld.
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        if (avail.y > fs * 4.0f) {
            ImGui::BeginChild("##quiz_hidden_weights", avail, true);
            const char* text = "The weights appear here after Reveal.";
            const ImVec2 ts = ImGui::CalcTextSize(text);
            ImGui::SetCursorPos(ImVec2((avail.x - ts.x) * 0.5f, (avail.y - ts.y) * 0.5f));
            ImGui::TextDisabled("%s", text);
            ImGui::EndChild();
        }
        return;
    }

    draw_verdict(s);
    // The weights, fading in (s.view.weights_alpha): the arcs over the tokens and the focused head's matrix.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float strip_h = std::clamp(fs * 9.5f, 120.0f, avail.y * 0.4f);
    draw_token_strip(s, ImVec2(avail.x, strip_h));
    const float rest = avail.y - strip_h - ImGui::GetStyle().ItemSpacing.y;
    if (rest > fs * 6.0f) draw_heatmap_panel(s, ImVec2(avail.x, rest));
}

}  // namespace attnviz::gui
