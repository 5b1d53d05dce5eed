// The flash path against the reference path (and float64) over a covering grid of shapes, block sizes,
// masks, temperatures and GQA groupings; its trace; its determinism across thread counts.
#include "core/attention/flash_attention.h"
#include "core/attention/attention.h"
#include "tests/support/random_inputs.h"
#include "tests/support/reference_f64.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace attnviz {
namespace {

using testing::random_inputs;
using testing::reference_f64;

// numerics.md's contract between the two fp32 paths and against float64: 1e-5 absolute in weights and
// outputs for unit-scale inputs.
constexpr double kTol = 1e-5;
// lse is m / T + ln S: at T = 0.3 it reaches ~50 for d = 1, where one float ulp is 4e-6, so its
// 1e-5 holds relative to max(1, |lse|).
constexpr double kLseRelTol = 1e-5;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kBig = 1 << 12;  // a block size >= every n of the grid

// [SECTION] The grid ------------------------------------------------------------------------------

struct MaskCase {
    const char* name;
    bool causal;
    int window;
    enum Padding { kNoPad, kEveryThird, kEveryOther, kLeading } padding;
};

// Every combination of causal / window / padding, plus rows fully masked two ways: a window of 1 over
// every other key padded (rows whose only key is padding), and the leading 60% of keys padded (first
// key tiles all padding, rows whose first tiles are masked).
const MaskCase kMasks[] = {
    {"none", false, 0, MaskCase::kNoPad},
    {"causal", true, 0, MaskCase::kNoPad},
    {"window5", false, 5, MaskCase::kNoPad},
    {"causal_window4", true, 4, MaskCase::kNoPad},
    {"padding", false, 0, MaskCase::kEveryThird},
    {"causal_padding", true, 0, MaskCase::kEveryThird},
    {"window3_padding", false, 3, MaskCase::kEveryThird},
    {"causal_window3_padding", true, 3, MaskCase::kEveryThird},
    {"empty_rows", false, 1, MaskCase::kEveryOther},
    {"causal_leading_padding", true, 0, MaskCase::kLeading},
};
constexpr int kNumMasks = static_cast<int>(sizeof kMasks / sizeof kMasks[0]);
const double kTemperatures[] = {0.0, 0.3, 1.0, 5.0, kInf};
constexpr int kNumTemperatures = 5;
const int kDims[] = {1, 8, 64, 128};
struct Heads {
    int n_heads, n_kv_heads;
};
const Heads kHeads[] = {{2, 2}, {4, 2}, {4, 1}, {8, 1}};  // GQA groups 1, 2, 4, 8
struct Blocks {
    int q, k;
};
const Blocks kBlocks[] = {{1, 1},  {3, 3},  {16, 16},   {64, 64}, {kBig, kBig},
                          {3, 64}, {64, 3}, {16, kBig}, {kBig, 1}};
constexpr int kNumBlocks = static_cast<int>(sizeof kBlocks / sizeof kBlocks[0]);
struct Shape {
    int n_q, n_k;
};
// Small and medium shapes: every mask x every temperature.
const Shape kSmallShapes[] = {{1, 1},  {1, 2},  {2, 1},   {2, 2},   {7, 7},   {2, 7},
                              {7, 64}, {64, 7}, {64, 64}, {65, 65}, {64, 65}, {65, 257}};
// Large shapes: every mask, temperatures in turn; tiny blocks only where the tile count stays small.
const Shape kLargeShapes[] = {{257, 257}, {1000, 1000}, {257, 1000}, {1000, 257}, {1, 1000}, {64, 1000}};

std::vector<std::uint8_t> padding_for(MaskCase::Padding kind, int n_k) {
    std::vector<std::uint8_t> v(static_cast<std::size_t>(n_k), 1);
    if (kind == MaskCase::kNoPad) return {};
    for (int j = 0; j < n_k; ++j) {
        bool pad = false;
        if (kind == MaskCase::kEveryThird) pad = j % 3 == 2 || j == n_k - 1;
        if (kind == MaskCase::kEveryOther) pad = j % 2 == 1;
        if (kind == MaskCase::kLeading) pad = j < (n_k * 3) / 5;
        v[static_cast<std::size_t>(j)] = pad ? 0 : 1;
    }
    v.back() = kind == MaskCase::kLeading ? 1 : v.back();  // keep at least one real key
    return v;
}

struct Case {
    Shape shape;
    int mask;
    int temperature;
    int dim;
    int heads;
    Blocks blocks;
};

std::string case_name(const Case& c) {
    return std::string("n_q=") + std::to_string(c.shape.n_q) + " n_k=" + std::to_string(c.shape.n_k) +
           " mask=" + kMasks[c.mask].name + " T=" + std::to_string(kTemperatures[c.temperature]) +
           " d=" + std::to_string(kDims[c.dim]) + " heads=" + std::to_string(kHeads[c.heads].n_heads) + "/" +
           std::to_string(kHeads[c.heads].n_kv_heads) + " blocks=" + std::to_string(c.blocks.q) + "x" +
           std::to_string(c.blocks.k);
}

/// A covering design rather than the Cartesian product: for the small shapes every (mask, temperature)
/// pair, with d, the GQA grouping and the block sizes cycled by different strides so that each of them
/// meets every mask, temperature and shape; for the large shapes every mask with the rest cycled.
std::vector<Case> grid_cases() {
    std::vector<Case> cases;
    int n = 0;
    for (Shape s : kSmallShapes) {
        for (int m = 0; m < kNumMasks; ++m) {
            for (int t = 0; t < kNumTemperatures; ++t, ++n) {
                cases.push_back({s, m, t, (n + m) % 4, (n / 4 + t) % 4, kBlocks[n % kNumBlocks]});
            }
        }
    }
    for (Shape s : kLargeShapes) {
        for (int m = 0; m < kNumMasks; ++m, ++n) {
            Blocks b = kBlocks[n % kNumBlocks];
            // Block size 1 or 3 on both axes of a 1000 x 1000 shape is ~10^5 tiny GEMMs per head: slow under
            // the sanitizers and covered by the small shapes already.
            if (static_cast<long>(s.n_q / b.q) * (s.n_k / b.k) > 20000) b = {16, 64};
            // Likewise 8 heads of d = 128 over 1000 x 1000 (d = 128 meets every mask on the small shapes):
            // the widest d that keeps a case under ~1e7 multiply-adds.
            const int heads = (n / 3) % 4;
            int dim = n % 4;
            while (dim > 0 && static_cast<double>(kHeads[heads].n_heads) * s.n_q * s.n_k * kDims[dim] > 1.0e7)
                --dim;
            cases.push_back({s, m, n % kNumTemperatures, dim, heads, b});
        }
    }
    return cases;
}

attention::AttentionConfig config_for(const Case& c) {
    attention::AttentionConfig config;
    config.n_heads = kHeads[c.heads].n_heads;
    config.n_kv_heads = kHeads[c.heads].n_kv_heads;
    config.head_dim = kDims[c.dim];
    config.temperature = kTemperatures[c.temperature];
    config.mask.causal = kMasks[c.mask].causal;
    config.mask.window = kMasks[c.mask].window;
    config.mask.key_valid = padding_for(kMasks[c.mask].padding, c.shape.n_k);
    return config;
}

// [SECTION] Comparisons ---------------------------------------------------------------------------

double max_abs_diff(const float* a, const float* b, std::size_t n) {
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        m = std::max(m, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    return m;
}

void expect_lse_near(float flash, float reference, const std::string& where) {
    if (std::isinf(reference)) {
        EXPECT_EQ(flash, reference) << where;
        return;
    }
    const double tol = kLseRelTol * std::max(1.0, std::abs(static_cast<double>(reference)));
    EXPECT_NEAR(flash, reference, tol) << where;
}

/// Flash (with rebuilt weights) against the reference path: outputs, weights and lse within kTol.
void expect_flash_matches_reference(const attention::AttentionConfig& config,
                                    const attention::AttentionInputs& in, attention::FlashOptions options) {
    options.rebuild_weights = true;
    Expected<attention::AttentionResult> ref = attention::compute_attention(config, in);
    Expected<attention::FlashResult> flash = attention::compute_flash_attention(config, in, options);
    ASSERT_TRUE(ref.ok()) << ref.error();
    ASSERT_TRUE(flash.ok()) << flash.error();
    ASSERT_TRUE(flash->weights.has_value());
    for (int h = 0; h < config.n_heads; ++h) {
        const attention::HeadResult& rh = ref->heads[static_cast<std::size_t>(h)];
        EXPECT_LE(max_abs_diff(flash->output.mat(h).data(), rh.output.data(), rh.output.size()), kTol)
            << "head " << h;
        EXPECT_LE(max_abs_diff(flash->weights->mat(h).data(), rh.weights.data(), rh.weights.size()), kTol)
            << "head " << h;
        for (int i = 0; i < in.n_q(); ++i) {
            expect_lse_near(flash->lse(h, i), rh.rows.lse[static_cast<std::size_t>(i)],
                            "lse head " + std::to_string(h) + " row " + std::to_string(i));
        }
        // Empty rows are exactly 0, never NaN.
        for (int i : ref->empty_rows) {
            EXPECT_TRUE((flash->output.mat(h).row(i).array() == 0.0f).all()) << "empty row " << i;
            EXPECT_TRUE((flash->weights->mat(h).row(i).array() == 0.0f).all()) << "empty row " << i;
        }
    }
}

/// Flash against the independent float64 implementation.
void expect_flash_matches_f64(const attention::AttentionConfig& config, const attention::AttentionInputs& in,
                              attention::FlashOptions options) {
    options.rebuild_weights = true;
    Expected<attention::FlashResult> flash = attention::compute_flash_attention(config, in, options);
    ASSERT_TRUE(flash.ok()) << flash.error();
    const testing::ReferenceF64 r = reference_f64(config, in);
    double worst_w = 0.0;
    double worst_o = 0.0;
    for (int h = 0; h < config.n_heads; ++h) {
        for (int i = 0; i < in.n_q(); ++i) {
            const auto hu = static_cast<std::size_t>(h);
            const auto iu = static_cast<std::size_t>(i);
            for (int j = 0; j < in.n_k(); ++j) {
                worst_w = std::max(worst_w, std::abs(static_cast<double>(flash->weights->mat(h)(i, j)) -
                                                     r.weights[hu][iu][static_cast<std::size_t>(j)]));
            }
            for (int t = 0; t < in.d_v(); ++t) {
                worst_o = std::max(worst_o, std::abs(static_cast<double>(flash->output.mat(h)(i, t)) -
                                                     r.output[hu][iu][static_cast<std::size_t>(t)]));
            }
            expect_lse_near(flash->lse(h, i), static_cast<float>(r.lse[hu][iu]),
                            "f64 lse row " + std::to_string(i));
        }
    }
    EXPECT_LE(worst_w, kTol);
    EXPECT_LE(worst_o, kTol);
}

// [SECTION] Grid tests ----------------------------------------------------------------------------

TEST(FlashAttentionGrid, MatchesReferenceOverCoveringGrid) {
    const std::vector<Case> cases = grid_cases();
    unsigned seed = 1;
    for (const Case& c : cases) {
        SCOPED_TRACE(case_name(c));
        const attention::AttentionConfig config = config_for(c);
        const int d = config.head_dim;
        const attention::AttentionInputs in =
            random_inputs(config.n_heads, config.n_kv_heads, c.shape.n_q, c.shape.n_k, d, d, seed++);
        attention::FlashOptions options;
        options.block_q = c.blocks.q;
        options.block_k = c.blocks.k;
        expect_flash_matches_reference(config, in, options);
        const double mults = static_cast<double>(config.n_heads) * c.shape.n_q * c.shape.n_k * d;
        if (mults <= 5.0e4) expect_flash_matches_f64(config, in, options);
        if (::testing::Test::HasFailure()) return;  // one failing case is enough to read
    }
}

TEST(FlashAttentionGrid, CoversEveryValueOfEveryAxis) {
    const std::vector<Case> cases = grid_cases();
    // Each pair (mask, temperature) on small shapes, and each value of every other axis somewhere.
    std::vector<int> seen_pair(kNumMasks * kNumTemperatures, 0);
    std::vector<int> seen_dim(4, 0), seen_heads(4, 0), seen_blocks(kNumBlocks, 0);
    for (const Case& c : cases) {
        ++seen_pair[static_cast<std::size_t>(c.mask * kNumTemperatures + c.temperature)];
        ++seen_dim[static_cast<std::size_t>(c.dim)];
        ++seen_heads[static_cast<std::size_t>(c.heads)];
        for (int b = 0; b < kNumBlocks; ++b) {
            if (kBlocks[b].q == c.blocks.q && kBlocks[b].k == c.blocks.k)
                ++seen_blocks[static_cast<std::size_t>(b)];
        }
    }
    for (int v : seen_pair) EXPECT_GT(v, 0);
    for (int v : seen_dim) EXPECT_GT(v, 0);
    for (int v : seen_heads) EXPECT_GT(v, 0);
    for (int v : seen_blocks) EXPECT_GT(v, 0);
}

TEST(FlashAttention, DifferentValueWidthAndNoScale) {
    attention::AttentionConfig config;
    config.n_heads = 4;
    config.n_kv_heads = 2;
    config.head_dim = 8;
    config.scale_mode = attention::ScaleMode::kNone;
    config.mask.causal = true;
    config.temperature = 2.0;
    const attention::AttentionInputs in = random_inputs(4, 2, 37, 50, 8, 5, 77);
    expect_flash_matches_reference(config, in, {7, 11});
    config.scale_mode = attention::ScaleMode::kCustom;
    config.custom_scale = 0.05;
    expect_flash_matches_reference(config, in, {64, 5});
}

TEST(FlashAttention, ArgmaxTiesSpanTilesAndShareWeight) {
    // Integer Q/K make every score exact, so the ties are real: keys 1, 4 and 9 repeat one K row and
    // win for every query; with B_k = 3 the ties fall in three tiles and must be counted online.
    attention::AttentionConfig config;
    config.head_dim = 4;
    config.temperature = 0.0;
    attention::AttentionInputs in{Tensor3(1, 3, 4), Tensor3(1, 12, 4), Tensor3(1, 12, 2)};
    in.q.mat(0).setOnes();
    for (int j = 0; j < 12; ++j) in.k.mat(0).row(j).setConstant(static_cast<float>(j % 3 == 0 ? 1 : 0));
    for (int j : {1, 4, 9}) in.k.mat(0).row(j).setConstant(3.0f);
    for (int j = 0; j < 12; ++j) in.v.mat(0).row(j) << static_cast<float>(j), 1.0f;
    attention::FlashOptions options;
    options.block_q = 2;
    options.block_k = 3;
    options.rebuild_weights = true;
    Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, options);
    ASSERT_TRUE(r.ok()) << r.error();
    for (int i = 0; i < 3; ++i) {
        EXPECT_FLOAT_EQ(r->output.mat(0)(i, 0), (1.0f + 4.0f + 9.0f) / 3.0f);
        EXPECT_FLOAT_EQ(r->output.mat(0)(i, 1), 1.0f);
        EXPECT_FLOAT_EQ(r->lse(0, i), std::log(3.0f));
        EXPECT_FLOAT_EQ(r->weights->mat(0)(i, 4), 1.0f / 3.0f);
        EXPECT_EQ(r->weights->mat(0)(i, 0), 0.0f);
    }
    expect_flash_matches_reference(config, in, {2, 3});
}

TEST(FlashAttention, RowsWhoseFirstTilesAreMaskedComeOutRight) {
    // The classic bug: a row that sees nothing in its first tiles starts with M = -inf; exp(-inf - -inf)
    // would be NaN and a careless rescale zeroes the row. Causal window 4 with B_k = 2: the last rows
    // see nothing in their first 30 tiles.
    attention::AttentionConfig config;
    config.head_dim = 8;
    config.mask.causal = true;
    config.mask.window = 4;
    const attention::AttentionInputs in = random_inputs(1, 1, 64, 64, 8, 8, 5);
    expect_flash_matches_reference(config, in, {16, 2});
    expect_flash_matches_reference(config, in, {1, 1});
}

TEST(FlashAttention, TinyPositiveTemperatureStaysFinite) {
    attention::AttentionConfig config;
    config.head_dim = 8;
    config.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(1, 1, 20, 20, 8, 8, 6);
    // 1e-30 and the subnormal 1e-40 (whose 1 / T overflows float) behave as the argmax.
    for (double t : {1e-30, 1e-40}) {
        SCOPED_TRACE(t);
        config.temperature = t;
        expect_flash_matches_reference(config, in, {3, 4});
    }
    // At T = 1e-3, (s - M) / T magnifies a one-ulp difference of the two paths' scores (~2e-7) by 1000:
    // the paths agree to ~1e-4, and both stay finite.
    config.temperature = 1e-3;
    Expected<attention::FlashResult> flash = attention::compute_flash_attention(config, in, {3, 4});
    Expected<attention::AttentionResult> ref = attention::compute_attention(config, in);
    ASSERT_TRUE(flash.ok() && ref.ok());
    EXPECT_TRUE(flash->output.mat(0).allFinite());
    EXPECT_LE(
        max_abs_diff(flash->output.mat(0).data(), ref->heads[0].output.data(), ref->heads[0].output.size()),
        1e-3);
}

// A finite T beyond float's range (1e39, 1e46, 1e300) is the uniform limit in both paths: every
// (s - m) / T is 0 in float. (The flash path's log2(e) / T once rounded to 0 and gave NaN sums, so
// zero outputs and -inf lse, silently.)
TEST(FlashAttention, TemperatureBeyondFloatIsTheUniformLimit) {
    attention::AttentionConfig config;
    config.head_dim = 8;
    config.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(1, 1, 20, 20, 8, 8, 6);
    config.temperature = kInf;
    Expected<attention::AttentionResult> uniform = attention::compute_attention(config, in);
    ASSERT_TRUE(uniform.ok());
    for (double t : {1e39, 1e46, 1e300}) {
        SCOPED_TRACE(t);
        config.temperature = t;
        expect_flash_matches_reference(config, in, {3, 4});
        Expected<attention::FlashResult> flash = attention::compute_flash_attention(config, in, {3, 4});
        ASSERT_TRUE(flash.ok());
        EXPECT_LE(max_abs_diff(flash->output.mat(0).data(), uniform->heads[0].output.data(),
                               uniform->heads[0].output.size()),
                  kTol);
    }
}

// [SECTION] Errors --------------------------------------------------------------------------------

TEST(FlashAttention, RejectsWhatTheReferenceRejectsAndBadOptions) {
    attention::AttentionConfig config;
    config.n_heads = 3;
    config.n_kv_heads = 2;
    config.head_dim = 4;
    const attention::AttentionInputs in = random_inputs(3, 2, 4, 4, 4, 4, 1);
    Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), attention::compute_attention(config, in).error());

    config.n_heads = 2;
    config.n_kv_heads = 1;
    const attention::AttentionInputs ok = random_inputs(2, 1, 4, 4, 4, 4, 1);
    for (attention::FlashOptions bad :
         {attention::FlashOptions{0, 4}, attention::FlashOptions{4, -1},
          attention::FlashOptions{attention::kMaxFlashBlock + 1, 4}, attention::FlashOptions{4, 4, false, 2},
          attention::FlashOptions{4, 4, false, -2}, attention::FlashOptions{4, 4, false, -1, -1}}) {
        Expected<attention::FlashResult> e = attention::compute_flash_attention(config, ok, bad);
        EXPECT_FALSE(e.ok());
        if (!e.ok()) {
            EXPECT_FALSE(e.error().empty());
        }
    }
}

