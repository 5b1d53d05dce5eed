// Reference attention: one GEMM for the scores, a stable softmax per row, one GEMM for the output.
#include "core/attention/attention.h"

#include "core/attention/mask.h"
#include "core/attention/softmax.h"
#include "core/base/parallel.h"

#include <cmath>
#include <new>
#include <string>

namespace attnviz::attention {

namespace {

Status compute_head(const AttentionConfig& config, const AttentionInputs& in, const Mask& mask,
                    const AttentionOptions& options, int h, HeadResult& out) {
    const int n_q = in.n_q();
    const int n_k = in.n_k();
    const int g = config.kv_head_for(h);
    const float s = config.scale();
    const std::uint8_t* key_valid = config.mask.key_valid.empty() ? nullptr : config.mask.key_valid.data();
    out.kv_head = g;

    // pass 1: scores S = Q_h K_g^T * s
    MatrixRM scratch_scores;
    MatrixRM& scores = options.keep_scores ? out.scores : scratch_scores;
    scores.noalias() = in.q.mat(h) * in.k.mat(g).transpose();
    if (options.keep_raw_scores) out.raw_scores = scores;
    if (s != 1.0f) scores *= s;

    // pass 2: temperature softmax per row over visible keys
    MatrixRM scratch_weights;
    MatrixRM& weights = options.keep_weights ? out.weights : scratch_weights;
    weights.resize(n_q, n_k);
    RowStats& rows = out.rows;
    rows.max.assign(static_cast<std::size_t>(n_q), 0.0f);
    rows.sum.assign(static_cast<std::size_t>(n_q), 0.0f);
    rows.lse.assign(static_cast<std::size_t>(n_q), 0.0f);
    rows.n_visible.assign(static_cast<std::size_t>(n_q), 0);
    if (options.keep_entropy) {
        rows.entropy.assign(static_cast<std::size_t>(n_q), 0.0f);
        rows.effective_keys.assign(static_cast<std::size_t>(n_q), 0.0f);
    }
    for (int i = 0; i < n_q; ++i) {
        const KeyRange range = mask.position_range(i);
        const float* row_scores = scores.row(i).data();
        if (!all_finite(row_scores + range.begin, static_cast<std::size_t>(range.size()))) {
            return score_overflow_error(h, i);
        }
        const SoftmaxRowStats st =
            softmax_row(row_scores, n_k, range, key_valid, config.temperature, weights.row(i).data());
        const auto iu = static_cast<std::size_t>(i);
        rows.max[iu] = st.max;
        rows.sum[iu] = st.sum;
        rows.lse[iu] = st.lse;
        rows.n_visible[iu] = st.n_visible;
        if (options.keep_entropy) {
            const float hn = softmax_row_entropy(row_scores, weights.row(i).data(), range, key_valid, st,
                                                 config.temperature);
            rows.entropy[iu] = hn;
            rows.effective_keys[iu] = st.has_keys() ? std::exp(hn) : 0.0f;
        }
    }

    // pass 3: output O = P V_g (empty rows have P = 0, so their output is exactly 0)
    out.output.noalias() = weights * in.v.mat(g);
    return {};
}

}  // namespace

double reference_matrix_bytes(int n_heads, int n_q, int n_k, const AttentionOptions& options) {
    const int kept =
        (options.keep_raw_scores ? 1 : 0) + (options.keep_scores ? 1 : 0) + (options.keep_weights ? 1 : 0);
    return static_cast<double>(n_heads) * n_q * n_k * sizeof(float) * (kept > 0 ? kept : 1);
}

Expected<AttentionResult> compute_attention(const AttentionConfig& config, const AttentionInputs& inputs,
                                            const AttentionOptions& options) {
    if (Status s = validate_inputs(config, inputs); !s.empty()) return Error{s};
    const int n_q = inputs.n_q();
    const int n_k = inputs.n_k();
    const Mask mask(config.mask, n_q, n_k);
    try {
        const std::optional<AttentionInputs> cleaned = zero_non_finite_rows(inputs);
        const AttentionInputs& in = cleaned ? *cleaned : inputs;

        AttentionResult result;
        result.n_q = n_q;
        result.n_k = n_k;
        result.scale = config.scale();
        result.temperature = config.temperature;
        result.visible = mask.build_matrix();
        result.heads.resize(static_cast<std::size_t>(config.n_heads));
        std::vector<Status> errors(static_cast<std::size_t>(config.n_heads));

        const double work =
            static_cast<double>(config.n_heads) * n_q * n_k * (config.head_dim + inputs.d_v());
        const int n_threads = work < kParallelWorkThreshold ? 1 : options.n_threads;
        parallel_for(config.n_heads, n_threads, [&](int h) {
            const auto hu = static_cast<std::size_t>(h);
            errors[hu] = compute_head(config, in, mask, options, h, result.heads[hu]);
        });
        for (const Status& e : errors) {
            if (!e.empty()) return Error{e};
        }
        for (int i = 0; i < n_q; ++i) {
            if (result.heads.front().rows.n_visible[static_cast<std::size_t>(i)] == 0)
                result.empty_rows.push_back(i);
        }
        return result;
    } catch (const std::bad_alloc&) {
        const double mib = reference_matrix_bytes(config.n_heads, n_q, n_k, options) / (1024.0 * 1024.0);
        return Error{"sequence too long for available memory: the reference path needs about " +
                     std::to_string(static_cast<long long>(mib)) + " MiB for " +
                     std::to_string(config.n_heads) + " heads of " + std::to_string(n_q) + " x " +
                     std::to_string(n_k) + " scores; use fewer tokens or the flash path"};
    }
}

}  // namespace attnviz::attention
