// Background loading and recomputing: LatestWorker's newest-request-wins guarantees with work held on a
// gate the test opens (no sleeps, no timing), cancellation of the forward pass between layers, and
// ModelJob on the real stories260K (load, failed load keeps the model, compute equal to the engine's).
#include "core/model/model_job.h"

#include "core/base/latest_worker.h"
#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace {

using attnviz::JobControl;
using attnviz::LatestWorker;
using namespace attnviz::model;

/// Holds work until the test opens it (or the work is cancelled), and records which requests started.
struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    std::vector<int> started;
    std::vector<int> saw_cancel;

    /// The work: records its start, waits for the gate or a cancel, returns request * 10.
    attnviz::Expected<int> work(int request, const JobControl& control) {
        std::unique_lock<std::mutex> lock(mutex);
        started.push_back(request);
        cv.notify_all();
        // The cancel flag is an atomic, not tied to this condition variable: re-check it now and then.
        // Correctness does not depend on the period.
        while (!open && !control.cancelled()) cv.wait_for(lock, std::chrono::milliseconds(1));
        if (control.cancelled()) saw_cancel.push_back(request);
        return request * 10;
    }
    void wait_started(std::size_t count) {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return started.size() >= count; });
    }
    void set_open(bool value) {
        std::lock_guard<std::mutex> lock(mutex);
        open = value;
        cv.notify_all();
    }
};

using IntWorker = LatestWorker<int, int>;

IntWorker::Work gated(Gate& gate) {
    return [&gate](const int& r, const JobControl& c) { return gate.work(r, c); };
}

TEST(LatestWorker, DeliversAResultExactlyOnce) {
    Gate gate;
    gate.open = true;
    IntWorker w(gated(gate));
    EXPECT_FALSE(w.poll().has_value());
    const std::uint64_t t = w.submit(4);
    EXPECT_EQ(t, 1u);
    w.wait_until_idle();
    EXPECT_FALSE(w.busy());
    auto out = w.poll();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->ticket, 1u);
    ASSERT_TRUE(out->result.ok());
    EXPECT_EQ(out->result.value(), 40);
    EXPECT_FALSE(w.poll().has_value());
}

TEST(LatestWorker, ANewerRequestReplacesThePendingOneAndCancelsTheRunningOne) {
    Gate gate;
    IntWorker w(gated(gate));
    w.submit(1);
    gate.wait_started(1);
    EXPECT_TRUE(w.busy());
    std::uint64_t last = 0;
    {
        // Holding the gate's mutex keeps 1 from returning (and 2 from starting) between the two submits.
        std::lock_guard<std::mutex> hold(gate.mutex);
        w.submit(2);         // pending behind 1 ...
        last = w.submit(3);  // ... and replaced by 3 before it ever starts
    }
    gate.wait_started(2);  // 1 saw the cancel and returned; 3 started
    gate.set_open(true);
    w.wait_until_idle();
    EXPECT_EQ(gate.started, (std::vector<int>{1, 3}));
    EXPECT_EQ(gate.saw_cancel, (std::vector<int>{1}));
    auto out = w.poll();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->ticket, last);
    EXPECT_EQ(out->result.value(), 30);
    EXPECT_FALSE(w.poll().has_value());
}

TEST(LatestWorker, CancelDropsEverythingSubmittedSoFar) {
    Gate gate;
    IntWorker w(gated(gate));
    w.submit(1);
    gate.wait_started(1);
    {
        std::lock_guard<std::mutex> hold(gate.mutex);  // 1 cannot return, so 2 cannot start, until cancel
        w.submit(2);
        w.cancel();
    }
    w.wait_until_idle();
    EXPECT_EQ(gate.started, (std::vector<int>{1}));  // 2 was dropped while pending
    EXPECT_EQ(gate.saw_cancel, (std::vector<int>{1}));
    EXPECT_FALSE(w.poll().has_value());
    gate.set_open(true);
    w.submit(5);  // the lane works again after a cancel
    w.wait_until_idle();
    auto out = w.poll();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->result.value(), 50);
}

