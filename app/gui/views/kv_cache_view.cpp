// The "GQA & KV cache" view: query heads linked to the KV heads they read (regroup MHA <-> GQA <-> MQA),
// and a KV-cache calculator over real models' shapes with MHA / GQA / MQA bars (core/lab/kv_cache.h numbers,
// the same as attnviz-cli kv-cache).
#include "app/gui/app_actions.h"
#include "app/gui/model_actions.h"
#include "app/gui/panels.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"
#include "app/gui/widgets/widgets.h"
#include "core/lab/kv_cache.h"
#include "core/lab/model_presets.h"
#include "core/lesson/lesson_model.h"
#include "core/model/checkpoint.h"
#include "core/model/model_job.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace attnviz::gui {

namespace {

std::string kv_choice_label(int kv, int n_heads) {
    char buf[64];
    if (kv == n_heads) {
        std::snprintf(buf, sizeof buf, "%d KV (MHA)", kv);
    } else if (kv == 1) {
        std::snprintf(buf, sizeof buf, "1 KV (MQA)");
    } else {
        std::snprintf(buf, sizeof buf, "%d KV (GQA)", kv);
    }
    return buf;
}

/// "131072 (128K)": token counts as the lessons say them.
std::string format_tokens(std::int64_t n) {
    char buf[64];
    if (n >= (1 << 20) && n % (1 << 20) == 0) {
        std::snprintf(buf, sizeof buf, "%lldM", static_cast<long long>(n >> 20));
    } else if (n >= 1024 && n % 1024 == 0) {
        std::snprintf(buf, sizeof buf, "%lldK", static_cast<long long>(n >> 10));
    } else {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    }
    return buf;
}

// [SECTION] GQA diagram

/// The model whose heads the diagram shows: the lesson model as regrouped by the buttons, or an open
/// real model's heads as trained (its config's KV heads).
struct GqaModel {
    int n_heads = 1;
    int n_kv = 1;
    const model::ModelConfig* real = nullptr;  ///< the open model's config; null: the lesson model
    std::string real_name;
};

GqaModel gqa_model(const AppState& s) {
    GqaModel g;
    if (model_open(s) && s.model.open->model) {
        const model::ModelConfig& c = s.model.open->model->config;
        g.real = &c;
        g.n_heads = std::max(1, c.n_heads);
        g.n_kv = std::clamp(c.n_kv_heads, 1, g.n_heads);
        g.real_name = s.model.open->source;
        return g;
    }
    g.n_heads = s.settings.n_heads;
    g.n_kv = std::max(1, s.settings.n_kv_heads);
    return g;
}

/// A real model's KV cache per token and at its longest input, from its config (computed in update()):
/// "1.2 KiB per token (MHA would need 2.5 KiB) ...".
std::string real_cache_line(const AppState& s, const model::ModelConfig& c) {
    const ModelDerived& m = s.derived.model;
    if (!m.kv_cache) return m.kv_cache_error;
    const lab::KvCacheComparison& cmp = *m.kv_cache;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "KV cache from its config: 2 (K and V) \xC3\x97 %s \xC3\x97 %s \xC3\x97 %s \xC3\x97 4 "
                  "bytes (fp32) = %s per token (MHA would need %s, %s more); %s at its %d-token context.",
                  count_of(c.n_layers, "layer").c_str(), count_of(c.n_kv_heads, "KV head").c_str(),
                  count_of(c.head_dim, "dim").c_str(),
                  lab::format_bytes(static_cast<double>(cmp.bytes_per_token)).c_str(),
                  lab::format_bytes(static_cast<double>(cmp.mha_bytes_per_token)).c_str(),
                  lab::format_saving(cmp.saving).c_str(),
                  lab::format_bytes(static_cast<double>(cmp.bytes)).c_str(), std::max(1, c.n_ctx));
    return buf;
}

