// The model view's background lanes: loads and forward passes on their own threads (contracts in
// model_job.h; the newest-request-wins machinery is LatestWorker).
#include "core/model/model_job.h"

#include "core/model/aggregates.h"
#include "core/model/builtin_model.h"

#include <algorithm>
#include <utility>

namespace attnviz::model {

namespace {

bool is_plain(const Interventions& iv, int n_layers) {
    return Interventions{}.first_changed_layer(iv, n_layers) == n_layers;
}

/// progress reported by a sub-step as a part [from, to] of the whole.
std::function<void(double)> scaled(const JobControl& control, double from, double to) {
    return [&control, from, to](double f) {
        if (control.report_progress) control.report_progress(from + (to - from) * f);
    };
}

}  // namespace

Expected<LoadedModel> run_load_request(const LoadRequest& request, const JobControl& control) {
    LoadOptions options;
    options.cancel = control.cancel;
    options.memory_limit_bytes = request.memory_limit_bytes;
    options.own_f32_up_to_bytes = request.own_f32_up_to_bytes;
    options.progress = scaled(control, 0.0, 0.95);
    Expected<std::shared_ptr<const Checkpoint>> model = open_model(request.source, options);
    if (!model) return Error{model.error()};
    if (control.cancelled()) return Error{"cancelled"};
    Expected<std::shared_ptr<const Tokenizer>> tokenizer = open_tokenizer(request.source);
    if (!tokenizer) return Error{tokenizer.error()};
    if (control.report_progress) control.report_progress(1.0);
    return LoadedModel{request.source, std::move(model.value()), std::move(tokenizer.value())};
}

namespace {

/// Decode with the request's KV cache session: prefill when it is empty, then append the new positions
/// and extend `previous` (the run of the cached positions) with them.
Expected<ForwardResult> run_decode(const ComputeRequest& request, const ForwardOptions& options,
                                   ComputeResult& out) {
    KvCacheSession& session = *request.session;
    const int n_total = static_cast<int>(request.token_ids.size());
    std::shared_ptr<const ForwardResult> prefix = request.previous;
    if (session.n_cached() == 0) {
        if (n_total < 2) return Error{"decode needs at least one token before the new one"};
        const std::vector<int> head(request.token_ids.begin(), request.token_ids.end() - 1);
        Expected<ForwardResult> prefill = session.append(head, options);
        if (!prefill) return Error{prefill.error()};
        out.n_prefilled = static_cast<int>(head.size());
        prefix = std::make_shared<const ForwardResult>(std::move(prefill.value()));
    }
    const int n_cached = session.n_cached();
    if (!prefix || static_cast<int>(prefix->token_ids.size()) != n_cached || n_cached >= n_total ||
        !std::equal(prefix->token_ids.begin(), prefix->token_ids.end(), request.token_ids.begin())) {
        return Error{"the KV cache does not hold the start of this text; recompute the whole text"};
    }
    const std::vector<int> fresh(request.token_ids.begin() + n_cached, request.token_ids.end());
    Expected<ForwardResult> decoded = session.append(fresh, options);
    if (!decoded) return Error{decoded.error()};
    out.n_decoded = static_cast<int>(fresh.size());
    out.n_reused = n_cached;
    return extend_with_decoded(*prefix, *decoded);
}

void compute_analytics(const Checkpoint& model, ComputeResult& out) {
    Expected<ModelHeadScores> scores =
        score_heads_with_probe(model, *out.run, default_induction_probe(model.config));
    if (scores) {
        out.scores = std::move(scores.value());
    } else {
        out.analytics_error = scores.error();
    }
    Expected<std::vector<MatrixRM>> means = layer_means(*out.run);
    if (!means) {
        out.analytics_error = means.error();
        return;
    }
    Expected<std::vector<MatrixRM>> rollout = attention_rollout(*means);
    if (!rollout) {
        out.analytics_error = rollout.error();
        return;
    }
    out.layer_means = std::move(means.value());
    out.rollout = std::move(rollout.value());
}

}  // namespace

Expected<ComputeResult> run_compute_request(const ComputeRequest& request,
                                            std::shared_ptr<const Checkpoint> model,
                                            const JobControl& control) {
    if (request.model) model = request.model;
    if (!model) return Error{"no model is open; open a model first"};
    const int n_layers = model->config.n_layers;
    const bool need_base = request.with_base && !is_plain(request.interventions, n_layers);
    const double run_share = request.analytics ? 0.8 : 1.0;

    ComputeResult out;
    out.model = model;
    ForwardOptions options = request.options;
    options.cancel = control.cancel;
    options.progress = scaled(control, 0.0, need_base ? run_share * 0.5 : run_share);

    const ForwardResult* previous = request.previous.get();
    const bool reuse = !request.session && previous != nullptr && previous->token_ids == request.token_ids &&
                       static_cast<int>(previous->layers.size()) == n_layers && !previous->layers.empty() &&
                       previous->layers.front().residual_in.rows() > 0;
    Expected<ForwardResult> run =
        request.session ? run_decode(request, options, out)
        : reuse         ? rerun_forward(*model, *previous, request.interventions, options)
                        : run_forward(*model, request.token_ids, request.interventions, options);
    if (!run) return Error{run.error()};
    if (reuse)
        out.first_computed_layer =
            request.interventions.first_changed_layer(previous->interventions, n_layers);
    out.run = std::make_shared<const ForwardResult>(std::move(run.value()));

    if (request.with_base) {
        if (!need_base) {
            out.base = out.run;
        } else {
            options.progress = scaled(control, run_share * 0.5, run_share);
            Expected<ForwardResult> base = run_forward(*model, request.token_ids, Interventions{}, options);
            if (!base) return Error{base.error()};
            out.base = std::make_shared<const ForwardResult>(std::move(base.value()));
        }
    }
    if (request.analytics) {
        if (control.cancelled()) return Error{"cancelled"};
        compute_analytics(*model, out);
        if (control.report_progress) control.report_progress(1.0);
    }
    return out;
}

ModelJob::ModelJob() {
    m_loads = std::make_unique<LatestWorker<LoadRequest, LoadedModel>>(
        [](const LoadRequest& r, const JobControl& c) { return run_load_request(r, c); });
    m_computes = std::make_unique<LatestWorker<ComputeRequest, ComputeResult>>(
        [](const ComputeRequest& r, const JobControl& c) { return run_compute_request(r, nullptr, c); });
}

ModelJob::~ModelJob() {
    // Stop (cancel and join) the lanes before the other members go away.
    m_computes.reset();
    m_loads.reset();
}

std::uint64_t ModelJob::load(LoadRequest request) {
    return m_loads->submit(std::move(request));
}

std::uint64_t ModelJob::compute(ComputeRequest request) {
    if (!request.model) {
        // The model current now, not when the lane gets to it (a load may be polled in between).
        std::shared_ptr<const LoadedModel> current = this->current();
        if (current) request.model = current->model;
    }
    return m_computes->submit(std::move(request));
}

void ModelJob::cancel() {
    m_loads->cancel();
    m_computes->cancel();
}

std::optional<ModelJob::LoadOutcome> ModelJob::poll_load() {
    std::optional<LoadOutcome> out = m_loads->poll();
    if (out && out->result.ok()) {
        set_current(std::make_shared<const LoadedModel>(out->result.value()));
    }
    return out;
}

std::optional<ModelJob::ComputeOutcome> ModelJob::poll_compute() {
    return m_computes->poll();
}

std::shared_ptr<const LoadedModel> ModelJob::current() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_current;
}

void ModelJob::set_current(std::shared_ptr<const LoadedModel> model) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_current = std::move(model);
}

bool ModelJob::loading() const {
    return m_loads->busy();
}

bool ModelJob::computing() const {
    return m_computes->busy();
}

double ModelJob::load_progress() const {
    return m_loads->progress();
}

double ModelJob::compute_progress() const {
    return m_computes->progress();
}

void ModelJob::wait_until_idle() {
    m_loads->wait_until_idle();
    m_computes->wait_until_idle();
}

}  // namespace attnviz::model
