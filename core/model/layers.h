// The pieces of a transformer block between the matrix products: norms, rotary position embedding,
// the MLP's nonlinearities. Each follows the Hugging Face implementation's float32 arithmetic.
#pragma once

#include "core/base/types.h"
#include "core/model/checkpoint.h"
#include "core/model/model_config.h"

#include <vector>

namespace attnviz::model {

/// RMSNorm as Llama's LlamaRMSNorm: y = w * (x * rsqrt(mean(x^2) + eps)), row by row, in place.
/// x: [n, width] (rows are tokens); weight: [1, width]. The mean of squares is summed in float64.
void rms_norm_rows(MatrixRM& x, const WeightView& weight, double eps, int n_threads);

/// RMSNorm over each head_dim-wide segment of every row (Qwen3's q_norm / k_norm, applied per head
/// before RoPE). x: [n, n_heads * head_dim]; weight: [1, head_dim].
void rms_norm_segments(MatrixRM& x, int segment_width, const WeightView& weight, double eps);

/// LayerNorm as torch.nn.LayerNorm: y = (x - mean) / sqrt(var + eps) * w + b with the biased variance,
/// row by row, in place. x: [n, width]; weight, bias: [1, width]. Mean and variance in float64.
void layer_norm_rows(MatrixRM& x, const WeightView& weight, const WeightView& bias, double eps,
                     int n_threads);

/// The block's norm: LayerNorm when norm.bias is set, else RMSNorm. out = norm(x); x is not changed.
void apply_norm(const MatrixRM& x, const Norm& norm, double eps, MatrixRM& out, int n_threads);

/// RoPE's inverse frequencies [head_dim / 2] in float32 as transformers computes them:
/// 1 / theta^(2i / head_dim), rescaled by rope_scaling of type llama3 (_compute_llama3_parameters).
/// head_dim must be even.
std::vector<float> rope_inverse_frequencies(int head_dim, double theta, const RopeScaling& scaling);

/// cos and sin of position x frequency for the positions [first_position, first_position + n):
/// each [n, head_dim / 2], angle = float(position) * inv_freq[i] rounded to float as in transformers.
struct RopeTable {
    int first_position = 0;
    MatrixRM cos;
    MatrixRM sin;
};
RopeTable make_rope_table(const std::vector<float>& inv_freq, int first_position, int n);

/// Rotates one head row in place in the rotate-half convention of transformers' apply_rotary_pos_emb:
/// x' = x * cos + rotate_half(x) * sin, rotate_half(x) = [-x2, x1]. x: [head_dim]; cos, sin: [head_dim / 2].
void apply_rope(float* x, int head_dim, const float* cos, const float* sin);

/// GELU in the tanh form (gelu_new, gelu_pytorch_tanh): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
void gelu_tanh_in_place(float* x, std::size_t n);
/// GELU in the exact form (gelu): 0.5 x (1 + erf(x / sqrt(2))).
void gelu_exact_in_place(float* x, std::size_t n);
/// The gated MLP's middle: gate = silu(gate) * up, silu(x) = x / (1 + exp(-x)). Both [n] floats.
void silu_mul_in_place(float* gate, const float* up, std::size_t n);

/// Applies the activation of a plain (ungated) MLP to x: [n, width] in place, rows spread over threads.
void activation_rows(MatrixRM& x, Activation activation, int n_threads);
/// gate = silu(gate) * up for [n, width] matrices, rows spread over threads.
void silu_mul_rows(MatrixRM& gate, const MatrixRM& up, int n_threads);

}  // namespace attnviz::model
