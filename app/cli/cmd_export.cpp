// attnviz-cli export: one head's (or every head's) attention written as CSV, .npy, JSON, SVG, a CPU-drawn
// heatmap PNG or an animated GIF. Every argument is checked and everything computed before a byte is written.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/scenario_argument.h"
#include "app/common/png_file.h"
#include "core/exports/attention_export.h"
#include "core/exports/export_source.h"
#include "core/exports/gif.h"
#include "core/exports/raster.h"
#include "core/exports/svg.h"
#include "core/io/file_io.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/scenario.h"
#include "core/model/builtin_model.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli export (--scenario NAME|FILE | --sentence TEXT) [--model DIR] [--head H] [--layer "
    "L]\n"
    "           [--query TOKEN|INDEX] [--temperature T] [--no-causal] [--colormap viridis|magma|grey]\n"
    "           --format png|svg|csv|npy|json|gif --out PATH\n"
    "           [--scope head|layer|all] [--view heatmap|arcs] [--size N|WxH]\n"
    "           [--animation temperature|mask|flash] [--frames N] [--fps F] [--tiles BQxBK]\n"
    "\n"
    "Computes the attention of the lesson model (or, with --model, of a real model: a folder, a Hugging "
    "Face\n"
    "cache folder, or stories260K, built in) and writes one file. Without --head: the scenario's focused "
    "head\n"
    "(0 for a sentence). Formats:\n"
    "  csv   the head's weights, token labels as header row and first column, 9 significant digits\n"
    "  npy   float32: --scope head [n, n] (default), layer [n_heads, n, n], all [n_layers, n_heads, n, n]\n"
    "  json  tokens, settings and every layer's and head's weights (loads back; see the README)\n"
    "  svg   --view heatmap (default): cells, axis labels, colour legend; --view arcs: the token strip with\n"
    "        its arcs from the query\n"
    "  png   the heatmap alone (cells in the colormap, no text) drawn on the CPU at --size (default 512);\n"
    "        a PNG of the whole window comes from the GUI: attnviz --frames 2 --screenshot PATH.png\n"
    "  gif   the heatmap animated, drawn on the CPU at --size: --animation temperature (T from 0.05 to 20 "
    "on\n"
    "        a log scale, a bar along the bottom marking T; default 24 frames at 8 fps) or mask (the causal\n"
    "        mask on and off; default 2 frames at 1 fps) or flash (flash attention's tiles of --tiles "
    "BQxBK,\n"
    "        default 2x2, one frame each: done tiles in colour, the current one framed; default 3 fps)";

struct Size {
    int width = 512;
    int height = 512;
};

Expected<Size> parse_size(const std::string& text) {
    const std::size_t x = text.find('x');
    Size s;
    Expected<long long> w = parse_count(x == std::string::npos ? text : text.substr(0, x), "--size", 8, 4096);
    if (!w) return Error{w.error()};
    s.width = static_cast<int>(*w);
    s.height = s.width;
    if (x != std::string::npos) {
        Expected<long long> h = parse_count(text.substr(x + 1), "--size", 8, 4096);
        if (!h) return Error{h.error()};
        s.height = static_cast<int>(*h);
    }
    return s;
}

}  // namespace

