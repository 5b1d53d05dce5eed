// A loaded checkpoint: its config and every weight as float32 views, validated, ready for the forward pass.
#pragma once

#include "core/base/eigen.h"
#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/model/model_config.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnviz::model {

/// A read-only row-major float32 matrix inside the checkpoint's storage (a memory-mapped F32 file or a
/// buffer converted from F16 / BF16). row_stride >= cols lets a view select columns of a fused tensor
/// (GPT-2's c_attn). Vectors (biases, norm weights) are views with rows == 1.
struct WeightView {
    const float* data = nullptr;
    int rows = 0;
    int cols = 0;
    int row_stride = 0;  ///< floats from one row to the next; == cols for a whole tensor

    using Map = Eigen::Map<const MatrixRM, 0, Eigen::OuterStride<>>;
    Map map() const { return Map(data, rows, cols, Eigen::OuterStride<>(row_stride)); }
    bool empty() const { return data == nullptr; }
};

/// y = x W^T + b for x [n, in]. Hugging Face's nn.Linear stores W as [out, in]; GPT-2's Conv1D stores
/// it as [in, out] (stored_in_out = true) and the forward multiplies by it as it is, without a copy.
struct Linear {
    WeightView weight;  ///< [out, in], or [in, out] when stored_in_out
    bool stored_in_out = false;
    WeightView bias;  ///< [1, out], or empty
    int n_in() const { return stored_in_out ? weight.rows : weight.cols; }
    int n_out() const { return stored_in_out ? weight.cols : weight.rows; }
};

/// LayerNorm (weight and bias, [1, width]) or RMSNorm (weight only; bias empty).
struct Norm {
    WeightView weight;
    WeightView bias;
};

/// One transformer block. q: [n_heads * head_dim, d_model] as nn.Linear; k, v: [n_kv_heads * head_dim,
/// d_model]; o: [d_model, n_heads * head_dim]. gate is empty for GPT-2's plain MLP (up = c_fc, down =
/// c_proj). q_norm / k_norm ([1, head_dim]) only for Qwen3.
struct LayerWeights {
    Norm attn_norm;  ///< ln_1 / input_layernorm
    Linear q, k, v, o;
    Norm q_norm, k_norm;
    Norm mlp_norm;  ///< ln_2 / post_attention_layernorm
    Linear gate, up, down;
};

struct ModelWeights {
    WeightView token_embedding;        ///< [vocab_size, d_model] (wte / embed_tokens)
    WeightView position_embedding;     ///< [n_ctx, d_model] (GPT-2's wpe), else empty
    std::vector<LayerWeights> layers;  ///< [n_layers]
    Norm final_norm;                   ///< ln_f / norm
    Linear lm_head;                    ///< [vocab_size, d_model]; the token embedding when tied
};

/// The stored element type of a checkpoint's tensors ("F32", "F16", "BF16"; "mixed" if several).
struct Checkpoint {
    std::string dir;  ///< the folder the files were read from (a snapshot for a cache folder)
    ModelConfig config;
    ModelWeights weights;
    std::string dtype;
    std::int64_t n_parameters = 0;
    std::int64_t resident_bytes = 0;  ///< float32 copies owned (converted tensors); mapped bytes excluded
    std::int64_t mapped_bytes = 0;    ///< F32 bytes used in place: from memory-mapped files (or, for
                                      ///< load_checkpoint_from_memory, from the caller's aligned bytes)

    /// Owns what the views point into (mappings, converted buffers); the views stay valid as long as
    /// the Checkpoint lives. Not copyable: share it through std::shared_ptr<const Checkpoint>.
    struct Storage;
    std::shared_ptr<Storage> storage;
};

/// Called with a fraction in [0, 1] as tensors are read; a load checks `cancel` between tensors.
struct LoadOptions {
    std::function<void(double)> progress;
    const std::atomic<bool>* cancel = nullptr;
    std::int64_t memory_limit_bytes = 0;  ///< 0 = the machine's available memory
    /// F32 weights totalling at most this many bytes are copied into owned memory instead of being used in
    /// place, so that a file truncated or rewritten on disk while the model is open cannot raise SIGBUS
    /// (robustness M11). 0: always in place. The GUI's loads use kOwnedF32UpToBytes.
    std::int64_t own_f32_up_to_bytes = 0;
};

/// Up to this size an F32 model is copied at load (the GUI keeps models open for hours); larger ones stay
/// in place (twice the memory otherwise), where a file changed on disk after loading can still raise SIGBUS.
inline constexpr std::int64_t kOwnedF32UpToBytes = 256LL << 20;

/// Memory: F32 tensors (4-byte aligned, as safetensors writes them) are used in place from a read-only
/// mapping, so an F32 model costs its file size in page cache and nothing more; F16 / BF16 tensors become
/// float32 copies, 4 bytes per parameter (twice the file). The forward pass computes in float32 either way,
/// so converting once at load is cheaper than converting on every product: measured on a GPT-2-small-shaped
/// checkpoint, a BF16 load takes about 0.2 s and F16 about 0.4 s, an F32 load (a finiteness scan) 0.05 s.
/// The estimate (resident + mapped bytes) is checked against LoadOptions::memory_limit_bytes or
/// MemAvailable before any tensor is read.
///
/// Opens a model folder: config.json plus model.safetensors or the shards of model.safetensors.index.json,
/// or a Hugging Face cache folder (models--ORG--NAME, resolved through refs/main to snapshots/REV/).
/// Validates every header and every tensor (dtype, shape implied by the config, byte ranges, non-finite
/// values) before the model is returned; errors name the file, the tensor and what to do.
Expected<std::shared_ptr<const Checkpoint>> load_checkpoint(const std::string& path,
                                                            const LoadOptions& options = {});

/// A model held in memory (the built-in model, embedded in the binary): config.json's text and the bytes of
/// its safetensors files (name, bytes), which must outlive the returned checkpoint. Validated exactly as
/// load_checkpoint validates files; tensor data need not be aligned.
struct InMemoryModel {
    std::string name;  ///< used in messages, like a folder path
    std::string_view config_json;
    std::vector<std::pair<std::string, std::string_view>> weight_files;
};
Expected<std::shared_ptr<const Checkpoint>> load_checkpoint_from_memory(const InMemoryModel& model,
                                                                        const LoadOptions& options = {});

}  // namespace attnviz::model
