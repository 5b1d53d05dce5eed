// What an export is computed from (the lesson model, the hand example, cross-attention, or a real model
// with its interventions) and the computation: one AttentionExport, or the frames of an animation.
#pragma once

#include "core/base/expected.h"
#include "core/exports/attention_export.h"
#include "core/exports/heatmap_cells.h"
#include "core/exports/raster.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_run.h"
#include "core/model/checkpoint.h"
#include "core/model/forward.h"
#include "core/model/tokenizer.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::exports {

struct ExportSource {
    std::string sentence;
    std::string key_sentence;  ///< lesson model only: cross-attention keys from this sentence
    std::optional<lesson::HandModel> hand_model;  ///< lesson only: one head from explicit matrices
    lesson::LessonRunSettings lesson;             ///< the lesson model's settings (temperature, masks, heads)
    /// A real model: when set, the sentence runs through it (its tokenizer, special tokens added) with
    /// `interventions`, and the lesson fields above are ignored.
    std::string model_name;  ///< shown as the source: the folder or the built-in model's name
    std::shared_ptr<const model::Checkpoint> model;
    std::shared_ptr<const model::Tokenizer> tokenizer;
    model::Interventions interventions;
    int focus_layer = 0;
    int focus_head = 0;
    int query = -1;  ///< -1: none selected

    bool real_model() const { return model != nullptr; }
    double temperature() const { return real_model() ? interventions.temperature : lesson.temperature; }
    bool causal() const { return real_model() ? interventions.causal : lesson.causal; }
    void set_temperature(double t);
    void set_causal(bool causal);
};

/// Runs the source and packages every layer and head. Errors are sentences for people (an empty text,
/// too many tokens for the model, focus layer or head out of range).
Expected<AttentionExport> compute_export(const ExportSource& source);

enum class Animation {
    kTemperature,  ///< the temperature swept from 0.05 to 20 on a log scale
    kMask,         ///< the causal mask switched on and off
    kFlash,        ///< flash attention's tiles visited one by one (the focused head)
};

/// "temperature" / "mask" / "flash", and back.
const char* animation_name(Animation a);
std::optional<Animation> animation_from_name(const std::string& name);

/// One frame: the focused head under one setting.
struct AnimationFrame {
    MatrixRM weights;    ///< [n_q, n_k]
    MaskMatrix visible;  ///< [n_q, n_k]
    double temperature = 1.0;
    bool causal = true;
    /// kFlash only, [n_q, n_k]: 0 for cells of tiles done, 1 for the tile being computed, 2 for tiles not
    /// visited yet; empty for the other animations.
    MaskMatrix tiles;
};

/// The frames of an animation of the focused head: n_frames (>= 2) temperatures log-spaced over
/// [0.05, 20], or the mask alternating on, off, on, ... (cross-attention has no causal mask: an error), or
/// (kFlash, n_frames ignored) one frame per tile compute_flash_attention visits with block_q x block_k tiles,
/// then the finished matrix.
Expected<std::vector<AnimationFrame>> animation_frames(const ExportSource& source, Animation animation,
                                                       int n_frames, int block_q = 2, int block_k = 2);

/// The frames drawn as heatmaps of width x height pixels under the colour settings, each with a bar along
/// the bottom: the temperature's place on the log scale 0.05..20, full while the mask is on and empty
/// while it is off, or the share of flash tiles done (tiles not visited yet drawn pale, the current one
/// framed).
std::vector<CodeImage> render_animation(const std::vector<AnimationFrame>& frames, Animation animation,
                                        const ColorScaleSettings& color, int width, int height);

}  // namespace attnviz::exports
