// The list of main-area views.
#include "app/gui/views/views.h"

#include "app/gui/panels.h"

namespace attnviz::gui {

const std::vector<ViewInfo>& views() {
    static const std::vector<ViewInfo> kViews = {
        {MainView::kAttention, "attention", "Attention", draw_attention_view, true, false, true},
        {MainView::kModel, "model", "Layers \xC3\x97 heads", draw_model_view, false, false, false},
        {MainView::kPipeline, "pipeline", "Pipeline", draw_pipeline_view, false, false, false},
        {MainView::kTemperature, "temperature", "Temperature", draw_temperature_view, false, false, false},
        {MainView::kGallery, "gallery", "Patterns", draw_gallery_view, false, true, false},
        {MainView::kPermutation, "permutation", "Permutation", draw_permutation_view, false, true, false},
        {MainView::kKvCache, "kv-cache", "GQA & KV cache", draw_kv_cache_view, true, false, true},
        {MainView::kFlash, "flash", "Flash attention", draw_flash_view, false, false, false},
        {MainView::kCross, "cross", "Cross-attention", draw_cross_view, false, true, false},
        {MainView::kQuiz, "quiz", "Quiz", draw_quiz_view, true, true, false},
        {MainView::kCompare, "compare", "Compare", draw_compare_view, false, false, false},
    };
    return kViews;
}

std::optional<MainView> find_view(std::string_view name) {
    for (const ViewInfo& v : views()) {
        if (name == v.name) return v.id;
    }
    return std::nullopt;
}

const ViewInfo& view_info(MainView id) {
    for (const ViewInfo& v : views()) {
        if (v.id == id) return v;
    }
    return views().front();
}

std::string view_names() {
    std::string out;
    for (const ViewInfo& v : views()) out += (out.empty() ? "" : ", ") + std::string(v.name);
    return out;
}

}  // namespace attnviz::gui
