// attnviz-cli lesson / scenarios: the lesson model on a sentence or a built-in lesson, as a table or JSON.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/scenario_argument.h"
#include "core/io/json.h"
#include "core/lesson/lesson_run.h"
#include "core/lesson/scenario.h"
#include "core/lesson/settings_fields.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli lesson (--sentence TEXT | --scenario NAME|FILE)\n"
    "           [--key-sentence TEXT] [--heads H] [--kv-heads K] [--temperature T] [--no-causal]\n"
    "           [--window W] [--query TOKEN|INDEX] [--json]\n"
    "\n"
    "Runs the built-in lesson model (designed heads, not a trained LLM) and prints, for the query token,\n"
    "every head's weights ranked. --scenario takes a built-in name (attnviz-cli scenarios) or a .json file;\n"
    "options given after it override its settings. --json prints all weights as one object.";

const char kScenariosUsage[] = "usage: attnviz-cli scenarios [--json]\n\nLists the built-in lessons.";

struct Ranked {
    int index;
    float weight;
};

std::vector<Ranked> ranked_row(const MatrixRM& weights, int row, const MaskMatrix& visible) {
    std::vector<Ranked> out;
    for (int j = 0; j < weights.cols(); ++j) {
        if (visible(row, j) != 0) out.push_back({j, weights(row, j)});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Ranked& a, const Ranked& b) { return a.weight > b.weight; });
    return out;
}

io::JsonValue token_json(const lesson::Token& t) {
    io::JsonValue o = io::JsonValue::object();
    o.set("text", io::JsonValue::string(t.text));
    o.set("byte_begin", io::JsonValue::integer(static_cast<std::int64_t>(t.byte_begin)));
    o.set("byte_end", io::JsonValue::integer(static_cast<std::int64_t>(t.byte_end)));
    return o;
}

io::JsonValue tokens_json(const lesson::Tokenization& t) {
    io::JsonValue a = io::JsonValue::array();
    for (const lesson::Token& tok : t.tokens) a.push(token_json(tok));
    return a;
}

void print_json(const lesson::LessonRun& run, const lesson::LessonRunSettings& settings,
                const std::optional<int>& query, const std::vector<std::string>& notices) {
    io::JsonValue root = io::JsonValue::object();
    root.set("model", io::JsonValue::string(lesson::kLessonModelLabel));
    root.set("tokens", tokens_json(run.tokens));
    if (run.cross()) root.set("key_tokens", tokens_json(run.key_tokens));
    // What the engine ran with (cross-attention: no causal mask, no window), in the settings' file fields.
    root.set("settings",
             lesson::settings_json(lesson::settings_of_config(run.config, settings.use_positions)));
    if (query) root.set("query_index", io::JsonValue::integer(*query));
    io::JsonValue heads = io::JsonValue::array();
    const std::vector<lesson::Token>& keys = run.keys().tokens;
    for (std::size_t h = 0; h < run.result.heads.size(); ++h) {
        const attention::HeadResult& hr = run.result.heads[h];
        io::JsonValue head = io::JsonValue::object();
        head.set("name", io::JsonValue::string(run.forward.head_names[h]));
        head.set("kv_head", io::JsonValue::integer(hr.kv_head));
        io::JsonValue rows = io::JsonValue::array();
        for (int i = 0; i < hr.weights.rows(); ++i) {
            io::JsonValue row = io::JsonValue::array();
            for (int j = 0; j < hr.weights.cols(); ++j)
                row.push(io::JsonValue::number(static_cast<double>(hr.weights(i, j))));
            rows.push(std::move(row));
        }
        head.set("weights", std::move(rows));
        if (query) {
            io::JsonValue ranked = io::JsonValue::array();
            for (const Ranked& r : ranked_row(hr.weights, *query, run.result.visible)) {
                io::JsonValue e = io::JsonValue::object();
                e.set("index", io::JsonValue::integer(r.index));
                e.set("token", io::JsonValue::string(keys[static_cast<std::size_t>(r.index)].text));
                e.set("weight", io::JsonValue::number(static_cast<double>(r.weight)));
                ranked.push(std::move(e));
            }
            head.set("ranked", std::move(ranked));
        }
        heads.push(std::move(head));
    }
    root.set("heads", std::move(heads));
    io::JsonValue n = io::JsonValue::array();
    for (const std::string& text : notices) n.push(io::JsonValue::string(text));
    root.set("notices", std::move(n));
    std::printf("%s\n", root.dump(true).c_str());
}

