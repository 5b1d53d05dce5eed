// Register-blocked tile products and a fast exp-and-sum for the flash path, on Eigen's packets
// (AVX-512 or AVX2/FMA with -march=native, SSE on a portable build).
//
// Why not Eigen's matrix product: for a 128 x 256 tile with d = 64, Eigen packs both operands on every
// call, so each key tile was repacked once per query block (16 times at n = 2048) and each V tile too.
// Here the keys are packed once per call and V is read as it is: its rows already hold NR contiguous
// floats per output panel. The MR x NR block keeps 2 MR accumulators in registers: 6 x 16 floats with
// AVX2's 16 registers, 8 x 32 with AVX-512's 32.
#include "core/attention/flash_kernels.h"

#include "core/base/eigen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

namespace attnviz::attention::flash_kernels {

namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<float>::type;
// Eigen's packets are vector types with alignment attributes that template arguments drop (harmlessly:
// they are only named here, never stored by the template).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
using PacketI = ei::unpacket_traits<Packet>::integer_packet;
constexpr int kLanes = ei::unpacket_traits<Packet>::size;
#pragma GCC diagnostic pop
constexpr int kNR = 2 * kLanes;
// MR x 2 accumulators, 2 packets of B and one broadcast must fit the vector registers: 6 rows with 16
// (AVX2, SSE), 8 with 32 (AVX-512, whose wider block also leaves no 2-row tail on a 128-row Q block).
constexpr int kMR = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 8 : 6;

/// C[0, MR) x [0, NR) (+)= A[0, MR) x [0, depth) * B[0, depth) x [0, NR): one register block.
template <int MR>
void block_product(const float* a, int lda, int depth, const float* b, int ldb, float* c, int ldc,
                   bool accumulate) {
    Packet acc0[MR];
    Packet acc1[MR];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        acc0[r] = ei::pset1<Packet>(0.0f);
        acc1[r] = ei::pset1<Packet>(0.0f);
    }
    for (int t = 0; t < depth; ++t) {
        const Packet b0 = ei::ploadu<Packet>(b + static_cast<std::ptrdiff_t>(t) * ldb);
        const Packet b1 = ei::ploadu<Packet>(b + static_cast<std::ptrdiff_t>(t) * ldb + kLanes);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const Packet ar = ei::pset1<Packet>(a[static_cast<std::ptrdiff_t>(r) * lda + t]);
            acc0[r] = ei::pmadd(ar, b0, acc0[r]);
            acc1[r] = ei::pmadd(ar, b1, acc1[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        float* cr = c + static_cast<std::ptrdiff_t>(r) * ldc;
        if (accumulate) {
            acc0[r] = ei::padd(ei::ploadu<Packet>(cr), acc0[r]);
            acc1[r] = ei::padd(ei::ploadu<Packet>(cr + kLanes), acc1[r]);
        }
        ei::pstoreu(cr, acc0[r]);
        ei::pstoreu(cr + kLanes, acc1[r]);
    }
}

using BlockProduct = void (*)(const float*, int, int, const float*, int, float*, int, bool);

template <int... R>
constexpr std::array<BlockProduct, sizeof...(R) + 1> block_products(std::integer_sequence<int, R...>) {
    return {nullptr, block_product<R + 1>...};
}

/// kBlockProducts[mr]: the block of mr rows, for mr in [1, kMR].
constexpr auto kBlockProducts = block_products(std::make_integer_sequence<int, kMR>{});

// 2^f on [-0.5, 0.5] by a degree-6 polynomial, fitted for relative error (Lawson's iteratively
// reweighted least squares on 4000 Chebyshev nodes, in long double): 1.3 ulp at most in float.
constexpr float kExp2Poly[7] = {1.000000000e+00f, 6.931471825e-01f, 2.402264625e-01f, 5.550328642e-02f,
                                9.618489072e-03f, 1.339993090e-03f, 1.534581097e-04f};
constexpr float kExp2Floor = -127.0f;  // 2^-127 is built with a zero exponent field: exactly 0

/// 2^f for f in [-0.5, 0.5], by lanes: the polynomial in Horner's form (6 FMAs against Estrin's 8
/// operations; the packets of a row are independent, so out-of-order execution hides the longer chain
/// and the pass is bound by its operation count).
Packet exp2_reduced(Packet f) {
    Packet p = ei::pset1<Packet>(kExp2Poly[6]);
    for (int i = 5; i >= 0; --i) p = ei::pmadd(p, f, ei::pset1<Packet>(kExp2Poly[i]));
    return p;
}

#ifdef EIGEN_VECTORIZE_AVX512
/// 2^t for t <= 0, by lanes: t = n + f with n = rint(t), then 2^f scaled by 2^n in one instruction
/// (vscalefps), and lanes with t <= -126.5 (-inf among them) zeroed by the mask of the comparison, as
/// the portable form below zeroes them by building 2^-127 as 0. Four operations fewer than that form,
/// and the same values up to the rounding of ties t = k + 0.5 (f = 0.5 or -0.5: one ulp at most).
Packet exp2_nonpositive(Packet t) {
    const __mmask16 live = _mm512_cmp_ps_mask(t, _mm512_set1_ps(kExp2Floor + 0.5f), _CMP_GT_OQ);
    const Packet n = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm512_maskz_scalef_ps(live, exp2_reduced(ei::psub(t, n)), n);
}
#else
// Adding 1.5 * 2^23 + 127 to t in [-127, 0] rounds it to the nearest integer n and leaves n + 127,
// 2^n's biased exponent, in the low mantissa bits of the sum: shifted left by 23 they are 2^n's bits.
// (This relies on IEEE rounding of each addition: -ffast-math / -fassociative-math would fold
// t - ((t + K) - K) to 0. The project builds without them.) Only this form uses it: clang's
// -Wunused-const-variable (an error in the fuzz build) would flag it under AVX-512.
constexpr float kRoundAndBias = 12582912.0f + 127.0f;

/// 2^t for t <= 0, by lanes: t = n + f with n = rint(t), 2^f by the polynomial, 2^n built in the
/// exponent field.
Packet exp2_nonpositive(Packet t) {
    t = ei::pmax(t, ei::pset1<Packet>(kExp2Floor));
    const Packet biased = ei::padd(t, ei::pset1<Packet>(kRoundAndBias));
    const Packet f = ei::psub(t, ei::psub(biased, ei::pset1<Packet>(kRoundAndBias)));  // t - rint(t)
    const PacketI bits = ei::plogical_shift_left<23>(ei::preinterpret<PacketI>(biased));
    return ei::pmul(exp2_reduced(f), ei::preinterpret<Packet>(bits));
}
#endif

/// x[0, kLanes) = 2^((x - m) * c) in place; returns the packet.
Packet exp2_shifted_packet(float* x, Packet pm, Packet pc) {
    const Packet p = exp2_nonpositive(ei::pmul(ei::psub(ei::ploadu<Packet>(x), pm), pc));
    ei::pstoreu(x, p);
    return p;
}

}  // namespace

int panel_width() {
    return kNR;
}

int row_block() {
    return kMR;
}

int panels_for(int cols) {
    return (cols + kNR - 1) / kNR;
}

long packed_key_floats(int n_k, int d, int block_k) {
    const long n_tiles = (n_k + block_k - 1) / block_k;
    return n_tiles * panels_for(block_k) * d * kNR;
}

void pack_key_tiles(const float* k, int n_k, int d, int block_k, float* out) {
    const int per_tile = panels_for(block_k);
    const int n_tiles = (n_k + block_k - 1) / block_k;
    for (int tile = 0; tile < n_tiles; ++tile) {
        const int k0 = tile * block_k;
        const int cols = std::min(block_k, n_k - k0);
        for (int p = 0; p < per_tile; ++p) {
            float* panel = out + (static_cast<std::ptrdiff_t>(tile) * per_tile + p) * d * kNR;
            for (int j = 0; j < kNR; ++j) {
                const int key = p * kNR + j;
                const float* row = key < cols ? k + static_cast<std::ptrdiff_t>(k0 + key) * d : nullptr;
                for (int t = 0; t < d; ++t) panel[t * kNR + j] = row != nullptr ? row[t] : 0.0f;
            }
        }
    }
}

void panel_product(const float* a, int lda, int rows, int depth, const float* b, int ldb, int b_panel_stride,
                   int n_panels, float* c, int ldc, bool accumulate) {
    // Panel-major: one panel of B (d x NR floats for keys, a V column strip for the output) stays in
    // L1 while every row block of A passes over it.
    for (int p = 0; p < n_panels; ++p) {
        const float* bp = b + static_cast<std::ptrdiff_t>(p) * b_panel_stride;
        float* cp = c + static_cast<std::ptrdiff_t>(p) * kNR;
        for (int r0 = 0; r0 < rows; r0 += kMR) {
            const int mr = std::min(kMR, rows - r0);
            kBlockProducts[mr](a + static_cast<std::ptrdiff_t>(r0) * lda, lda, depth, bp, ldb,
                               cp + static_cast<std::ptrdiff_t>(r0) * ldc, ldc, accumulate);
        }
    }
}

float exp2_shifted_sum(float* x, int n, float m, float c) {
    const Packet pm = ei::pset1<Packet>(m);
    const Packet pc = ei::pset1<Packet>(c);
    Packet acc = ei::pset1<Packet>(0.0f);
    int j = 0;
    for (; j + kLanes <= n; j += kLanes) acc = ei::padd(acc, exp2_shifted_packet(x + j, pm, pc));
    if (j < n) {
        // The tail as one more packet, padded with -inf (whose weight is exactly 0).
        float tail[kLanes];
        std::fill(tail, tail + kLanes, -std::numeric_limits<float>::infinity());
        std::copy(x + j, x + n, tail);
        acc = ei::padd(acc, exp2_shifted_packet(tail, pm, pc));
        std::copy(tail, tail + (n - j), x + j);
    }
    return ei::predux(acc);
}

}  // namespace attnviz::attention::flash_kernels
