#include "app/gui/compute/patterns.h"

#include "core/lesson/lesson_model.h"

#include <algorithm>

namespace attnviz::gui {

const std::vector<PatternInfo>& patterns() {
    static const std::vector<PatternInfo> kPatterns = {
        {Pattern::kCausal, "Causal", "Each token sees itself and the tokens before it, never the future.",
         "Every GPT-style decoder (GPT, Llama, Mistral) when it generates text."},
        {Pattern::kSlidingWindow, "Sliding window (W = 3)",
         "Each token sees only the last W tokens: cost grows like n W, not n^2.",
         "Mistral 7B (W = 4096), Gemma 2 local layers, Longformer's local part."},
        {Pattern::kGlobalWindow, "Global + window",
         "A few global tokens seen by all, plus a local window (Longformer, BigBird).",
         "Approximation: the engine has no global-token mask; shown as the local head plus the sink head "
         "(token 0 acts global)."},
        {Pattern::kSink, "Attention sink", "Heads park weight they do not need on the first token.",
         "StreamingLLM (Xiao et al. 2023) keeps these sink tokens in its KV cache."},
        {Pattern::kPreviousToken, "Previous token",
         "Each token looks at the one just before it: position only.",
         "Found in trained GPT-2 heads; the first half of an induction circuit."},
        {Pattern::kInduction, "Induction (A B ... A -> B)",
         "The repeated token looks at what followed it last time: copying from context.",
         "Olsson et al. 2022: the mechanism behind in-context learning."},
        {Pattern::kBidirectional, "Bidirectional", "No mask: every token sees every token, both directions.",
         "BERT and other encoders; the encoder side of translation models."},
    };
    return kPatterns;
}

PatternTarget pattern_target(Pattern p, const AppState& s) {
    PatternTarget t;
    t.settings = s.settings;
    lesson::LessonRunSettings& e = t.settings;
    // Head-specific cards want the designed head itself, not a pooled group: all heads, MHA.
    const auto want_head = [&](int head) {
        e.n_heads = std::max(e.n_heads, std::min(lesson::LessonModel::instance().max_heads(), head + 1));
        e.n_kv_heads = e.n_heads;
        t.focus_head = head;
    };
    switch (p) {
        case Pattern::kCausal:
            e.causal = true;
            e.window = 0;
            break;
        case Pattern::kSlidingWindow:
            e.causal = true;
            e.window = kGalleryWindow;
            want_head(kHeadLocal);
            break;
        case Pattern::kGlobalWindow:
            e.causal = true;
            e.window = 0;
            want_head(kHeadLocal);
            break;
        case Pattern::kSink:
            e.causal = true;
            e.window = 0;
            want_head(kHeadSink);
            break;
        case Pattern::kPreviousToken:
            e.causal = true;
            e.window = 0;
            want_head(kHeadPrevious);
            break;
        case Pattern::kInduction:
            e.causal = true;
            e.window = 0;
            e.use_positions = true;  // the previous-token information induction reads needs order
            want_head(kHeadInduction);
            t.sentence = kInductionSentence;
            t.query_last = true;
            break;
        case Pattern::kBidirectional:
            e.causal = false;
            e.window = 0;
            break;
    }
    return t;
}

}  // namespace attnviz::gui
