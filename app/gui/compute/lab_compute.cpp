#include "app/gui/compute/lab_compute.h"

#include "app/gui/compute/patterns.h"

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

namespace {

// [SECTION] temperature sweep of the focused head's query row

void update_sweep(AppState& s) {
    LabDerived& lab = s.derived.lab;
    const int q = s.selection.query;
    const int h = s.selection.focus_head;
    if (lab.sweep_version == s.derived.run_version && lab.sweep_query == q && lab.sweep_head == h) return;
    lab.sweep_version = s.derived.run_version;
    lab.sweep_query = q;
    lab.sweep_head = h;
    lab.sweep.reset();
    lab.lesson_points.reset();
    const attention::AttentionResult* r = s.derived.result();
    if (!r || q < 0 || q >= r->n_q || h < 0 || h >= static_cast<int>(r->heads.size())) return;
    // The engine's own scaled scores of the row and the mask it ran with: only T varies.
    const attention::Mask mask(s.derived.config()->mask, r->n_q, r->n_k);
    const float* row = r->heads[static_cast<std::size_t>(h)].scores.row(q).data();
    lab.sweep = lab::sweep_temperature(row, r->n_k, mask.position_range(q), nullptr,
                                       lab::log_spaced_temperatures(kSweepTMin, kSweepTMax, kSweepSteps));
    lab.lesson_points = lab::sweep_temperature(row, r->n_k, mask.position_range(q), nullptr,
                                               {kLessonTLow, 1.0, kLessonTHigh});
}

// [SECTION] the 1/sqrt(d) lesson

void update_scaling(AppState& s) {
    LabDerived& lab = s.derived.lab;
    if (lab.scaling_curve.empty())
        lab.scaling_curve = lab::scaling_curve(1024, kScalingKeys, kScalingQueries, kScalingSeed);
    const int d = s.view.temperature_lab.scaling_d;
    if (!lab.scaling_at_d || lab.scaling_at_d->d != d)
        lab.scaling_at_d = lab::scaling_stats(d, kScalingKeys, kScalingQueries, kScalingSeed);
}

// [SECTION] gallery previews

void update_gallery(AppState& s) {
    LabDerived& lab = s.derived.lab;
    if (s.view.main_view != MainView::kGallery) return;
    if (!lab.gallery.empty() && lab.gallery_version == s.derived.run_version) return;
    lab.gallery_version = s.derived.run_version;
    lab.gallery.clear();
    for (const PatternInfo& info : patterns()) {
        const PatternTarget t = pattern_target(info.id, s);
        lesson::LessonRunSettings ls = t.settings;
        ls.max_tokens = kPreviewTokens;
        ls.temperature = 1.0;  // a card shows its pattern, not the current T (at T = 18 all would be flat)
        const Expected<lesson::LessonRun> run =
            lesson::run_lesson(t.sentence.empty() ? s.sentence : t.sentence, "", ls);
        PatternPreview p;
        if (run) {
            const int head = std::clamp(t.focus_head >= 0 ? t.focus_head : s.selection.focus_head, 0,
                                        static_cast<int>(run->result.heads.size()) - 1);
            p.weights = run->result.heads[static_cast<std::size_t>(head)].weights;
            p.visible = run->result.visible;
            // Global + window: the engine has no global-token mask, so the preview overlays the local
            // head and the sink head (each cell the larger of the two weights).
            if (info.id == Pattern::kGlobalWindow && static_cast<int>(run->result.heads.size()) > kHeadSink) {
                p.weights =
                    p.weights.cwiseMax(run->result.heads[static_cast<std::size_t>(kHeadSink)].weights);
            }
        }
        lab.gallery.push_back(std::move(p));
    }
}

// [SECTION] permutation check

void update_permutation(AppState& s) {
    LabDerived& lab = s.derived.lab;
    if (lab.permutation_version == s.derived.run_version) return;
    lab.permutation_version = s.derived.run_version;
    PermutationCheck& c = lab.permutation;
    c = PermutationCheck{};
    const PermutationState& p = s.permutation;
    const attention::AttentionResult* r = s.derived.result();
    if (!p.active || !r) return;
    const std::vector<lesson::Token>& toks = s.derived.tokens.tokens;
    bool same = toks.size() == p.perm.size();
    for (std::size_t i = 0; same && i < toks.size(); ++i) {
        same = toks[i].text == p.original_tokens[static_cast<std::size_t>(p.perm[i])];
    }
    if (!same) {
        c.message = "the sentence on screen is no longer the shuffle: press Shuffle again";
        return;
    }
    // The original order, with the same settings: the second run the comparison needs.
    const Expected<lesson::LessonRun> orig = lesson::run_lesson(p.original_sentence, "", s.settings);
    if (!orig) {
        c.message = orig.error();
        return;
    }
    if (orig->result.heads.size() != r->heads.size() || orig->result.n_q != r->n_q) {
        c.message = "the original sentence tokenizes differently";
        return;
    }
    const int n = r->n_q;
    c.token_diff.assign(static_cast<std::size_t>(n), 0.0f);
    for (std::size_t h = 0; h < r->heads.size(); ++h) {
        c.original_outputs.push_back(orig->result.heads[h].output);
        for (int i = 0; i < n; ++i) {
            const float d = (r->heads[h].output.row(i) -
                             orig->result.heads[h].output.row(p.perm[static_cast<std::size_t>(i)]))
                                .cwiseAbs()
                                .maxCoeff();
            c.token_diff[static_cast<std::size_t>(i)] =
                std::max(c.token_diff[static_cast<std::size_t>(i)], d);
        }
    }
    c.max_diff = *std::max_element(c.token_diff.begin(), c.token_diff.end());
    c.valid = true;
}

}  // namespace

void update_lab(AppState& s) {
    update_sweep(s);
    update_scaling(s);
    update_gallery(s);
    update_permutation(s);
}

}  // namespace attnviz::gui
