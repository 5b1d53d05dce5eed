// Tiled online-softmax attention (Milakov & Gimelshein 2018; Dao et al. 2022) over (head x query block)
// work items in parallel, with the optional tile trace and the weights rebuilt from the final M and S.
//
// Index:
//   [SECTION] Plan: everything shared by the work items (mode, scales, padding prefix, blocks)
//   [SECTION] Tiles: which rows of a tile see which keys; skipped, boundary and full tiles
//   [SECTION] Row updates: the online softmax of one tile row in each temperature regime
//   [SECTION] Work item: one query block of one head, all its key tiles
//   [SECTION] compute_flash_attention: validation, scheduling, gathering
#include "core/attention/flash_attention.h"

#include "core/attention/flash_kernels.h"
#include "core/attention/mask.h"
#include "core/attention/softmax.h"
#include "core/base/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <string>

namespace attnviz::attention {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Scores whose bound |q| |k| s stays below this cannot overflow float, even with GEMM rounding, so the
// per-tile finiteness check is skipped (it is needed only for inputs near 1e19).
constexpr double kSafeScoreBound = 1e37;

// [SECTION] Plan ----------------------------------------------------------------------------------

/// How a tile row turns into weights; see update_row.
/// In every mode x = s_ij, the scaled score, and M is in the same units (the reference's row max).
enum class TileMode {
    kExp,      ///< 0 < T < inf: p = exp((x - M) / T) = 2^((x - M) * exp2_factor)
    kArgmax,   ///< T = 0: p = [x == M], ties counted online
    kUniform,  ///< T = inf: p = 1 for every visible key
};

struct Plan {
    const AttentionInputs* in = nullptr;
    Mask mask;
    int n_q = 0;
    int n_k = 0;
    int d = 0;
    int d_v = 0;
    int block_q = 0;
    int block_k = 0;
    int n_q_blocks = 0;
    int n_k_blocks = 0;
    int group_size = 1;
    TileMode mode = TileMode::kExp;
    float q_scale = 1.0f;       ///< applied to the Q block before the GEMM
    float x_scale = 1.0f;       ///< applied to each tile entry after the GEMM (1 when Q was pre-scaled)
    float exp2_factor = 1.0f;   ///< log2(e) / T, for kExp
    double lse_m_factor = 1.0;  ///< lse = M * lse_m_factor + ln S
    bool check_overflow = false;
    std::vector<int> real_before;  ///< [n_k + 1]: number of real (unpadded) keys in [0, j)
    int panels_per_tile = 0;       ///< flash_kernels::panels_for(block_k)
    int tile_stride = 0;           ///< floats per row of a score tile: panels_per_tile * NR
    long packed_keys_per_head = 0;
    /// Every KV head's keys packed by flash_kernels::pack_key_tiles, head after head (once per call,
    /// not once per query block). The first work item that needs a head packs it while any other
    /// waits, so the packing runs on the workers, heads in parallel.
    mutable std::unique_ptr<float[]> packed_keys;
    mutable std::unique_ptr<std::once_flag[]> packed_once;

    explicit Plan(const Mask& m) : mask(m) {}

    /// Head g's packed keys, packing them on first use (thread-safe).
    const float* keys_of(int g) const {
        float* head = packed_keys.get() + g * packed_keys_per_head;
        std::call_once(packed_once[static_cast<std::size_t>(g)],
                       [&] { flash_kernels::pack_key_tiles(in->k.mat(g).data(), n_k, d, block_k, head); });
        return head;
    }

