// The one matrix product of the forward pass: every linear layer and the lm_head go through matmul_linear.
#pragma once

#include "core/base/types.h"
#include "core/model/checkpoint.h"

namespace attnviz::model {

/// y [n, n_out] = x [n, n_in] W^T + b (rows are tokens), with W as the checkpoint stores it: [out, in]
/// (nn.Linear) or [in, out] (GPT-2's Conv1D, stored_in_out), used in place, never copied.
/// Precondition: x.cols() == linear.n_in(); y is resized (its buffer reused when the size matches).
/// The output columns are split into fixed chunks spread over up to n_threads threads (0 = default), so
/// the result is bitwise the same for every thread count.
void matmul_linear(const MatrixRM& x, const Linear& linear, MatrixRM& y, int n_threads);

/// The name of the product used ("Eigen" or "OpenBLAS"), for benchmarks and --info.
const char* matmul_backend_name();

}  // namespace attnviz::model
