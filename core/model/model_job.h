// Loading a model and recomputing its forward pass off the UI thread: newest request wins, Cancel,
// progress, results polled once, and a failed load keeps the model that was open.
#pragma once

#include "core/base/expected.h"
#include "core/base/latest_worker.h"
#include "core/model/checkpoint.h"
#include "core/model/forward.h"
#include "core/model/head_scores.h"
#include "core/model/tokenizer.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::model {

/// A model and its tokenizer, as opened from one source.
struct LoadedModel {
    std::string source;  ///< what was asked for: a folder or the built-in model's name
    std::shared_ptr<const Checkpoint> model;
    std::shared_ptr<const Tokenizer> tokenizer;
};

struct LoadRequest {
    std::string source;                   ///< a model folder or kBuiltinModelName (see open_model)
    std::int64_t memory_limit_bytes = 0;  ///< LoadOptions::memory_limit_bytes
    std::int64_t own_f32_up_to_bytes = kOwnedF32UpToBytes;  ///< LoadOptions::own_f32_up_to_bytes
};

/// One forward pass (and optionally the unmodified one beside it) on a model.
struct ComputeRequest {
    /// The model to run; null: the job's current model at the time compute() is called (an error when
    /// none is open).
    std::shared_ptr<const Checkpoint> model;
    std::vector<int> token_ids;  ///< [n]
    Interventions interventions;
    ForwardOptions options;  ///< cancel and progress are set by the job
    /// A previous run of the same model and tokens with residuals kept: only the layers from the first one
    /// the interventions change are recomputed (rerun_forward). Ignored when the tokens or model differ.
    std::shared_ptr<const ForwardResult> previous;
    /// Also run without interventions, for the next-token comparison (ComputeResult::base).
    bool with_base = false;
    /// Also compute the head badges (score_heads_with_probe with the model's default probe) and the
    /// layer means and rollout (aggregates.h) of the run: ComputeResult::scores, layer_means, rollout.
    bool analytics = false;
    /// Decode with a KV cache (Generate): when set, the session holds the K/V of token_ids' first
    /// session->n_cached() positions and `previous` is the full run of exactly those positions (kept
    /// attention, q/k/v and residuals as `options` asks); only the new positions are computed and
    /// appended to `previous` (extend_with_decoded). A session with nothing cached is prefilled first
    /// with every token but the last. The session is used only by the compute lane while the request
    /// runs; after an error (or a cancel) it may be half-updated: drop it.
    std::shared_ptr<KvCacheSession> session;
};

struct ComputeResult {
    std::shared_ptr<const Checkpoint> model;  ///< the model it ran on
    std::shared_ptr<const ForwardResult> run;
    /// The run without interventions when asked for (the same object as `run` when the request has none).
    std::shared_ptr<const ForwardResult> base;
    int first_computed_layer = 0;  ///< > 0 when `previous` let the job skip layers
    /// With analytics: the badges of every head (induction from the probe when the text does not repeat)
    /// and [n_layers] x [n, n] head means and rollout; an analytics error leaves them empty and says why.
    std::optional<ModelHeadScores> scores;
    std::vector<MatrixRM> layer_means;
    std::vector<MatrixRM> rollout;
    std::string analytics_error;
    /// Decode (a request with a session): positions computed by the prefill (0 when the cache was
    /// already filled), positions decoded, and K/V rows reused from the cache for them.
    int n_prefilled = 0;
    int n_decoded = 0;
    int n_reused = 0;
};

/// The background jobs of a model view: one thread for loads and one for forward passes, so the open model
/// stays usable while another loads. Every member is called from the UI thread (and is thread-safe).
/// Each lane keeps the guarantees of LatestWorker: a newer request replaces the older one (the running
/// one is cancelled through LoadOptions::cancel / ForwardOptions::cancel), and only the newest one's
/// result is delivered, once.
class ModelJob {
  public:
    ModelJob();
    ~ModelJob();
    ModelJob(const ModelJob&) = delete;
    ModelJob& operator=(const ModelJob&) = delete;

    /// Starts loading; returns the request's ticket.
    std::uint64_t load(LoadRequest request);
    /// Starts a forward pass; returns the request's ticket.
    std::uint64_t compute(ComputeRequest request);
    /// Cancels every load and compute submitted so far (Cancel button); nothing of theirs is delivered.
    void cancel();

    using LoadOutcome = LatestWorker<LoadRequest, LoadedModel>::Outcome;
    using ComputeOutcome = LatestWorker<ComputeRequest, ComputeResult>::Outcome;

    /// The newest load's outcome once, when it has finished. A success becomes current(); an error leaves
    /// current() as it was (the model, text and settings stay; show the error).
    std::optional<LoadOutcome> poll_load();
    /// The newest compute's outcome once, when it has finished.
    std::optional<ComputeOutcome> poll_compute();

    /// The model compute requests run on by default: the last load delivered by poll_load, or set_current.
    std::shared_ptr<const LoadedModel> current() const;
    /// Makes an already-open model current (the built-in one at start-up, a test's tiny model).
    void set_current(std::shared_ptr<const LoadedModel> model);

    bool loading() const;
    bool computing() const;
    double load_progress() const;
    double compute_progress() const;

    /// Blocks until both lanes are idle (tests and the command line only, never the UI thread).
    void wait_until_idle();

  private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const LoadedModel> m_current;
    std::unique_ptr<LatestWorker<LoadRequest, LoadedModel>> m_loads;
    std::unique_ptr<LatestWorker<ComputeRequest, ComputeResult>> m_computes;
};

/// The work of a load request (what the load lane runs): open_model and open_tokenizer with the control's
/// cancel flag and progress. Exposed for tests and the command line.
Expected<LoadedModel> run_load_request(const LoadRequest& request, const JobControl& control);
/// The work of a compute request on `model` (the request's own model when set).
Expected<ComputeResult> run_compute_request(const ComputeRequest& request,
                                            std::shared_ptr<const Checkpoint> model,
                                            const JobControl& control);

}  // namespace attnviz::model
