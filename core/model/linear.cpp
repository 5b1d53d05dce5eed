// matmul_linear: y = x W^T + b over fixed column chunks of the output, on Eigen's GEMM.
#include "core/model/linear.h"

#include "core/base/parallel.h"

#include <algorithm>

namespace attnviz::model {

namespace {

/// Output columns per work item. Fixed (never derived from the thread count) so that each output
/// element is computed by the same product whatever the number of threads.
constexpr int kColumnsPerItem = 128;

void product_chunk(const MatrixRM& x, const Linear& linear, MatrixRM& y, int c0, int cw) {
    const WeightView::Map w = linear.weight.map();
    auto out = y.middleCols(c0, cw);
    if (linear.stored_in_out) {
        out.noalias() = x * w.middleCols(c0, cw);
    } else {
        out.noalias() = x * w.middleRows(c0, cw).transpose();
    }
    if (!linear.bias.empty()) {
        const Eigen::Map<const Eigen::RowVectorXf> b(linear.bias.data + c0, cw);
        out.rowwise() += b;
    }
}

}  // namespace

void matmul_linear(const MatrixRM& x, const Linear& linear, MatrixRM& y, int n_threads) {
    const int n = static_cast<int>(x.rows());
    const int n_out = linear.n_out();
    y.resize(n, n_out);
    const int n_items = (n_out + kColumnsPerItem - 1) / kColumnsPerItem;
    const double work = static_cast<double>(n) * linear.n_in() * n_out;
    const int threads = work < kParallelWorkThreshold ? 1 : n_threads;
    parallel_for(n_items, threads, [&](int item) {
        const int c0 = item * kColumnsPerItem;
        product_chunk(x, linear, y, c0, std::min(kColumnsPerItem, n_out - c0));
    });
}

const char* matmul_backend_name() {
    return "Eigen";
}

}  // namespace attnviz::model
