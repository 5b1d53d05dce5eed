// A minimal parallel loop over independent work items on the machine's cores.
#pragma once

#include <functional>

namespace attnviz {

/// Below this many multiply-adds the thread start-up costs more than it saves (the GUI's lesson
/// sentences); attention above it runs its work items in parallel.
constexpr double kParallelWorkThreshold = 4.0e6;

/// Number of worker threads used when a caller passes n_threads = 0: the hardware concurrency,
/// or the ATTNVIZ_THREADS environment variable when it holds a number >= 1.
int default_thread_count();

/// Calls fn(i) for every i in [0, n), spread over up to n_threads threads (0 = default_thread_count()),
/// items handed out in increasing order as workers free up. Items must be independent: each writes
/// only its own outputs, so results do not depend on the thread count or the schedule.
/// The first exception thrown by fn is rethrown on the calling thread after all workers stop.
void parallel_for(int n, int n_threads, const std::function<void(int)>& fn);

}  // namespace attnviz
