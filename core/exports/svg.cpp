// The SVG writers: layout estimated from label lengths (monospace-free, ~0.6 em per character), colours
// from the shared colormap tables and heatmap cells, every label XML-escaped.
#include "core/exports/svg.h"

#include "core/exports/attention_export.h"
#include "core/io/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace attnviz::exports {

namespace {

constexpr const char* kFontFamily = "DejaVu Sans, Verdana, Arial, sans-serif";
constexpr const char* kTextColor = "#222222";
constexpr const char* kDimColor = "#8a8a8a";
constexpr const char* kMaskedFill = "#dcdcdc";
constexpr const char* kMaskedLine = "#9a9a9a";
constexpr const char* kEmptyRowFill = "#b4b4b4";

std::string num(float v) {  // every coordinate is a float: no promotion at each call
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
    std::string s = buf;
    // "12.50" -> "12.5", "12.00" -> "12": shorter files, same shapes.
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string hex(Rgb8 c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

/// Width of a label in user units, estimated: 0.62 em per character, 1 em for wide (CJK) characters.
float text_width(const std::string& text, float font_size) {
    float w = 0.0f;
    for (char32_t c : io::decode_utf8(text))
        w += (c >= 0x1100 && io::find_cjk_block(c) != nullptr) ? 1.0f : 0.62f;
    return w * font_size;
}

float max_text_width(const std::vector<std::string>& labels, float font_size) {
    float w = 0.0f;
    for (const std::string& l : labels) w = std::max(w, text_width(l, font_size));
    return w;
}

std::string weight_text(float w) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(w));
    return buf;
}

/// Legend tick text: up to 3 significant digits.
std::string tick_text(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(v));
    return buf;
}

bool dark(Rgb8 c) {
    return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b < 128.0;
}

std::string svg_open(float width, float height) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
           "\" font-family=\"" + kFontFamily +
           "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
    int n_invalid = 0;
    const std::u32string cps = io::decode_utf8(text, &n_invalid);
    std::string out;
    out.reserve(text.size());
    for (char32_t c : cps) {
        switch (c) {
            case U'&':
                out += "&amp;";
                break;
            case U'<':
                out += "&lt;";
                break;
            case U'>':
                out += "&gt;";
                break;
            case U'"':
                out += "&quot;";
                break;
            case U'\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
                if ((c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) || (c >= 0xD800 && c <= 0xDFFF) ||
                    c == 0xFFFE || c == 0xFFFF || c > 0x10FFFF) {
                    c = 0xFFFD;
                }
                io::append_utf8(out, c);
        }
    }
    return out;
}

