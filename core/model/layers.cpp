// Norms, RoPE and MLP nonlinearities in the float32 arithmetic of transformers' PyTorch modules.
#include "core/model/layers.h"

#include "core/base/eigen.h"
#include "core/base/parallel.h"

#include <algorithm>
#include <cmath>

namespace attnviz::model {

namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

/// Rows per work item when a row-wise operation is spread over threads. Each row is computed by the
/// same code whatever the split, so results do not depend on it.
constexpr int kRowsPerItem = 16;
/// Below this many elements a row-wise operation runs on the calling thread.
constexpr double kRowWorkThreshold = 1 << 18;

template <class Fn>
void for_row_blocks(int n_rows, double elements, int n_threads, const Fn& fn) {
    const int n_items = (n_rows + kRowsPerItem - 1) / kRowsPerItem;
    const int threads = elements < kRowWorkThreshold ? 1 : n_threads;
    parallel_for(n_items, threads, [&](int item) {
        const int begin = item * kRowsPerItem;
        const int end = std::min(n_rows, begin + kRowsPerItem);
        for (int r = begin; r < end; ++r) fn(r);
    });
}

/// x[0, n) = w * (x * rsqrt(mean(x^2) + eps)), as LlamaRMSNorm: the variance rounded to float, then
/// torch.rsqrt in float, then two float products.
void rms_norm_span(float* x, int n, const float* w, double eps) {
    double sum_sq = 0.0;
    for (int i = 0; i < n; ++i) sum_sq += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    const float variance = static_cast<float>(sum_sq / n);
    const float r = 1.0f / std::sqrt(variance + static_cast<float>(eps));
    for (int i = 0; i < n; ++i) x[i] = w[i] * (x[i] * r);
}

}  // namespace

void rms_norm_rows(MatrixRM& x, const WeightView& weight, double eps, int n_threads) {
    const int width = static_cast<int>(x.cols());
    for_row_blocks(static_cast<int>(x.rows()), static_cast<double>(x.size()), n_threads,
                   [&](int r) { rms_norm_span(x.row(r).data(), width, weight.data, eps); });
}

void rms_norm_segments(MatrixRM& x, int segment_width, const WeightView& weight, double eps) {
    const int n_segments = static_cast<int>(x.cols()) / segment_width;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        float* row = x.row(r).data();
        for (int s = 0; s < n_segments; ++s)
            rms_norm_span(row + s * segment_width, segment_width, weight.data, eps);
    }
}

void layer_norm_rows(MatrixRM& x, const WeightView& weight, const WeightView& bias, double eps,
                     int n_threads) {
    const int width = static_cast<int>(x.cols());
    for_row_blocks(static_cast<int>(x.rows()), static_cast<double>(x.size()), n_threads, [&](int r) {
        float* row = x.row(r).data();
        double sum = 0.0;
        for (int i = 0; i < width; ++i) sum += static_cast<double>(row[i]);
        const double mean = sum / width;
        double sum_sq = 0.0;
        for (int i = 0; i < width; ++i) {
            const double d = static_cast<double>(row[i]) - mean;
            sum_sq += d * d;
        }
        const float mean_f = static_cast<float>(mean);
        const float rstd = static_cast<float>(1.0 / std::sqrt(sum_sq / width + eps));
        const float* w = weight.data;
        const float* b = bias.data;
        for (int i = 0; i < width; ++i) row[i] = (row[i] - mean_f) * rstd * w[i] + b[i];
    });
}

void apply_norm(const MatrixRM& x, const Norm& norm, double eps, MatrixRM& out, int n_threads) {
    out = x;
    if (norm.bias.empty()) {
        rms_norm_rows(out, norm.weight, eps, n_threads);
    } else {
        layer_norm_rows(out, norm.weight, norm.bias, eps, n_threads);
    }
}

