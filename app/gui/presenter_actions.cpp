// Presenter mode's actions: entering saves what is on screen, stepping applies lessons and their quiz
// phases through the ordinary actions, leaving puts the saved state back.
#include "app/gui/presenter_actions.h"

#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "core/lesson/scenario.h"

#include <algorithm>
#include <cstdio>

namespace attnviz::gui {

namespace {

int n_lessons() {
    return static_cast<int>(lesson::builtin_scenarios().size());
}

bool lesson_has_quiz(int lesson) {
    return lesson >= 0 && lesson < n_lessons() &&
           lesson::builtin_scenarios()[static_cast<std::size_t>(lesson)].quiz;
}

int n_steps(int lesson) {
    return static_cast<int>(presenter_step_names(lesson).size());
}

/// The lesson's quiz phase the step shows: predict (asking) or reveal; the explanation has none.
void reveal_now_or_when_ready(AppState& s, double now) {
    if (s.quiz.phase == QuizPhase::kAsking) {
        reveal_quiz(s, now);
    } else {
        s.presenter.reveal_pending = true;  // update() builds the question first
    }
}

}  // namespace

std::vector<std::string> presenter_step_names(int lesson) {
    if (lesson < 0 || lesson >= n_lessons()) return {};
    if (lesson_has_quiz(lesson)) return {"predict", "reveal", "explanation"};
    return {"picture", "explanation"};
}

MainView lesson_view(int lesson) {
    if (lesson < 0 || lesson >= n_lessons()) return MainView::kAttention;
    const lesson::Scenario& sc = lesson::builtin_scenarios()[static_cast<std::size_t>(lesson)];
    if (!sc.key_sentence.empty()) return MainView::kCross;
    if (sc.hand_model) return MainView::kPipeline;
    if (sc.name == "temperature") return MainView::kTemperature;
    return MainView::kAttention;
}

void enter_presenter(AppState& s, double now) {
    PresenterState& p = s.presenter;
    if (p.active) return;
    p.saved = StageSnapshot{s.sentence,  s.key_sentence, s.hand_model, s.lesson,     s.settings,
                            s.selection, s.view,         s.quiz,       s.permutation};
    p.active = true;
    p.lesson = -1;
    p.step = 0;
    p.reveal_pending = false;
    p.pointer = StagePointer::kOff;
    p.step_time = now;
    // Stepping starts at what is on screen: its lesson, and the quiz phase it is in.
    const auto& all = lesson::builtin_scenarios();
    if (s.quiz.active() && s.quiz.kind == QuizKind::kScenario && s.quiz.scenario >= 0) {
        p.lesson = s.quiz.scenario;
    } else if (s.lesson) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].name == s.lesson->name && all[i].sentence == s.sentence)
                p.lesson = static_cast<int>(i);
        }
    }
    if (p.lesson >= 0) {
        const bool asking = s.quiz.active() && s.quiz.scenario == p.lesson && lesson_has_quiz(p.lesson);
        p.step = asking ? (s.quiz.revealed() ? 1 : 0) : n_steps(p.lesson) - 1;
        // The quiz view asks the lesson's question as soon as it is drawn: that is its predict step.
        if (!s.quiz.active() && s.view.main_view == MainView::kQuiz && lesson_has_quiz(p.lesson)) p.step = 0;
    }
    // The stage's text: in this window, or in the stage's own window while this one keeps its size.
    const float desk_scale = s.view.font_scale;
    set_font_scale(s, desk_scale * kStageFontFactor);
    if (stage_window_wanted(s)) {
        p.in_window = true;
        p.stage_font_scale = s.view.font_scale;
        s.view.font_scale = desk_scale;
    } else {
        s.view.fullscreen = true;
        s.view.show_help = false;
    }
}

bool stage_window_wanted(const AppState& s) {
    const StageOutput& o = s.stage_output;
    return (o.forced_window || o.second_monitor) && o.prefer_second_monitor;
}

void move_stage(AppState& s, bool to_window) {
    PresenterState& p = s.presenter;
    if (!p.active || p.in_window == to_window) return;
    if (to_window) {
        // This window gets back its own text size and window mode; the stage keeps its large text.
        p.stage_font_scale = s.view.font_scale;
        s.view.font_scale = p.saved.view.font_scale;
        s.view.fullscreen = p.saved.view.fullscreen;
    } else {
        set_font_scale(s, p.stage_font_scale);
        s.view.fullscreen = true;
        s.view.show_help = false;
    }
    p.in_window = to_window;
}

void set_stage_preference(AppState& s, bool second_monitor) {
    s.stage_output.prefer_second_monitor = second_monitor;
    move_stage(s, stage_window_wanted(s));
}

void update_stage_output(AppState& s, bool second_monitor) {
    const bool had = s.stage_output.second_monitor;
    s.stage_output.second_monitor = second_monitor;
    if (s.presenter.active && s.presenter.in_window && !stage_window_wanted(s)) {
        move_stage(s, false);
        if (had) set_status(s, "the second monitor was disconnected: the stage is back in this window");
    }
}

