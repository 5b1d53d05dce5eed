// parallel_for: a shared atomic counter hands out items; std::thread workers, joined before return.
#include "core/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace attnviz {

int default_thread_count() {
    if (const char* env = std::getenv("ATTNVIZ_THREADS")) {
        const int n = std::atoi(env);
        if (n >= 1) return n;
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

void parallel_for(int n, int n_threads, const std::function<void(int)>& fn) {
    if (n <= 0) return;
    const int workers = std::min(n, n_threads > 0 ? n_threads : default_thread_count());
    if (workers <= 1) {
        for (int i = 0; i < n; ++i) fn(i);
        return;
    }

    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;

    auto work = [&] {
        for (int i = next.fetch_add(1); i < n && !failed.load(); i = next.fetch_add(1)) {
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                failed.store(true);
            }
        }
    };

    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers - 1));
    for (int t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    if (first_error) std::rethrow_exception(first_error);
}

}  // namespace attnviz
