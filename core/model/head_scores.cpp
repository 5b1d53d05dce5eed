// Head badges from attention weights (formulas in head_scores.h) and the built-in induction probe.
#include "core/model/head_scores.h"

#include "core/base/seeded_random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

namespace attnviz::model {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double weight(const ConstMapRM& w, int i, int j) {
    return static_cast<double>(w(i, j));
}

/// For each position i, the earlier positions j < i holding the same token, in order.
std::vector<std::vector<int>> earlier_occurrences(const std::vector<int>& ids) {
    std::vector<std::vector<int>> out(ids.size());
    std::unordered_map<int, std::vector<int>> seen;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::vector<int>& positions = seen[ids[i]];
        out[i] = positions;
        positions.push_back(static_cast<int>(i));
    }
    return out;
}

}  // namespace

const char* head_badge_name(HeadBadge badge) {
    switch (badge) {
        case HeadBadge::kFirstToken:
            return "sink";
        case HeadBadge::kPreviousToken:
            return "prev";
        case HeadBadge::kSelf:
            return "self";
        case HeadBadge::kInduction:
            return "induction";
        case HeadBadge::kDuplicateToken:
            return "dup";
    }
    return "?";
}

const char* head_badge_formula(HeadBadge badge) {
    switch (badge) {
        case HeadBadge::kFirstToken:
            return "First-token (sink): the mean, over query rows i >= 1, of the weight on key 0: "
                   "mean_i W[i][0].";
        case HeadBadge::kPreviousToken:
            return "Previous-token: the mean, over query rows i >= 1, of the weight on the token just "
                   "before: "
                   "mean_i W[i][i-1].";
        case HeadBadge::kSelf:
            return "Self (diagonal): the mean, over query rows i >= 1, of the weight on the query's own "
                   "token: "
                   "mean_i W[i][i].";
        case HeadBadge::kInduction:
            return "Induction (Olsson et al. 2022): at each position i whose token appeared earlier at some "
                   "j < i-1, the weight on the token that followed it, W[i][j+1] (summed over earlier "
                   "occurrences); the mean over such i. Measured on the text when it repeats, else on a "
                   "built-in probe: a random token sequence shown twice.";
        case HeadBadge::kDuplicateToken:
            return "Duplicate-token: at each position i whose token appeared earlier, the weight on those "
                   "earlier occurrences, sum_j W[i][j] over j < i with t[j] = t[i]; the mean over such i.";
    }
    return "";
}

double HeadScores::get(HeadBadge badge) const {
    switch (badge) {
        case HeadBadge::kFirstToken:
            return first_token;
        case HeadBadge::kPreviousToken:
            return previous_token;
        case HeadBadge::kSelf:
            return self;
        case HeadBadge::kInduction:
            return induction;
        case HeadBadge::kDuplicateToken:
            return duplicate_token;
    }
    return kNaN;
}

HeadScores score_head(const ConstMapRM& weights, const std::vector<int>& token_ids) {
    HeadScores s;
    const int n = static_cast<int>(token_ids.size());
    if (weights.rows() != n || weights.cols() != n || n < 2) {
        s.first_token = s.previous_token = s.self = s.induction = s.duplicate_token = kNaN;
        return s;
    }
    double sink = 0.0, prev = 0.0, self = 0.0;
    for (int i = 1; i < n; ++i) {
        sink += weight(weights, i, 0);
        prev += weight(weights, i, i - 1);
        self += weight(weights, i, i);
    }
    const double rows = static_cast<double>(n - 1);
    s.first_token = sink / rows;
    s.previous_token = prev / rows;
    s.self = self / rows;

    const std::vector<std::vector<int>> earlier = earlier_occurrences(token_ids);
    double induction = 0.0, duplicate = 0.0;
    int n_induction = 0, n_duplicate = 0;
    for (int i = 1; i < n; ++i) {
        const std::vector<int>& js = earlier[static_cast<std::size_t>(i)];
        if (js.empty()) continue;
        double dup = 0.0;
        for (int j : js) dup += weight(weights, i, j);
        duplicate += dup;
        ++n_duplicate;
        // Keys j + 1 are distinct because the js are; j = i - 1 is excluded (its successor is i itself).
        double ind = 0.0;
        bool any = false;
        for (int j : js) {
            if (j + 1 >= i) continue;
            ind += weight(weights, i, j + 1);
            any = true;
        }
        if (any) {
            induction += ind;
            ++n_induction;
        }
    }
    s.induction = n_induction > 0 ? induction / static_cast<double>(n_induction) : kNaN;
    s.duplicate_token = n_duplicate > 0 ? duplicate / static_cast<double>(n_duplicate) : kNaN;
    return s;
}