void leave_presenter(AppState& s) {
    PresenterState& p = s.presenter;
    if (!p.active) return;
    StageSnapshot& v = p.saved;
    s.sentence = std::move(v.sentence);
    s.key_sentence = std::move(v.key_sentence);
    s.hand_model = std::move(v.hand_model);
    s.lesson = std::move(v.lesson);
    s.settings = v.settings;
    s.selection = std::move(v.selection);
    s.quiz = std::move(v.quiz);
    s.permutation = std::move(v.permutation);
    s.view = std::move(v.view);
    s.requests.view = s.view.main_view;  // the tab bar selects the view again
    p = PresenterState{};
    s.inputs_changed();
    s.colours_changed();
}

void toggle_presenter(AppState& s, double now) {
    if (s.presenter.active) {
        leave_presenter(s);
    } else {
        enter_presenter(s, now);
    }
}

void presenter_go_to(AppState& s, int lesson, int step, double now) {
    PresenterState& p = s.presenter;
    if (!p.active || n_lessons() == 0) return;
    lesson = std::clamp(lesson, 0, n_lessons() - 1);
    step = std::clamp(step, 0, n_steps(lesson) - 1);
    p.reveal_pending = false;
    if (lesson_has_quiz(lesson) && step < 2) {
        start_quiz(s, lesson, QuizKind::kScenario);  // applies the lesson
        show_view(s, MainView::kQuiz);
        if (step == 1) reveal_now_or_when_ready(s, now);
    } else {
        apply_scenario(s, lesson::builtin_scenarios()[static_cast<std::size_t>(lesson)]);
        show_view(s, lesson_view(lesson));
    }
    p.lesson = lesson;
    p.step = step;
    p.step_time = now;
}

void presenter_next(AppState& s, double now) {
    PresenterState& p = s.presenter;
    if (!p.active) return;
    p.step_time = now;          // the indicator shows even when there is nowhere to go
    if (model_open(s)) return;  // the lessons are the lesson model's: the real model's text stays
    if (p.lesson < 0) {
        presenter_go_to(s, 0, 0, now);
        return;
    }
    if (p.step + 1 >= n_steps(p.lesson)) {
        if (p.lesson + 1 < n_lessons()) presenter_go_to(s, p.lesson + 1, 0, now);
        return;
    }
    // Inside a lesson a step goes on from what the class did: an answer clicked on stage stays.
    ++p.step;
    if (lesson_has_quiz(p.lesson) && p.step == 1) {
        if (s.quiz.active() && s.quiz.scenario == p.lesson) {
            reveal_now_or_when_ready(s, now);
        } else {
            presenter_go_to(s, p.lesson, 1, now);
        }
    } else if (lesson_has_quiz(p.lesson) && p.step == 2) {
        p.reveal_pending = false;
        end_quiz(s);
        show_view(s, lesson_view(p.lesson));
    }
}

void presenter_previous(AppState& s, double now) {
    PresenterState& p = s.presenter;
    if (!p.active) return;
    p.step_time = now;
    if (p.lesson < 0 || model_open(s)) return;
    if (p.step > 0) {
        if (lesson_has_quiz(p.lesson)) {
            presenter_go_to(s, p.lesson, p.step - 1, now);  // a quiz cannot be un-revealed: asked anew
        } else {
            --p.step;
        }
    } else if (p.lesson > 0) {
        presenter_go_to(s, p.lesson - 1, n_steps(p.lesson - 1) - 1, now);
    }
}

void cycle_stage_pointer(AppState& s) {
    StagePointer& ptr = s.presenter.pointer;
    ptr = ptr == StagePointer::kOff     ? StagePointer::kLaser
          : ptr == StagePointer::kLaser ? StagePointer::kSpotlight
                                        : StagePointer::kOff;
}

void update_presenter(AppState& s, double now) {
    PresenterState& p = s.presenter;
    if (!p.active || !p.reveal_pending) return;
    if (!s.quiz.active()) {
        p.reveal_pending = false;
    } else if (s.quiz.phase == QuizPhase::kAsking) {
        reveal_quiz(s, now);
        p.reveal_pending = false;
    }
}

std::string presenter_indicator(const AppState& s) {
    const PresenterState& p = s.presenter;
    if (model_open(s)) return "real model \xC2\xB7 the lessons step with the lesson model";
    if (p.lesson < 0) return "your sentence \xC2\xB7 PageDown: lesson 1";
    const std::vector<std::string> steps = presenter_step_names(p.lesson);
    char buf[128];
    std::snprintf(
        buf, sizeof buf, "Lesson %d/%d \xC2\xB7 step %d/%d \xC2\xB7 %s", p.lesson + 1, n_lessons(),
        p.step + 1, static_cast<int>(steps.size()),
        steps[static_cast<std::size_t>(std::clamp(p.step, 0, static_cast<int>(steps.size()) - 1))].c_str());
    return buf;
}

}  // namespace attnviz::gui
