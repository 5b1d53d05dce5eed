// State changes with their validation, shared by panels and shortcuts.
#include "app/gui/app_actions.h"

#include "core/io/utf8.h"

#include "app/gui/model_actions.h"

#include "core/attention/attention_config.h"
#include "core/base/seeded_random.h"
#include "core/lab/model_presets.h"
#include "core/lesson/lesson_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>

namespace attnviz::gui {

void set_sentence(AppState& s, std::string sentence) {
    if (sentence == s.sentence) return;
    // The query stays on its word where the new sentence still has it, else on its index (clamped).
    const int q = s.selection.query;
    const auto& toks = s.derived.tokens.tokens;
    if (s.selection.pending_query.empty() && q >= 0 && q < static_cast<int>(toks.size())) {
        s.selection.pending_query = toks[static_cast<std::size_t>(q)].text;
        s.selection.pending_query_fallback = q;
    }
    s.sentence = std::move(sentence);
    s.status_message.clear();       // a remark about the old sentence
    reset_heatmap_zoom(s);          // a zoom window into the old matrix could hide the query row
    s.lesson.reset();               // a typed sentence is no longer the lesson
    s.permutation.active = false;   // a typed sentence ends the permutation experiment
    s.model.generated_ids.clear();  // generated tokens continued the old text
    s.model.kv_session.reset();
    leave_hand_example(s);
    s.inputs_changed();
}

void leave_hand_example(AppState& s) {
    if (!s.hand_model) return;
    s.hand_model.reset();
    s.settings.n_heads = s.settings.n_kv_heads = lesson::LessonRunSettings{}.n_heads;
    s.selection.selected_cell_row = s.selection.selected_cell_col = -1;
    s.inputs_changed();  // first: the remark is about the result this change computes
    set_status(s, "left the hand example: a new sentence is computed by the lesson model");
}

void set_status(AppState& s, std::string message) {
    s.status_message = std::move(message);
    // It describes the result being computed now (or already shown): the next change clears it.
    s.status_for_pending_run = s.recompute_pending();
}

const char* unshaped_script(std::string_view text) {
    struct Block {
        char32_t first, last;
        const char* script;
    };
    static const Block kBlocks[] = {
        {0x0590, 0x05FF, "Hebrew"},    {0x0600, 0x06FF, "Arabic"},     {0x0700, 0x074F, "Syriac"},
        {0x0750, 0x077F, "Arabic"},    {0x0780, 0x07BF, "Thaana"},     {0x07C0, 0x07FF, "N'Ko"},
        {0x08A0, 0x08FF, "Arabic"},    {0x0900, 0x097F, "Devanagari"}, {0x0980, 0x09FF, "Bengali"},
        {0x0A00, 0x0A7F, "Gurmukhi"},  {0x0A80, 0x0AFF, "Gujarati"},   {0x0B00, 0x0B7F, "Oriya"},
        {0x0B80, 0x0BFF, "Tamil"},     {0x0C00, 0x0C7F, "Telugu"},     {0x0C80, 0x0CFF, "Kannada"},
        {0x0D00, 0x0D7F, "Malayalam"}, {0x0D80, 0x0DFF, "Sinhala"},    {0x0E00, 0x0E7F, "Thai"},
        {0x0E80, 0x0EFF, "Lao"},       {0x0F00, 0x0FFF, "Tibetan"},    {0x1000, 0x109F, "Myanmar"},
        {0x1780, 0x17FF, "Khmer"},     {0xFB1D, 0xFB4F, "Hebrew"},     {0xFB50, 0xFDFF, "Arabic"},
        {0xFE70, 0xFEFF, "Arabic"},
    };
    for (const char32_t cp : io::decode_utf8(text)) {
        if (cp < 0x0590) continue;
        for (const Block& b : kBlocks) {
            if (cp >= b.first && cp <= b.last) return b.script;
        }
    }
    return nullptr;
}

std::string unshaped_script_notice(const char* script) {
    // Short enough for the status line at the default size (tokens and weights are not affected).
    return std::string(script) +
           " text is shown unshaped (letters in logical order, not joined); glyphs missing from the font "
           "show "
           "as \xEF\xBF\xBD";
}

void notice_unshaped_text_once(AppState& s) {
    if (s.unshaped_notice_given) return;
    const char* script = unshaped_script(s.sentence);
    if (script == nullptr) script = unshaped_script(s.key_sentence);
    if (script == nullptr) return;
    s.unshaped_notice_given = true;
    const std::string notice = unshaped_script_notice(script);
    set_status(s, s.status_message.empty() ? notice : s.status_message + "; " + notice);
}

void set_key_sentence(AppState& s, std::string key_sentence) {
    if (key_sentence == s.key_sentence) return;
    s.key_sentence = std::move(key_sentence);
    s.inputs_changed();
}

void apply_scenario(AppState& s, const lesson::Scenario& sc) {
    end_quiz(s);  // another lesson: the open question is about the old one (the quiz view asks anew)
    s.sentence = sc.sentence;
    s.key_sentence = sc.key_sentence;
    s.lesson = LessonIdentity{sc.name, sc.title, sc.explanation, sc.quiz};
    s.settings = sc.settings;
    s.permutation.active = false;
    s.hand_model = sc.hand_model;
    s.selection.selected_cell_row = s.selection.selected_cell_col = -1;
    s.selection.query = -1;
    s.selection.pending_query = sc.query;
    s.selection.pending_query_fallback = -1;
    s.selection.focus_head = sc.focus_head;
    s.temperature_message.clear();
    s.load_message.clear();
    s.status_message.clear();
    reset_heatmap_zoom(s);
    s.inputs_changed();
}

bool load_scenario_from_file(AppState& s, const std::string& path) {
    Expected<lesson::Scenario> sc = lesson::load_scenario_file(path);
    if (!sc) {
        s.load_message = sc.error();
        return false;
    }
    apply_scenario(s, *sc);
    s.load_message = "loaded " + path;
    for (const std::string& w : sc->warnings) s.load_message += "\nwarning: " + w;
    return true;
}

void request_screenshot(AppState& s) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    const std::string name =
        "attnviz-" + (s.lesson && !s.lesson->name.empty() ? s.lesson->name : std::string("sentence")) + "-" +
        stamp + ".png";
    s.requests.screenshot = (std::filesystem::path(screenshot_folder()) / name).string();
    s.requests.screenshot_wait_frames = 1;
}