Expected<ModelHeadScores> score_heads(const ForwardResult& result) {
    ModelHeadScores out;
    out.n_layers = static_cast<int>(result.layers.size());
    const int n = static_cast<int>(result.token_ids.size());
    for (int l = 0; l < out.n_layers; ++l) {
        const Tensor3& w = result.layers[static_cast<std::size_t>(l)].weights;
        if (w.empty()) {
            return Error{"head scores: layer " + std::to_string(l) +
                         " has no attention weights; run the forward with keep_attention"};
        }
        if (w.n_rows() != n || w.n_cols() != n) {
            return Error{"head scores: layer " + std::to_string(l) + " weights are [" +
                         std::to_string(w.n_rows()) + ", " + std::to_string(w.n_cols()) + "] for " +
                         std::to_string(n) + " tokens; need the full square matrix (not a decode step)"};
        }
        if (l == 0) {
            out.n_heads = w.n_mats();
            out.scores.reserve(static_cast<std::size_t>(out.n_layers) *
                               static_cast<std::size_t>(out.n_heads));
        } else if (w.n_mats() != out.n_heads) {
            return Error{"head scores: layer " + std::to_string(l) + " has " + std::to_string(w.n_mats()) +
                         " heads, layer 0 has " + std::to_string(out.n_heads)};
        }
        for (int h = 0; h < w.n_mats(); ++h) out.scores.push_back(score_head(w.mat(h), result.token_ids));
    }
    return out;
}

std::vector<HeadRef> rank_heads(const ModelHeadScores& scores, HeadBadge badge, int limit) {
    std::vector<HeadRef> heads;
    heads.reserve(scores.scores.size());
    for (int l = 0; l < scores.n_layers; ++l) {
        for (int h = 0; h < scores.n_heads; ++h) heads.push_back(HeadRef{l, h});
    }
    std::stable_sort(heads.begin(), heads.end(), [&](const HeadRef& a, const HeadRef& b) {
        const double sa = scores.at(a.layer, a.head).get(badge);
        const double sb = scores.at(b.layer, b.head).get(badge);
        if (std::isnan(sa) || std::isnan(sb)) return !std::isnan(sa) && std::isnan(sb);
        return sa > sb;  // stable: equal scores keep (layer, head) order
    });
    if (limit >= 0 && static_cast<std::size_t>(limit) < heads.size())
        heads.resize(static_cast<std::size_t>(limit));
    return heads;
}

int count_repeated_bigrams(const std::vector<int>& token_ids) {
    const std::vector<std::vector<int>> earlier = earlier_occurrences(token_ids);
    int count = 0;
    for (std::size_t i = 0; i + 1 < token_ids.size(); ++i) {
        for (int j : earlier[i]) {
            if (token_ids[static_cast<std::size_t>(j) + 1] == token_ids[i + 1]) {
                ++count;
                break;
            }
        }
    }
    return count;
}