    int real_keys(int begin, int end) const {
        return real_before[static_cast<std::size_t>(end)] - real_before[static_cast<std::size_t>(begin)];
    }
};

/// The largest Euclidean norm of a row of t (over all its matrices), or +inf when some row's norm is
/// not finite: a non-finite entry, or finite entries so large that their squares overflow. A finite
/// result thus proves every entry finite, which spares the separate finiteness scan of Q and K.
double max_row_norm(const Tensor3& t) {
    const ConstMapRM all(t.data(), static_cast<Eigen::Index>(t.n_mats()) * t.n_rows(), t.n_cols());
    const Eigen::VectorXf norms = all.rowwise().norm();
    if (!norms.allFinite()) return std::numeric_limits<double>::infinity();
    return norms.size() == 0 ? 0.0 : static_cast<double>(norms.maxCoeff());
}

/// The inputs' largest row norms: Q's and K's, for the overflow bound of make_plan.
struct RowNorms {
    double q = 0.0;
    double k = 0.0;
};

Plan make_plan(const AttentionConfig& config, const AttentionInputs& in, const FlashOptions& options,
               RowNorms norms) {
    Plan plan(Mask(config.mask, in.n_q(), in.n_k()));
    plan.in = &in;
    plan.n_q = in.n_q();
    plan.n_k = in.n_k();
    plan.d = config.head_dim;
    plan.d_v = in.d_v();
    plan.block_q = std::min(options.block_q, plan.n_q);
    plan.block_k = std::min(options.block_k, plan.n_k);
    plan.n_q_blocks = (plan.n_q + plan.block_q - 1) / plan.block_q;
    plan.n_k_blocks = (plan.n_k + plan.block_k - 1) / plan.block_k;
    plan.group_size = config.group_size();

    // At T = 1 Q is pre-scaled by s (one multiply per Q entry instead of one per score). Elsewhere the
    // scores are scaled after the GEMM exactly as the reference does: at T = 0 so that its ties (x == M)
    // are the flash path's ties too, and at small T because (x - M) / T magnifies any rounding
    // difference in x by 1 / T.
    const float s = config.scale();
    const double t = config.temperature;
    switch (temperature_regime(t)) {
        case TemperatureRegime::kArgmax:
            plan.mode = TileMode::kArgmax;
            plan.x_scale = s;
            plan.lse_m_factor = 0.0;
            break;
        case TemperatureRegime::kUniform:
            plan.mode = TileMode::kUniform;
            plan.x_scale = s;
            plan.lse_m_factor = 0.0;
            break;
        case TemperatureRegime::kFinite:
            plan.q_scale = t == 1.0 ? s : 1.0f;
            plan.x_scale = t == 1.0 ? 1.0f : s;
            plan.exp2_factor = static_cast<float>(1.0 / (t * std::log(2.0)));
            plan.lse_m_factor = 1.0 / t;
            // A T so small that log2(e) / T overflows float (1e-40, say) leaves the reference's
            // exp((x - M) / T) exactly 1 at the max and 0 elsewhere: the argmax, counted as such.
            plan.mode = std::isfinite(plan.exp2_factor) ? TileMode::kExp : TileMode::kArgmax;
            // (temperature_regime sends a T beyond float's range to kUniform, so the factor is > 0.)
            break;
    }

    plan.panels_per_tile = flash_kernels::panels_for(plan.block_k);
    plan.tile_stride = plan.panels_per_tile * flash_kernels::panel_width();
    plan.packed_keys_per_head = flash_kernels::packed_key_floats(plan.n_k, plan.d, plan.block_k);
    // Not value-initialised: pack_key_tiles writes every float, padding included.
    plan.packed_keys.reset(
        new float[static_cast<std::size_t>(plan.packed_keys_per_head * config.n_kv_heads)]);
    plan.packed_once = std::make_unique<std::once_flag[]>(static_cast<std::size_t>(config.n_kv_heads));

    plan.real_before.assign(static_cast<std::size_t>(plan.n_k) + 1, 0);
    for (int j = 0; j < plan.n_k; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        plan.real_before[ju + 1] = plan.real_before[ju] + (plan.mask.key_is_real(j) ? 1 : 0);
    }

    // Cauchy-Schwarz: |x_ij| <= |q_i| |k_j| * (q_scale * x_scale). Below the bound no score can overflow.
    const double bound =
        norms.q * norms.k * static_cast<double>(plan.q_scale) * static_cast<double>(plan.x_scale);
    plan.check_overflow = !(bound < kSafeScoreBound);
    return plan;
}

// [SECTION] Tiles ---------------------------------------------------------------------------------

/// Which keys of one tile each of its rows sees, in tile coordinates.
struct TileRows {
    std::vector<int> begin;    ///< [rows] first key of the row's position range inside the tile
    std::vector<int> end;      ///< [rows] one past the last; begin == end when the row sees nothing
    std::vector<int> visible;  ///< [rows] visible keys of the row in the tile (padding excluded)
    bool any = false;          ///< some row sees some key: the tile is computed
    bool full = false;         ///< every row sees every key: no mask is applied
    bool padded = false;       ///< the tile holds padding keys
    /// Keys [lo, hi) of the tile hold every visible key of every row, lo a multiple of the panel width:
    /// only those columns are computed (a causal diagonal tile of B_q x B_k computes about B_q columns).
    int lo = 0;
    int hi = 0;
};

void classify_tile(const Plan& plan, int q0, int rows, int k0, int cols, TileRows& t) {
    const int k1 = k0 + cols;
    t.padded = plan.real_keys(k0, k1) != cols;
    t.any = false;
    t.full = !t.padded;
    t.lo = cols;
    t.hi = 0;
    for (int r = 0; r < rows; ++r) {
        const KeyRange pr = plan.mask.position_range(q0 + r);
        const int b = std::max(pr.begin, k0);
        const int e = std::max(b, std::min(pr.end, k1));
        const auto ru = static_cast<std::size_t>(r);
        t.begin[ru] = b - k0;
        t.end[ru] = e - k0;
        t.visible[ru] = plan.real_keys(b, e);
        t.any = t.any || t.visible[ru] > 0;
        t.full = t.full && b == k0 && e == k1;
        if (t.visible[ru] > 0) {
            t.lo = std::min(t.lo, b - k0);
            t.hi = std::max(t.hi, e - k0);
        }
    }
    if (!t.any || t.full) return;
    t.lo -= t.lo % flash_kernels::panel_width();
    // Shift the rows' ranges to the trimmed tile [k0 + lo, k0 + hi).
    for (int r = 0; r < rows; ++r) {
        const auto ru = static_cast<std::size_t>(r);
        if (t.visible[ru] == 0) continue;
        t.begin[ru] -= t.lo;
        t.end[ru] -= t.lo;
    }
}

/// Keys query block [q0, q0 + rows) can see by position: the span its work covers (for scheduling).
int block_key_span(const Plan& plan, int q0, int rows) {
    const KeyRange first = plan.mask.position_range(q0);
    const KeyRange last = plan.mask.position_range(q0 + rows - 1);
    return std::max(0, last.end - first.begin);
}

// [SECTION] Row updates ---------------------------------------------------------------------------

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;

/// Turns x[b, e) of one tile row into unnormalised weights p relative to the max M, in place, and
/// returns their sum. Masked entries of [b, e) hold -inf, which every mode maps to exactly 0.
float row_weights(const Plan& plan, float* x, int b, int e, float M) {
    ArrayMap seg(x + b, e - b);
    switch (plan.mode) {
        case TileMode::kExp:
            return flash_kernels::exp2_shifted_sum(x + b, e - b, M, plan.exp2_factor);
        case TileMode::kArgmax:
            seg = (seg == M).cast<float>();
            break;
        case TileMode::kUniform:
            seg = (seg > -kInf).cast<float>();
            break;
    }
    return seg.sum();
}

/// The factor exp((M_old - M_new) / T) by which the row's earlier S and accumulator are rescaled.
float rescale_factor(const Plan& plan, float m_old, float m_new) {
    switch (plan.mode) {
        case TileMode::kExp:  // (an unchanged max, the common case late in a row, skips the exp2)
            return m_old == m_new ? 1.0f : std::exp2((m_old - m_new) * plan.exp2_factor);
        case TileMode::kArgmax:
            return m_old == m_new ? 1.0f : 0.0f;  // a higher max drops the ties counted so far
        case TileMode::kUniform:
            return 1.0f;
    }
    return 1.0f;
}

/// Prepares row r of a computed tile for row_weights: applies x_scale, checks finiteness when the
/// plan asks for it, and writes -inf over masked keys (an exact "not visible", never a finite
/// sentinel, and never exponentiated against a -inf max: rows with no visible key are left alone).
/// Returns false when a visible score overflowed.
bool prepare_row(const Plan& plan, const TileRows& t, int r, int k0, float* x) {
    const auto ru = static_cast<std::size_t>(r);
    const int b = t.begin[ru];
    const int e = t.end[ru];
    if (plan.x_scale != 1.0f) ArrayMap(x + b, e - b) *= plan.x_scale;
    if (plan.check_overflow) {
        for (int j = b; j < e; ++j) {
            if (plan.mask.key_is_real(k0 + j) && !std::isfinite(x[j])) return false;
        }
    }
    if (t.padded) {
        for (int j = b; j < e; ++j) {
            if (!plan.mask.key_is_real(k0 + j)) x[j] = -kInf;
        }
    }
    return true;
}

// [SECTION] Work item -----------------------------------------------------------------------------

struct Scratch {
    MatrixRM q;  ///< [rows, d] the Q block times q_scale
    /// [rows, tile_stride] the scores of one tile, then its weights. Eigen-aligned: vectorised row
    /// sums start at an aligned address, so their order (and the bits) do not depend on malloc.
    Eigen::VectorXf tile;
    MatrixRM acc;           ///< [rows, d_v] output accumulator
    std::vector<float> M;   ///< [rows] running max of the scaled scores
    std::vector<double> S;  ///< [rows] running sum, in double: B_k = 1 adds one term per tile
    TileRows rows;
    /// For a trimmed tile, per register row block of flash_kernels::row_block() rows: the computed
    /// columns [block_lo, block_hi) that hold every visible key of its rows (empty: none visible).
    std::vector<int> block_lo;
    std::vector<int> block_hi;
};

/// The computed columns of a tile: keys [k0, k0 + cols) of the sequence.
struct TileColumns {
    int k0 = 0;
    int cols = 0;
};

/// Which columns of key tile kb (of `cols` keys) are computed: all of them for a full tile, else the
/// panels holding [lo, hi) (classify_tile has aligned lo to a panel).
TileColumns computed_columns(const TileRows& t, int kb, int block_k, int cols) {
    const int k0 = kb * block_k;
    if (t.full) return {k0, cols};
    return {k0 + t.lo, t.hi - t.lo};
}

/// For a trimmed tile (computed columns c), the columns each register row block needs: the union of its
/// rows' visible ranges, widened to whole panels on the left. A causal diagonal tile thus computes about
/// half its B_q x B_q square, not all of it.
void plan_row_blocks(Scratch& sc, TileColumns c) {
    const int mr = flash_kernels::row_block();
    const auto rows = static_cast<int>(sc.q.rows());
    const int n_blocks = (rows + mr - 1) / mr;
    sc.block_lo.assign(static_cast<std::size_t>(n_blocks), c.cols);
    sc.block_hi.assign(static_cast<std::size_t>(n_blocks), 0);
    for (int r = 0; r < rows; ++r) {
        const auto ru = static_cast<std::size_t>(r);
        if (sc.rows.visible[ru] == 0) continue;
        const auto bu = static_cast<std::size_t>(r / mr);
        sc.block_lo[bu] = std::min(sc.block_lo[bu], sc.rows.begin[ru]);
        sc.block_hi[bu] = std::max(sc.block_hi[bu], sc.rows.end[ru]);
    }
    for (std::size_t bu = 0; bu < sc.block_lo.size(); ++bu) {
        sc.block_lo[bu] -= sc.block_lo[bu] % flash_kernels::panel_width();
    }
}

/// Calls fn(r0, rows, lo, hi) over the computed columns [lo, hi) of the tile's rows [r0, r0 + rows):
/// once for a full tile (all rows, all `cols` columns), else once per register row block that sees
/// some key, with that block's own columns (plan_row_blocks).
template <typename Fn>
void for_each_row_block(const Scratch& sc, int rows, int cols, Fn fn) {
    if (sc.rows.full) {
        fn(0, rows, 0, cols);
        return;
    }
    const int mr = flash_kernels::row_block();
    for (std::size_t bu = 0; bu < sc.block_lo.size(); ++bu) {
        const int lo = sc.block_lo[bu];
        const int hi = sc.block_hi[bu];
        if (lo >= hi) continue;
        const int r0 = static_cast<int>(bu) * mr;
        fn(r0, std::min(mr, rows - r0), lo, hi);
    }
}

/// Scores of the computed columns c of tile kb into scratch.tile, rows of plan.tile_stride floats:
/// x = (Q block * q_scale) K_g[c.k0, c.k0 + c.cols)^T, [rows, c.cols]. On a trimmed tile only each row
/// block's own columns are computed (the rest is garbage that the row pass overwrites with 0); the
/// panels' padding columns past c.cols hold 0 and are ignored.
float* tile_scores(const Plan& plan, Scratch& sc, int g, int kb, TileColumns c) {
    const int nr = flash_kernels::panel_width();
    const int first_panel = (c.k0 - kb * plan.block_k) / nr;
    const float* panels =
        plan.keys_of(g) + (static_cast<long>(kb) * plan.panels_per_tile + first_panel) * plan.d * nr;
    if (!sc.rows.full) plan_row_blocks(sc, c);
    for_each_row_block(sc, static_cast<int>(sc.q.rows()), c.cols, [&](int r0, int rows, int lo, int hi) {
        flash_kernels::panel_product(sc.q.row(r0).data(), plan.d, rows, plan.d,
                                     panels + static_cast<std::ptrdiff_t>(lo / nr) * plan.d * nr, nr,
                                     plan.d * nr, flash_kernels::panels_for(hi - lo),
                                     sc.tile.data() + static_cast<std::ptrdiff_t>(r0) * plan.tile_stride + lo,
                                     plan.tile_stride, false);
    });
    return sc.tile.data();
}

/// acc[rows, d_v] += P[rows, cols) V_g[k0 + cols): whole panels of V's columns by the register-blocked
/// product, the last d_v % NR columns (if any) by Eigen.
void accumulate_rows(const Plan& plan, Scratch& sc, int g, int r0, int rows, int k0, int col0, int cols) {
    const int nr = flash_kernels::panel_width();
    const int whole = plan.d_v / nr;
    const float* p = sc.tile.data() + static_cast<std::ptrdiff_t>(r0) * plan.tile_stride + col0;
    const float* v_rows = plan.in->v.mat(g).data() + static_cast<std::ptrdiff_t>(k0 + col0) * plan.d_v;
    flash_kernels::panel_product(p, plan.tile_stride, rows, cols, v_rows, plan.d_v, nr, whole,
                                 sc.acc.row(r0).data(), plan.d_v, true);
    const int rest = plan.d_v - whole * nr;
    if (rest == 0) return;
    using StridedMap = Eigen::Map<const MatrixRM, 0, Eigen::OuterStride<>>;
    const StridedMap pm(p, rows, cols, Eigen::OuterStride<>(plan.tile_stride));
    sc.acc.block(r0, whole * nr, rows, rest).noalias() +=
        pm * plan.in->v.mat(g).middleRows(k0 + col0, cols).rightCols(rest);
}

/// acc += P V over the computed columns c; on a trimmed tile, each row block over its own columns only
/// (the weights outside them are 0).
void accumulate_output(const Plan& plan, Scratch& sc, int g, TileColumns c) {
    for_each_row_block(sc, static_cast<int>(sc.acc.rows()), c.cols, [&](int r0, int rows, int lo, int hi) {
        accumulate_rows(plan, sc, g, r0, rows, c.k0, lo, hi - lo);
    });
}

void record_step(const Scratch& sc, int q0, int k0, int cols, bool skipped,
                 std::vector<FlashTraceStep>& trace) {
    FlashTraceStep step;
    const auto rows = static_cast<int>(sc.M.size());
    step.q_begin = q0;
    step.q_end = q0 + rows;
    step.k_begin = k0;
    step.k_end = k0 + cols;
    step.skipped = skipped;
    step.row_max = sc.M;
    step.row_sum.assign(sc.S.begin(), sc.S.end());
    const auto d_v = static_cast<int>(sc.acc.cols());
    step.partial_output.assign(static_cast<std::size_t>(rows) * static_cast<std::size_t>(d_v), 0.0f);
    for (int r = 0; r < rows; ++r) {
        const double s_sum = sc.S[static_cast<std::size_t>(r)];
        if (!(s_sum > 0.0)) continue;
        MapRM(step.partial_output.data(), rows, d_v).row(r) = sc.acc.row(r) / static_cast<float>(s_sum);
    }
    trace.push_back(std::move(step));
}

/// One query block [q0, q0 + rows) of query head h over all key tiles: the output rows, their lse and,
/// when asked, their weights. Writes only its own rows of `out`, `lse` and `weights`.
Status run_item(const Plan& plan, int h, int qb, Tensor3& out, MatrixRM& lse, Tensor3* weights,
                std::vector<FlashTraceStep>* trace) {
    const int q0 = qb * plan.block_q;
    const int rows = std::min(plan.block_q, plan.n_q - q0);
    const int g = h / plan.group_size;

    Scratch sc;
    sc.q = plan.in->q.mat(h).middleRows(q0, rows) * plan.q_scale;
    sc.tile.resize(static_cast<Eigen::Index>(rows) * plan.tile_stride);
    sc.acc = MatrixRM::Zero(rows, plan.d_v);
    sc.M.assign(static_cast<std::size_t>(rows), -kInf);
    sc.S.assign(static_cast<std::size_t>(rows), 0.0);
    sc.rows.begin.resize(static_cast<std::size_t>(rows));
    sc.rows.end.resize(static_cast<std::size_t>(rows));
    sc.rows.visible.resize(static_cast<std::size_t>(rows));

    // pass 1: every key tile, online softmax into M, S and the accumulator
    for (int kb = 0; kb < plan.n_k_blocks; ++kb) {
        const int k0 = kb * plan.block_k;
        const int cols = std::min(plan.block_k, plan.n_k - k0);
        classify_tile(plan, q0, rows, k0, cols, sc.rows);
        if (!sc.rows.any) {
            if (trace != nullptr) record_step(sc, q0, k0, cols, true, *trace);
            continue;
        }
        const TileColumns c = computed_columns(sc.rows, kb, plan.block_k, cols);
        const int kc0 = c.k0;
        const int n_cols = c.cols;
        float* x = tile_scores(plan, sc, g, kb, c);
        for (int r = 0; r < rows; ++r) {
            const auto ru = static_cast<std::size_t>(r);
            float* xr = x + static_cast<std::ptrdiff_t>(r) * plan.tile_stride;
            int b = 0;
            int e = n_cols;
            if (!sc.rows.full) {
                b = sc.rows.begin[ru];
                e = sc.rows.end[ru];
                if (sc.rows.visible[ru] == 0) {
                    // Nothing visible in this tile: the row keeps M, S and its accumulator as they are.
                    std::fill(xr, xr + n_cols, 0.0f);
                    continue;
                }
                if (!prepare_row(plan, sc.rows, r, kc0, xr)) return score_overflow_error(h, q0 + r);
                std::fill(xr, xr + b, 0.0f);
                std::fill(xr + e, xr + n_cols, 0.0f);
            } else if (plan.x_scale != 1.0f || plan.check_overflow) {
                if (!prepare_row(plan, sc.rows, r, kc0, xr)) return score_overflow_error(h, q0 + r);
            }
            // M_new = max(M_old, tile max); the earlier S and accumulator shrink by exp(M_old - M_new).
            const float m_old = sc.M[ru];
            const float m_new = std::max(m_old, ArrayMap(xr + b, e - b).maxCoeff());
            const float alpha = rescale_factor(plan, m_old, m_new);
            const float tile_sum = row_weights(plan, xr, b, e, m_new);
            sc.S[ru] = static_cast<double>(alpha) * sc.S[ru] + static_cast<double>(tile_sum);
            sc.M[ru] = m_new;
            if (alpha != 1.0f) sc.acc.row(r) *= alpha;
        }
        accumulate_output(plan, sc, g, c);
        if (trace != nullptr) record_step(sc, q0, k0, cols, false, *trace);
    }

    // pass 2: normalise; a row that saw no key keeps output 0 and lse -inf
    MapRM o = out.mat(h);
    for (int r = 0; r < rows; ++r) {
        const auto ru = static_cast<std::size_t>(r);
        const double s_sum = sc.S[ru];
        if (s_sum > 0.0) {
            o.row(q0 + r) = sc.acc.row(r) / static_cast<float>(s_sum);
            lse(h, q0 + r) =
                static_cast<float>(static_cast<double>(sc.M[ru]) * plan.lse_m_factor + std::log(s_sum));
        } else {
            o.row(q0 + r).setZero();
            lse(h, q0 + r) = -kInf;
        }
    }

    // pass 3 (on request): the weights, tile by tile, P = p(x, M) / S with the final M and S
    if (weights != nullptr) {
        MapRM w = weights->mat(h);
        for (int kb = 0; kb < plan.n_k_blocks; ++kb) {
            const int k0 = kb * plan.block_k;
            const int cols = std::min(plan.block_k, plan.n_k - k0);
            classify_tile(plan, q0, rows, k0, cols, sc.rows);
            if (!sc.rows.any) continue;  // the weights start at 0
            const TileColumns c = computed_columns(sc.rows, kb, plan.block_k, cols);
            const int kc0 = c.k0;
            float* x = tile_scores(plan, sc, g, kb, c);
            for (int r = 0; r < rows; ++r) {
                const auto ru = static_cast<std::size_t>(r);
                if (sc.rows.visible[ru] == 0 || !(sc.S[ru] > 0.0)) continue;
                float* xr = x + static_cast<std::ptrdiff_t>(r) * plan.tile_stride;
                const int b = sc.rows.begin[ru];
                const int e = sc.rows.end[ru];
                prepare_row(plan, sc.rows, r, kc0, xr);  // overflow was checked in pass 1
                row_weights(plan, xr, b, e, sc.M[ru]);
                w.row(q0 + r).segment(kc0 + b, e - b) =
                    ConstMapRM(xr + b, 1, e - b) / static_cast<float>(sc.S[ru]);
            }
        }
    }
    return {};
}

}  // namespace