void print_table(const lesson::LessonRun& run, const lesson::LessonRunSettings& settings, int query,
                 const std::vector<std::string>& notices) {
    std::printf("%s  |  %d heads, %d KV heads (%s)  |  T = %s  |  %s%s\n", lesson::kLessonModelLabel,
                settings.n_heads, settings.n_kv_heads,
                attention::attention_kind_name(settings.n_heads, settings.n_kv_heads),
                format_number(settings.temperature).c_str(),
                run.cross()       ? "cross-attention"
                : settings.causal ? "causal"
                                  : "no causal mask",
                settings.window > 0 ? (", window " + std::to_string(settings.window)).c_str() : "");
    for (const std::string& n : notices) std::printf("note: %s\n", n.c_str());
    std::printf("tokens:");
    for (std::size_t i = 0; i < run.tokens.tokens.size(); ++i) {
        std::printf(" %zu:%s", i, lesson::token_display_label(run.tokens.tokens[i].text).c_str());
    }
    std::printf("\n");
    if (run.cross()) {
        std::printf("keys:  ");
        for (std::size_t i = 0; i < run.key_tokens.tokens.size(); ++i) {
            std::printf(" %zu:%s", i, lesson::token_display_label(run.key_tokens.tokens[i].text).c_str());
        }
        std::printf("\n");
    }
    std::printf("query: \"%s\" (token %d)\n\n",
                lesson::token_display_label(run.tokens.tokens[static_cast<std::size_t>(query)].text).c_str(),
                query);
    const std::vector<lesson::Token>& keys = run.keys().tokens;
    for (std::size_t h = 0; h < run.result.heads.size(); ++h) {
        std::printf("head %zu  %-20s", h, run.forward.head_names[h].c_str());
        const std::vector<Ranked> ranked = ranked_row(run.result.heads[h].weights, query, run.result.visible);
        const std::size_t shown = std::min<std::size_t>(ranked.size(), 5);
        for (std::size_t r = 0; r < shown; ++r) {
            std::printf(
                "  %s %.2f",
                lesson::token_display_label(keys[static_cast<std::size_t>(ranked[r].index)].text).c_str(),
                static_cast<double>(ranked[r].weight));
        }
        if (ranked.empty()) std::printf("  (sees no key)");
        std::printf("\n");
    }
}

}  // namespace