void draw_gqa_diagram(AppState& s, ImVec2 size) {
    ImGui::BeginChild("##gqa_diagram", size, true);
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    const GqaModel m = gqa_model(s);
    const int n_heads = m.n_heads;
    const int n_kv = m.n_kv;
    const int group = std::max(1, n_heads / n_kv);

    ImGui::TextUnformatted("Query heads share KV heads");
    ImGui::SameLine();
    if (m.real != nullptr) {
        // A real model's groups are its own: trained that way, nothing to regroup.
        ImGui::TextDisabled("\xC2\xB7 %s as trained: head h reads KV head h / %d (layer %d shown)",
                            m.real_name.c_str(), group,
                            s.derived.run && s.derived.run->real_model() ? s.derived.run->model_layer : 0);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%s, %s (%s)", count_of(n_heads, "query head").c_str(), count_of(n_kv, "KV head").c_str(),
                    lab::kv_layout_name(n_kv, n_heads));
    } else {
        ImGui::TextDisabled("\xC2\xB7 lesson model: head h reads KV head h / %d", group);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("KV heads:");
        for (int kv : kv_head_choices(n_heads)) {
            ImGui::SameLine();
            const bool chosen = kv == n_kv;
            if (chosen)
                ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button(kv_choice_label(kv, n_heads).c_str())) set_kv_heads(s, kv);
            if (chosen) ImGui::PopStyleColor();
            note_item(s.layout.widgets, "gqa_kv_button", kv);
        }
    }

    // Two rows: query heads (with their pattern) on top, the KV heads they read below, linked.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // The caption, and under GQA the note on pooled K/V (two more lines): the boxes give way to them.
    const float caption_h = ImGui::GetTextLineHeightWithSpacing() * (n_kv < n_heads ? 4.8f : 2.4f);
    const float gap = fs * 0.6f;
    const float label_h = ImGui::GetTextLineHeight();
    const float kv_h = fs * 1.7f;
    const float link_h = fs * 1.6f;
    // Above and below the query boxes: a caption line, the head names, the links, the KV row, the caption.
    const float fixed_h = label_h * 2.0f + fs * 0.9f + link_h + kv_h + caption_h;
    const float box =
        std::clamp(std::min((avail.x - gap * static_cast<float>(n_heads - 1)) / static_cast<float>(n_heads),
                            avail.y - fixed_h),
                   fs * 2.0f, fs * 9.0f);
    const float row_w = box * static_cast<float>(n_heads) + gap * static_cast<float>(n_heads - 1);
    const float x0 = origin.x + std::max(0.0f, (avail.x - row_w) * 0.5f);
    const float q_y = origin.y + label_h + fs * 0.5f;
    const float kv_y = q_y + box + label_h + fs * 0.4f + link_h;
    // The designed heads' names belong to the lesson model, not to the hand example's one head.
    const std::vector<lesson::LessonHeadInfo> infos =
        m.real == nullptr && s.derived.run && s.derived.run->kind == SourceKind::kLessonModel
            ? lesson::LessonModel::instance().heads()
            : std::vector<lesson::LessonHeadInfo>{};

    dl->AddText(
        ImVec2(origin.x, origin.y), pal.text_dim,
        "query heads (each its own Q) \xC2\xB7 frame colour = KV head \xC2\xB7 focused head: this frame");
    {
        const ImVec2 ts = ImGui::CalcTextSize(
            "query heads (each its own Q) \xC2\xB7 frame colour = KV head \xC2\xB7 focused head: this frame");
        dl->AddRect(ImVec2(origin.x + ts.x + fs * 0.4f, origin.y + 1.0f),
                    ImVec2(origin.x + ts.x + fs * 1.4f, origin.y + ts.y - 1.0f), pal.focus, 2.0f, 0, 2.5f);
    }
    for (int g = 0; g < n_kv; ++g) {
        // A KV box spans its group's query heads.
        const float gx0 = x0 + static_cast<float>(g * group) * (box + gap);
        const float gx1 = gx0 + static_cast<float>(group) * (box + gap) - gap;
        const Rect r{ImVec2(gx0, kv_y), ImVec2(gx1, kv_y + kv_h)};
        s.layout.widgets.note("gqa_kv_box", g, r);
        dl->AddRectFilled(r.min, r.max, group_color(g, 0.85f), fs * 0.3f);
        char label[48];
        std::snprintf(label, sizeof label, n_kv == 1 ? "K,V 0: shared by all %d heads" : "K,V %d",
                      n_kv == 1 ? n_heads : g);
        if (ImGui::CalcTextSize(label).x > gx1 - gx0 - fs * 0.3f) std::snprintf(label, sizeof label, "%d", g);
        const ImVec2 ts = ImGui::CalcTextSize(label);
        dl->AddText(ImVec2(0.5f * (r.min.x + r.max.x - ts.x), 0.5f * (r.min.y + r.max.y - ts.y)),
                    IM_COL32(20, 20, 20, 255), label);
    }
    for (int h = 0; h < n_heads; ++h) {
        const auto hu = static_cast<std::size_t>(h);
        const int g = h / group;
        const ImVec2 p(x0 + static_cast<float>(h) * (box + gap), q_y);
        const Rect r{p, ImVec2(p.x + box, p.y + box)};
        s.layout.widgets.note("gqa_query_box", h, r);
        ImGui::SetCursorScreenPos(p);
        ImGui::PushID(h);
        // The pooled heads' patterns: the thumbnails the heads grid uses (the gfx layer renders them).
        if (!s.quiz.hidden() && hu < s.textures.head_thumbnails.size() &&
            s.textures.head_thumbnails[hu] != nullptr) {
            ImGui::Image(s.textures.head_thumbnails[hu], ImVec2(box, box), ImVec2(0, 0), ImVec2(1, 1),
                         ImVec4(1, 1, 1, s.view.weights_alpha));
        } else {
            ImGui::Dummy(ImVec2(box, box));
        }
        if (ImGui::IsItemClicked()) focus_head(s, h);
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("query head %d (%s) reads KV head %d%s\nclick to focus it", h,
                              s.quiz.names_hidden() ? "?"
                              : hu < infos.size()   ? infos[hu].name.c_str()
                                                    : "",
                              g, group > 1 ? ", shared with its group" : "");
        }
        ImGui::PopID();
        dl->AddRect(ImVec2(r.min.x - 2, r.min.y - 2), ImVec2(r.max.x + 2, r.max.y + 2), group_color(g), 2.0f,
                    0, 3.0f);
        if (h == s.selection.focus_head) {
            dl->AddRect(ImVec2(r.min.x - 5, r.min.y - 5), ImVec2(r.max.x + 5, r.max.y + 5), pal.focus, 3.0f,
                        0, 2.5f);
        }
        const std::string label = shorten("Q" + std::to_string(h) + " " +
                                              (s.quiz.names_hidden() ? "?"
                                               : hu < infos.size()   ? infos[hu].short_name
                                                                     : ""),
                                          std::max(3, static_cast<int>(box / (fs * 0.55f))));
        dl->AddText(ImVec2(r.min.x, r.max.y + 3.0f), pal.text, label.c_str());
        // The link: from under the label to the KV box, at this head's x inside it.
        const float cx = 0.5f * (r.min.x + r.max.x);
        dl->AddLine(ImVec2(cx, r.max.y + label_h + 5.0f), ImVec2(cx, kv_y), group_color(g),
                    std::max(2.0f, fs * 0.15f));
    }

    // The caption: what the regrouping saves, from the same core function as the calculator.
    ImGui::SetCursorScreenPos(ImVec2(origin.x, kv_y + kv_h + fs * 0.6f));
    if (m.real != nullptr) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(real_cache_line(s, *m.real).c_str());
        if (n_kv < n_heads) {
            ImGui::TextColored(
                text_color(pal.success), "%s",
                "This model was trained with these shared K and V from the start: nothing is "
                "pooled here, and it loses almost nothing for it (the lesson model's regrouping "
                "pools a multi-head model's K and V, which blurs its patterns).");
        } else {
            ImGui::TextDisabled("%s",
                                "This model has one KV head per query head (MHA): no group shares K and V.");
        }
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
        return;
    }
    char caption[256];
    if (n_kv == n_heads) {
        std::snprintf(caption, sizeof caption, "MHA: %s, %s. Every head caches its own K and V.",
                      count_of(n_heads, "query head").c_str(), count_of(n_kv, "KV head").c_str());
    } else {
        std::snprintf(caption, sizeof caption,
                      "%s: %d query heads read %d KV head%s (%d share each): the cache keeps %d K and %d V "
                      "per layer instead of %d, %s smaller.",
                      lab::kv_layout_name(n_kv, n_heads), n_heads, n_kv, n_kv == 1 ? "" : "s", group, n_kv,
                      n_kv, n_heads,
                      lab::format_saving(static_cast<double>(n_heads) / static_cast<double>(n_kv)).c_str());
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(caption);
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled(
        "Heads in one group read the same K and V; their patterns differ only through their queries.");
    if (n_kv < n_heads) {
        // Both true, for different models: say which one this view shows (issue 15 §3).
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(
            text_color(pal.warning), "%s",
            "Why the patterns blur: this K and V are mean-pooled from a multi-head model, as when a "
            "trained model is converted to GQA, which loses quality until it is trained further. "
            "Models trained with GQA from the start (Llama 3, Mistral, MiniMind) lose almost nothing.");
        ImGui::PopTextWrapPos();
    }
    ImGui::EndChild();
}

