// The flash-attention lesson on the real matrix: the focused head's tiles replayed one by one over its
// heatmap (done, current, skipped, not yet), the running max M and sum S of the current tile's rows,
// the distance to the reference at the end, and the memory / HBM traffic of both algorithms.
#include "app/gui/app_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lab/kv_cache.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attnviz::gui {

namespace {

std::string format_float(float v) {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(v));
    return buf;
}

void draw_controls(AppState& s, int n_steps, int n_skipped) {
    const FlashPlayback& p = s.flash;
    const Derived& d = s.derived;
    const float fs = ImGui::GetFontSize();
    int block_q = p.block_q;
    int block_k = p.block_k;
    ImGui::SetNextItemWidth(fs * 7.0f);
    bool blocks =
        ImGui::SliderInt("B_q (query rows)", &block_q, 1, std::max(1, d.result() ? d.result()->n_q : 1));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 7.0f);
    blocks |= ImGui::SliderInt("B_k (key rows)", &block_k, 1, std::max(1, d.result() ? d.result()->n_k : 1));
    if (blocks) set_flash_blocks(s, block_q, block_k);
    ImGui::SameLine();
    if (ImGui::Button("|<")) set_flash_step(s, 0);
    ImGui::SameLine();
    if (ImGui::Button("<")) set_flash_step(s, p.step - 1);
    ImGui::SameLine();
    if (ImGui::Button(p.playing ? "Pause" : "Play", ImVec2(fs * 4.0f, 0)))
        toggle_flash_playback(s, ImGui::GetTime());
    ImGui::SameLine();
    if (ImGui::Button(">")) set_flash_step(s, p.step + 1);
    ImGui::SameLine();
    if (ImGui::Button(">|")) set_flash_step(s, n_steps);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6.0f);
    // Up to 2000 tiles a second (several per frame): 512 tokens in small tiles are tens of thousands.
    float speed = p.steps_per_second;
    if (ImGui::SliderFloat("##speed", &speed, 0.5f, 2000.0f, "%.1f tiles/s", ImGuiSliderFlags_Logarithmic))
        set_flash_speed(s, speed);
    if (p.step < n_steps) {
        ImGui::Text("tile %d of %d  (%d skipped by the mask)", p.step + 1, n_steps, n_skipped);
    } else {
        ImGui::Text("done: %d tiles, %d skipped by the mask", n_steps, n_skipped);
    }
}

