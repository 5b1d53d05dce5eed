// One background thread that runs the newest request only (robustness X3): a newer request replaces a
// pending one and cancels a running one, and only the newest request's result is ever delivered, once.
#pragma once

#include "core/base/expected.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace attnviz {

/// What a piece of work gets from the worker: a flag to check between steps (set when a newer request
/// arrives or the work is cancelled) and a way to report progress.
struct JobControl {
    const std::atomic<bool>* cancel = nullptr;    ///< never null inside a worker
    std::function<void(double)> report_progress;  ///< a fraction in [0, 1]
    bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
};

/// Runs `work(request, control)` on its own thread. Thread-safe: every public member may be called from
/// any thread (the GUI calls them from the UI thread). Guarantees:
///   - submit() never blocks on the work; at most one request waits (a newer one replaces it) and at most
///     one runs, so nothing queues up however fast requests come;
///   - a result is delivered (by poll) only when its request is still the newest one when it finishes,
///     was not cancelled, and is delivered exactly once;
///   - the destructor cancels the running work and joins the thread.
template <class Request, class Result>
class LatestWorker {
  public:
    using Work = std::function<Expected<Result>(const Request&, const JobControl&)>;

    /// A finished request: its ticket (submit's return value) and its result or error.
    struct Outcome {
        std::uint64_t ticket = 0;
        Expected<Result> result;
    };

    explicit LatestWorker(Work work) : m_work(std::move(work)) {
        m_thread = std::thread([this] { loop(); });
    }

    ~LatestWorker() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
            m_pending.reset();
            if (m_running_cancel) m_running_cancel->store(true);
        }
        m_wake.notify_all();
        m_thread.join();
    }

    LatestWorker(const LatestWorker&) = delete;
    LatestWorker& operator=(const LatestWorker&) = delete;

    /// Queues `request` as the newest one, replacing a pending request, cancelling the running one and
    /// dropping a finished result not yet polled. Returns its ticket (increasing from 1).
    std::uint64_t submit(Request request) {
        std::uint64_t ticket = 0;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            ticket = ++m_last_ticket;
            m_pending.emplace(Pending{ticket, std::move(request)});
            if (m_running_cancel) m_running_cancel->store(true);
            m_done.reset();
        }
        m_wake.notify_all();
        return ticket;
    }

    /// Cancels everything submitted so far: the pending request is dropped, the running one is told to
    /// stop, and none of their results (nor one not yet polled) will be delivered.
    void cancel() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_pending.reset();
            if (m_running_cancel) m_running_cancel->store(true);
            m_done.reset();
            m_cancelled_through = m_last_ticket;
        }
        m_wake.notify_all();
    }

    /// The newest request's outcome once it has finished; then nothing until another one finishes.
    std::optional<Outcome> poll() {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::optional<Outcome> out = std::move(m_done);
        m_done.reset();
        return out;
    }

    /// True while a request is pending or running.
    bool busy() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_pending.has_value() || m_running;
    }

    /// The running request's progress in [0, 1] (0 when idle).
    double progress() const { return m_progress.load(); }

    /// Blocks until no request is pending or running (for tests and command-line use, never the UI).
    void wait_until_idle() {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_idle.wait(lock, [this] { return !m_pending.has_value() && !m_running; });
    }

  private:
    struct Pending {
        std::uint64_t ticket;
        Request request;
    };

    void loop() {
        std::unique_lock<std::mutex> lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [this] { return m_stop || m_pending.has_value(); });
            if (m_stop) break;
            Pending job = std::move(*m_pending);
            m_pending.reset();
            auto cancel_flag = std::make_shared<std::atomic<bool>>(false);
            m_running_cancel = cancel_flag;
            m_running = true;
            m_progress.store(0.0);
            lock.unlock();

            JobControl control;
            control.cancel = cancel_flag.get();
            control.report_progress = [this, cancel_flag](double fraction) {
                if (!cancel_flag->load(std::memory_order_relaxed)) m_progress.store(fraction);
            };
            std::optional<Expected<Result>> result;
            try {
                result.emplace(m_work(job.request, control));
            } catch (const std::bad_alloc&) {
                result.emplace(Error{"not enough memory for this computation"});
            } catch (const std::exception& e) {
                result.emplace(Error{std::string("unexpected error: ") + e.what()});
            }

            lock.lock();
            const bool newest = job.ticket == m_last_ticket && job.ticket > m_cancelled_through;
            if (newest && !cancel_flag->load()) m_done.emplace(Outcome{job.ticket, std::move(*result)});
            m_running_cancel.reset();
            m_running = false;
            m_progress.store(0.0);
            if (!m_pending.has_value()) m_idle.notify_all();
        }
        m_running = false;
        m_idle.notify_all();
    }

    Work m_work;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;  ///< a request arrived, or stop
    std::condition_variable m_idle;  ///< nothing pending or running any more
    std::optional<Pending> m_pending;
    std::optional<Outcome> m_done;
    std::shared_ptr<std::atomic<bool>> m_running_cancel;  ///< the running request's flag, or null
    bool m_running = false;
    bool m_stop = false;
    std::uint64_t m_last_ticket = 0;
    std::uint64_t m_cancelled_through = 0;  ///< tickets up to this one were cancelled
    std::atomic<double> m_progress{0.0};
    std::thread m_thread;  ///< last: started after every other member exists
};

}  // namespace attnviz