Expected<std::vector<int>> make_induction_probe(const InductionProbe& probe) {
    if (probe.half_length < 1) {
        return Error{"induction probe: half_length is " + std::to_string(probe.half_length) + "; need >= 1"};
    }
    const int end = probe.end_id < 0 ? probe.vocab_size : std::min(probe.end_id, probe.vocab_size);
    std::vector<int> usable;
    for (int id = std::max(probe.first_id, 0); id < end; ++id) {
        if (id == probe.bos_id) continue;
        if (std::find(probe.excluded.begin(), probe.excluded.end(), id) != probe.excluded.end()) continue;
        usable.push_back(id);
    }
    if (usable.size() < static_cast<std::size_t>(probe.half_length)) {
        return Error{"induction probe: only " + std::to_string(usable.size()) + " usable token ids in [" +
                     std::to_string(probe.first_id) + ", " + std::to_string(end) + "), need " +
                     std::to_string(probe.half_length) + " distinct ones; use a shorter probe"};
    }
    // A partial Fisher-Yates shuffle with splitmix64: the same ids on every machine.
    SeededRandom rng(probe.seed);
    const std::size_t k = static_cast<std::size_t>(probe.half_length);
    for (std::size_t i = 0; i < k; ++i) {
        const std::uint64_t range = static_cast<std::uint64_t>(usable.size() - i);
        const std::uint64_t limit =
            std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
        std::uint64_t r = rng.next();
        while (r >= limit) r = rng.next();  // rejection: exactly uniform
        std::swap(usable[i], usable[i + static_cast<std::size_t>(r % range)]);
    }
    std::vector<int> ids;
    ids.reserve(2 * k + 1);
    if (probe.bos_id >= 0) ids.push_back(probe.bos_id);
    for (int repeat = 0; repeat < 2; ++repeat)
        ids.insert(ids.end(), usable.begin(), usable.begin() + static_cast<std::ptrdiff_t>(k));
    return ids;
}

InductionProbe default_induction_probe(const ModelConfig& config) {
    InductionProbe p;
    p.vocab_size = config.vocab_size;
    p.bos_id = config.bos_token_id;
    p.end_id = config.vocab_size;
    for (int special : {config.bos_token_id, config.eos_token_id}) {
        if (special < 0 || special >= config.vocab_size) continue;
        if (special < config.vocab_size / 2) {
            p.first_id = std::max(p.first_id, special + 1);
        } else {
            p.end_id = std::min(p.end_id, special);
        }
    }
    return p;
}

Expected<ModelHeadScores> score_probe(const Checkpoint& model, const Interventions& interventions,
                                      const InductionProbe& probe) {
    Expected<std::vector<int>> ids = make_induction_probe(probe);
    if (!ids) return Error{ids.error()};
    if (static_cast<int>(ids->size()) > model.config.n_ctx) {
        return Error{"induction probe: " + std::to_string(ids->size()) + " tokens, the model's context is " +
                     std::to_string(model.config.n_ctx) + "; use a shorter probe"};
    }
    ForwardOptions options;
    options.keep_attention = true;
    options.keep_residual = false;
    Expected<ForwardResult> run = run_forward(model, *ids, interventions, options);
    if (!run) return Error{"induction probe: " + run.error()};
    Expected<ModelHeadScores> scores = score_heads(*run);
    if (!scores) return scores;
    scores->induction_from_probe = true;
    scores->probe_ids = std::move(ids.value());
    return scores;
}

Expected<ModelHeadScores> score_heads_with_probe(const Checkpoint& model, const ForwardResult& text_run,
                                                 const InductionProbe& probe) {
    Expected<ModelHeadScores> text = score_heads(text_run);
    if (!text) return text;
    if (count_repeated_bigrams(text_run.token_ids) >= kMinRepeatedBigrams) return text;

    ModelHeadScores out = std::move(text.value());
    Expected<ModelHeadScores> on_probe = score_probe(model, text_run.interventions, probe);
    if (!on_probe) {
        out.probe_error = on_probe.error();
        return out;
    }
    if (on_probe->n_layers != out.n_layers || on_probe->n_heads != out.n_heads) {
        out.probe_error = "induction probe: the model has a different shape than the text run's";
        return out;
    }
    for (std::size_t k = 0; k < out.scores.size(); ++k)
        out.scores[k].induction = on_probe->scores[k].induction;
    out.induction_from_probe = true;
    out.probe_ids = std::move(on_probe->probe_ids);
    return out;
}

}  // namespace attnviz::model