std::string heatmap_svg(const MatrixRM& weights, const MaskMatrix& visible,
                        const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const HeatmapSvgOptions& o) {
    const HeatmapCells cells = make_heatmap_cells(weights, &visible, o.color);
    const int n_rows = cells.n_rows;
    const int n_cols = cells.n_cols;
    const float fs = o.font_size;
    const float cell = o.cell;
    const float pad = 12.0f;
    const float title_h = o.title.empty() ? 0.0f : fs * 2.0f;
    // Column labels are rotated by -50 degrees: their height is their width * sin(50).
    const float col_label_h = max_text_width(col_labels, fs) * 0.766f + fs;
    const float left = pad + max_text_width(row_labels, fs) + fs * 0.6f;
    const float top = pad + title_h + col_label_h + fs * 0.4f;
    const float mat_w = cell * static_cast<float>(n_cols);
    const float mat_h = cell * static_cast<float>(n_rows);
    const float legend_x = left + mat_w + fs * 1.6f;
    const float legend_w = fs;
    const float legend_h = std::clamp(mat_h, fs * 10.0f, fs * 22.0f);
    // The last column label leans right by its rotated width's cosine.
    const float col_overhang = col_labels.empty() ? 0.0f : text_width(col_labels.back(), fs) * 0.643f;
    const std::string footnote = "rows: queries (who looks) \u00b7 columns: keys (looked at)";
    const float foot_y = top + std::max(mat_h, legend_h + fs * 2.4f) + fs * 1.4f;
    const float width =
        std::max({legend_x + legend_w + fs * 4.5f, left + mat_w + col_overhang,
                  pad + text_width(o.title, fs * 1.4f), left + text_width(footnote, fs * 0.85f)}) +
        pad;
    const float height = foot_y + fs * 0.5f + pad;

    std::string s = svg_open(width, height);
    s += "<defs>\n<pattern id=\"masked\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"";
    s += kMaskedFill;
    s += "\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"";
    s += kMaskedLine;
    s += "\" stroke-width=\"1.6\"/></pattern>\n";
    // The legend's gradient: 17 stops of the same table the cells use, highest at the top.
    s += "<linearGradient id=\"legend\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
    for (int k = 0; k <= 16; ++k) {
        const float t = static_cast<float>(k) / 16.0f;
        s += "<stop offset=\"" + num(t) + "\" stop-color=\"" + hex(colormap_color(o.colormap, t)) + "\"/>";
    }
    s += "</linearGradient>\n</defs>\n";
    if (!o.title.empty()) {
        s += "<text x=\"" + num(pad) + "\" y=\"" + num(pad + fs * 1.2f) + "\" font-size=\"" +
             num(fs * 1.25f) + "\" font-weight=\"bold\" fill=\"" + kTextColor + "\">" + xml_escape(o.title) +
             "</text>\n";
    }

    s += "<g class=\"key-labels\" font-size=\"" + num(fs) + "\" fill=\"" + kTextColor + "\">\n";
    for (int j = 0; j < n_cols; ++j) {
        const float x = left + cell * (static_cast<float>(j) + 0.5f);
        const float y = top - fs * 0.4f;
        s += "<text transform=\"translate(" + num(x) + "," + num(y) + ") rotate(-50)\">" +
             xml_escape(col_labels[static_cast<std::size_t>(j)]) + "</text>\n";
    }
    s += "</g>\n<g class=\"query-labels\" font-size=\"" + num(fs) + "\" fill=\"" + kTextColor +
         "\" text-anchor=\"end\">\n";
    for (int i = 0; i < n_rows; ++i) {
        s += "<text x=\"" + num(left - fs * 0.5f) + "\" y=\"" +
             num(top + cell * (static_cast<float>(i) + 0.5f) + fs * 0.35f) + "\">" +
             xml_escape(row_labels[static_cast<std::size_t>(i)]) + "</text>\n";
    }
    s += "</g>\n<g class=\"cells\" shape-rendering=\"crispEdges\">\n";
    for (int i = 0; i < n_rows; ++i) {
        for (int j = 0; j < n_cols; ++j) {
            const CellState st = cells.state(i, j);
            const std::string fill = st == CellState::kMasked ? "url(#masked)"
                                     : st == CellState::kEmptyRow
                                         ? kEmptyRowFill
                                         : hex(colormap_color(o.colormap, cells.t(i, j)));
            s += "<rect class=\"cell\" x=\"" + num(left + cell * static_cast<float>(j)) + "\" y=\"" +
                 num(top + cell * static_cast<float>(i)) + "\" width=\"" + num(cell) + "\" height=\"" +
                 num(cell) + "\" fill=\"" + fill + "\"><title>" +
                 xml_escape(row_labels[static_cast<std::size_t>(i)]) + " \u2192 " +
                 xml_escape(col_labels[static_cast<std::size_t>(j)]) + ": " +
                 (st == CellState::kValue ? float_text(weights(i, j)) : std::string("masked")) +
                 "</title></rect>\n";
        }
    }
    s += "</g>\n";
    if (o.values_in_cells) {
        s += "<g class=\"values\" font-size=\"" + num(std::min(fs * 0.8f, cell * 0.32f)) +
             "\" text-anchor=\"middle\">\n";
        for (int i = 0; i < n_rows; ++i) {
            for (int j = 0; j < n_cols; ++j) {
                if (cells.state(i, j) != CellState::kValue) continue;
                const Rgb8 c = colormap_color(o.colormap, cells.t(i, j));
                s += "<text x=\"" + num(left + cell * (static_cast<float>(j) + 0.5f)) + "\" y=\"" +
                     num(top + cell * (static_cast<float>(i) + 0.5f) + cell * 0.12f) + "\" fill=\"" +
                     (dark(c) ? "#ffffff" : "#000000") + "\">" + weight_text(weights(i, j)) + "</text>\n";
            }
        }
        s += "</g>\n";
    }
    s += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(mat_w) + "\" height=\"" +
         num(mat_h) + "\" fill=\"none\" stroke=\"" + kDimColor + "\" stroke-width=\"1\"/>\n";
    s += "<text x=\"" + num(left) + "\" y=\"" + num(foot_y) + "\" font-size=\"" + num(fs * 0.85f) +
         "\" fill=\"" + kDimColor + "\">" + footnote + "</text>\n";

    // Legend: the gradient, ticks with the range's values, and the masked swatch.
    s += "<g class=\"legend\" font-size=\"" + num(fs * 0.85f) + "\" fill=\"" + kTextColor + "\">\n";
    s += "<rect x=\"" + num(legend_x) + "\" y=\"" + num(top) + "\" width=\"" + num(legend_w) +
         "\" height=\"" + num(legend_h) + "\" fill=\"url(#legend)\" stroke=\"" + kDimColor +
         "\" stroke-width=\"0.5\"/>\n";
    for (int k = 0; k <= 4; ++k) {
        const float t = static_cast<float>(k) / 4.0f;
        std::string label;
        if (o.color.scale == ColorScale::kRank) {
            label = k == 0 ? "lowest" : k == 4 ? "highest" : std::to_string(k * 25) + "%";
        } else if (o.color.scale == ColorScale::kLog && cells.range.vmin > 0.0f) {
            label = tick_text(cells.range.vmin * std::pow(cells.range.vmax / cells.range.vmin, t));
        } else {
            label = tick_text(cells.range.vmin + (cells.range.vmax - cells.range.vmin) * t);
        }
        const float y = top + legend_h * (1.0f - t);
        s += "<line x1=\"" + num(legend_x + legend_w) + "\" y1=\"" + num(y) + "\" x2=\"" +
             num(legend_x + legend_w + 4.0f) + "\" y2=\"" + num(y) + "\" stroke=\"" + kTextColor + "\"/>";
        s += "<text x=\"" + num(legend_x + legend_w + 6.0f) + "\" y=\"" + num(y + fs * 0.3f) + "\">" +
             xml_escape(label) + "</text>\n";
    }
    const float sw_y = top + legend_h + fs * 1.0f;
    s += "<rect x=\"" + num(legend_x) + "\" y=\"" + num(sw_y) + "\" width=\"" + num(legend_w) +
         "\" height=\"" + num(legend_w) + "\" fill=\"url(#masked)\" stroke=\"" + kDimColor +
         "\" stroke-width=\"0.5\"/>";
    s += "<text x=\"" + num(legend_x + legend_w + 6.0f) + "\" y=\"" + num(sw_y + fs * 0.8f) +
         "\">masked</text>\n";
    s += "<text x=\"" + num(legend_x) + "\" y=\"" + num(top - fs * 0.6f) + "\">" +
         color_scale_name(o.color.scale) + "</text>\n</g>\n</svg>\n";
    return s;
}