std::string screenshot_folder() {
    const char* pictures = std::getenv("XDG_PICTURES_DIR");
    if (pictures != nullptr && pictures[0] == '/')
        return (std::filesystem::path(pictures) / "attnviz").string();
    const char* home = std::getenv("HOME");
    if (home != nullptr && home[0] == '/')
        return (std::filesystem::path(home) / "Pictures" / "attnviz").string();
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    return ec ? std::string(".") : cwd.string();
}

void set_query(AppState& s, int index) {
    if (s.quiz.hidden()) return;  // the question is about this query: it stays put until the reveal
    const int n = static_cast<int>(s.derived.tokens.tokens.size());
    if (n == 0) return;
    s.selection.query = std::clamp(index, 0, n - 1);
    s.selection.pending_query.clear();
    if (s.selection.selected_cell_col >= 0)
        s.selection.selected_cell_row = s.selection.query;  // the inspector follows
}

bool select_cell(AppState& s, int row, int col) {
    if (!s.derived.result()) return false;
    if (row < 0 || row >= s.derived.result()->n_q || col < 0 || col >= s.derived.result()->n_k) return false;
    s.selection.selected_cell_row = row;
    s.selection.selected_cell_col = col;
    set_query(s, row);
    return true;
}

bool set_hand_value(AppState& s, HandMatrix which, int row, int col, float value) {
    if (!s.hand_model) return false;
    if (!std::isfinite(value) || std::fabs(value) > lesson::kHandModelMaxAbs) return false;
    lesson::HandModel& m = *s.hand_model;
    MatrixRM* target = nullptr;
    switch (which) {
        case HandMatrix::kX:
            target = &m.x;
            break;
        case HandMatrix::kWq:
            target = &m.w_q;
            break;
        case HandMatrix::kWk:
            target = &m.w_k;
            break;
        case HandMatrix::kWv:
            target = &m.w_v;
            break;
    }
    if (target == nullptr || row < 0 || row >= target->rows() || col < 0 || col >= target->cols())
        return false;
    if ((*target)(row, col) == value) return true;
    (*target)(row, col) = value;
    s.inputs_changed();
    return true;
}