/// The heatmap texture with the tiles drawn over it.
void draw_tiled_heatmap(AppState& s, const attention::FlashTrace& trace, ImVec2 size) {
    const Derived& d = s.derived;
    const Palette& pal = palette(s.view.theme);
    const float fs = ImGui::GetFontSize();
    const int n_q = d.result()->n_q;
    const int n_k = d.result()->n_k;
    reset_heatmap_zoom(s);  // the playback shows the whole matrix
    const float label_w = fs * 5.0f;
    const float cell = std::max(1.0f, std::min((size.x - label_w) / static_cast<float>(n_k),
                                               (size.y - fs * 1.5f) / static_cast<float>(n_q)));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 img_min(origin.x + label_w, origin.y + fs * 1.4f);
    const ImVec2 img_size(cell * static_cast<float>(n_k), cell * static_cast<float>(n_q));
    const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
    s.layout.heatmap_pixels = ImVec2(std::round(img_size.x * fb.x), std::round(img_size.y * fb.y));
    s.layout.widgets.note("heatmap", -1,
                          Rect{img_min, ImVec2(img_min.x + img_size.x, img_min.y + img_size.y)});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddText(ImVec2(img_min.x, origin.y), pal.text_dim, "keys (columns) in blocks of B_k \xE2\x86\x92");
    ImGui::SetCursorScreenPos(img_min);
    if (s.textures.heatmap != nullptr) {
        ImGui::Image(s.textures.heatmap, img_size);
    } else {
        ImGui::Dummy(img_size);
    }
    for (int i = 0; i < n_q; ++i) {
        if (cell < fs * 0.9f && i % std::max(1, static_cast<int>(fs / cell)) != 0) continue;
        const std::string l = shorten(token_label(s, i), 8);
        const ImVec2 ts = ImGui::CalcTextSize(l.c_str());
        dl->AddText(ImVec2(img_min.x - ts.x - fs * 0.3f,
                           img_min.y + (static_cast<float>(i) + 0.5f) * cell - ts.y * 0.5f),
                    pal.text, l.c_str());
    }
    const int step = s.flash.step;
    const auto tile_rect = [&](const attention::FlashTraceStep& t) {
        return Rect{ImVec2(img_min.x + static_cast<float>(t.k_begin) * cell,
                           img_min.y + static_cast<float>(t.q_begin) * cell),
                    ImVec2(img_min.x + static_cast<float>(t.k_end) * cell,
                           img_min.y + static_cast<float>(t.q_end) * cell)};
    };
    // Tile states, drawn as runs of equal neighbours within a row of tiles: 512 tokens in 2 x 3 tiles
    // are 43,000 tiles, too many to draw one by one every frame. Outlines and crosses only when the
    // tiles are large enough to see them.
    enum class TileLook { kPlain, kSkippedDone, kSkippedLater, kLater };
    const auto look = [&](int k, const attention::FlashTraceStep& t) {
        if (t.skipped) return k < step ? TileLook::kSkippedDone : TileLook::kSkippedLater;
        return k > step ? TileLook::kLater : TileLook::kPlain;
    };
    const auto fill = [](TileLook l) -> ImU32 {
        switch (l) {
            case TileLook::kSkippedDone:
                return IM_COL32(60, 60, 60, 200);
            case TileLook::kSkippedLater:
                return IM_COL32(60, 60, 60, 120);
            case TileLook::kLater:
                return IM_COL32(15, 15, 20, 215);  // not computed yet
            case TileLook::kPlain:
                break;
        }
        return 0;
    };
    const bool big_tiles =
        std::min(static_cast<float>(trace.block_q), static_cast<float>(trace.block_k)) * cell >= 6.0f;
    const int n_steps = static_cast<int>(trace.steps.size());
    for (int k = 0; k < n_steps;) {
        const attention::FlashTraceStep& first = trace.steps[static_cast<std::size_t>(k)];
        const TileLook l = look(k, first);
        int last = k;
        while (last + 1 < n_steps &&
               trace.steps[static_cast<std::size_t>(last + 1)].q_begin == first.q_begin &&
               look(last + 1, trace.steps[static_cast<std::size_t>(last + 1)]) == l) {
            ++last;
        }
        if (l != TileLook::kPlain) {
            const Rect a = tile_rect(first);
            const Rect b = tile_rect(trace.steps[static_cast<std::size_t>(last)]);
            dl->AddRectFilled(a.min, ImVec2(b.max.x, b.max.y), fill(l));
        }
        k = last + 1;
    }
    if (big_tiles) {
        for (int k = 0; k < n_steps; ++k) {
            const attention::FlashTraceStep& t = trace.steps[static_cast<std::size_t>(k)];
            const Rect r = tile_rect(t);
            if (t.skipped && k < step) {
                dl->AddLine(r.min, r.max, pal.text_dim, 1.5f);
                dl->AddLine(ImVec2(r.min.x, r.max.y), ImVec2(r.max.x, r.min.y), pal.text_dim, 1.5f);
            }
            dl->AddRect(r.min, r.max, IM_COL32(200, 200, 200, 90), 0.0f, 0, 1.0f);
        }
    }
    if (step < static_cast<int>(trace.steps.size())) {
        const Rect r = tile_rect(trace.steps[static_cast<std::size_t>(step)]);
        dl->AddRect(ImVec2(r.min.x - 1, r.min.y - 1), ImVec2(r.max.x + 1, r.max.y + 1), pal.accent, 0.0f, 0,
                    3.0f);
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, img_min.y + img_size.y + 4.0f));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled(
        "outlined: this tile \xC2\xB7 dark: not computed yet \xC2\xB7 grey: skipped, fully masked");
    ImGui::PopTextWrapPos();
}