TEST(LatestWorker, AFinishedResultNotYetPolledIsDroppedByANewerRequest) {
    Gate gate;
    gate.open = true;
    IntWorker w(gated(gate));
    w.submit(1);
    w.wait_until_idle();
    gate.set_open(false);
    w.submit(2);
    gate.wait_started(2);
    EXPECT_FALSE(w.poll().has_value());  // 1's result is stale now, and 2 has not finished
    gate.set_open(true);
    w.wait_until_idle();
    auto out = w.poll();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->result.value(), 20);
}

TEST(LatestWorker, ProgressIsTheRunningRequestsAndZeroWhenIdle) {
    Gate gate;
    std::atomic<bool> reported{false};
    IntWorker w([&](const int& r, const JobControl& c) {
        c.report_progress(0.25);
        reported = true;
        return gate.work(r, c);
    });
    EXPECT_EQ(w.progress(), 0.0);
    w.submit(1);
    gate.wait_started(1);  // started is recorded after the report
    EXPECT_TRUE(reported.load());
    EXPECT_EQ(w.progress(), 0.25);
    gate.set_open(true);
    w.wait_until_idle();
    EXPECT_EQ(w.progress(), 0.0);
}

TEST(LatestWorker, ExceptionsBecomeErrors) {
    IntWorker throws([](const int& r, const JobControl&) -> attnviz::Expected<int> {
        if (r == 1) throw std::runtime_error("boom");
        throw std::bad_alloc();
    });
    throws.submit(1);
    throws.wait_until_idle();
    auto a = throws.poll();
    ASSERT_TRUE(a.has_value());
    ASSERT_FALSE(a->result.ok());
    EXPECT_NE(a->result.error().find("boom"), std::string::npos);
    throws.submit(2);
    throws.wait_until_idle();
    auto b = throws.poll();
    ASSERT_TRUE(b.has_value());
    EXPECT_NE(b->result.error().find("memory"), std::string::npos) << b->result.error();
}

TEST(LatestWorker, DestroyingItCancelsAndJoinsRunningWork) {
    Gate gate;
    {
        IntWorker w(gated(gate));
        w.submit(1);
        gate.wait_started(1);
    }  // must not hang: the running work is cancelled and the thread joined
    EXPECT_EQ(gate.started, (std::vector<int>{1}));
    EXPECT_EQ(gate.saw_cancel, (std::vector<int>{1}));
}

TEST(LatestWorker, AFloodOfRequestsEndsWithTheLastOne) {
    std::atomic<int> runs{0};
    IntWorker w([&](const int& r, const JobControl&) -> attnviz::Expected<int> {
        ++runs;
        return r + 1;
    });
    std::uint64_t last = 0;
    for (int k = 1; k <= 2000; ++k) last = w.submit(k);
    w.wait_until_idle();
    auto out = w.poll();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->ticket, last);
    EXPECT_EQ(out->result.value(), 2001);
    EXPECT_LE(runs.load(), 2000);
    EXPECT_FALSE(w.poll().has_value());
}

// ---- the forward pass's cancel flag and progress ----

std::shared_ptr<const Checkpoint> builtin() {
    auto model = load_builtin_model();
    EXPECT_TRUE(model.ok()) << model.error();
    return model.ok() ? *model : nullptr;
}

