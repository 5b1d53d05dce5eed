// File > Export's work: the shown run packaged without recomputing, the writers of core/export, and the
// lesson source re-run per frame for the GIF animations (a person's one click, not the frame loop).
#include "app/gui/export_actions.h"

#include "app/gui/app_actions.h"

#include "app/common/png_file.h"
#include "core/exports/export_source.h"
#include "core/exports/gif.h"
#include "core/exports/raster.h"
#include "core/exports/svg.h"
#include "core/io/file_io.h"
#include "core/lesson/lesson_model.h"

#include <cmath>
#include <cstdio>

namespace attnviz::gui {

namespace {

bool lesson_source(const AppState& s) {
    if (!s.derived.run) return false;
    const SourceKind k = s.derived.run->kind;
    return k == SourceKind::kLessonModel || k == SourceKind::kHandExample || k == SourceKind::kCrossAttention;
}

exports::ExportSource source_from_state(const AppState& s) {
    exports::ExportSource src;
    src.sentence = s.sentence;
    src.key_sentence = s.key_sentence;
    src.hand_model = s.hand_model;
    src.lesson = s.settings;
    src.focus_layer = s.derived.layer;
    src.focus_head = s.selection.focus_head;
    src.query = s.selection.query;
    return src;
}

std::string title_of(const exports::AttentionExport& e) {
    std::string t = e.source + " \u00b7 ";
    if (e.n_layers() > 1) t += "layer " + std::to_string(e.focus_layer) + " ";
    t += "head " + std::to_string(e.focus_head);
    if (!e.head_names.empty()) t += " (" + e.head_names[static_cast<std::size_t>(e.focus_head)] + ")";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", e.settings.temperature);
    return t + " \u00b7 T = " + (std::isinf(e.settings.temperature) ? std::string("inf") : std::string(buf));
}

}  // namespace

const char* export_format_label(ExportFormat f) {
    switch (f) {
        case ExportFormat::kPngWindow:
            return "PNG: the window or the view, 1x / 2x / 4x";
        case ExportFormat::kPngHeatmap:
            return "PNG: the heatmap alone, any size (no text)";
        case ExportFormat::kSvgHeatmap:
            return "SVG: the heatmap with labels and legend";
        case ExportFormat::kSvgArcs:
            return "SVG: the token strip with the query's arcs";
        case ExportFormat::kCsv:
            return "CSV: the focused head's weights";
        case ExportFormat::kNpyHead:
            return "NPY: the focused head [n_q, n_k]";
        case ExportFormat::kNpyLayer:
            return "NPY: every head [n_heads, n_q, n_k]";
        case ExportFormat::kNpyAll:
            return "NPY: every layer [n_layers, n_heads, n_q, n_k]";
        case ExportFormat::kJson:
            return "JSON: tokens, settings and every weight";
        case ExportFormat::kGifTemperature:
            return "GIF: temperature sweep 0.05 to 20";
        case ExportFormat::kGifMask:
            return "GIF: causal mask on and off";
        case ExportFormat::kGifFlash:
            return "GIF: flash attention's tiles, one by one";
        case ExportFormat::kCount:
            break;
    }
    return "?";
}

const char* export_format_extension(ExportFormat f) {
    switch (f) {
        case ExportFormat::kPngWindow:
        case ExportFormat::kPngHeatmap:
            return "png";
        case ExportFormat::kSvgHeatmap:
        case ExportFormat::kSvgArcs:
            return "svg";
        case ExportFormat::kCsv:
            return "csv";
        case ExportFormat::kNpyHead:
        case ExportFormat::kNpyLayer:
        case ExportFormat::kNpyAll:
            return "npy";
        case ExportFormat::kJson:
            return "json";
        case ExportFormat::kGifTemperature:
        case ExportFormat::kGifMask:
        case ExportFormat::kGifFlash:
            return "gif";
        case ExportFormat::kCount:
            break;
    }
    return "out";
}

std::string export_format_unavailable(const AppState& s, ExportFormat f) {
    if (f == ExportFormat::kPngWindow) return {};
    if (!s.derived.run || s.derived.shown_layer() == nullptr) return "nothing is computed yet";
    if (s.quiz.hidden()) return "the quiz hides the weights: reveal the answer first";
    if (f == ExportFormat::kSvgArcs && s.derived.run->cross()) {
        return "arcs need self-attention (the keys come from another sentence here); export the heatmap";
    }
    if ((f == ExportFormat::kGifTemperature || f == ExportFormat::kGifMask || f == ExportFormat::kGifFlash) &&
        !lesson_source(s)) {
        return "animations of this source are not in the GUI yet; use attnviz-cli export --format gif";
    }
    if (f == ExportFormat::kGifMask && s.derived.run->cross())
        return "cross-attention has no causal mask to switch";
    return {};
}

std::string default_export_path(const AppState& s, ExportFormat f) {
    const std::string stem = s.lesson && !s.lesson->name.empty() ? s.lesson->name : std::string("sentence");
    std::string what = "head" + std::to_string(s.selection.focus_head);
    if (f == ExportFormat::kNpyLayer) what = "heads";
    if (f == ExportFormat::kNpyAll || f == ExportFormat::kJson) what = "all";
    if (f == ExportFormat::kGifTemperature) what += "-temperature";
    if (f == ExportFormat::kGifMask) what += "-mask";
    if (f == ExportFormat::kGifFlash) what += "-flash";
    if (f == ExportFormat::kSvgArcs) what += "-arcs";
    if (f == ExportFormat::kPngWindow) {
        what = s.export_dialog.png_controls ? "window" : "view";
        if (s.export_dialog.png_scale > 1) what += "@" + std::to_string(s.export_dialog.png_scale) + "x";
    }
    return "attnviz-" + stem + "-" + what + "." + export_format_extension(f);
}

Expected<exports::AttentionExport> export_from_state(const AppState& s) {
    if (!s.derived.run || s.derived.run->layers.empty()) return Error{"nothing is computed yet"};
    if (s.quiz.hidden()) return Error{"the quiz hides the weights: reveal the answer first"};
    const AttentionRun& run = *s.derived.run;
    exports::AttentionExport e;
    e.source = run.real_model() && s.model.open       ? exports::model_export_source(s.model.open->source)
               : run.kind == SourceKind::kHandExample ? "hand example"
                                                      : lesson::kLessonModelLabel;
    e.sentence = s.sentence;
    e.key_sentence = run.cross() ? s.key_sentence : "";
    e.query_labels = run.query_labels;
    e.key_labels = run.key_labels;
    const LayerRun& first = run.layers.front();
    e.settings = lesson::settings_of_config(first.config, run.real_model() || s.settings.use_positions);
    if (static_cast<int>(first.forward.head_names.size()) == static_cast<int>(first.result.heads.size())) {
        e.head_names = first.forward.head_names;
    }
    for (const LayerRun& layer : run.layers) {
        const attention::AttentionResult& r = layer.result;
        Tensor3 w(static_cast<int>(r.heads.size()), r.n_q, r.n_k);
        for (std::size_t h = 0; h < r.heads.size(); ++h) w.mat(static_cast<int>(h)) = r.heads[h].weights;
        e.layers.push_back(std::move(w));
        e.visible.push_back(r.visible);
    }
    e.focus_layer = s.derived.layer;
    e.focus_head = s.selection.focus_head;
    e.query = s.selection.query < e.n_queries() ? s.selection.query : -1;
    if (Status st = exports::validate_export(e); !st.empty()) return Error{st};
    return e;
}

std::string png_scale_unavailable(int fb_width, int fb_height, int scale, int max_side) {
    if (scale != 1 && scale != 2 && scale != 4)
        return "the scale must be 1, 2 or 4, not " + std::to_string(scale);
    const long long w = static_cast<long long>(fb_width) * scale;
    const long long h = static_cast<long long>(fb_height) * scale;
    if (w <= max_side && h <= max_side) return {};
    std::string fits;
    for (const int k : {2, 1}) {
        if (k < scale && static_cast<long long>(fb_width) * k <= max_side &&
            static_cast<long long>(fb_height) * k <= max_side) {
            fits = "; " + std::to_string(k) + "x fits";
            break;
        }
    }
    return std::to_string(scale) + "x of this " + std::to_string(fb_width) + " x " +
           std::to_string(fb_height) + " window is " + std::to_string(w) + " x " + std::to_string(h) +
           " pixels, more than this graphics driver allows (" + std::to_string(max_side) +
           " on a side, GL_MAX_RENDERBUFFER_SIZE / GL_MAX_TEXTURE_SIZE)" + fits +
           ", or make the window smaller, or export the SVG heatmap";
}

void request_export_dialog(AppState& s) {
    s.requests.open_export = true;
}

bool run_export(AppState& s) {
    ExportDialogState& d = s.export_dialog;
    const ExportFormat f = d.format;
    const std::string path = d.path.empty() ? default_export_path(s, f) : d.path;
    const auto done = [&](const Status& st) {
        d.message = st.empty() ? "wrote " + path : st;
        set_status(s, d.message);
        return st.empty();
    };
    if (std::string why = export_format_unavailable(s, f); !why.empty()) return done("cannot export: " + why);
    if (f == ExportFormat::kPngWindow) {
        s.requests.screenshot = path;
        s.requests.screenshot_scale = d.png_scale;
        s.requests.screenshot_controls = d.png_controls;
        s.requests.screenshot_wait_frames = 1;  // the dialog closes first: it is not in the picture
        d.message = "saving " + path + " after this frame";
        return true;
    }
    Expected<exports::AttentionExport> e = export_from_state(s);
    if (!e) return done("cannot export: " + e.error());
    const MatrixRM w = exports::head_weights(*e, e->focus_layer, e->focus_head);
    const MaskMatrix& visible = e->visible[static_cast<std::size_t>(e->focus_layer)];
    const Colormap cmap = s.view.heatmap.colormap;
    switch (f) {
        case ExportFormat::kPngHeatmap: {
            const HeatmapCells cells = make_heatmap_cells(w, &visible, s.view.heatmap.color);
            const exports::RgbImage img =
                exports::to_rgb(exports::render_heatmap(cells, d.size, d.size), cmap);
            return done(cmdline::write_png_file(path, img.rgb.data(), img.width, img.height, 3));
        }
        case ExportFormat::kSvgHeatmap: {
            exports::HeatmapSvgOptions o;
            o.colormap = cmap;
            o.color = s.view.heatmap.color;
            o.title = title_of(*e);
            o.values_in_cells = e->n_queries() <= 16 && e->n_keys() <= 16;
            return done(io::write_file_atomically(
                path, exports::heatmap_svg(w, visible, e->query_labels, e->key_labels, o)));
        }
        case ExportFormat::kSvgArcs: {
            exports::TokenStripSvgOptions o;
            o.colormap = cmap;
            o.title = title_of(*e);
            const int query = e->query >= 0 ? e->query : e->n_queries() - 1;
            return done(io::write_file_atomically(
                path, exports::token_strip_svg(e->query_labels, w, visible, query, o)));
        }
        case ExportFormat::kCsv:
            return done(
                io::write_file_atomically(path, exports::matrix_csv(w, e->query_labels, e->key_labels)));
        case ExportFormat::kNpyHead:
            return done(exports::write_export_npy(path, *e, exports::NpyScope::kHead));
        case ExportFormat::kNpyLayer:
            return done(exports::write_export_npy(path, *e, exports::NpyScope::kLayer));
        case ExportFormat::kNpyAll:
            return done(exports::write_export_npy(path, *e, exports::NpyScope::kAllLayers));
        case ExportFormat::kJson:
            return done(io::write_file_atomically(path, exports::export_to_json(*e).dump(true) + "\n"));
        case ExportFormat::kGifTemperature:
        case ExportFormat::kGifMask:
        case ExportFormat::kGifFlash: {
            const exports::Animation a = f == ExportFormat::kGifMask    ? exports::Animation::kMask
                                         : f == ExportFormat::kGifFlash ? exports::Animation::kFlash
                                                                        : exports::Animation::kTemperature;
            // The flash GIF replays the flash view's tiles; the mask GIF shows each state for a second.
            Expected<std::vector<exports::AnimationFrame>> frames = exports::animation_frames(
                source_from_state(s), a, a == exports::Animation::kMask ? 2 : d.frames, s.flash.block_q,
                s.flash.block_k);
            if (!frames) return done("cannot export: " + frames.error());
            const double fps = a == exports::Animation::kMask ? 1.0 : static_cast<double>(d.fps);
            return done(exports::write_gif(
                path, exports::render_animation(*frames, a, s.view.heatmap.color, d.size, d.size), cmap,
                fps));
        }
        case ExportFormat::kPngWindow:
        case ExportFormat::kCount:
            break;
    }
    return done("cannot export: unknown format");
}

}  // namespace attnviz::gui