void move_query(AppState& s, int delta) {
    set_query(s, (s.selection.query < 0 ? 0 : s.selection.query) + delta);
}

std::string format_temperature(double t) {
    if (std::isinf(t)) return "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", t);
    return buf;
}

bool set_temperature(AppState& s, double t) {
    if (model_open(s)) return set_model_temperature(s, t, InterventionScope::kAllLayers);
    if (Status err = attention::validate_temperature(t); !err.empty()) {
        s.temperature_message = err + "; kept T = " + format_temperature(s.settings.temperature);
        return false;
    }
    s.temperature_message.clear();
    if (t == s.settings.temperature) return true;
    s.settings.temperature = t;
    s.inputs_changed();
    return true;
}

bool set_temperature_text(AppState& s, const std::string& typed) {
    const auto b = typed.find_first_not_of(" \t");
    const auto e = typed.find_last_not_of(" \t");
    const std::string t = b == std::string::npos ? "" : typed.substr(b, e - b + 1);
    std::string lower = t;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto refuse = [&](const std::string& why) {
        s.temperature_message =
            "T = \"" + t + "\" " + why + "; kept T = " + format_temperature(s.settings.temperature);
        return false;
    };
    if (lower == "inf" || lower == "infinity" || lower == "+inf" || t == "\xE2\x88\x9E")
        return set_temperature(s, std::numeric_limits<double>::infinity());
    if (t.empty()) return refuse("is empty: type a number >= 0 or inf");
    if (t[0] == '-') return refuse("is negative: T must be >= 0 (0 = argmax, inf = uniform)");
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || std::isnan(v))
        return refuse("is not a number: type e.g. 0.5, 2 or inf");
    return set_temperature(s, v);
}

void step_temperature(AppState& s, double factor) {
    const double t = model_open(s) ? s.model.interventions.temperature : s.settings.temperature;
    // The log slider spans [0.05, 20]; stepping off either end lands on the exact limit.
    constexpr double kMin = 0.05, kMax = 20.0;
    double next = t;
    if (t == 0.0) {
        next = factor > 1.0 ? kMin : 0.0;
    } else if (std::isinf(t)) {
        next = factor < 1.0 ? kMax : t;
    } else {
        next = t * factor;
        if (next < kMin) next = 0.0;
        if (next > kMax) next = std::numeric_limits<double>::infinity();
    }
    set_temperature(s, next);
}

void set_causal(AppState& s, bool causal) {
    if (model_open(s)) return set_model_causal(s, causal);
    if (causal == s.settings.causal) return;
    s.settings.causal = causal;
    s.inputs_changed();
}

void set_window(AppState& s, int window) {
    window = std::max(0, window);
    if (window == s.settings.window) return;
    s.settings.window = window;
    s.inputs_changed();
}

void set_scale(AppState& s, bool scale) {
    if (scale == s.settings.scale) return;
    s.settings.scale = scale;
    s.inputs_changed();
}

std::vector<int> kv_head_choices(int n_heads) {
    std::vector<int> out;
    for (int k = n_heads; k >= 1; --k) {
        if (n_heads % k == 0) out.push_back(k);
    }
    return out;
}

void set_heads(AppState& s, int n_heads, int max_heads) {
    n_heads = std::clamp(n_heads, 1, std::max(1, max_heads));
    if (n_heads == s.settings.n_heads) return;
    s.settings.n_heads = n_heads;
    int kv = std::min(s.settings.n_kv_heads, n_heads);
    while (n_heads % kv != 0) --kv;
    s.settings.n_kv_heads = kv;
    s.selection.focus_head = std::min(s.selection.focus_head, n_heads - 1);
    s.inputs_changed();
}