TEST(FlashAttention, OverflowingScoresAreAnErrorLikeTheReference) {
    attention::AttentionConfig config;
    config.head_dim = 2;
    config.scale_mode = attention::ScaleMode::kNone;
    attention::AttentionInputs in = random_inputs(1, 1, 3, 3, 2, 2, 1);
    in.q.mat(0)(1, 0) = 1e30f;
    in.k.mat(0)(2, 0) = 1e30f;
    Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, {2, 2});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), attention::compute_attention(config, in).error());
}

TEST(FlashAttention, NonFiniteValuesNobodySeesAreIgnored) {
    attention::AttentionConfig config;
    config.head_dim = 4;
    config.mask.key_valid = {1, 1, 0, 1};
    attention::AttentionInputs in = random_inputs(1, 1, 3, 4, 4, 4, 2);
    in.k.mat(0)(2, 1) = std::numeric_limits<float>::quiet_NaN();
    in.v.mat(0)(2, 0) = std::numeric_limits<float>::infinity();
    expect_flash_matches_reference(config, in, {2, 2});
}

// [SECTION] Trace ---------------------------------------------------------------------------------

TEST(FlashTrace, OffByDefault) {
    attention::AttentionConfig config;
    config.head_dim = 4;
    Expected<attention::FlashResult> r =
        attention::compute_flash_attention(config, random_inputs(1, 1, 5, 5, 4, 4, 1));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->trace.has_value());
    EXPECT_FALSE(r->weights.has_value());
}