// [SECTION] calculator

void draw_inputs(AppState& s) {
    const float fs = ImGui::GetFontSize();
    KvCalculatorState& k = s.kv_calc;
    const auto& presets = lab::model_presets();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Model");
    ImGui::SameLine(fs * 7.5f);
    ImGui::SetNextItemWidth(-1.0f);
    const char* current =
        k.preset >= 0 ? presets[static_cast<std::size_t>(k.preset)].title.c_str() : "custom";
    if (ImGui::BeginCombo("##kv_preset", current)) {
        for (std::size_t i = 0; i < presets.size(); ++i) {
            if (ImGui::Selectable(presets[i].title.c_str(), k.preset == static_cast<int>(i)))
                apply_kv_preset(s, static_cast<int>(i));
            note_item(s.layout.widgets, "kv_preset", static_cast<int>(i));
        }
        ImGui::EndCombo();
    }
    if (k.preset >= 0 && ImGui::IsItemHovered()) {
        ImGui::SetTooltip("source: %s", presets[static_cast<std::size_t>(k.preset)].source.c_str());
    }

    // Each field shows the calculator's value unless a person is typing in it; what they typed is
    // applied when they leave the field (KvFieldEdits).
    KvFieldEdits& edits = s.kv_field_edits;
    const std::int64_t applied[3] = {k.shape.n_layers, k.n_heads, k.shape.head_dim};
    const float field_w = fs * 6.0f;
    bool left_edited = false;
    const auto field = [&](int i, const char* label, const char* id, const char* tip) {
        if (!edits.active[i]) edits.values[i] = applied[i];
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(label);
        ImGui::SameLine(fs * 7.5f);
        ImGui::SetNextItemWidth(field_w);
        ImGui::InputScalar(id, ImGuiDataType_S64, &edits.values[i], nullptr, nullptr, "%lld");
        left_edited = left_edited || ImGui::IsItemDeactivatedAfterEdit();
        edits.active[i] = ImGui::IsItemActive();
        note_item(s.layout.widgets, "kv_field", i);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (applied on Enter, Tab or a click elsewhere)", tip);
    };
    field(0, "Layers", "##kv_layers", "layers that keep a KV cache (a hybrid's full-attention layers only)");
    field(1, "Query heads", "##kv_heads_q", "query heads per layer");
    field(2, "Head dim", "##kv_head_dim", "width of one head (d_k = d_v)");
    if (left_edited) set_kv_calc_dims(s, edits.values[0], edits.values[1], edits.values[2]);

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("KV heads");
    ImGui::SameLine(fs * 7.5f);
    ImGui::SetNextItemWidth(field_w * 1.6f);
    if (ImGui::BeginCombo(
            "##kv_calc_kv",
            kv_choice_label(static_cast<int>(k.shape.n_kv_heads), static_cast<int>(k.n_heads)).c_str())) {
        for (int kv : kv_head_choices(static_cast<int>(k.n_heads))) {
            if (ImGui::Selectable(kv_choice_label(kv, static_cast<int>(k.n_heads)).c_str(),
                                  kv == k.shape.n_kv_heads))
                set_kv_calc_kv_heads(s, kv);
        }
        ImGui::EndCombo();
    }

    // Sequence length on a log scale, 1 to 1M tokens.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Tokens");
    ImGui::SameLine(fs * 7.5f);
    float e = static_cast<float>(std::log2(static_cast<double>(k.shape.seq_len)));
    char seq_label[64];
    std::snprintf(seq_label, sizeof seq_label, "%s tokens", format_tokens(k.shape.seq_len).c_str());
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderFloat("##kv_seq", &e, 0.0f, 20.0f, seq_label)) {
        // Whole powers of two snap (the lessons' 4K, 128K, 1M); between them, three significant digits.
        const double v = std::pow(2.0, static_cast<double>(e));
        const double snapped =
            std::abs(e - std::round(e)) < 0.06f ? std::pow(2.0, std::round(static_cast<double>(e))) : v;
        set_kv_seq(s, static_cast<std::int64_t>(std::llround(snapped)));
    }
    note_item(s.layout.widgets, "kv_seq_slider");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("sequence length: tokens in the cache (log scale, up to 1M)");
    ImGui::NewLine();
    ImGui::SameLine(fs * 7.5f);
    for (std::int64_t preset_seq :
         {std::int64_t{4096}, std::int64_t{32768}, std::int64_t{131072}, std::int64_t{1} << 20}) {
        if (ImGui::SmallButton(format_tokens(preset_seq).c_str())) set_kv_seq(s, preset_seq);
        ImGui::SameLine();
    }
    ImGui::NewLine();

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Batch");
    ImGui::SameLine(fs * 7.5f);
    std::int64_t batch = k.shape.batch;
    ImGui::SetNextItemWidth(field_w);
    const std::int64_t one = 1;
    if (ImGui::InputScalar("##kv_batch", ImGuiDataType_S64, &batch, &one, nullptr, "%lld"))
        set_kv_batch(s, batch);
    ImGui::SameLine();
    ImGui::TextUnformatted("  dtype");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 4.5f);
    if (ImGui::BeginCombo("##kv_dtype", lab::kv_dtype_name(k.shape.dtype))) {
        for (lab::KvDtype d : {lab::KvDtype::kFp32, lab::KvDtype::kFp16, lab::KvDtype::kBf16,
                               lab::KvDtype::kFp8, lab::KvDtype::kInt8}) {
            if (ImGui::Selectable(lab::kv_dtype_name(d), d == k.shape.dtype)) set_kv_dtype(s, d);
        }
        ImGui::EndCombo();
    }
}