std::vector<float> rope_inverse_frequencies(int head_dim, double theta, const RopeScaling& scaling) {
    const int half = head_dim / 2;
    std::vector<float> inv(static_cast<std::size_t>(half));
    // transformers: 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim)), all in float32.
    const float base = static_cast<float>(theta);
    for (int i = 0; i < half; ++i) {
        const float exponent = static_cast<float>(2 * i) / static_cast<float>(head_dim);
        const float power =
            static_cast<float>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
        inv[static_cast<std::size_t>(i)] = 1.0f / power;
    }
    if (!scaling.llama3) return inv;

    // _compute_llama3_parameters, element by element in float32 (Python scalars meet float32 tensors).
    constexpr double kPi = 3.14159265358979323846;
    const auto factor = static_cast<float>(scaling.factor);
    const auto low = static_cast<float>(scaling.low_freq_factor);
    const auto old_context = static_cast<float>(scaling.original_max_position_embeddings);
    const auto low_freq_wavelen = static_cast<float>(
        static_cast<double>(scaling.original_max_position_embeddings) / scaling.low_freq_factor);
    const auto high_freq_wavelen = static_cast<float>(
        static_cast<double>(scaling.original_max_position_embeddings) / scaling.high_freq_factor);
    const auto high_minus_low = static_cast<float>(scaling.high_freq_factor - scaling.low_freq_factor);
    for (float& f : inv) {
        const float wavelen = static_cast<float>(2.0 * kPi) / f;
        const float scaled = wavelen > low_freq_wavelen ? f / factor : f;
        const bool medium = !(wavelen < high_freq_wavelen) && !(wavelen > low_freq_wavelen);
        if (medium) {
            const float smooth = (old_context / wavelen - low) / high_minus_low;
            f = (1.0f - smooth) * scaled / factor + smooth * scaled;
        } else {
            f = scaled;
        }
    }
    return inv;
}

RopeTable make_rope_table(const std::vector<float>& inv_freq, int first_position, int n) {
    RopeTable table;
    table.first_position = first_position;
    const int half = static_cast<int>(inv_freq.size());
    table.cos.resize(n, half);
    table.sin.resize(n, half);
    for (int r = 0; r < n; ++r) {
        const auto position = static_cast<float>(first_position + r);
        for (int i = 0; i < half; ++i) {
            // freqs = inv_freq.float() @ position_ids.float(): one float product, then cos / sin in float.
            const float angle = position * inv_freq[static_cast<std::size_t>(i)];
            table.cos(r, i) = std::cos(angle);
            table.sin(r, i) = std::sin(angle);
        }
    }
    return table;
}

void apply_rope(float* x, int head_dim, const float* cos, const float* sin) {
    const int half = head_dim / 2;
    for (int i = 0; i < half; ++i) {
        const float x1 = x[i];
        const float x2 = x[i + half];
        // q * cos + rotate_half(q) * sin, rotate_half(q) = [-q2, q1]: two products, then the sum.
        const float first = x1 * cos[i];
        const float first_rot = -x2 * sin[i];
        const float second = x2 * cos[i];
        const float second_rot = x1 * sin[i];
        x[i] = first + first_rot;
        x[i + half] = second + second_rot;
    }
}

void gelu_tanh_in_place(float* x, std::size_t n) {
    ArrayMap a(x, static_cast<Eigen::Index>(n));
    const float k_beta = static_cast<float>(std::sqrt(2.0 / 3.14159265358979323846));
    a = 0.5f * a * (1.0f + (k_beta * (a + 0.044715f * a * a * a)).tanh());
}

void gelu_exact_in_place(float* x, std::size_t n) {
    const float inv_sqrt2 = static_cast<float>(1.0 / std::sqrt(2.0));
    for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * inv_sqrt2));
}

void silu_mul_in_place(float* gate, const float* up, std::size_t n) {
    ArrayMap g(gate, static_cast<Eigen::Index>(n));
    const ConstArrayMap u(up, static_cast<Eigen::Index>(n));
    g = g / (1.0f + (-g).exp()) * u;
}

void activation_rows(MatrixRM& x, Activation activation, int n_threads) {
    const auto width = static_cast<std::size_t>(x.cols());
    for_row_blocks(static_cast<int>(x.rows()), static_cast<double>(x.size()) * 8.0, n_threads, [&](int r) {
        float* row = x.row(r).data();
        switch (activation) {
            case Activation::kGeluTanh:
                gelu_tanh_in_place(row, width);
                break;
            case Activation::kGeluExact:
                gelu_exact_in_place(row, width);
                break;
            case Activation::kSilu: {
                ArrayMap a(row, static_cast<Eigen::Index>(width));
                a = a / (1.0f + (-a).exp());
                break;
            }
        }
    });
}

void silu_mul_rows(MatrixRM& gate, const MatrixRM& up, int n_threads) {
    const auto width = static_cast<std::size_t>(gate.cols());
    for_row_blocks(static_cast<int>(gate.rows()), static_cast<double>(gate.size()) * 8.0, n_threads,
                   [&](int r) { silu_mul_in_place(gate.row(r).data(), up.row(r).data(), width); });
}

}  // namespace attnviz::model
