// The real model on screen (issue 14): which checkpoint is open, the interventions on its attention, the
// background job that loads and runs it, and what the last finished run delivered.
#pragma once

#include "app/gui/compute/heatmap_cells.h"
#include "core/lab/kv_cache.h"
#include "core/model/head_scores.h"
#include "core/model/model_catalog.h"
#include "core/model/model_job.h"
#include "core/model/prediction_diff.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::gui {

/// What the model view's large heatmap shows.
enum class ModelAggregate { kHead, kLayerMean, kRollout };

/// Where an attention temperature applies: every head, the focused layer, the focused head.
/// The same order as SessionTemperatureScope (app/common/session_file.h), which sessions store.
enum class InterventionScope { kAllLayers, kThisLayer, kThisHead };

/// How Generate picks the next token.
enum class GenerateMode { kGreedy, kSample };

/// The in-app folder browser of File > Open model (Debian 12 has no file-dialog library).
struct ModelBrowserState {
    std::string path;               ///< the folder listed (typed or clicked into)
    model::FolderListing listing;   ///< its subfolders, each marked when it looks like a model
    model::ModelFolderCheck check;  ///< whether `path` itself looks like a model
    model::HfCacheScan cache;       ///< the Hugging Face cache's models
    bool scanned = false;           ///< listing and cache are for `path` (false: rescan next frame)
};

/// What a session names for a model that is still loading: applied when the load finishes.
struct PendingModelRestore {
    model::Interventions interventions;
    InterventionScope temperature_scope = InterventionScope::kAllLayers;
    int layer = 0;
    int focus_head = 0;
};

/// What a person set for the open model. Everything here survives a failed load of another model.
struct ModelState {
    /// The open model; null while the lesson model is the source.
    std::shared_ptr<const model::LoadedModel> open;
    model::Interventions interventions;  ///< the changes to its attention (default: as trained)
    InterventionScope temperature_scope = InterventionScope::kAllLayers;  ///< where the slider applies
    std::vector<int> generated_ids;  ///< tokens Generate appended after the text's tokens
    GenerateMode generate_mode = GenerateMode::kGreedy;
    double output_temperature = 1.0;  ///< sampling temperature on the output logits (not the attention's)
    std::uint64_t sample_seed = 1;    ///< the next sample's seed (each Generate takes the next one)
    ModelAggregate aggregate = ModelAggregate::kHead;
    model::HeadBadge badge = model::HeadBadge::kFirstToken;  ///< the badge shown on every thumbnail
    bool sort_by_badge = false;  ///< the grid ranks heads by that badge (highest first), not by layer
    bool merge_words = false;    ///< heatmaps over words (key columns summed, query rows averaged)
    int hover_layer = -1;        ///< thumbnail under the mouse this frame: previewed in the model view
    int hover_head = -1;

    std::optional<PendingModelRestore> pending_restore;  ///< a session's settings for the model loading
    std::string loading;     ///< the source being loaded, empty when no load is running
    std::string load_error;  ///< why the last load failed (the open model stayed), empty otherwise
    model::RecentModels recent;
    ModelBrowserState browser;
    /// The background lanes (created on first use; shared so AppState stays copyable in tests).
    std::shared_ptr<model::ModelJob> job;
    /// The KV cache of the sequence on screen, for Generate; null until the first decode, dropped when
    /// the text, the model or the interventions change.
    std::shared_ptr<model::KvCacheSession> kv_session;
    bool decode_requested = false;  ///< the next compute is a decode of the last generated token
};

/// What the last finished computation of the open model delivered (update() fills it; panels read it).
struct ModelDerived {
    /// The open model's KV cache from its config (float32, at its context), for the GQA view; or why not.
    std::optional<lab::KvCacheComparison> kv_cache;
    std::string kv_cache_error;
    /// The text as the model's tokenizer encoded it, then the generated tokens: [n] for the run below.
    std::vector<model::Token> tokens;
    std::vector<model::Token> pending_tokens;            ///< the encoding of the compute in flight
    std::shared_ptr<const model::ComputeResult> result;  ///< null until the first run finishes
    std::optional<model::PredictionDiff> prediction;     ///< at the selected position: base -> new, KL
    int prediction_row = -1;                             ///< the position the prediction is for (-1: none)
    std::string prediction_note;       ///< why the prediction is for another position than the query
    std::string compute_error;         ///< the last compute's error (the previous run stays on screen)
    std::string decode_message;        ///< "decode: 1 new row, 37 cached K/V rows reused; ..."
    std::uint64_t result_version = 0;  ///< changes whenever `result` changes
    std::uint64_t submitted = 0;       ///< tickets of the compute in flight, 0 when none
    /// Thumbnails [n_layers * n_heads] (layer-major), each at most kThumbnailCells a side.
    std::vector<HeatmapCells> thumbnails;
    std::uint64_t thumbnails_version = 0;
    ColorScaleSettings thumbnail_color;  ///< the colour settings the thumbnails were made with
    /// The model view's large heatmap when it shows no focused head: a hovered thumbnail, the layer mean
    /// or the rollout, with its title.
    HeatmapCells preview;
    std::string preview_title;
    std::uint64_t preview_version = 0;
    std::vector<std::string> preview_labels;  ///< its rows' and columns' labels (words when merged)
    std::string preview_key;  ///< what `preview` shows (see model_compute.cpp), empty for nothing yet
};

/// Thumbnails are averaged down to at most this many cells a side.
inline constexpr int kThumbnailCells = 48;

}  // namespace attnviz::gui