void draw_bars(AppState& s, ImVec2 size) {
    const float fs = ImGui::GetFontSize();
    const Palette& pal = palette(s.view.theme);
    const KvCalculatorState& k = s.kv_calc;
    if (!s.derived.kv_cache) {
        ImGui::TextColored(text_color(palette(s.view.theme).error), "%s", s.derived.kv_cache_error.c_str());
        return;
    }
    const lab::KvCacheComparison& c = *s.derived.kv_cache;
    ImGui::PushFont(display_font());
    if (k.shape.n_kv_heads == k.n_heads) {
        ImGui::Text("MHA: %s", lab::format_bytes(static_cast<double>(c.bytes)).c_str());
    } else {
        ImGui::Text("%s: %s smaller than MHA", lab::kv_layout_name(k.shape.n_kv_heads, k.n_heads),
                    lab::format_saving(c.saving).c_str());
    }
    ImGui::PopFont();

    struct Bar {
        std::string name;
        std::uint64_t bytes;
        std::uint64_t per_token;
        std::string note;
        ImU32 color;
    };
    char gqa_name[48];
    std::snprintf(gqa_name, sizeof gqa_name, "%s  %lld KV",
                  lab::kv_layout_name(k.shape.n_kv_heads, k.n_heads),
                  static_cast<long long>(k.shape.n_kv_heads));
    char mha_name[48];
    std::snprintf(mha_name, sizeof mha_name, "MHA  %lld KV", static_cast<long long>(k.n_heads));
    const Bar bars[] = {
        {mha_name, c.mha_bytes, c.mha_bytes_per_token, "one K,V per head", group_color(5)},
        {gqa_name, c.bytes, c.bytes_per_token,
         k.shape.n_kv_heads == k.n_heads ? "the chosen layout" : lab::format_saving(c.saving) + " smaller",
         group_color(1)},
        {"MQA  1 KV", c.mqa_bytes, c.mqa_bytes_per_token,
         lab::format_saving(static_cast<double>(k.n_heads)) + " smaller", group_color(2)},
    };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float name_w = fs * 6.5f;
    const float bar_h = fs * 1.4f;
    const float row_h = bar_h + fs * 1.35f;
    const float max_w = std::max(fs * 4.0f, size.x - name_w - fs * 5.0f);  // room for a label past the bar
    for (int i = 0; i < 3; ++i) {
        const Bar& b = bars[i];
        const float y = origin.y + static_cast<float>(i) * row_h;
        dl->AddText(ImVec2(origin.x, y + (bar_h - ImGui::GetTextLineHeight()) * 0.5f), pal.text,
                    b.name.c_str());
        const float w = std::max(2.0f, max_w * static_cast<float>(static_cast<double>(b.bytes) /
                                                                  static_cast<double>(c.mha_bytes)));
        dl->AddRectFilled(ImVec2(origin.x + name_w, y), ImVec2(origin.x + name_w + w, y + bar_h), b.color,
                          fs * 0.2f);
        const std::string text = lab::format_bytes(static_cast<double>(b.bytes));
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        const bool inside = ts.x + fs < w;
        dl->AddText(ImVec2(inside ? origin.x + name_w + fs * 0.4f : origin.x + name_w + w + fs * 0.4f,
                           y + (bar_h - ts.y) * 0.5f),
                    inside ? IM_COL32(20, 20, 20, 255) : pal.text, text.c_str());
        const std::string per =
            lab::format_bytes(static_cast<double>(b.per_token)) + " per token  \xC2\xB7  " + b.note;
        dl->AddText(ImVec2(origin.x + name_w, y + bar_h + fs * 0.1f), pal.text_dim, per.c_str());
    }
    ImGui::Dummy(ImVec2(size.x, row_h * 3.0f));

    char formula[256];
    std::snprintf(formula, sizeof formula,
                  "= 2 (K and V) \xC3\x97 %s \xC3\x97 %s \xC3\x97 %s \xC3\x97 "
                  "%lld tokens \xC3\x97 %lld batch \xC3\x97 %d bytes (%s) = %llu bytes",
                  count_of(k.shape.n_layers, "layer").c_str(),
                  count_of(k.shape.n_kv_heads, "KV head").c_str(), count_of(k.shape.head_dim, "dim").c_str(),
                  static_cast<long long>(k.shape.window > 0 ? std::min(k.shape.window, k.shape.seq_len)
                                                            : k.shape.seq_len),
                  static_cast<long long>(k.shape.batch), lab::kv_dtype_bytes(k.shape.dtype),
                  lab::kv_dtype_name(k.shape.dtype), static_cast<unsigned long long>(c.bytes));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + size.x);
    ImGui::TextDisabled("%s %s", gqa_name, formula);
    if (k.shape.window > 0 && k.shape.window < k.shape.seq_len) {
        ImGui::Text("Sliding window: the rolling cache keeps only the last %lld tokens.",
                    static_cast<long long>(k.shape.window));
    }
    if (k.preset >= 0) {
        const lab::ModelPreset& p = lab::model_presets()[static_cast<std::size_t>(k.preset)];
        if (p.n_attention_layers < p.n_layers) {
            ImGui::Text("Hybrid: only %lld of %lld layers use full attention and keep a KV cache.",
                        static_cast<long long>(p.n_attention_layers), static_cast<long long>(p.n_layers));
        }
        ImGui::TextDisabled("%s", p.note.c_str());
        ImGui::TextDisabled("source: %s", p.source.c_str());
    }
    ImGui::PopTextWrapPos();
}

}  // namespace