TEST(FlashTrace, TilesCoverEveryVisiblePairOnceAndEndAtTheReferenceMaxAndSum) {
    for (int m = 0; m < kNumMasks; ++m) {
        for (double t : {0.0, 0.3, 1.0, kInf}) {
            for (auto [n_q, n_k, bq, bk] : {std::array<int, 4>{13, 13, 4, 3}, {5, 17, 2, 4}, {17, 6, 5, 1}}) {
                SCOPED_TRACE(std::string(kMasks[m].name) + " T=" + std::to_string(t) + " " +
                             std::to_string(n_q) + "x" + std::to_string(n_k) + " blocks " +
                             std::to_string(bq) + "x" + std::to_string(bk));
                attention::AttentionConfig config;
                config.n_heads = 4;
                config.n_kv_heads = 2;
                config.head_dim = 8;
                config.temperature = t;
                config.mask.causal = kMasks[m].causal;
                config.mask.window = kMasks[m].window;
                config.mask.key_valid = padding_for(kMasks[m].padding, n_k);
                const attention::AttentionInputs in = random_inputs(4, 2, n_q, n_k, 8, 8, 3);
                attention::FlashOptions options;
                options.block_q = bq;
                options.block_k = bk;
                options.trace_head = 3;
                Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, options);
                Expected<attention::AttentionResult> ref = attention::compute_attention(config, in);
                ASSERT_TRUE(r.ok() && ref.ok());
                ASSERT_TRUE(r->trace.has_value());
                const attention::FlashTrace& trace = *r->trace;
                EXPECT_EQ(trace.head, 3);
                EXPECT_EQ(trace.block_q, bq);
                EXPECT_EQ(trace.block_k, bk);
                const int n_qb = (n_q + bq - 1) / bq;
                const int n_kb = (n_k + bk - 1) / bk;
                ASSERT_EQ(trace.steps.size(), static_cast<std::size_t>(n_qb * n_kb));

                // Visiting order: query blocks in order, each with its key blocks in order.
                MaskMatrix covered = MaskMatrix::Zero(n_q, n_k);
                const MaskMatrix& visible = ref->visible;
                for (std::size_t s = 0; s < trace.steps.size(); ++s) {
                    const attention::FlashTraceStep& st = trace.steps[s];
                    const int qb = static_cast<int>(s) / n_kb;
                    const int kb = static_cast<int>(s) % n_kb;
                    EXPECT_EQ(st.q_begin, qb * bq);
                    EXPECT_EQ(st.q_end, std::min(n_q, (qb + 1) * bq));
                    EXPECT_EQ(st.k_begin, kb * bk);
                    EXPECT_EQ(st.k_end, std::min(n_k, (kb + 1) * bk));
                    ASSERT_EQ(st.row_max.size(), static_cast<std::size_t>(st.q_end - st.q_begin));
                    ASSERT_EQ(st.row_sum.size(), st.row_max.size());
                    int visible_in_tile = 0;
                    for (int i = st.q_begin; i < st.q_end; ++i) {
                        for (int j = st.k_begin; j < st.k_end; ++j) {
                            ++covered(i, j);
                            visible_in_tile += visible(i, j);
                        }
                    }
                    EXPECT_EQ(st.skipped, visible_in_tile == 0) << "step " << s;
                }
                EXPECT_TRUE((covered.array() == 1).all());

                // After every tile, each row's partial output is the output over the keys seen so
                // far: the reference's weights restricted to them and renormalised (at T = 0 the
                // running argmax differs from the final one, so only the end is checked there).
                const attention::HeadResult& rh = ref->heads[3];
                const int d_v = in.d_v();
                for (std::size_t s = 0; s < trace.steps.size(); ++s) {
                    const attention::FlashTraceStep& st = trace.steps[s];
                    ASSERT_EQ(st.partial_output.size(),
                              static_cast<std::size_t>((st.q_end - st.q_begin) * d_v));
                    if (t == 0.0) continue;
                    for (int i = st.q_begin; i < st.q_end; ++i) {
                        const double seen = rh.weights.row(i).head(st.k_end).cast<double>().sum();
                        for (int c = 0; c < d_v; ++c) {
                            double expected = 0.0;
                            for (int j = 0; j < st.k_end && seen > 0.0; ++j) {
                                expected += static_cast<double>(rh.weights(i, j)) *
                                            static_cast<double>(in.v.mat(1)(j, c)) / seen;
                            }
                            EXPECT_NEAR(
                                st.partial_output[static_cast<std::size_t>((i - st.q_begin) * d_v + c)],
                                expected, kTol)
                                << "step " << s << " row " << i << " dim " << c;
                        }
                    }
                }

                // The last tile of each query block holds the final M, S and output of its rows.
                for (int qb = 0; qb < n_qb; ++qb) {
                    const attention::FlashTraceStep& last =
                        trace.steps[static_cast<std::size_t>((qb + 1) * n_kb - 1)];
                    for (int i = last.q_begin; i < last.q_end; ++i) {
                        const auto iu = static_cast<std::size_t>(i);
                        const auto ru = static_cast<std::size_t>(i - last.q_begin);
                        if (rh.rows.n_visible[iu] == 0) {
                            EXPECT_EQ(last.row_max[ru], -std::numeric_limits<float>::infinity());
                            EXPECT_EQ(last.row_sum[ru], 0.0f);
                            continue;
                        }
                        for (int c = 0; c < d_v; ++c) {
                            EXPECT_NEAR(last.partial_output[ru * static_cast<std::size_t>(d_v) +
                                                            static_cast<std::size_t>(c)],
                                        rh.output(i, c), kTol)
                                << "row " << i << " dim " << c;
                        }
                        EXPECT_NEAR(last.row_max[ru], rh.rows.max[iu], kTol) << "row " << i;
                        EXPECT_NEAR(last.row_sum[ru], rh.rows.sum[iu],
                                    kTol * std::max(1.0, static_cast<double>(rh.rows.sum[iu])))
                            << "row " << i;
                    }
                }
            }
        }
    }
}