int run_export(int argc, char** argv) {
    ArgParser p("attnviz-cli export", kUsage);
    p.option("scenario", "NAME|FILE", "a built-in lesson (attnviz-cli scenarios) or a scenario .json file");
    p.option("sentence", "TEXT", "the sentence to run");
    p.option("model", "DIR",
             "a real model: a folder, a Hugging Face cache folder, or stories260K (built in)");
    p.option("head", "H", "the head to export (default: the scenario's focused head, else 0)");
    p.option("layer", "L", "the layer to export (real models; default 0)");
    p.option("query", "TOKEN|INDEX",
             "the query of --view arcs (default: the scenario's, else the last token)");
    p.option("temperature", "T", "softmax temperature, 0 (argmax) to inf (uniform)");
    p.flag("no-causal", "let every token see later tokens too");
    p.option("colormap", "NAME", "viridis (default), magma or grey");
    p.option("format", "FMT", "png, svg, csv, npy, json or gif");
    p.option("out", "PATH", "the file to write (replaced atomically)");
    p.option("scope", "SCOPE", "npy: head (default), layer or all");
    p.option("view", "VIEW", "svg: heatmap (default) or arcs");
    p.option("size", "N|WxH", "png and gif: image size in pixels, 8 to 4096 (default 512)");
    p.option("animation", "KIND", "gif: temperature (default), mask or flash");
    p.option("tiles", "BQxBK", "gif --animation flash: query and key rows per tile, 1 to 64 (default 2x2)");
    p.option("frames", "N", "gif: number of frames, 2 to 400");
    p.option("fps", "F", "gif: frames per second, 0.1 to 50");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;

    // Every argument first: a typo costs nothing and writes nothing.
    if (p.has("sentence") == p.has("scenario")) {
        return usage_error(p.command() + ": give exactly one of --sentence or --scenario (see --help)");
    }
    const std::optional<std::string> format = p.get("format");
    if (!format) return usage_error(p.command() + ": --format is required: png, svg, csv, npy, json or gif");
    if (*format != "png" && *format != "svg" && *format != "csv" && *format != "npy" && *format != "json" &&
        *format != "gif") {
        return usage_error(
            p.error("format", "\"" + *format + "\" is not one of png, svg, csv, npy, json, gif"));
    }
    const std::optional<std::string> out = p.get("out");
    if (!out || out->empty()) return usage_error(p.command() + ": --out PATH is required");
    const auto only_for = [&](const char* option, const std::vector<std::string>& formats) -> std::string {
        if (!p.has(option)) return {};
        for (const std::string& f : formats) {
            if (f == *format) return {};
        }
        std::string list;
        for (const std::string& f : formats) list += (list.empty() ? "" : " or ") + f;
        return p.error(option, "applies to --format " + list + " only");
    };
    for (const auto& [option, formats] :
         std::vector<std::pair<const char*, std::vector<std::string>>>{{"scope", {"npy"}},
                                                                       {"view", {"svg"}},
                                                                       {"size", {"png", "gif"}},
                                                                       {"animation", {"gif"}},
                                                                       {"frames", {"gif"}},
                                                                       {"fps", {"gif"}},
                                                                       {"tiles", {"gif"}}}) {
        if (std::string e = only_for(option, formats); !e.empty()) return usage_error(e);
    }

    exports::NpyScope scope = exports::NpyScope::kHead;
    if (auto v = p.get("scope")) {
        if (*v == "head") {
            scope = exports::NpyScope::kHead;
        } else if (*v == "layer") {
            scope = exports::NpyScope::kLayer;
        } else if (*v == "all") {
            scope = exports::NpyScope::kAllLayers;
        } else {
            return usage_error(p.error("scope", "\"" + *v + "\" is not head, layer or all"));
        }
    }
    const std::string view = p.get("view").value_or("heatmap");
    if (view != "heatmap" && view != "arcs")
        return usage_error(p.error("view", "\"" + view + "\" is not heatmap or arcs"));
    exports::Colormap cmap = exports::Colormap::kViridis;
    if (auto v = p.get("colormap")) {
        const std::optional<exports::Colormap> c = exports::colormap_from_name(*v);
        if (!c) return usage_error(p.error("colormap", "\"" + *v + "\" is not viridis, magma or grey"));
        cmap = *c;
    }
    Size size;
    if (auto v = p.get("size")) {
        Expected<Size> s = parse_size(*v);
        if (!s) return usage_error(p.command() + ": " + s.error());
        size = *s;
    }
    exports::Animation animation = exports::Animation::kTemperature;
    if (auto v = p.get("animation")) {
        const std::optional<exports::Animation> a = exports::animation_from_name(*v);
        if (!a) return usage_error(p.error("animation", "\"" + *v + "\" is not temperature, mask or flash"));
        animation = *a;
    }
    if (p.has("tiles") && animation != exports::Animation::kFlash) {
        return usage_error(p.error("tiles", "applies to --animation flash only"));
    }
    if (p.has("frames") && animation == exports::Animation::kFlash) {
        return usage_error(
            p.error("frames", "a flash animation has one frame per tile; choose the tiles with --tiles"));
    }
    int block_q = 2;
    int block_k = 2;
    if (auto v = p.get("tiles")) {
        const std::size_t x = v->find('x');
        Expected<long long> bq = parse_count(x == std::string::npos ? *v : v->substr(0, x), "--tiles", 1, 64);
        if (!bq) return usage_error(p.command() + ": " + bq.error());
        Expected<long long> bk =
            parse_count(x == std::string::npos ? *v : v->substr(x + 1), "--tiles", 1, 64);
        if (!bk) return usage_error(p.command() + ": " + bk.error());
        block_q = static_cast<int>(*bq);
        block_k = static_cast<int>(*bk);
    }
    int n_frames = animation == exports::Animation::kMask ? 2 : 24;
    if (auto v = p.get("frames")) {
        Expected<long long> n = parse_count(*v, "--frames", 2, 400);
        if (!n) return usage_error(p.command() + ": " + n.error());
        n_frames = static_cast<int>(*n);
    }
    double fps = animation == exports::Animation::kMask    ? 1.0
                 : animation == exports::Animation::kFlash ? 3.0
                                                           : 8.0;
    if (auto v = p.get("fps")) {
        Expected<double> f = parse_number(*v, "--fps");
        if (!f) return usage_error(p.command() + ": " + f.error());
        if (!(*f >= exports::kGifMinFps && *f <= exports::kGifMaxFps))
            return usage_error(p.error("fps", "must be between 0.1 and 50"));
        fps = *f;
    }

    exports::ExportSource src;
    std::string wanted_query;
    if (auto name = p.get("scenario")) {
        Expected<lesson::Scenario> found = scenario_argument(p, *name);
        if (!found) return usage_error(found.error());
        lesson::Scenario sc = std::move(found).value();
        for (const std::string& w : sc.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
        src.sentence = sc.sentence;
        src.key_sentence = sc.key_sentence;
        src.hand_model = sc.hand_model;
        src.lesson = sc.settings;
        src.focus_head = sc.focus_head;
        wanted_query = sc.query;
        src.interventions.temperature = sc.settings.temperature;
        src.interventions.causal = sc.settings.causal;
        if (sc.settings.window > 0) src.interventions.window = sc.settings.window;
    } else {
        src.sentence = *p.get("sentence");
    }
    if (auto h = p.get("head")) {
        Expected<long long> v = parse_count(*h, "--head", 0, 1 << 20);
        if (!v) return usage_error(p.command() + ": " + v.error());
        src.focus_head = static_cast<int>(*v);
    }
    if (auto l = p.get("layer")) {
        Expected<long long> v = parse_count(*l, "--layer", 0, 1 << 20);
        if (!v) return usage_error(p.command() + ": " + v.error());
        src.focus_layer = static_cast<int>(*v);
    }
    if (auto t = p.get("temperature")) {
        Expected<double> v = parse_number(*t, "--temperature");
        if (!v) return usage_error(p.command() + ": " + v.error());
        if (Status s = attention::validate_temperature(*v); !s.empty())
            return usage_error(p.error("temperature", s));
        src.set_temperature(*v);
        src.interventions.temperature = *v;
    }
    if (p.has("no-causal")) {
        src.lesson.causal = false;
        src.interventions.causal = false;
    }
    if (auto q = p.get("query")) wanted_query = *q;

    if (auto dir = p.get("model")) {
        Expected<std::shared_ptr<const model::Checkpoint>> m = model::open_model(*dir);
        if (!m) return usage_error(p.command() + ": " + m.error());
        Expected<std::shared_ptr<const model::Tokenizer>> t = model::open_tokenizer(*dir);
        if (!t) return usage_error(p.command() + ": " + t.error());
        src.model = *m;
        src.tokenizer = *t;
        src.model_name = *dir;
        if (!p.has("head")) src.focus_head = 0;  // a lesson's focused head means nothing in a real model
        if (src.focus_layer >= (*m)->config.n_layers) {
            return usage_error(p.error("layer", std::to_string(src.focus_layer) +
                                                    " is out of range: " + *dir + " has " +
                                                    std::to_string((*m)->config.n_layers) + " layers (0.." +
                                                    std::to_string((*m)->config.n_layers - 1) + ")"));
        }
    } else if (p.has("layer") && src.focus_layer != 0) {
        return usage_error(p.error("layer", "the lesson model has one layer (0); --layer needs --model"));
    }

    Expected<exports::AttentionExport> e = exports::compute_export(src);
    if (!e) return usage_error(p.command() + ": " + e.error());
    if (!wanted_query.empty()) {
        std::optional<int> q;
        for (int i = 0; i < e->n_queries() && !q; ++i) {
            if (e->query_labels[static_cast<std::size_t>(i)] == wanted_query) q = i;
        }
        if (!q && wanted_query.find_first_not_of("0123456789") == std::string::npos &&
            wanted_query.size() < 9) {
            const int i = std::stoi(wanted_query);
            if (i < e->n_queries()) q = i;
        }
        if (!q) {
            return usage_error(
                p.error("query", "\"" + wanted_query +
                                     "\" is neither a token of the sentence nor a token index (0.." +
                                     std::to_string(e->n_queries() - 1) + ")"));
        }
        e->query = *q;
    }
    const MatrixRM w = exports::head_weights(*e, e->focus_layer, e->focus_head);
    const MaskMatrix& visible = e->visible[static_cast<std::size_t>(e->focus_layer)];
    std::string title = e->source + " \u00b7 ";
    if (e->n_layers() > 1) title += "layer " + std::to_string(e->focus_layer) + " ";
    title += "head " + std::to_string(e->focus_head);
    if (!e->head_names.empty()) title += " (" + e->head_names[static_cast<std::size_t>(e->focus_head)] + ")";
    title += " \u00b7 T = " + format_number(e->settings.temperature);

    Status written;
    if (*format == "csv") {
        written = io::write_file_atomically(*out, exports::matrix_csv(w, e->query_labels, e->key_labels));
    } else if (*format == "npy") {
        written = exports::write_export_npy(*out, *e, scope);
    } else if (*format == "json") {
        written = io::write_file_atomically(*out, exports::export_to_json(*e).dump(true) + "\n");
    } else if (*format == "svg" && view == "heatmap") {
        exports::HeatmapSvgOptions o;
        o.colormap = cmap;
        o.title = title;
        o.values_in_cells = e->n_queries() <= 16 && e->n_keys() <= 16;
        written = io::write_file_atomically(
            *out, exports::heatmap_svg(w, visible, e->query_labels, e->key_labels, o));
    } else if (*format == "svg") {
        if (e->query_labels != e->key_labels) {
            return usage_error(p.error(
                "view", "arcs need self-attention (this scenario's keys come from another sentence)"));
        }
        exports::TokenStripSvgOptions o;
        o.colormap = cmap;
        o.title = title;
        const int query = e->query >= 0 ? e->query : e->n_queries() - 1;
        written =
            io::write_file_atomically(*out, exports::token_strip_svg(e->query_labels, w, visible, query, o));
    } else if (*format == "png") {
        const exports::HeatmapCells cells =
            exports::make_heatmap_cells(w, &visible, exports::ColorScaleSettings{});
        const exports::RgbImage img =
            exports::to_rgb(exports::render_heatmap(cells, size.width, size.height), cmap);
        written = cmdline::write_png_file(*out, img.rgb.data(), img.width, img.height, 3);
    } else {  // gif
        Expected<std::vector<exports::AnimationFrame>> frames =
            exports::animation_frames(src, animation, n_frames, block_q, block_k);
        if (!frames) return usage_error(p.command() + ": " + frames.error());
        const std::vector<exports::CodeImage> images = exports::render_animation(
            *frames, animation, exports::ColorScaleSettings{}, size.width, size.height);
        written = exports::write_gif(*out, images, cmap, fps);
    }
    if (!written.empty()) return usage_error(p.command() + ": " + written);
    std::printf("wrote %s (%s, %d token(s), %s)\n", out->c_str(), format->c_str(), e->n_queries(),
                title.c_str());
    return kExitOk;
}

}  // namespace attnviz::cli
