// The real model's part of update() (contracts in model_compute.h).
#include "app/gui/compute/model_compute.h"

#include "app/gui/app_actions.h"
#include "app/gui/compute/model_run.h"
#include "app/gui/model_actions.h"
#include "core/model/aggregates.h"
#include "core/model/word_groups.h"

#include <algorithm>
#include <utility>

namespace attnviz::gui {

namespace {

/// Logits of every position are kept (the next-token panel follows the selected row) up to this many
/// floats; beyond, only the last position's.
constexpr std::int64_t kMaxKeptLogits = std::int64_t{32} << 20;

void apply_load(AppState& s, model::ModelJob::LoadOutcome outcome) {
    s.model.loading.clear();
    if (!outcome.result) {
        if (outcome.result.error() != "cancelled") s.model.load_error = outcome.result.error();
        s.model.pending_restore.reset();  // a session's settings were for the model that did not load
        return;
    }
    const model::LoadedModel& loaded = outcome.result.value();
    s.model.open = std::make_shared<const model::LoadedModel>(loaded);
    s.model.recent.add(loaded.source);
    s.model.load_error.clear();
    s.model.interventions = model::Interventions{};
    s.model.generated_ids.clear();
    s.model.kv_session.reset();
    s.derived.model = ModelDerived{};
    s.derived.run.reset();  // nothing of the lesson under the model's name while its first run computes
    ++s.derived.run_version;
    s.derived.status = "computing " + model::model_display_name(loaded.source) + "'s attention\xE2\x80\xA6";
    s.selection.layer = 0;
    s.selection.focus_head = 0;
    s.selection.query = -1;
    s.lesson.reset();
    s.hand_model.reset();
    s.key_sentence.clear();
    s.permutation.active = false;
    const model::ModelConfig& c = loaded.model->config;
    std::string restore_note;
    if (s.model.pending_restore) {
        // A session opened this model: its interventions and focused head come back.
        const PendingModelRestore& r = *s.model.pending_restore;
        if (Status st = model::validate_interventions(r.interventions, c); st.empty()) {
            s.model.interventions = r.interventions;
        } else {
            restore_note = "; the session's interventions were not applied: " + st;
        }
        s.model.temperature_scope = r.temperature_scope;
        s.selection.layer = std::clamp(r.layer, 0, c.n_layers - 1);
        s.selection.focus_head = std::clamp(r.focus_head, 0, c.n_heads - 1);
        s.model.pending_restore.reset();
    }

    s.inputs_changed();  // first: the remark is about the run this load starts
    set_status(s, "opened " + model::model_display_name(loaded.source) + ": " + std::to_string(c.n_layers) +
                      " layers \xC3\x97 " + std::to_string(c.n_heads) + " heads" + restore_note);
}

/// The token a person names ("it" finds "·it": the leading-space mark is ignored), else -1.
int find_model_token(const std::vector<lesson::Token>& tokens, const std::string& wanted) {
    static const std::string kSpaceMark = "\xC2\xB7";
    std::vector<lesson::Token> bare = tokens;
    for (lesson::Token& t : bare) {
        if (t.text.compare(0, kSpaceMark.size(), kSpaceMark) == 0) t.text.erase(0, kSpaceMark.size());
    }
    const std::optional<int> i = lesson::find_token(bare, wanted);
    return i ? *i : -1;
}

/// The shown layer of the delivered run becomes the run every view reads.
void show_model_layer(AppState& s) {
    Derived& d = s.derived;
    ModelDerived& m = d.model;
    if (!m.result || !m.result->run || m.result->run->layers.empty()) return;
    const int n_layers = static_cast<int>(m.result->run->layers.size());
    s.selection.layer = std::clamp(s.selection.layer, 0, n_layers - 1);
    Expected<AttentionRun> run = model_layer_run(*m.result->run, m.tokens, s.selection.layer);
    if (!run) {
        d.status = run.error();
        d.run.reset();
        ++d.run_version;
        return;
    }
    d.status.clear();
    d.run = std::move(run).value();
    d.layer = 0;
    const int n = d.run->layers[0].result.n_q;
    const int n_heads = static_cast<int>(d.run->layers[0].result.heads.size());
    if (!s.selection.pending_query.empty()) {
        s.selection.query = find_model_token(d.tokens.tokens, s.selection.pending_query);
        s.selection.pending_query.clear();
    }
    if (s.selection.query < 0 || s.selection.query >= n) s.selection.query = n - 1;
    s.selection.focus_head = std::clamp(s.selection.focus_head, 0, n_heads - 1);
    if (s.selection.selected_cell_row >= n || s.selection.selected_cell_col >= n)
        s.selection.selected_cell_row = s.selection.selected_cell_col = -1;
    ++d.run_version;
}

std::string decode_message(const model::ComputeResult& r) {
    if (r.n_decoded == 0) return {};
    std::string msg = "decode: " + std::to_string(r.n_decoded) + " new row" + (r.n_decoded == 1 ? "" : "s") +
                      ", " + std::to_string(r.n_reused) + " cached K/V rows reused";
    if (r.n_prefilled > 0) msg += "; prefill computed " + std::to_string(r.n_prefilled);
    return msg;
}

void apply_compute(AppState& s, model::ModelJob::ComputeOutcome outcome) {
    ModelDerived& m = s.derived.model;
    m.submitted = 0;
    const bool decode = s.model.decode_requested;
    s.model.decode_requested = false;
    if (!outcome.result) {
        if (outcome.result.error() == "cancelled") return;
        m.compute_error = outcome.result.error();
        s.model.kv_session.reset();  // possibly half-updated
        return;
    }
    m.compute_error.clear();
    m.result = std::make_shared<const model::ComputeResult>(std::move(outcome.result.value()));
    m.tokens = m.pending_tokens;
    m.decode_message = decode ? decode_message(*m.result) : std::string{};
    s.derived.tokens = tokenization_from_model(m.tokens, s.sentence);
    m.thumbnails = model_thumbnails(*m.result->run, kThumbnailCells, s.view.heatmap.color);
    m.thumbnail_color = s.view.heatmap.color;
    ++m.thumbnails_version;
    ++m.result_version;
    m.preview_key.clear();
    m.prediction_row = -2;
    show_model_layer(s);
}

/// The next-token comparison at the selected row (or the last, when only its logits were kept).
void update_prediction(AppState& s) {
    ModelDerived& m = s.derived.model;
    if (!m.result || !m.result->run || !m.result->base) return;
    const MatrixRM& logits = m.result->run->logits;
    const int n = static_cast<int>(m.result->run->token_ids.size());
    const bool all = logits.rows() == n;
    const int wanted = std::clamp(s.selection.query, 0, n - 1);
    const int position = all ? wanted : n - 1;
    if (m.prediction_row == position && m.prediction) return;
    m.prediction_row = position;
    m.prediction_note = all || wanted == n - 1
                            ? std::string{}
                            : "predictions of the last position only at this length (logits of every "
                              "position would not fit the budget)";
    Expected<model::PredictionDiff> diff =
        model::compare_predictions(m.result->base->logits, logits, all ? position : 0, 10);
    if (diff) {
        m.prediction = std::move(diff.value());
    } else {
        m.prediction.reset();
        m.prediction_note = diff.error();
    }
}

/// What the model view's large heatmap shows besides the focused head: a hovered thumbnail, the layer
/// mean or the rollout of the shown layer.
void update_preview(AppState& s) {
    ModelDerived& m = s.derived.model;
    if (!m.result || !m.result->run) return;
    const model::ForwardResult& run = *m.result->run;
    const int n_layers = static_cast<int>(run.layers.size());
    // What to show: a hovered head, an aggregate of the shown layer, or (words merged) the focused head.
    enum class What { kNone, kHead, kLayerMean, kRollout } what = What::kNone;
    int layer = s.selection.layer;
    int head = s.selection.focus_head;
    if (s.model.hover_layer >= 0 && s.model.hover_layer < n_layers && s.model.hover_head >= 0) {
        what = What::kHead;
        layer = s.model.hover_layer;
        head = s.model.hover_head;
    } else if (s.model.aggregate == ModelAggregate::kLayerMean) {
        what = What::kLayerMean;
    } else if (s.model.aggregate == ModelAggregate::kRollout) {
        what = What::kRollout;
    } else if (s.model.merge_words) {
        what = What::kHead;
    }
    if (what == What::kNone || layer < 0 || layer >= n_layers) return;
    const bool words = s.model.merge_words;
    const std::string key = std::to_string(static_cast<int>(what)) + ":" + std::to_string(layer) + ":" +
                            std::to_string(head) + (words ? ":words" : "");
    if (key == m.preview_key) return;
    m.preview_key = key;
    const model::LayerAttention& la = run.layers[static_cast<std::size_t>(layer)];
    const int n = static_cast<int>(run.token_ids.size());
    MaskMatrix visible = layer_visibility(la, n);
    MatrixRM values;
    if (what == What::kHead) {
        if (head < 0 || head >= la.weights.n_mats()) return;
        values = la.weights.mat(head);
        m.preview_title =
            model_head_name(layer, head) + (s.model.hover_layer >= 0 ? " (click to focus it)" : "");
    } else if (what == What::kLayerMean) {
        if (static_cast<std::size_t>(layer) >= m.result->layer_means.size()) return;
        values = m.result->layer_means[static_cast<std::size_t>(layer)];
        m.preview_title = "Layer " + std::to_string(layer) + ": mean over its heads";
    } else {
        if (static_cast<std::size_t>(layer) >= m.result->rollout.size()) return;
        values = m.result->rollout[static_cast<std::size_t>(layer)];
        m.preview_title = "Rollout through layer " + std::to_string(layer) + " (Abnar & Zuidema 2020)";
    }
    m.preview_labels.clear();
    for (const model::Token& t : m.tokens) m.preview_labels.push_back(t.display);
    if (words && static_cast<int>(m.tokens.size()) == n) {
        // Over words: a word's key columns summed, its query rows averaged (word_groups.h).
        const model::WordGroups groups = model::group_words(m.tokens);
        Expected<MatrixRM> merged = model::merge_attention(ConstMapRM(values.data(), n, n), groups);
        const MatrixRM seen_tokens = visible.cast<float>();
        Expected<MatrixRM> seen = model::merge_attention(ConstMapRM(seen_tokens.data(), n, n), groups);
        if (merged && seen) {
            values = std::move(merged.value());
            visible = (seen->array() > 0.0f).cast<std::uint8_t>();
            m.preview_labels = model::word_labels(m.preview_labels, groups);
            m.preview_title += " \xC2\xB7 over words";
        }
    }
    m.preview = make_heatmap_cells(values, &visible, s.view.heatmap.color);
    ++m.preview_version;
}

}  // namespace

lesson::Tokenization tokenization_from_model(const std::vector<model::Token>& tokens,
                                             const std::string& text) {
    lesson::Tokenization t;
    t.text = text;
    for (const model::Token& mt : tokens) {
        lesson::Token tok;
        tok.text = mt.display;
        tok.byte_begin = std::min(mt.start, text.size());
        tok.byte_end = std::min(std::max(mt.end, mt.start), text.size());
        t.tokens.push_back(std::move(tok));
    }
    t.n_tokens_total = static_cast<int>(t.tokens.size());
    return t;
}

void submit_model_compute(AppState& s) {
    const model::LoadedModel& loaded = *s.model.open;
    Derived& d = s.derived;
    ModelDerived& m = d.model;
    d.notices.clear();
    std::vector<model::Token> tokens = loaded.tokenizer->encode(s.sentence, true);
    const model::ModelConfig& c = loaded.model->config;
    const auto cap = static_cast<std::size_t>(std::max(1, std::min(c.n_ctx, lesson::kDefaultTokenCap)));
    const std::size_t n_text = tokens.size();
    for (int id : s.model.generated_ids) {
        model::Token t;
        t.id = id;
        t.start = t.end = s.sentence.size();
        t.display = loaded.tokenizer->display(id);
        tokens.push_back(std::move(t));
    }
    if (tokens.size() > cap) {
        d.notices.push_back("showing the first " + std::to_string(cap) + " of " +
                            std::to_string(tokens.size()) +
                            " tokens (the model's context or the view's limit)");
        tokens.resize(cap);
    }
    if (n_text == 0 && s.model.generated_ids.empty()) {
        d.status = "Type a sentence to see its attention.";
        d.run.reset();
        m = ModelDerived{};
        d.tokens = lesson::Tokenization{};
        return;
    }
    model::ComputeRequest request;
    request.model = loaded.model;
    for (const model::Token& t : tokens) request.token_ids.push_back(t.id);
    request.interventions = s.model.interventions;
    request.options.keep_attention = true;
    request.options.keep_qkv = true;
    request.options.keep_residual = true;
    request.options.all_logits = static_cast<std::int64_t>(tokens.size()) * c.vocab_size <= kMaxKeptLogits;
    request.with_base = true;
    request.analytics = true;
    const std::shared_ptr<const model::ForwardResult> previous =
        m.result && m.result->model == loaded.model ? m.result->run : nullptr;
    if (s.model.decode_requested && previous && previous->token_ids.size() + 1 == request.token_ids.size()) {
        if (!s.model.kv_session)
            s.model.kv_session = std::make_shared<model::KvCacheSession>(loaded.model, s.model.interventions);
        request.session = s.model.kv_session;
        if (s.model.kv_session->n_cached() > 0) request.previous = previous;
    } else {
        s.model.decode_requested = false;
        s.model.kv_session.reset();
        request.previous = previous;
    }
    m.pending_tokens = std::move(tokens);
    m.submitted = model_job(s).compute(std::move(request));
}

void update_model(AppState& s) {
    if (!s.model.job) return;
    model::ModelJob& job = *s.model.job;
    if (std::optional<model::ModelJob::LoadOutcome> load = job.poll_load()) apply_load(s, std::move(*load));
    if (std::optional<model::ModelJob::ComputeOutcome> done = job.poll_compute())
        apply_compute(s, std::move(*done));
    if (!model_open(s)) return;
    const ModelDerived& m = s.derived.model;
    if (m.result && s.derived.run && s.derived.run->real_model() &&
        s.derived.run->model_layer != s.selection.layer)
        show_model_layer(s);
    update_prediction(s);
    update_preview(s);
}

}  // namespace attnviz::gui
