// The inner loops of the flash path on Eigen's SIMD packets: key panels packed once per KV head, a
// register-blocked tile product that reads them (and V as it is), and a fast exp-and-sum.
// Internal to core/flash_attention.cpp; public only so that tests can check each loop on its own.
#pragma once

#include <vector>

namespace attnviz::attention::flash_kernels {

/// NR, the columns of one register block: two SIMD packets (32 floats with AVX-512, 16 with AVX, 8 with SSE).
int panel_width();

/// MR, the rows of one register block (8 with AVX-512's 32 vector registers, else 6): callers that trim
/// columns row block by row block use it.
int row_block();

/// Panels of one key tile: ceil(cols / NR).
int panels_for(int cols);

/// Packs the keys of every tile of a [n_k, d] row-major K (row stride d) into panels: tile t (keys
/// [t * block_k, t * block_k + block_k)) holds panels_for(block_k) panels, panel p of it holding its
/// keys [p * NR, p * NR + NR) as [d][NR] (the transposed keys, zero past the tile's last key).
/// out: [n_tiles * panels_for(block_k) * d * NR] floats, n_tiles = ceil(n_k / block_k).
void pack_key_tiles(const float* k, int n_k, int d, int block_k, float* out);

/// Floats that pack_key_tiles writes for one KV head. Every tile is padded to whole panels, so a
/// block_k below NR costs NR / block_k times K's size (and as many times the score work).
long packed_key_floats(int n_k, int d, int block_k);

/// The tile product C (+)= A B over a whole number of column panels:
///   C[r, p * NR + j] (+)= sum_t A[r * lda + t] * B[p * b_panel_stride + t * ldb + j]
/// for r < rows, t < depth, p < n_panels, j < NR. A is row-major (one scalar broadcast per step), B's
/// panels hold NR contiguous floats per step. accumulate = false overwrites C.
/// Scores use it with the packed key panels (ldb = NR, b_panel_stride = d * NR); the output with V
/// itself (ldb = d_v, b_panel_stride = NR). The additions run in a fixed order: same bits every run.
void panel_product(const float* a, int lda, int rows, int depth, const float* b, int ldb, int b_panel_stride,
                   int n_panels, float* c, int ldc, bool accumulate);

/// x[j] = 2^((x[j] - m) * c) in place for j in [0, n), returning their sum. With c = log2(e) / T this
/// is exp((x - m) / T) to a relative error of 2e-7 (a degree-6 polynomial for 2^f on [-0.5, 0.5],
/// 1.3 ulp, then the reduction and the scaling by 2^n) plus |t| 2^-23 ln 2 from rounding c and
/// t = (x - m) c: only weights far below the max feel the second term. t <= -126.5 gives exactly 0,
/// so x = -inf gives exactly 0.
/// Precondition: x[j] <= m (the row max), c > 0 finite. The order of the additions depends on n only.
float exp2_shifted_sum(float* x, int n, float m, float c);

}  // namespace attnviz::attention::flash_kernels