void draw_kv_cache_view(AppState& s) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    // Under GQA the diagram carries a two-line note on pooled K/V: its area grows by them.
    const float note_h = model_open(s) || s.settings.n_kv_heads < s.settings.n_heads
                             ? ImGui::GetTextLineHeightWithSpacing() * 2.2f
                             : 0.0f;
    const float top_h = std::clamp(avail.y * 0.47f + note_h, fs * 13.0f + note_h, fs * 22.0f + note_h);
    draw_gqa_diagram(s, ImVec2(avail.x, top_h));

    const float rest_h = std::max(50.0f, avail.y - top_h - ImGui::GetStyle().ItemSpacing.y);
    const float inputs_w = std::min(fs * 26.0f, avail.x * 0.42f);
    ImGui::BeginChild("##kv_inputs", ImVec2(inputs_w, rest_h), true);
    ImGui::TextUnformatted("KV-cache calculator");
    ImGui::Separator();
    draw_inputs(s);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##kv_bars", ImVec2(avail.x - inputs_w - ImGui::GetStyle().ItemSpacing.x, rest_h),
                      true);
    ImGui::TextUnformatted("Bytes in the cache");
    ImGui::SameLine();
    ImGui::TextDisabled("\xC2\xB7 the same numbers as attnviz-cli kv-cache");
    ImGui::Separator();
    draw_bars(s, ImGui::GetContentRegionAvail());
    ImGui::EndChild();
}

}  // namespace attnviz::gui