TEST(ForwardCancel, ASetFlagStopsThePassAndProgressCountsLayers) {
    const auto model = builtin();
    ASSERT_TRUE(model);
    const std::vector<int> ids = {1, 400, 300, 45};
    std::atomic<bool> cancel{true};
    ForwardOptions options;
    options.cancel = &cancel;
    const auto stopped = run_forward(*model, ids, Interventions{}, options);
    ASSERT_FALSE(stopped.ok());
    EXPECT_NE(stopped.error().find("cancelled"), std::string::npos) << stopped.error();

    cancel = false;
    std::vector<double> fractions;
    options.progress = [&](double f) { fractions.push_back(f); };
    const auto full = run_forward(*model, ids, Interventions{}, options);
    ASSERT_TRUE(full.ok()) << full.error();
    EXPECT_EQ(fractions, (std::vector<double>{0.2, 0.4, 0.6, 0.8, 1.0}));
    const auto plain = run_forward(*model, ids, Interventions{});
    ASSERT_TRUE(plain.ok());
    EXPECT_TRUE(full->logits == plain->logits);

    // A rerun from layer 3 reports its own two layers; cancelling mid-pass (from the progress callback,
    // after layer 3) stops it before layer 4.
    Interventions off;
    off.ablated = {HeadRef{3, 1}};
    fractions.clear();
    const auto rerun = rerun_forward(*model, *full, off, options);
    ASSERT_TRUE(rerun.ok()) << rerun.error();
    EXPECT_EQ(fractions, (std::vector<double>{0.5, 1.0}));
    options.progress = [&](double) { cancel = true; };
    const auto mid = rerun_forward(*model, *full, off, options);
    ASSERT_FALSE(mid.ok());
    EXPECT_NE(mid.error().find("layer 4"), std::string::npos) << mid.error();
}

TEST(ForwardCancel, ACancelledDecodeStepLeavesTheCacheAsItWas) {
    const auto model = builtin();
    ASSERT_TRUE(model);
    KvCacheSession session(model, Interventions{});
    ASSERT_TRUE(session.append({1, 400, 300}).ok());
    std::atomic<bool> cancel{true};
    ForwardOptions options;
    options.cancel = &cancel;
    EXPECT_FALSE(session.append({45}, options).ok());
    EXPECT_EQ(session.n_cached(), 3);
    cancel = false;
    EXPECT_TRUE(session.append({45}, options).ok());
    EXPECT_EQ(session.n_cached(), 4);
}

TEST(LoadRequest, ACancelledLoadIsAnError) {
    std::atomic<bool> cancel{true};
    JobControl control;
    control.cancel = &cancel;
    const auto loaded = run_load_request(LoadRequest{kBuiltinModelName, 0}, control);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().find("cancelled"), std::string::npos) << loaded.error();
}

// ---- ModelJob ----

TEST(ModelJob, LoadsTheBuiltinModelAndDeliversItOnce) {
    ModelJob job;
    EXPECT_FALSE(job.current());
    job.load(LoadRequest{kBuiltinModelName, 0});
    job.wait_until_idle();
    EXPECT_FALSE(job.loading());
    auto out = job.poll_load();
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(out->result.ok()) << out->result.error();
    ASSERT_TRUE(job.current());
    EXPECT_EQ(job.current()->source, kBuiltinModelName);
    EXPECT_EQ(job.current()->model->config.n_layers, 5);
    ASSERT_TRUE(job.current()->tokenizer);
    EXPECT_EQ(job.current()->tokenizer->vocab_size(), 512);
    EXPECT_FALSE(job.poll_load().has_value());
}

TEST(ModelJob, AFailedLoadKeepsTheModelThatWasOpen) {
    ModelJob job;
    job.load(LoadRequest{kBuiltinModelName, 0});
    job.wait_until_idle();
    ASSERT_TRUE(job.poll_load().has_value());
    const std::shared_ptr<const LoadedModel> before = job.current();
    ASSERT_TRUE(before);

    job.load(LoadRequest{"/no/such/model/folder", 0});
    job.wait_until_idle();
    auto out = job.poll_load();
    ASSERT_TRUE(out.has_value());
    ASSERT_FALSE(out->result.ok());
    EXPECT_NE(out->result.error().find("/no/such/model/folder"), std::string::npos) << out->result.error();
    EXPECT_EQ(job.current(), before);
}

