// Shared drawing helpers for panels.
#include "app/gui/widgets/widgets.h"

#include "app/gui/style/theme.h"
#include "core/io/utf8.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace attnviz::gui {

bool begin_fixed_window(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    // The fixed windows tile the screen, and the frame is cleared to their background colour: skipping
    // their background saves a full-screen fill per frame (the software renderer is fill-bound).
    return ImGui::Begin(name, nullptr,
                        ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                            ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                            ImGuiWindowFlags_NoBackground | extra);
}

void add_text_vertical(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* text) {
    // Draw the text normally, then rotate its new vertices by -90 degrees around pos.
    const int first = dl->VtxBuffer.Size;
    dl->AddText(pos, col, text);
    for (int i = first; i < dl->VtxBuffer.Size; ++i) {
        ImDrawVert& v = dl->VtxBuffer[i];
        const float dx = v.pos.x - pos.x;
        const float dy = v.pos.y - pos.y;
        v.pos = ImVec2(pos.x + dy, pos.y - dx);
    }
}

void draw_legend(ImDrawList* dl, ImVec2 pos, ImVec2 size, Colormap cmap, const ScaleRange& range,
                 ColorScale scale, Theme theme) {
    const Palette& pal = palette(theme);
    const float fs = ImGui::GetFontSize();
    const float bar_w = std::min(size.x * 0.35f, fs * 1.2f);
    // Short (large text beside a small matrix): the bar keeps the height, the swatches give way.
    // Large text (a narrow legend): the swatches only where their labels fit beside them, the scale's
    // name upright beside the bar.
    const bool large = fs > 20.0f;
    const bool swatches =
        size.y - fs * 5.5f >= fs * 4.0f && (!large || ImGui::CalcTextSize("masked").x + fs * 1.2f <= size.x);
    const float bar_h = std::max(10.0f, size.y - (swatches ? fs * 5.5f : fs * 1.2f));
    const ImVec2 bar_min(pos.x, pos.y + fs * 0.6f);
    const auto& table = colormap_table(cmap);
    constexpr int kSteps = 64;
    for (int i = 0; i < kSteps; ++i) {
        // top = highest value
        const float t0 = 1.0f - static_cast<float>(i) / kSteps;
        const Rgb8 c = table[static_cast<std::size_t>(colormap_index(t0))];
        const float y0 = bar_min.y + bar_h * static_cast<float>(i) / kSteps;
        const float y1 = bar_min.y + bar_h * static_cast<float>(i + 1) / kSteps;
        dl->AddRectFilled(ImVec2(bar_min.x, y0), ImVec2(bar_min.x + bar_w, y1 + 1.0f),
                          IM_COL32(c.r, c.g, c.b, 255));
    }
    dl->AddRect(bar_min, ImVec2(bar_min.x + bar_w, bar_min.y + bar_h), pal.chip_border);
    char hi[32], lo[32];
    if (scale == ColorScale::kRank) {
        std::snprintf(hi, sizeof hi, "top");
        std::snprintf(lo, sizeof lo, "bottom");
    } else {
        std::snprintf(hi, sizeof hi, "%.3g", static_cast<double>(range.vmax));
        std::snprintf(lo, sizeof lo, "%.3g", static_cast<double>(range.vmin));
    }
    const float tx = bar_min.x + bar_w + fs * 0.3f;
    dl->AddText(ImVec2(tx, bar_min.y - fs * 0.5f), pal.text, hi);
    dl->AddText(ImVec2(tx, bar_min.y + bar_h - fs * 0.5f), pal.text, lo);
    const char* name = color_scale_name(scale);
    const float name_w = ImGui::CalcTextSize(name).x;
    if ((!large || name_w <= pos.x + size.x - tx) && bar_h >= fs * 3.0f) {
        dl->AddText(ImVec2(tx, bar_min.y + bar_h * 0.5f - fs * 0.5f), pal.text_dim, name);
    } else if (large && bar_h >= name_w + fs * 2.5f) {
        // A narrow legend (large text): the scale's name reads upwards beside the bar. Unclipped: drawn
        // lying before it is turned, it would be cut where it lay past the panel's edge.
        dl->PushClipRectFullScreen();
        add_text_vertical(dl, ImVec2(tx, bar_min.y + (bar_h + name_w) * 0.5f), pal.text_dim, name);
        dl->PopClipRect();
    }
    if (!swatches) return;

    // swatches below the bar
    float y = bar_min.y + bar_h + fs * 0.8f;
    const float sw = fs * 0.9f;
    const ImVec2 m0(pos.x, y);
    dl->AddRectFilled(m0, ImVec2(m0.x + sw, m0.y + sw), pal.masked_cell);
    for (float k = 0; k < sw * 2; k += 4.0f) {
        dl->AddLine(ImVec2(m0.x + std::max(0.0f, k - sw), m0.y + std::min(sw, k)),
                    ImVec2(m0.x + std::min(sw, k), m0.y + std::max(0.0f, k - sw)), pal.text_dim);
    }
    dl->AddText(ImVec2(m0.x + sw + fs * 0.3f, y - fs * 0.1f), pal.text_dim, "masked");
    y += fs * 1.4f;
    dl->AddRectFilled(ImVec2(pos.x, y), ImVec2(pos.x + sw, y + sw), pal.empty_row);
    dl->AddText(ImVec2(pos.x + sw + fs * 0.3f, y - fs * 0.1f), pal.text_dim, "no key");
}