void set_kv_heads(AppState& s, int n_kv_heads) {
    if (n_kv_heads < 1 || n_kv_heads > s.settings.n_heads || s.settings.n_heads % n_kv_heads != 0) return;
    if (n_kv_heads == s.settings.n_kv_heads) return;
    s.settings.n_kv_heads = n_kv_heads;
    s.inputs_changed();
}

void set_use_positions(AppState& s, bool use_positions) {
    if (use_positions == s.settings.use_positions) return;
    s.settings.use_positions = use_positions;
    s.inputs_changed();
}

void apply_pattern(AppState& s, Pattern p) {
    const PatternTarget t = pattern_target(p, s);
    const lesson::LessonRunSettings& e = t.settings;
    if (e.n_heads != s.settings.n_heads || e.n_kv_heads != s.settings.n_kv_heads ||
        e.causal != s.settings.causal || e.window != s.settings.window ||
        e.use_positions != s.settings.use_positions) {
        s.settings = e;
        s.inputs_changed();
    }
    if (!t.sentence.empty() && t.sentence != s.sentence) {
        s.sentence = t.sentence;
        s.lesson = LessonIdentity{
            "", "Induction: A B ... A -> B",
            "The second \"cat\" looks at \"sat\", the token that followed \"cat\" the first time: "
            "an induction head predicts that the pattern repeats.",
            s.lesson ? s.lesson->quiz : std::nullopt};
        s.permutation.active = false;
        s.inputs_changed();
    }
    if (t.query_last) {
        s.selection.query = -1;  // update() picks the last token
        s.selection.pending_query.clear();
        s.inputs_changed();
    }
    if (t.focus_head >= 0)
        s.selection.focus_head = t.focus_head;  // update() clamps it to the heads there are
}

namespace {

std::string join_tokens(const std::vector<std::string>& texts, const std::vector<int>& order) {
    std::string out;
    for (int i : order) out += (out.empty() ? "" : " ") + texts[static_cast<std::size_t>(i)];
    return out;
}

}  // namespace