/// One output vector as a strip of coloured cells, the colormap spanning [lo, hi].
void draw_vector_strip(const float* v, int n, float lo, float hi, Colormap cmap, float width) {
    const float fs = ImGui::GetFontSize();
    const float cell = std::max(2.0f, std::min(fs * 0.9f, width / static_cast<float>(std::max(1, n))));
    const ImVec2 a = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int c = 0; c < n; ++c) {
        const Rgb8 col = colormap_color(cmap, (v[c] - lo) / std::max(1e-12f, hi - lo));
        const ImVec2 p(a.x + static_cast<float>(c) * cell, a.y + fs * 0.1f);
        dl->AddRectFilled(p, ImVec2(p.x + cell, p.y + fs * 0.8f), IM_COL32(col.r, col.g, col.b, 255));
    }
    ImGui::Dummy(ImVec2(cell * static_cast<float>(n), fs));
}

/// M, S and the output so far of the current tile's rows, beside the reference's final row max and
/// sum and the distance to the final output.
void draw_running_stats(AppState& s, const attention::FlashTrace& trace) {
    const Derived& d = s.derived;
    const int step = std::min(s.flash.step, static_cast<int>(trace.steps.size()) - 1);
    if (step < 0) return;
    const attention::FlashTraceStep& t = trace.steps[static_cast<std::size_t>(step)];
    const attention::HeadResult& ref = d.result()->heads[static_cast<std::size_t>(d.flash.head)];
    ImGui::Text("tile: queries %d..%d \xC3\x97 keys %d..%d%s", t.q_begin, t.q_end - 1, t.k_begin, t.k_end - 1,
                t.skipped ? "  (skipped: fully masked)" : "");
    // The output so far is coloured on the scale of the head's final outputs, so it visibly settles.
    const ConstMapRM final_out = d.flash.result->output.mat(d.flash.head);
    const int d_v = static_cast<int>(final_out.cols());
    const float lo = final_out.size() > 0 ? final_out.minCoeff() : 0.0f;
    const float hi = final_out.size() > 0 ? final_out.maxCoeff() : 1.0f;
    if (ImGui::BeginTable("##running", 5,
                          ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("query");
        ImGui::TableSetupColumn("M so far");
        ImGui::TableSetupColumn("S so far");
        ImGui::TableSetupColumn("final max");
        ImGui::TableSetupColumn("final sum");
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;  // B_q may be hundreds of rows: only the visible ones are laid out
        clipper.Begin(t.q_end - t.q_begin);
        while (clipper.Step())
            for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
                const int i = t.q_begin + r;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(shorten(token_label(s, i), 10).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(format_float(t.row_max[static_cast<std::size_t>(r)]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(format_float(t.row_sum[static_cast<std::size_t>(r)]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", format_float(ref.rows.max[static_cast<std::size_t>(i)]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", format_float(ref.rows.sum[static_cast<std::size_t>(i)]).c_str());
            }
        ImGui::EndTable();
    }
    // The rows' outputs so far, one strip of d_v cells each, and how far each still is from the final.
    const float fs = ImGui::GetFontSize();
    const float strip_w = std::max(fs * 4.0f, ImGui::GetContentRegionAvail().x - fs * 11.0f);
    if (ImGui::BeginTable("##partial", 3,
                          ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("query");
        ImGui::TableSetupColumn("output so far (d_v dims)");
        ImGui::TableSetupColumn("off by");
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(t.q_end - t.q_begin);
        while (clipper.Step())
            for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
                const int i = t.q_begin + r;
                const float* partial = t.partial_output.data() + static_cast<std::ptrdiff_t>(r) * d_v;
                float off = 0.0f;
                for (int c = 0; c < d_v; ++c) off = std::max(off, std::abs(partial[c] - final_out(i, c)));
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(shorten(token_label(s, i), 10).c_str());
                ImGui::TableNextColumn();
                draw_vector_strip(partial, d_v, lo, hi, s.view.heatmap.colormap, strip_w);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(format_float(off).c_str());
            }
        ImGui::EndTable();
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled(
        "M: the largest score seen so far in the row. S: the sum of exp((s - M) / T) over the keys "
        "seen so far. When a tile raises M, the old S and output are multiplied by exp((M_old - M_new) / T) "
        "so nothing is recomputed. The output so far is the accumulator divided by S: attention over the "
        "keys seen so far. "
        "\"off by\" is its largest difference from the final output. After the last tile of a row block, M "
        "and S "
        "equal the reference's row max and sum, and the output is final.");
    ImGui::PopTextWrapPos();
}

void draw_check(AppState& s) {
    const FlashDerived& f = s.derived.flash;
    const Palette& pal = palette(s.view.theme);
    const bool done =
        f.result && f.result->trace && s.flash.step >= static_cast<int>(f.result->trace->steps.size());
    ImGui::Separator();
    if (!done) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("At the end: the distance between the flash path and the reference.");
        ImGui::PopTextWrapPos();
        return;
    }
    char diffs[160];
    std::snprintf(diffs, sizeof diffs,
                  "max |P_flash - P_ref| = %.2g, max |O_flash - O_ref| = %.2g (all heads)",
                  static_cast<double>(f.max_weight_diff), static_cast<double>(f.max_output_diff));
    text_wrapped_whole_words(diffs);  // ImGui's wrapping broke 3.6e-07 after its '.'
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(f.max_weight_diff <= 1e-5f ? pal.accent : pal.error),
                       f.max_weight_diff <= 1e-5f ? "exact to 1e-5: the same attention, tile by tile"
                                                  : "differs by more than 1e-5");
    // The difference of the traced head, cell by cell (white = larger).
    const int n_q = static_cast<int>(f.weight_diff.rows());
    const int n_k = static_cast<int>(f.weight_diff.cols());
    if (n_q == 0 || n_q > 96 || n_k > 96) return;
    const float fs = ImGui::GetFontSize();
    const float cell =
        std::max(2.0f, std::min(fs * 0.8f, fs * 9.0f / static_cast<float>(std::max(n_q, n_k))));
    const float vmax = std::max(1e-9f, f.weight_diff.maxCoeff());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    for (int i = 0; i < n_q; ++i) {
        for (int j = 0; j < n_k; ++j) {
            const auto g = static_cast<int>(255.0f * f.weight_diff(i, j) / vmax);
            const ImVec2 a(o.x + static_cast<float>(j) * cell, o.y + static_cast<float>(i) * cell);
            dl->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell), IM_COL32(g, g, g, 255));
        }
    }
    ImGui::Dummy(ImVec2(cell * static_cast<float>(n_k), cell * static_cast<float>(n_q)));
    ImGui::SameLine();
    ImGui::TextDisabled("|P_flash - P_ref| of head %d\nblack 0, white %.1g", f.head,
                        static_cast<double>(vmax));
}

void draw_memory_and_io(AppState& s) {
    const FlashDerived& f = s.derived.flash;
    const FlashPlayback& p = s.flash;
    const float fs = ImGui::GetFontSize();
    ImGui::Separator();
    ImGui::TextUnformatted("Memory on this sentence");
    ImGui::TextWrapped(
        "reference keeps the n x n matrices: %s; flash keeps one tile per worker: %s (and, like its "
        "inputs, O(n d): K rearranged for the CPU's SIMD units, about %s)",
        lab::format_bytes(f.reference_bytes).c_str(), lab::format_bytes(f.flash_scratch_bytes).c_str(),
        lab::format_bytes(f.flash_packed_key_bytes).c_str());
    ImGui::Separator();
    ImGui::TextUnformatted("HBM traffic of one head (FlashAttention paper, Theorem 2)");
    ImGui::SetNextItemWidth(fs * 8.0f);
    int log2_tokens = p.io_log2_tokens;
    int head_dim = p.io_head_dim;
    float sram_mb = p.io_sram_mb;
    bool io = ImGui::SliderInt("##n", &log2_tokens, 7, 20, "");
    ImGui::SameLine();
    ImGui::Text("N = %d", 1 << p.io_log2_tokens);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6.0f);
    io |= ImGui::SliderInt("d", &head_dim, 16, 256);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 7.0f);
    io |= ImGui::SliderFloat("SRAM M", &sram_mb, 0.1f, 200.0f, "%.1f MB", ImGuiSliderFlags_Logarithmic);
    if (io) set_flash_io(s, log2_tokens, head_dim, sram_mb);
    const lab::IoEstimate& e = s.derived.flash_io;
    const double top = std::max(e.standard_hbm_bytes, e.flash_hbm_bytes);
    const float bar_w = std::max(fs * 4.0f, ImGui::GetContentRegionAvail().x - fs * 21.0f);
    const auto bar = [&](const char* name, double bytes, double seconds, ImU32 col) {
        ImGui::TextUnformatted(name);
        ImGui::SameLine(fs * 5.0f);
        const ImVec2 a = ImGui::GetCursorScreenPos();
        const float w = std::max(2.0f, bar_w * static_cast<float>(bytes / top));
        ImGui::GetWindowDrawList()->AddRectFilled(a, ImVec2(a.x + w, a.y + fs), col, 2.0f);
        ImGui::Dummy(ImVec2(bar_w, fs));
        ImGui::SameLine();
        ImGui::Text("%s, %.2f ms", lab::format_bytes(bytes).c_str(), seconds * 1e3);
    };
    ImGui::TextDisabled("A100: HBM 2 TB/s, SRAM 19 TB/s; times are HBM bytes / 2 TB/s");
    bar("standard", e.standard_hbm_bytes, e.standard_seconds, IM_COL32(230, 140, 60, 255));
    bar("flash", e.flash_hbm_bytes, e.flash_seconds, palette(s.view.theme).accent);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled(
        "standard: Theta(N d + N^2), it writes S and P to HBM and reads them back.  flash: Theta(N^2 d^2 / "
        "M), "
        "blocks of B_c = %d keys fit in SRAM, Q and O stream %lld times.  %.1fx less traffic.",
        e.flash_block_k, static_cast<long long>(e.flash_passes), e.standard_hbm_bytes / e.flash_hbm_bytes);
    ImGui::PopTextWrapPos();
}

}  // namespace

