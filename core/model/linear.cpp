// matmul_linear: y = x W^T + b over fixed column chunks of the output, on OpenBLAS's sgemm when the build
// found it (Debian's libopenblas, about 1.4x Eigen's GEMM on these shapes) and on Eigen's GEMM otherwise.
#include "core/model/linear.h"

#include "core/base/parallel.h"

#include <algorithm>
#include <mutex>

#ifdef ATTNVIZ_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace attnviz::model {

namespace {

/// Output columns per work item: about kTargetColumns, an even number of items (two cores share them
/// evenly), a multiple of 16 wide. A function of n_out only, never of the thread count, so that each output
/// element is computed by the same product whatever the number of threads. Measured with OpenBLAS on
/// GPT-2-small shapes (n = 512): 128 columns ran at 85 GFLOP/s per core, 192 at 90, whole at 93; the
/// narrower chunks repack x once per chunk.
constexpr int kTargetColumns = 192;

int columns_per_item(int n_out) {
    int n_items = std::max(1, (n_out + kTargetColumns / 2) / kTargetColumns);
    if (n_items > 1 && n_items % 2 != 0) ++n_items;
    const int width = (n_out + n_items - 1) / n_items;
    return std::max(16, (width + 15) / 16 * 16);
}

void add_bias(const Linear& linear, int c0, int cw, MatrixRM& y) {
    if (linear.bias.empty()) return;
    const Eigen::Map<const Eigen::RowVectorXf> b(linear.bias.data + c0, cw);
    y.middleCols(c0, cw).rowwise() += b;
}

void eigen_chunk(const MatrixRM& x, const Linear& linear, MatrixRM& y, int c0, int cw) {
    const WeightView::Map w = linear.weight.map();
    auto out = y.middleCols(c0, cw);
    if (linear.stored_in_out) {
        out.noalias() = x * w.middleCols(c0, cw);
    } else {
        out.noalias() = x * w.middleRows(c0, cw).transpose();
    }
}

#ifdef ATTNVIZ_HAVE_OPENBLAS
/// Below this many rows the product is a matrix-vector one, bound by reading W: Eigen's is faster there.
constexpr int kBlasMinRows = 8;

void blas_chunk(const MatrixRM& x, const Linear& linear, MatrixRM& y, int c0, int cw) {
    const WeightView& w = linear.weight;
    const auto n = static_cast<blasint>(x.rows());
    const auto k = static_cast<blasint>(x.cols());
    const auto ldc = static_cast<blasint>(y.cols());
    if (linear.stored_in_out) {  // W [in, out]: columns c0.. of it, as they are
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, cw, k, 1.0f, x.data(), k, w.data + c0,
                    w.row_stride, 0.0f, y.data() + c0, ldc);
    } else {  // W [out, in]: rows c0.. of it, transposed
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, cw, k, 1.0f, x.data(), k,
                    w.data + static_cast<std::ptrdiff_t>(c0) * w.row_stride, w.row_stride, 0.0f,
                    y.data() + c0, ldc);
    }
}

/// OpenBLAS runs on the caller's thread: the work is split here, in fixed chunks, so that results do
/// not depend on OpenBLAS's own thread count (and its threads do not compete with ours).
void use_caller_thread_only() {
    static std::once_flag once;
    std::call_once(once, [] { openblas_set_num_threads(1); });
}
#endif

}  // namespace

void matmul_linear(const MatrixRM& x, const Linear& linear, MatrixRM& y, int n_threads) {
    const int n = static_cast<int>(x.rows());
    const int n_out = linear.n_out();
    y.resize(n, n_out);
    const int per_item = columns_per_item(n_out);
    const int n_items = (n_out + per_item - 1) / per_item;
    const double work = static_cast<double>(n) * linear.n_in() * n_out;
    const int threads = work < kParallelWorkThreshold ? 1 : n_threads;
#ifdef ATTNVIZ_HAVE_OPENBLAS
    const bool blas = n >= kBlasMinRows;
    if (blas) use_caller_thread_only();
#else
    constexpr bool blas = false;
#endif
    parallel_for(n_items, threads, [&](int item) {
        const int c0 = item * per_item;
        const int cw = std::min(per_item, n_out - c0);
#ifdef ATTNVIZ_HAVE_OPENBLAS
        if (blas) {
            blas_chunk(x, linear, y, c0, cw);
        } else {
            eigen_chunk(x, linear, y, c0, cw);
        }
#else
        eigen_chunk(x, linear, y, c0, cw);
#endif
        add_bias(linear, c0, cw, y);
    });
    (void)blas;
}

const char* matmul_backend_name() {
#ifdef ATTNVIZ_HAVE_OPENBLAS
    return "OpenBLAS";
#else
    return "Eigen";
#endif
}

}  // namespace attnviz::model