TEST(ModelJob, ComputesWhatTheEngineComputesWithTheBaseBeside) {
    ModelJob job;
    const auto model = builtin();
    ASSERT_TRUE(model);
    job.set_current(std::make_shared<const LoadedModel>(LoadedModel{kBuiltinModelName, model, nullptr}));
    const std::vector<int> ids = {1, 400, 300, 45, 260};

    ComputeRequest plain;
    plain.token_ids = ids;
    plain.with_base = true;
    job.compute(plain);
    job.wait_until_idle();
    auto first = job.poll_compute();
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(first->result.ok()) << first->result.error();
    const ComputeResult& r1 = first->result.value();
    EXPECT_EQ(r1.model, model);
    EXPECT_EQ(r1.base, r1.run);  // no interventions: the run is its own base
    const auto engine = run_forward(*model, ids, Interventions{});
    ASSERT_TRUE(engine.ok());
    EXPECT_TRUE(r1.run->logits == engine->logits);

    // Switch a head of layer 3 off, reusing the first run: layers 0-2 are not recomputed, and the numbers
    // are the engine's (rerun_forward is bitwise run_forward).
    ComputeRequest ablate;
    ablate.token_ids = ids;
    ablate.interventions.ablated = {HeadRef{3, 2}};
    ablate.previous = r1.run;
    ablate.with_base = true;
    job.compute(ablate);
    job.wait_until_idle();
    auto second = job.poll_compute();
    ASSERT_TRUE(second.has_value());
    ASSERT_TRUE(second->result.ok()) << second->result.error();
    const ComputeResult& r2 = second->result.value();
    EXPECT_EQ(r2.first_computed_layer, 3);
    const auto engine_off = run_forward(*model, ids, ablate.interventions);
    ASSERT_TRUE(engine_off.ok());
    EXPECT_TRUE(r2.run->logits == engine_off->logits);
    ASSERT_TRUE(r2.base);
    EXPECT_NE(r2.base, r2.run);
    EXPECT_TRUE(r2.base->logits == engine->logits);
}

TEST(ModelJob, OnlyTheNewestComputeIsDelivered) {
    ModelJob job;
    const auto model = builtin();
    ASSERT_TRUE(model);
    ComputeRequest a;
    a.model = model;
    a.token_ids = {1, 400, 300};
    ComputeRequest b = a;
    b.token_ids = {1, 45};
    job.compute(a);
    const std::uint64_t last = job.compute(b);
    job.wait_until_idle();
    auto out = job.poll_compute();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->ticket, last);
    ASSERT_TRUE(out->result.ok()) << out->result.error();
    EXPECT_EQ(out->result.value().run->token_ids, b.token_ids);
    EXPECT_FALSE(job.poll_compute().has_value());
}

TEST(ModelJob, ComputeWithoutAModelOrWithBadTokensIsAnError) {
    ModelJob job;
    ComputeRequest r;
    r.token_ids = {1, 2};
    job.compute(r);
    job.wait_until_idle();
    auto none = job.poll_compute();
    ASSERT_TRUE(none.has_value());
    ASSERT_FALSE(none->result.ok());
    EXPECT_NE(none->result.error().find("no model is open"), std::string::npos) << none->result.error();

    r.model = builtin();
    r.token_ids = {1, 100000};
    job.compute(r);
    job.wait_until_idle();
    auto bad = job.poll_compute();
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(bad->result.ok());
}

TEST(ModelJob, CancelDeliversNothing) {
    ModelJob job;
    ComputeRequest r;
    r.model = builtin();
    r.token_ids = {1, 400, 300};
    job.load(LoadRequest{kBuiltinModelName, 0});
    job.compute(r);
    job.cancel();
    job.wait_until_idle();
    EXPECT_FALSE(job.poll_load().has_value());
    EXPECT_FALSE(job.poll_compute().has_value());
    EXPECT_FALSE(job.current());
    EXPECT_EQ(job.load_progress(), 0.0);
    EXPECT_EQ(job.compute_progress(), 0.0);
}

}  // namespace