void draw_flash_view(AppState& s) {
    const FlashDerived& f = s.derived.flash;
    if (!f.result || !f.result->trace) {
        ImGui::TextDisabled("%s", f.status.empty() ? "computing..." : f.status.c_str());
        return;
    }
    const attention::FlashTrace& trace = *f.result->trace;
    const int n_steps = static_cast<int>(trace.steps.size());
    int n_skipped = 0;
    for (const attention::FlashTraceStep& t : trace.steps) n_skipped += t.skipped ? 1 : 0;
    ImGui::Text(
        "Flash attention, head %d (%s): the same weights, computed tile by tile without ever holding the n x "
        "n matrix.",
        f.head,
        s.derived.forward() ? s.derived.forward()->head_names[static_cast<std::size_t>(f.head)].c_str() : "");
    draw_controls(s, n_steps, n_skipped);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float left_w = avail.x * 0.48f;
    ImGui::BeginChild("##flash_left", ImVec2(left_w, avail.y), false);
    draw_tiled_heatmap(s, trace, ImVec2(left_w, ImGui::GetContentRegionAvail().y * 0.62f));
    draw_check(s);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##flash_right", ImVec2(0, avail.y), false);
    draw_running_stats(s, trace);
    draw_memory_and_io(s);
    ImGui::EndChild();
}

}  // namespace attnviz::gui