void shuffle_tokens(AppState& s) {
    if (!s.permutation.active) {
        const std::vector<lesson::Token>& toks = s.derived.tokens.tokens;
        if (toks.empty()) return;
        s.permutation.original_tokens.clear();
        for (const lesson::Token& t : toks) s.permutation.original_tokens.push_back(t.text);
        std::vector<int> identity(toks.size());
        for (std::size_t i = 0; i < identity.size(); ++i) identity[i] = static_cast<int>(i);
        s.permutation.original_sentence = join_tokens(s.permutation.original_tokens, identity);
        s.permutation.original_text = s.sentence;
        s.permutation.causal_before = s.settings.causal;
        s.permutation.active = true;
        if (s.lesson) {
            // The lesson's title and explanation describe the words in their order: not the shuffle.
            s.permutation.lesson_title_before = s.lesson->title;
            s.permutation.lesson_explanation_before = s.lesson->explanation;
            s.lesson->title = "Shuffled words of: " + s.lesson->title;
            s.lesson->explanation =
                "The words are shuffled (Permutation view); the lesson's explanation is about their original "
                "order and comes back with \"Positions on + original sentence\".";
        }
    }
    // The selected word stays selected wherever it moves.
    int selected = s.selection.query;
    if (s.permutation.active && selected >= 0 && selected < static_cast<int>(s.permutation.perm.size())) {
        selected = s.permutation.perm[static_cast<std::size_t>(selected)];
    }
    const int n = static_cast<int>(s.permutation.original_tokens.size());
    std::vector<int> perm(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
    SeededRandom rng(s.permutation.seed++);
    for (int i = n - 1; i > 0; --i) {  // Fisher-Yates
        const int j = static_cast<int>(rng.next() % static_cast<std::uint64_t>(i + 1));
        std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
    }
    bool identity = true;
    for (int i = 0; i < n; ++i) identity = identity && perm[static_cast<std::size_t>(i)] == i;
    if (identity && n >= 2) std::rotate(perm.begin(), perm.begin() + 1, perm.end());
    s.permutation.perm = perm;
    s.sentence = join_tokens(s.permutation.original_tokens, perm);
    const auto moved_to = std::find(perm.begin(), perm.end(), selected);
    if (moved_to != perm.end()) {
        s.selection.query = static_cast<int>(moved_to - perm.begin());
        s.selection.pending_query.clear();
    }
    s.settings.causal = false;
    s.settings.window = 0;
    s.inputs_changed();
}

void restore_permutation(AppState& s) {
    set_use_positions(s, true);
    if (!s.permutation.active) return;
    s.sentence = s.permutation.original_text;  // as typed (the experiment compares space-joined tokens)
    s.settings.causal = s.permutation.causal_before;
    const int q = s.selection.query;
    if (q >= 0 && q < static_cast<int>(s.permutation.perm.size()))
        s.selection.query = s.permutation.perm[static_cast<std::size_t>(q)];
    s.permutation.active = false;
    s.permutation.perm.clear();
    if (s.lesson && !s.permutation.lesson_title_before.empty()) {
        s.lesson->title = s.permutation.lesson_title_before;
        s.lesson->explanation = s.permutation.lesson_explanation_before;
    }
    s.permutation.lesson_title_before.clear();
    s.permutation.lesson_explanation_before.clear();
    s.inputs_changed();
}

void set_scaling_d(AppState& s, int d) {
    s.view.temperature_lab.scaling_d = std::clamp(d, 1, 1024);
}

void focus_head(AppState& s, int head) {
    const int n_heads = s.model.open ? s.model.open->model->config.n_heads : s.settings.n_heads;
    if (head < 0 || head >= n_heads) return;
    s.selection.focus_head = head;
}

void next_head(AppState& s) {
    const int n_heads = s.model.open ? s.model.open->model->config.n_heads : s.settings.n_heads;
    focus_head(s, (s.selection.focus_head + 1) % std::max(1, n_heads));
}

void set_colormap(AppState& s, Colormap cmap) {
    if (cmap == s.view.heatmap.colormap) return;
    s.view.heatmap.colormap = cmap;
    s.colours_changed();
}

void set_color_scale(AppState& s, ColorScale scale) {
    if (scale == s.view.heatmap.color.scale) return;
    s.view.heatmap.color.scale = scale;
    s.colours_changed();
}

void set_ignore_first_key(AppState& s, bool ignore) {
    if (ignore == s.view.heatmap.color.ignore_first_key) return;
    s.view.heatmap.color.ignore_first_key = ignore;
    s.colours_changed();
}

// [SECTION] KV-cache calculator

void apply_kv_preset(AppState& s, int index) {
    const auto& presets = lab::model_presets();
    if (index < 0 || index >= static_cast<int>(presets.size())) return;
    const lab::ModelPreset& p = presets[static_cast<std::size_t>(index)];
    KvCalculatorState& k = s.kv_calc;
    k.preset = index;
    k.shape.n_layers = p.n_attention_layers;
    k.n_heads = p.n_heads;
    k.shape.n_kv_heads = p.n_kv_heads;
    k.shape.head_dim = p.head_dim;
    k.shape.window = p.window;
}

void set_kv_calc_dims(AppState& s, std::int64_t n_layers, std::int64_t n_heads, std::int64_t head_dim) {
    KvCalculatorState& k = s.kv_calc;
    constexpr std::int64_t kMax = 1 << 16;
    n_layers = std::clamp<std::int64_t>(n_layers, 1, kMax);
    n_heads = std::clamp<std::int64_t>(n_heads, 1, kMax);
    head_dim = std::clamp<std::int64_t>(head_dim, 1, kMax);
    if (n_layers == k.shape.n_layers && n_heads == k.n_heads && head_dim == k.shape.head_dim) return;
    k.shape.n_layers = n_layers;
    k.n_heads = n_heads;
    k.shape.head_dim = head_dim;
    std::int64_t kv = std::min(k.shape.n_kv_heads, n_heads);
    while (n_heads % kv != 0) --kv;
    k.shape.n_kv_heads = kv;
    k.preset = -1;
}

void set_kv_seq(AppState& s, std::int64_t seq_len) {
    s.kv_calc.shape.seq_len = std::clamp<std::int64_t>(seq_len, 1, 1 << 20);
}

void set_kv_batch(AppState& s, std::int64_t batch) {
    s.kv_calc.shape.batch = std::clamp<std::int64_t>(batch, 1, 4096);
}

void set_kv_dtype(AppState& s, lab::KvDtype dtype) {
    s.kv_calc.shape.dtype = dtype;
}

void set_kv_calc_kv_heads(AppState& s, std::int64_t n_kv_heads) {
    if (n_kv_heads < 1 || n_kv_heads > s.kv_calc.n_heads || s.kv_calc.n_heads % n_kv_heads != 0) return;
    if (n_kv_heads == s.kv_calc.shape.n_kv_heads) return;
    s.kv_calc.shape.n_kv_heads = n_kv_heads;
    s.kv_calc.preset = -1;
}

// [SECTION] quiz

void start_quiz(AppState& s, int scenario, QuizKind kind) {
    const auto& all = lesson::builtin_scenarios();
    if (scenario < -1 || scenario >= static_cast<int>(all.size())) return;
    const int round = s.quiz.round + 1;
    end_quiz(s);  // puts back the temperature a revealed T = 0.1 question changed
    if (scenario >= 0) apply_scenario(s, all[static_cast<std::size_t>(scenario)]);
    if (kind == QuizKind::kHeadRole) {
        // A role is read off the pattern: every head separate (no pooled K/V) on a sentence that shows
        // the asked head's role (the induction head needs a repeated word).
        const std::vector<lesson::LessonHeadInfo> infos = lesson::LessonModel::instance().heads();
        const int n = static_cast<int>(infos.size());
        const int head = round % std::max(1, n);
        s.settings.n_heads = s.settings.n_kv_heads = n;
        s.settings.temperature = 1.0;
        s.settings.causal = true;
        s.settings.window = 0;
        s.settings.use_positions = true;
        s.hand_model.reset();
        s.key_sentence.clear();
        const std::string sentence = role_question_sentence(infos[static_cast<std::size_t>(head)].short_name);
        if (sentence != s.sentence) {
            s.sentence = sentence;
            s.lesson.reset();
            s.selection.query = -1;  // update() picks the last token
            s.selection.pending_query.clear();
        }
        s.inputs_changed();
    }
    QuizState& q = s.quiz;
    q.round = round;
    // A role is guessed from the pattern, so that question shows the weights and hides the names instead.
    q.phase = QuizPhase::kPreparing;
    q.scenario = scenario;
    q.sentence = s.sentence;
    q.kind = kind;
}

void next_quiz(AppState& s) {
    const int next = next_quiz_scenario(lesson::builtin_scenarios(), s.quiz.scenario);
    if (next >= 0) start_quiz(s, next, s.quiz.kind);
}

void answer_quiz_token(AppState& s, int token) {
    QuizState& q = s.quiz;
    if (!q.active() || q.revealed() || q.needs_question() || q.question.mode != QuizAnswerMode::kToken)
        return;
    if (token < 0 || token >= static_cast<int>(s.derived.tokens.tokens.size())) return;
    q.chosen_token = token;
    q.verdict =
        check_token_answer(q.question, s.derived.tokens, token) ? QuizVerdict::kRight : QuizVerdict::kWrong;
}

void answer_quiz_number(AppState& s, const std::string& typed) {
    QuizState& q = s.quiz;
    if (!q.active() || q.revealed() || q.needs_question() || q.question.mode != QuizAnswerMode::kNumber)
        return;
    q.typed = typed;
    q.verdict = !is_number(typed)                        ? QuizVerdict::kUnanswered
                : check_number_answer(q.question, typed) ? QuizVerdict::kRight
                                                         : QuizVerdict::kWrong;
}

void answer_quiz_choice(AppState& s, int choice) {
    QuizState& q = s.quiz;
    if (!q.active() || q.revealed() || q.needs_question() || q.question.mode != QuizAnswerMode::kChoice)
        return;
    if (choice < 0 || choice >= static_cast<int>(q.question.choices.size())) return;
    q.chosen_choice = choice;
    q.verdict = check_choice_answer(q.question, choice) ? QuizVerdict::kRight : QuizVerdict::kWrong;
}

void reveal_quiz(AppState& s, double now) {
    QuizState& q = s.quiz;
    if (!q.active() || q.revealed() || q.needs_question()) return;
    q.phase = QuizPhase::kRevealed;
    q.reveal_time = now;
    if (q.question.head >= 0) focus_head(s, q.question.head);
    if (q.kind == QuizKind::kTemperature) {
        q.temperature_before = s.settings.temperature;
        set_temperature(s, 0.1);
    }
}

void end_quiz(AppState& s) {
    const double before = s.quiz.temperature_before;
    s.quiz = QuizState{};
    // The T = 0.1 reveal was a look, not a setting: the temperature the question found comes back.
    if (!std::isnan(before) && s.settings.temperature == 0.1) set_temperature(s, before);
}

void set_font_scale(AppState& s, float scale) {
    s.view.font_scale = std::clamp(scale, 0.6f, 3.0f);
}

void set_theme(AppState& s, Theme theme) {
    s.view.theme = theme;
}

void toggle_fullscreen(AppState& s) {
    s.view.fullscreen = !s.view.fullscreen;
}

void set_show_help(AppState& s, bool show) {
    s.view.show_help = show;
}

// [SECTION] requests

void show_view(AppState& s, MainView view) {
    s.view.main_view = view;
    s.requests.view = view;
}

void set_main_view(AppState& s, MainView view) {
    s.view.main_view = view;
}

void request_open_scenario(AppState& s) {
    s.requests.open_scenario = true;
}

void request_quit(AppState& s) {
    s.requests.quit = true;
}

// [SECTION] heatmap zoom

void set_heatmap_view(AppState& s, float zoom, float pan_x, float pan_y) {
    HeatmapViewState& v = s.view.heatmap;
    v.zoom = std::clamp(zoom, 1.0f, kMaxHeatmapZoom);
    const float span = 1.0f / v.zoom;
    v.pan_x = std::clamp(pan_x, 0.0f, 1.0f - span);
    v.pan_y = std::clamp(pan_y, 0.0f, 1.0f - span);
}

void reset_heatmap_zoom(AppState& s) {
    set_heatmap_view(s, 1.0f, 0.0f, 0.0f);
}

// [SECTION] flash playback

namespace {

int flash_steps(const AppState& s) {
    const FlashDerived& f = s.derived.flash;
    return f.result && f.result->trace ? static_cast<int>(f.result->trace->steps.size()) : 0;
}

}  // namespace

void set_flash_blocks(AppState& s, int block_q, int block_k) {
    s.flash.block_q = std::max(1, block_q);
    s.flash.block_k = std::max(1, block_k);
}

void set_flash_step(AppState& s, int step) {
    s.flash.step = std::clamp(step, 0, flash_steps(s));
}

void toggle_flash_playback(AppState& s, double now) {
    FlashPlayback& p = s.flash;
    if (!p.playing && p.step >= flash_steps(s)) p.step = 0;
    p.playing = !p.playing;
    p.last_step_time = now;
}

void set_flash_speed(AppState& s, float steps_per_second) {
    s.flash.steps_per_second = std::clamp(steps_per_second, 0.5f, 2000.0f);
}

void set_flash_io(AppState& s, int log2_tokens, int head_dim, float sram_mb) {
    s.flash.io_log2_tokens = std::clamp(log2_tokens, 7, 20);
    s.flash.io_head_dim = std::clamp(head_dim, 16, 256);
    s.flash.io_sram_mb = std::clamp(sram_mb, 0.1f, 200.0f);
}

}  // namespace attnviz::gui