// [SECTION] Determinism ---------------------------------------------------------------------------

TEST(FlashAttention, BitwiseIdenticalForEveryThreadCount) {
    attention::AttentionConfig config;
    config.n_heads = 6;
    config.n_kv_heads = 2;
    config.head_dim = 32;
    config.mask.causal = true;
    const attention::AttentionInputs in = random_inputs(6, 2, 300, 300, 32, 32, 9);
    attention::FlashOptions options;
    options.block_q = 32;
    options.block_k = 48;
    options.rebuild_weights = true;
    options.n_threads = 1;
    Expected<attention::FlashResult> one = attention::compute_flash_attention(config, in, options);
    ASSERT_TRUE(one.ok());
    for (int threads : {2, 3, 8}) {
        options.n_threads = threads;
        for (int run = 0; run < 2; ++run) {
            Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, options);
            ASSERT_TRUE(r.ok());
            EXPECT_EQ(std::memcmp(r->output.data(), one->output.data(), one->output.size() * sizeof(float)),
                      0);
            EXPECT_EQ(std::memcmp(r->lse.data(), one->lse.data(),
                                  static_cast<std::size_t>(one->lse.size()) * sizeof(float)),
                      0);
            EXPECT_EQ(
                std::memcmp(r->weights->data(), one->weights->data(), one->weights->size() * sizeof(float)),
                0);
        }
    }
}

}  // namespace
}  // namespace attnviz