std::string token_label(const AppState& s, int index) {
    if (s.derived.run) return s.derived.run->query_label(index);
    const auto& toks = s.derived.tokens.tokens;  // no run (an engine error): the sentence's own chips
    if (index < 0 || index >= static_cast<int>(toks.size())) return "?";
    return lesson::token_display_label(toks[static_cast<std::size_t>(index)].text);
}

bool is_cross(const AppState& s) {
    return s.derived.run && s.derived.run->cross();
}

std::string key_label(const AppState& s, int index) {
    return s.derived.run ? s.derived.run->key_label(index) : "?";
}

std::string code_point_line(std::string_view text) {
    constexpr std::size_t kMaxListed = 16;
    const std::u32string cps = io::decode_utf8(text);
    if (std::none_of(cps.begin(), cps.end(), [](char32_t cp) { return cp >= 0x80; })) return {};
    std::string line = "code points:";
    bool astral = false;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const char32_t cp = cps[i];
        astral = astral || cp > 0xFFFF;
        if (i == kMaxListed) {
            line += " ... " + std::to_string(cps.size()) + " in all";
            continue;
        }
        if (i > kMaxListed) continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, " U+%04X", static_cast<unsigned>(cp));
        line += buf;
        if (cp == 0x200D) line += " (ZWJ)";
        if (cp == 0x200C) line += " (ZWNJ)";
        if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF))
            line += " (variation selector)";
        if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
            (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
            (cp >= 0xFE20 && cp <= 0xFE2F))
            line += " (combining)";
    }
    if (astral) line += "; those above U+FFFF are drawn as \xEF\xBF\xBD (this ImGui has 16-bit characters)";
    return line;
}

std::string shorten(const std::string& text, int max_chars) {
    int count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (count == max_chars) return text.substr(0, i) + "\xE2\x80\xA6";
            ++count;
        }
    }
    return text;
}

std::string elide_to_width(const std::string& text, float max_width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= max_width) return text;
    int n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    std::string out = shorten(text, 1);
    for (int k = n - 1; k > 1; --k) {
        std::string t = shorten(text, k);
        if (ImGui::CalcTextSize(t.c_str()).x <= max_width) return t;
    }
    return out;
}

std::vector<int> labelled_rows(int first, int end, int step, int keep) {
    std::vector<int> rows;
    step = std::max(1, step);
    for (int i = std::max(0, first); i < end; ++i) {
        const bool is_keep = i == keep;
        if (!is_keep && (i % step != 0 || (keep >= first && keep < end && std::abs(i - keep) < step)))
            continue;
        rows.push_back(i);
    }
    return rows;
}

std::vector<std::string> wrap_at_spaces(const std::string& text, float max_width,
                                        float (*width_of)(const std::string&)) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t space = text.find(' ', i);
        const std::string word = text.substr(i, space == std::string::npos ? std::string::npos : space - i);
        i = space == std::string::npos ? text.size() : space + 1;
        const std::string joined = line.empty() ? word : line + " " + word;
        if (!line.empty() && width_of(joined) > max_width) {
            lines.push_back(line);
            line = word;
        } else {
            line = joined;
        }
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

void text_wrapped_whole_words(const std::string& text) {
    const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize());
    for (const std::string& line :
         wrap_at_spaces(text, width, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; }))
        ImGui::TextUnformatted(line.c_str());
}

std::string format_weight(float w) {
    char buf[16];
    if (w > 0.0f && w < 0.005f) return "<0.01";
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(w));
    return buf;
}

namespace {

float chip_width(const std::string& label, float fs) {
    return std::max(fs * 1.5f, ImGui::CalcTextSize(label.c_str()).x + 0.9f * fs);
}

}  // namespace

float chip_row_width(const std::vector<std::string>& labels) {
    const float fs = ImGui::GetFontSize();
    float total = 0.0f;
    for (std::size_t i = 0; i < labels.size(); ++i)
        total += chip_width(labels[i], fs) + (i ? 0.35f * fs : 0.0f);
    return total;
}

std::vector<Rect> chip_row(const std::vector<std::string>& labels, float x_min, float width, float y) {
    const float fs = ImGui::GetFontSize();
    std::vector<Rect> rects;
    rects.reserve(labels.size());
    float x = x_min + std::max(0.0f, (width - chip_row_width(labels)) * 0.5f);
    for (const std::string& label : labels) {
        const float w = chip_width(label, fs);
        rects.push_back(Rect{ImVec2(x, y), ImVec2(x + w, y + fs * 1.7f)});
        x += w + 0.35f * fs;
    }
    return rects;
}

std::vector<Rect> chip_column(const std::vector<std::string>& labels, float x, float y, float max_width,
                              float pitch) {
    const float fs = ImGui::GetFontSize();
    float w = 0.0f;
    for (const std::string& label : labels) w = std::max(w, chip_width(label, fs));
    w = std::min(w, max_width);
    std::vector<Rect> rects;
    rects.reserve(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        rects.push_back(Rect{ImVec2(x, y), ImVec2(x + w, y + fs * 1.7f)});
        y += pitch;
    }
    return rects;
}

void draw_chip(ImDrawList* dl, const Rect& r, const std::string& label, ImU32 bg, ImU32 border, ImU32 text,
               float border_thickness) {
    const float fs = ImGui::GetFontSize();
    dl->AddRectFilled(r.min, r.max, bg, fs * 0.3f);
    dl->AddRect(r.min, r.max, border, fs * 0.3f, 0, border_thickness);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(0.5f * (r.min.x + r.max.x - ts.x), 0.5f * (r.min.y + r.max.y - ts.y)), text,
                label.c_str());
}

std::string count_of(long long n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace attnviz::gui
