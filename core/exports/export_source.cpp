// The engine runs behind an export: run_lesson / run_hand_example for the lesson sources, run_forward with
// the attention kept for a real model; animations re-run the source once per frame.
#include "core/exports/export_source.h"

#include "core/attention/flash_attention.h"
#include "core/attention/mask.h"
#include "core/lab/temperature_sweep.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/tokenizer.h"

#include <cmath>

namespace attnviz::exports {

namespace {

std::vector<std::string> display_labels(const lesson::Tokenization& t) {
    std::vector<std::string> out;
    for (const lesson::Token& tok : t.tokens) out.push_back(lesson::token_display_label(tok.text));
    return out;
}

bool is_cross(const ExportSource& src) {
    return !src.hand_model && !src.key_sentence.empty();
}

/// The lesson sources' run (the hand example, cross-attention or the lesson model), weights only.
Expected<lesson::LessonRun> run_lesson_source(const ExportSource& src) {
    attention::AttentionOptions options;
    options.keep_raw_scores = false;
    options.keep_scores = false;
    lesson::Tokenization tokens = lesson::tokenize(src.sentence, src.lesson.max_tokens);
    if (tokens.tokens.empty()) return Error{"the sentence has no tokens; type some words"};
    if (src.hand_model) return lesson::run_hand_example(tokens, *src.hand_model, src.lesson, options);
    const lesson::Tokenization keys =
        is_cross(src) ? lesson::tokenize(src.key_sentence, src.lesson.max_tokens) : lesson::Tokenization{};
    return lesson::run_lesson(tokens, keys, src.lesson, options);
}

Expected<AttentionExport> compute_lesson(const ExportSource& src) {
    const bool cross = is_cross(src);
    Expected<lesson::LessonRun> run = run_lesson_source(src);
    if (!run) return Error{run.error()};
    AttentionExport e;
    e.source = src.hand_model ? "hand example" : lesson::kLessonModelLabel;
    e.sentence = src.sentence;
    e.key_sentence = cross ? src.key_sentence : "";
    e.query_labels = display_labels(run->tokens);
    e.key_labels = cross ? display_labels(run->key_tokens) : e.query_labels;
    e.head_names = run->forward.head_names;
    e.settings = lesson::settings_of_config(run->config, src.lesson.use_positions);
    const int n_heads = static_cast<int>(run->result.heads.size());
    const int n_q = static_cast<int>(run->result.visible.rows());
    const int n_k = static_cast<int>(run->result.visible.cols());
    Tensor3 w(n_heads, n_q, n_k);
    for (int h = 0; h < n_heads; ++h) w.mat(h) = run->result.heads[static_cast<std::size_t>(h)].weights;
    e.layers.push_back(std::move(w));
    e.visible.push_back(run->result.visible);
    return e;
}

Expected<AttentionExport> compute_model(const ExportSource& src) {
    const model::Checkpoint& m = *src.model;
    if (src.tokenizer == nullptr)
        return Error{"the model " + src.model_name + " has no tokenizer to read the text"};
    const std::vector<model::Token> tokens = src.tokenizer->encode(src.sentence, true);
    if (tokens.empty()) return Error{"the text gives no tokens; type some words"};
    if (static_cast<int>(tokens.size()) > m.config.n_ctx) {
        return Error{std::to_string(tokens.size()) + " tokens, but " + src.model_name + " has a context of " +
                     std::to_string(m.config.n_ctx) + " tokens; shorten the text"};
    }
    if (Status s = model::validate_interventions(src.interventions, m.config); !s.empty()) return Error{s};
    std::vector<int> ids;
    for (const model::Token& t : tokens) ids.push_back(t.id);
    model::ForwardOptions options;
    options.keep_attention = true;
    options.keep_residual = false;
    Expected<model::ForwardResult> run = model::run_forward(m, ids, src.interventions, options);
    if (!run) return Error{run.error()};
    AttentionExport e;
    e.source = model_export_source(src.model_name);
    e.sentence = src.sentence;
    for (const model::Token& t : tokens) e.query_labels.push_back(t.display);
    e.key_labels = e.query_labels;
    e.settings.n_heads = m.config.n_heads;
    e.settings.n_kv_heads = m.config.n_kv_heads;
    e.settings.temperature = src.interventions.temperature;
    e.settings.causal = src.interventions.causal;
    e.settings.scale = true;
    const int n = static_cast<int>(ids.size());
    for (model::LayerAttention& layer : run->layers) {
        e.settings.window = layer.config.mask.window;
        e.visible.push_back(attention::Mask(layer.config.mask, n, n).build_matrix());
        e.layers.push_back(std::move(layer.weights));
    }
    return e;
}

/// What flash attention runs on for the focused layer: its config and Q, K, V.
struct FlashSetup {
    attention::AttentionConfig config;
    attention::AttentionInputs inputs;
};

Expected<FlashSetup> flash_setup(const ExportSource& src) {
    if (!src.real_model()) {
        Expected<lesson::LessonRun> run = run_lesson_source(src);
        if (!run) return Error{run.error()};
        return FlashSetup{run->config, std::move(run->forward.inputs)};
    }
    if (src.tokenizer == nullptr)
        return Error{"the model " + src.model_name + " has no tokenizer to read the text"};
    std::vector<int> ids;
    for (const model::Token& t : src.tokenizer->encode(src.sentence, true)) ids.push_back(t.id);
    if (ids.empty()) return Error{"the text gives no tokens; type some words"};
    if (static_cast<int>(ids.size()) > src.model->config.n_ctx) {
        return Error{std::to_string(ids.size()) + " tokens, but " + src.model_name + " has a context of " +
                     std::to_string(src.model->config.n_ctx) + " tokens; shorten the text"};
    }
    if (src.focus_layer < 0 || src.focus_layer >= src.model->config.n_layers) {
        return Error{"layer " + std::to_string(src.focus_layer) + " is out of range"};
    }
    model::ForwardOptions options;
    options.keep_attention = false;
    options.keep_qkv = true;
    options.keep_residual = false;
    Expected<model::ForwardResult> run = model::run_forward(*src.model, ids, src.interventions, options);
    if (!run) return Error{run.error()};
    model::LayerAttention& layer = run->layers[static_cast<std::size_t>(src.focus_layer)];
    attention::AttentionInputs inputs;
    inputs.q = std::move(layer.q);
    inputs.k = std::move(layer.k);
    inputs.v = std::move(layer.v);
    return FlashSetup{layer.config, std::move(inputs)};
}

Expected<std::vector<AnimationFrame>> flash_frames(const ExportSource& src, int block_q, int block_k) {
    Expected<FlashSetup> setup = flash_setup(src);
    if (!setup) return Error{setup.error()};
    if (src.focus_head < 0 || src.focus_head >= setup->config.n_heads) {
        return Error{"head " + std::to_string(src.focus_head) + " is out of range (0.." +
                     std::to_string(setup->config.n_heads - 1) + ")"};
    }
    attention::FlashOptions options;
    options.block_q = block_q;
    options.block_k = block_k;
    options.rebuild_weights = true;
    options.trace_head = src.focus_head;
    Expected<attention::FlashResult> flash =
        attention::compute_flash_attention(setup->config, setup->inputs, options);
    if (!flash) return Error{flash.error()};
    const int n_q = setup->inputs.n_q();
    const int n_k = setup->inputs.n_k();
    const attention::FlashTrace& trace = *flash->trace;
    AnimationFrame base;
    base.weights = flash->weights->mat(src.focus_head);
    base.visible = attention::Mask(setup->config.mask, n_q, n_k).build_matrix();
    base.temperature = setup->config.temperature;
    base.causal = setup->config.mask.causal;
    std::vector<AnimationFrame> frames;
    for (std::size_t step = 0; step <= trace.steps.size(); ++step) {
        AnimationFrame f = base;
        f.tiles = MaskMatrix::Constant(n_q, n_k, 0);
        for (std::size_t t = step; t < trace.steps.size(); ++t) {
            const attention::FlashTraceStep& tile = trace.steps[t];
            f.tiles.block(tile.q_begin, tile.k_begin, tile.q_end - tile.q_begin, tile.k_end - tile.k_begin)
                .setConstant(static_cast<std::uint8_t>(t == step ? 1 : 2));
        }
        frames.push_back(std::move(f));
    }
    return frames;
}

}  // namespace

void ExportSource::set_temperature(double t) {
    if (real_model()) {
        interventions.temperature = t;
    } else {
        lesson.temperature = t;
    }
}

void ExportSource::set_causal(bool c) {
    if (real_model()) {
        interventions.causal = c;
    } else {
        lesson.causal = c;
    }
}

Expected<AttentionExport> compute_export(const ExportSource& source) {
    Expected<AttentionExport> e = source.real_model() ? compute_model(source) : compute_lesson(source);
    if (!e) return e;
    e->focus_layer = source.focus_layer;
    e->focus_head = source.focus_head;
    e->query = source.query < e->n_queries() ? source.query : -1;
    if (Status s = validate_export(*e); !s.empty()) return Error{s};
    return e;
}

const char* animation_name(Animation a) {
    switch (a) {
        case Animation::kTemperature:
            return "temperature";
        case Animation::kMask:
            return "mask";
        case Animation::kFlash:
            return "flash";
    }
    return "temperature";
}

std::optional<Animation> animation_from_name(const std::string& name) {
    if (name == "temperature") return Animation::kTemperature;
    if (name == "mask") return Animation::kMask;
    if (name == "flash") return Animation::kFlash;
    return std::nullopt;
}

Expected<std::vector<AnimationFrame>> animation_frames(const ExportSource& source, Animation animation,
                                                       int n_frames, int block_q, int block_k) {
    if (animation == Animation::kFlash) return flash_frames(source, block_q, block_k);
    if (n_frames < 2) return Error{"an animation needs at least 2 frames"};
    const bool cross = !source.real_model() && is_cross(source);
    if (animation == Animation::kMask && cross) {
        return Error{
            "cross-attention has no causal mask to switch on and off; animate the temperature instead"};
    }
    const std::vector<double> temperatures = lab::log_spaced_temperatures(0.05, 20.0, n_frames);
    std::vector<AnimationFrame> frames;
    for (int f = 0; f < n_frames; ++f) {
        ExportSource s = source;
        if (animation == Animation::kTemperature) {
            s.set_temperature(temperatures[static_cast<std::size_t>(f)]);
        } else {
            s.set_causal(f % 2 == 0);
        }
        Expected<AttentionExport> e = compute_export(s);
        if (!e) return Error{e.error()};
        AnimationFrame frame;
        frame.weights = head_weights(*e, e->focus_layer, e->focus_head);
        frame.visible = e->visible[static_cast<std::size_t>(e->focus_layer)];
        frame.temperature = s.temperature();
        frame.causal = s.causal();
        frames.push_back(std::move(frame));
    }
    return frames;
}

std::vector<CodeImage> render_animation(const std::vector<AnimationFrame>& frames, Animation animation,
                                        const ColorScaleSettings& color, int width, int height) {
    const double log_lo = std::log(0.05);
    const double log_hi = std::log(20.0);
    std::vector<CodeImage> images;
    for (const AnimationFrame& f : frames) {
        const HeatmapCells cells = make_heatmap_cells(f.weights, &f.visible, color);
        float progress = f.causal ? 1.0f : 0.0f;
        if (animation == Animation::kTemperature) {
            progress = static_cast<float>((std::log(f.temperature) - log_lo) / (log_hi - log_lo));
        } else if (animation == Animation::kFlash) {
            const auto n_done = static_cast<float>((f.tiles.array() == 0).count());
            progress = f.tiles.size() > 0 ? n_done / static_cast<float>(f.tiles.size()) : 1.0f;
        }
        CodeImage img = render_heatmap(cells, width, height, progress);
        if (animation == Animation::kFlash && f.tiles.size() > 0) overlay_tiles(img, f.tiles, true);
        images.push_back(std::move(img));
    }
    return images;
}

}  // namespace attnviz::exports