int run_lesson_command(int argc, char** argv) {
    ArgParser p("attnviz-cli lesson", kUsage);
    p.option("sentence", "TEXT", "the sentence to analyse");
    p.option("scenario", "NAME|FILE",
             "a built-in lesson (see attnviz-cli scenarios) or a scenario .json file");
    p.option("key-sentence", "TEXT", "cross-attention: keys and values come from this sentence");
    p.option("heads", "H", "query heads, 1 to 8 (default 8)");
    p.option("kv-heads", "K", "key/value heads, dividing H (default H)");
    p.option("temperature", "T", "softmax temperature, 0 (argmax) to inf (uniform), default 1");
    p.flag("no-causal", "let every token see later tokens too");
    p.option("window", "W", "sliding window: each query sees the W most recent keys");
    p.option("query", "TOKEN|INDEX",
             "the query token, by text or index (default: the scenario's, else the last)");
    p.flag("json", "print one JSON object with every head's weights");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;

    if (p.has("sentence") == p.has("scenario"))
        return usage_error(p.command() + ": give exactly one of --sentence or --scenario (see --help)");
    lesson::Scenario sc;
    if (auto name = p.get("scenario")) {
        Expected<lesson::Scenario> found = scenario_argument(p, *name);
        if (!found) return usage_error(found.error());
        sc = std::move(found).value();
    } else {
        sc.sentence = *p.get("sentence");
        sc.query.clear();
    }
    if (auto k = p.get("key-sentence")) sc.key_sentence = *k;

    lesson::LessonRunSettings settings = sc.settings;  // the options below override the scenario's
    if (auto h = p.get("heads")) {
        Expected<long long> v = parse_count(*h, "--heads", 1, lesson::LessonModel::instance().max_heads());
        if (!v) return usage_error(p.command() + ": " + v.error());
        settings.n_heads = static_cast<int>(*v);
        if (!p.has("kv-heads")) settings.n_kv_heads = settings.n_heads;
    }
    if (auto k = p.get("kv-heads")) {
        Expected<long long> v = parse_count(*k, "--kv-heads", 1, lesson::LessonModel::instance().max_heads());
        if (!v) return usage_error(p.command() + ": " + v.error());
        settings.n_kv_heads = static_cast<int>(*v);
    }
    if (Status s = lesson::validate_lesson_settings(settings); !s.empty())
        return usage_error(p.command() + ": " + s);
    if (auto t = p.get("temperature")) {
        Expected<double> v = parse_number(*t, "--temperature");
        if (!v) return usage_error(p.command() + ": " + v.error());
        if (Status s = attention::validate_temperature(*v); !s.empty())
            return usage_error(p.error("temperature", s));
        settings.temperature = *v;
    }
    if (p.has("no-causal")) settings.causal = false;
    if (auto w = p.get("window")) {
        Expected<long long> v = parse_count(*w, "--window", 1, 1LL << 30);
        if (!v) return usage_error(p.command() + ": " + v.error());
        settings.window = static_cast<int>(*v);
    }

    attention::AttentionOptions options;
    options.keep_raw_scores = false;
    options.keep_scores = false;
    Expected<lesson::LessonRun> run = lesson::run_lesson(sc.sentence, sc.key_sentence, settings, options);
    if (!run) return usage_error(p.command() + ": " + run.error());

    std::vector<std::string> notices;
    if (run->tokens.n_invalid_bytes > 0)
        notices.push_back(std::to_string(run->tokens.n_invalid_bytes) +
                          " invalid UTF-8 byte(s) replaced by U+FFFD");
    if (run->tokens.truncated()) {
        notices.push_back("showing the first " + std::to_string(run->tokens.tokens.size()) + " of " +
                          std::to_string(run->tokens.n_tokens_total) + " tokens");
    }
    std::optional<int> query;
    const std::string wanted = p.get("query").value_or(sc.query);
    if (!wanted.empty()) {
        query = lesson::find_token(run->tokens.tokens, wanted);
        if (!query)
            return usage_error(p.error(
                "query", "\"" + wanted + "\" is neither a token of the sentence nor a token index (0.." +
                             std::to_string(run->tokens.tokens.size() - 1) + ")"));
    }
    // The scenario's warnings only once everything else is checked: an error stays the one line on stderr.
    for (const std::string& w : sc.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (p.has("json")) {
        print_json(*run, settings, query, notices);
    } else {
        print_table(*run, settings, query.value_or(static_cast<int>(run->tokens.tokens.size()) - 1), notices);
    }
    return kExitOk;
}

int run_scenarios(int argc, char** argv) {
    ArgParser p("attnviz-cli scenarios", kScenariosUsage);
    p.flag("json", "print a JSON array");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;
    if (p.has("json")) {
        io::JsonValue a = io::JsonValue::array();
        for (const lesson::Scenario& sc : lesson::builtin_scenarios()) {
            io::JsonValue o = io::JsonValue::object();
            o.set("name", io::JsonValue::string(sc.name));
            o.set("title", io::JsonValue::string(sc.title));
            o.set("sentence", io::JsonValue::string(sc.sentence));
            o.set("query", io::JsonValue::string(sc.query));
            a.push(std::move(o));
        }
        std::printf("%s\n", a.dump(true).c_str());
        return kExitOk;
    }
    for (const lesson::Scenario& sc : lesson::builtin_scenarios()) {
        std::printf("%-16s %s\n%-16s   \"%s\"%s\n", sc.name.c_str(), sc.title.c_str(), "",
                    sc.sentence.c_str(), sc.query.empty() ? "" : ("  query: " + sc.query).c_str());
    }
    return kExitOk;
}

}  // namespace attnviz::cli