// [SECTION] compute_flash_attention ---------------------------------------------------------------

Status validate_flash_options(const FlashOptions& options, int n_heads) {
    const auto check_block = [](int b, const char* name) -> Status {
        if (b < 1 || b > kMaxFlashBlock) {
            return std::string(name) + " is " + std::to_string(b) + "; use a block size from 1 to " +
                   std::to_string(kMaxFlashBlock);
        }
        return {};
    };
    if (Status s = check_block(options.block_q, "block_q"); !s.empty()) return s;
    if (Status s = check_block(options.block_k, "block_k"); !s.empty()) return s;
    if (options.trace_head < -1 || options.trace_head >= n_heads) {
        return "trace head " + std::to_string(options.trace_head) +
               " does not exist; use -1 (no trace) or 0 to " + std::to_string(n_heads - 1);
    }
    if (options.n_threads < 0) {
        return "n_threads is " + std::to_string(options.n_threads) +
               "; use 0 (automatic) or a positive count";
    }
    return {};
}

Expected<FlashResult> compute_flash_attention(const AttentionConfig& config, const AttentionInputs& inputs,
                                              const FlashOptions& options) {
    if (Status s = validate_inputs(config, inputs); !s.empty()) return Error{s};
    if (Status s = validate_flash_options(options, config.n_heads); !s.empty()) return Error{s};
    const int n_q = inputs.n_q();
    const int n_k = inputs.n_k();
    try {
        // One pass over Q and K gives both their norms (for the overflow bound) and, when finite, the
        // proof that they hold no inf or NaN; only V (or inputs that fail that test) needs a scan.
        RowNorms norms{max_row_norm(inputs.q), max_row_norm(inputs.k)};
        const bool finite =
            std::isfinite(norms.q) && std::isfinite(norms.k) && all_finite(inputs.v.data(), inputs.v.size());
        const std::optional<AttentionInputs> cleaned = finite ? std::nullopt : zero_non_finite_rows(inputs);
        const AttentionInputs& in = cleaned ? *cleaned : inputs;
        if (cleaned) norms = {max_row_norm(in.q), max_row_norm(in.k)};
        const Plan plan = make_plan(config, in, options, norms);

        FlashResult result;
        result.output = Tensor3(config.n_heads, n_q, in.d_v());
        result.lse = MatrixRM::Constant(config.n_heads, n_q, -kInf);
        if (options.rebuild_weights) result.weights = Tensor3(config.n_heads, n_q, n_k);
        Tensor3* weights = result.weights ? &*result.weights : nullptr;

        // Work items (head, query block), the longest first so that the last ones to finish are short
        // (a causal mask makes the bottom query blocks the longest). Each writes only its own rows,
        // so the results do not depend on the schedule or the thread count.
        const int n_items = config.n_heads * plan.n_q_blocks;
        std::vector<int> span(static_cast<std::size_t>(plan.n_q_blocks));
        for (int qb = 0; qb < plan.n_q_blocks; ++qb) {
            const int q0 = qb * plan.block_q;
            span[static_cast<std::size_t>(qb)] = block_key_span(plan, q0, std::min(plan.block_q, n_q - q0));
        }
        std::vector<int> order(static_cast<std::size_t>(n_items));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return span[static_cast<std::size_t>(a % plan.n_q_blocks)] >
                   span[static_cast<std::size_t>(b % plan.n_q_blocks)];
        });

        std::vector<std::vector<FlashTraceStep>> trace_blocks;
        if (options.trace_head >= 0) trace_blocks.resize(static_cast<std::size_t>(plan.n_q_blocks));
        std::vector<Status> errors(static_cast<std::size_t>(n_items));

        const double work = static_cast<double>(config.n_heads) * n_q * n_k * (config.head_dim + in.d_v());
        const int n_threads = work < kParallelWorkThreshold ? 1 : options.n_threads;
        parallel_for(n_items, n_threads, [&](int i) {
            const int item = order[static_cast<std::size_t>(i)];
            const int h = item / plan.n_q_blocks;
            const int qb = item % plan.n_q_blocks;
            std::vector<FlashTraceStep>* trace =
                h == options.trace_head ? &trace_blocks[static_cast<std::size_t>(qb)] : nullptr;
            errors[static_cast<std::size_t>(item)] =
                run_item(plan, h, qb, result.output, result.lse, weights, trace);
        });
        for (const Status& e : errors) {
            if (!e.empty()) return Error{e};
        }

        if (options.trace_head >= 0) {
            FlashTrace trace;
            trace.head = options.trace_head;
            trace.block_q = plan.block_q;
            trace.block_k = plan.block_k;
            for (std::vector<FlashTraceStep>& block : trace_blocks) {
                for (FlashTraceStep& step : block) trace.steps.push_back(std::move(step));
            }
            result.trace = std::move(trace);
        }
        return result;
    } catch (const std::bad_alloc&) {
        return Error{"out of memory in the flash path for " + std::to_string(config.n_heads) + " heads of " +
                     std::to_string(n_q) + " x " + std::to_string(n_k) +
                     "; use smaller blocks, fewer tokens, or no rebuilt weights"};
    }
}

}  // namespace attnviz::attention