std::string token_strip_svg(const std::vector<std::string>& labels, const MatrixRM& weights,
                            const MaskMatrix& visible, int query, const TokenStripSvgOptions& o) {
    const int n = static_cast<int>(labels.size());
    const float fs = o.font_size;
    const float pad = 16.0f;
    const float gap = fs * 0.5f;
    const float chip_h = fs * 1.8f;
    std::vector<float> x0(static_cast<std::size_t>(n)), x1(static_cast<std::size_t>(n));
    float x = pad;
    for (int i = 0; i < n; ++i) {
        x0[static_cast<std::size_t>(i)] = x;
        x += text_width(labels[static_cast<std::size_t>(i)], fs) + fs * 1.0f;
        x1[static_cast<std::size_t>(i)] = x;
        x += gap;
    }
    const float strip_w = x - gap - pad;
    const float title_h = o.title.empty() ? 0.0f : fs * 2.0f;
    const float max_arc_h = std::clamp(strip_w * 0.3f, fs * 3.0f, fs * 9.0f);
    const float chip_y = pad + title_h + max_arc_h + fs * 1.5f;
    const float bar_max = fs * 2.5f;
    const float width = std::max(x - gap, pad + text_width(o.title, fs * 1.3f)) + pad;
    const float height = chip_y + chip_h + fs * 0.4f + bar_max + fs * 1.5f + pad;

    const bool has_query = query >= 0 && query < n && weights.rows() == n && weights.cols() == n;
    std::vector<float> row(static_cast<std::size_t>(n), 0.0f);
    std::vector<bool> seen(static_cast<std::size_t>(n), false);
    float row_max = 0.0f;
    if (has_query) {
        for (int j = 0; j < n; ++j) {
            seen[static_cast<std::size_t>(j)] = visible(query, j) != 0;
            row[static_cast<std::size_t>(j)] = seen[static_cast<std::size_t>(j)] ? weights(query, j) : 0.0f;
            row_max = std::max(row_max, row[static_cast<std::size_t>(j)]);
        }
    }

    std::string s = svg_open(width, height);
    if (!o.title.empty()) {
        s += "<text x=\"" + num(pad) + "\" y=\"" + num(pad + fs * 1.2f) + "\" font-size=\"" +
             num(fs * 1.15f) + "\" font-weight=\"bold\" fill=\"" + kTextColor + "\">" + xml_escape(o.title) +
             "</text>\n";
    }
    // Arcs, weakest first so the strong ones are drawn on top.
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return row[static_cast<std::size_t>(a)] < row[static_cast<std::size_t>(b)];
    });
    std::vector<int> labelled(order.rbegin(), order.rend());
    labelled.resize(
        std::min<std::size_t>(labelled.size(), static_cast<std::size_t>(std::max(0, o.labelled_arcs))));
    s += "<g class=\"arcs\" fill=\"none\" stroke-linecap=\"round\">\n";
    std::string arc_labels;
    if (has_query) {
        const float xq = (x0[static_cast<std::size_t>(query)] + x1[static_cast<std::size_t>(query)]) * 0.5f;
        float max_span = 1.0f;
        for (int j = 0; j < n; ++j) {
            if (seen[static_cast<std::size_t>(j)]) {
                max_span = std::max(
                    max_span,
                    std::abs((x0[static_cast<std::size_t>(j)] + x1[static_cast<std::size_t>(j)]) * 0.5f -
                             xq));
            }
        }
        const float base_y = chip_y - 2.0f;
        for (int j : order) {
            const float w = row[static_cast<std::size_t>(j)];
            if (!seen[static_cast<std::size_t>(j)] || !(w >= o.min_weight)) continue;
            const float rel = row_max > 0.0f ? w / row_max : 0.0f;
            // The top of the range stays off the table's last entries: viridis' yellow is faint on white
            // paper.
            const std::string col = hex(colormap_color(o.colormap, 0.1f + 0.75f * rel));
            const float xk = (x0[static_cast<std::size_t>(j)] + x1[static_cast<std::size_t>(j)]) * 0.5f;
            const float d = std::abs(xk - xq);
            std::string path;
            float peak_y = 0.0f;
            if (j == query) {  // a token attending to itself: a small loop above its chip
                path = "M" + num(xq - fs * 0.35f) + "," + num(base_y) + " C" + num(xq - fs * 1.3f) + "," +
                       num(base_y - fs * 2.2f) + " " + num(xq + fs * 1.3f) + "," + num(base_y - fs * 2.2f) +
                       " " + num(xq + fs * 0.35f) + "," + num(base_y);
                peak_y = base_y - fs * 1.65f;
            } else {
                const float h = fs * 0.9f + (max_arc_h - fs * 0.9f) * std::min(1.0f, d / max_span);
                const float c = h * 1.333f;  // both control points at 4/3 h: the cubic peaks at h halfway
                path = "M" + num(xq) + "," + num(base_y) + " C" + num(xq) + "," + num(base_y - c) + " " +
                       num(xk) + "," + num(base_y - c) + " " + num(xk) + "," + num(base_y);
                peak_y = base_y - h;
            }
            s += "<path class=\"arc\" d=\"" + path + "\" stroke=\"" + col + "\" stroke-width=\"" +
                 num(1.0f + 6.0f * rel) + "\" stroke-opacity=\"" + num(0.35f + 0.65f * rel) + "\"><title>" +
                 xml_escape(labels[static_cast<std::size_t>(query)]) + " \u2192 " +
                 xml_escape(labels[static_cast<std::size_t>(j)]) + ": " + float_text(w) + "</title></path>\n";
            if (std::find(labelled.begin(), labelled.end(), j) != labelled.end()) {
                arc_labels += "<text x=\"" + num((xq + xk) * 0.5f) + "\" y=\"" + num(peak_y - fs * 0.3f) +
                              "\">" + weight_text(w) + "</text>\n";
            }
        }
    }
    s += "</g>\n<g class=\"arc-labels\" font-size=\"" + num(fs * 0.8f) + "\" text-anchor=\"middle\" fill=\"" +
         kTextColor + "\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n" + arc_labels +
         "</g>\n";

    s += "<g class=\"chips\" font-size=\"" + num(fs) + "\" text-anchor=\"middle\">\n";
    for (int i = 0; i < n; ++i) {
        const bool is_query = has_query && i == query;
        const bool dim = has_query && !seen[static_cast<std::size_t>(i)];
        const float cx = (x0[static_cast<std::size_t>(i)] + x1[static_cast<std::size_t>(i)]) * 0.5f;
        s += "<rect class=\"chip\" x=\"" + num(x0[static_cast<std::size_t>(i)]) + "\" y=\"" + num(chip_y) +
             "\" width=\"" + num(x1[static_cast<std::size_t>(i)] - x0[static_cast<std::size_t>(i)]) +
             "\" height=\"" + num(chip_h) + "\" rx=\"" + num(fs * 0.3f) + "\" fill=\"" +
             (is_query ? "#ffe9a8"
              : dim    ? "#f2f2f2"
                       : "#e8eef7") +
             "\" stroke=\"" + (is_query ? "#c48a00" : "#9aa7b8") + "\" stroke-width=\"" +
             (is_query ? "2" : "1") + "\"/>";
        s += "<text x=\"" + num(cx) + "\" y=\"" + num(chip_y + chip_h * 0.5f + fs * 0.35f) + "\" fill=\"" +
             (dim ? kDimColor : kTextColor) + "\">" + xml_escape(labels[static_cast<std::size_t>(i)]) +
             "</text>\n";
        if (has_query && seen[static_cast<std::size_t>(i)]) {
            const float w = row[static_cast<std::size_t>(i)];
            const float bh = bar_max * std::clamp(w, 0.0f, 1.0f);
            const float bw =
                std::min(fs * 1.2f, x1[static_cast<std::size_t>(i)] - x0[static_cast<std::size_t>(i)]);
            s += "<rect class=\"bar\" x=\"" + num(cx - bw * 0.5f) + "\" y=\"" +
                 num(chip_y + chip_h + fs * 0.4f) + "\" width=\"" + num(bw) + "\" height=\"" + num(bh) +
                 "\" fill=\"" +
                 hex(colormap_color(o.colormap, 0.1f + 0.75f * (row_max > 0.0f ? w / row_max : 0.0f))) +
                 "\"/>";
            s += "<text x=\"" + num(cx) + "\" y=\"" + num(chip_y + chip_h + fs * 0.4f + bar_max + fs * 1.0f) +
                 "\" font-size=\"" + num(fs * 0.7f) + "\" fill=\"" + kDimColor + "\">" + weight_text(w) +
                 "</text>\n";
        }
    }
    s += "</g>\n</svg>\n";
    return s;
}

}  // namespace attnviz::exports
