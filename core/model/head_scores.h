// Head badges: one number per head saying how much it behaves like a known kind of head (attention sink,
// previous-token, self, induction, duplicate-token), computed from its attention weights and the token ids.
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/model/checkpoint.h"
#include "core/model/forward.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::model {

/// The badges. Every score is a mean of attention mass, so it lies in [0, 1] (1 = the head puts all of
/// its weight where the badge says), or is NaN when the text gives no position to measure it on.
/// W is one head's weights [n, n] (rows = queries i, columns = keys j), t the token ids [n]:
///
///   first-token (sink)  = mean over i in [1, n) of W[i][0]
///   previous-token      = mean over i in [1, n) of W[i][i-1]
///   diagonal / self     = mean over i in [1, n) of W[i][i]
///                         (row 0 is left out of every score above: under the causal mask it can only
///                          look at itself, so it says nothing about the head)
///   induction           = mean over the positions i that have an earlier occurrence of their token
///                         (some j < i - 1 with t[j] == t[i]) of the weight on the tokens that followed
///                         those occurrences: sum of W[i][j+1] over the distinct keys j+1, j < i - 1,
///                         t[j] == t[i] (Olsson et al. 2022, "In-context learning and induction heads").
///                         j = i - 1 is left out: the token after it is i itself, which is "self".
///   duplicate-token     = mean over the positions i that have an earlier occurrence of their token
///                         (some j < i with t[j] == t[i]) of sum of W[i][j] over those occurrences j.
///
/// Induction needs a text that repeats; on a text that does not, score_heads_with_probe measures it on a
/// built-in probe instead (see make_induction_probe).
enum class HeadBadge { kFirstToken, kPreviousToken, kSelf, kInduction, kDuplicateToken };
constexpr int kNumHeadBadges = 5;

/// Short name for thumbnails and sort menus: "sink", "prev", "self", "induction", "dup".
const char* head_badge_name(HeadBadge badge);
/// One-sentence formula for the help, in words and symbols (the formulas above).
const char* head_badge_formula(HeadBadge badge);

/// The five scores of one head; NaN where undefined (n < 2, or no repeated token for the last two).
struct HeadScores {
    double first_token = 0.0;
    double previous_token = 0.0;
    double self = 0.0;
    double induction = 0.0;
    double duplicate_token = 0.0;
    double get(HeadBadge badge) const;
};

/// Scores of one head. weights: [n, n] (rows = queries, columns = keys); token_ids: [n].
/// Precondition: weights is square with token_ids.size() rows (a mismatch gives all-NaN scores).
HeadScores score_head(const ConstMapRM& weights, const std::vector<int>& token_ids);

/// The scores of every head of a model, row-major by layer: index layer * n_heads + head.
struct ModelHeadScores {
    int n_layers = 0;
    int n_heads = 0;
    std::vector<HeadScores> scores;  ///< [n_layers * n_heads]
    /// True when the induction scores come from the built-in probe rather than the text.
    bool induction_from_probe = false;
    /// The probe's token ids when it was used (empty otherwise), so the help can show it.
    std::vector<int> probe_ids;
    /// Why the probe could not be used (too long for the context, ...), empty otherwise; the induction
    /// scores are then the text's own (NaN when it has no repeated token).
    std::string probe_error;

    const HeadScores& at(int layer, int head) const {
        return scores[static_cast<std::size_t>(layer) * static_cast<std::size_t>(n_heads) +
                      static_cast<std::size_t>(head)];
    }
};

/// Every badge of every head, from the run's own weights and tokens. Needs the attention weights
/// (ForwardOptions::keep_attention); an error names the first layer without them.
Expected<ModelHeadScores> score_heads(const ForwardResult& result);

/// Heads sorted by one badge, highest first; NaN scores last; ties by (layer, head). limit < 0: all.
std::vector<HeadRef> rank_heads(const ModelHeadScores& scores, HeadBadge badge, int limit = -1);

/// The number of positions i (i + 1 < n) whose next token repeats what followed an earlier occurrence of
/// t[i] (some j < i with t[j] == t[i] and t[j+1] == t[i+1]): how much of the text is a copied span, where
/// an induction head has something to do.
int count_repeated_bigrams(const std::vector<int>& token_ids);

/// A text "repeats" for the induction badge when it has at least this many repeated bigrams; below it
/// score_heads_with_probe uses the probe.
constexpr int kMinRepeatedBigrams = 4;

/// The built-in induction probe: [bos] + r + r, r a sequence of `half_length` distinct ids drawn uniformly
/// from [first_id, end_id) without bos and the `excluded` ids, from a fixed generator seeded with `seed`
/// (the same ids on every machine). bos < 0: no BOS. Errors when the range holds fewer than half_length
/// usable ids.
struct InductionProbe {
    int vocab_size = 0;
    int bos_id = -1;
    int first_id = 0;
    int end_id = -1;            ///< exclusive; -1: vocab_size
    std::vector<int> excluded;  ///< e.g. eos and other special ids
    int half_length = 20;
    std::uint32_t seed = 2022;
};
Expected<std::vector<int>> make_induction_probe(const InductionProbe& probe);

/// The probe a model gets by default: BOS from the config (when any), 20 + 20 tokens, ids kept clear of
/// the special tokens, which sit at one end of the vocabulary: a BOS / EOS id in the lower half moves
/// first_id above it (Llama 2, stories260K: <unk> <s> </s> = 0 1 2), one in the upper half moves end_id
/// down to it (GPT-2's 50256, Qwen's 151643 and the never-trained padding ids after it, Llama 3's 128000).
/// The probe's tokens in these ranges are ordinary text tokens.
InductionProbe default_induction_probe(const ModelConfig& config);

/// Every badge of every head on the probe itself (run through `model` with `interventions`), with
/// induction_from_probe set and probe_ids filled: what the GUI can cache per model and interventions.
/// Errors: the probe does not fit (too few ids, longer than n_ctx), a forward error.
Expected<ModelHeadScores> score_probe(const Checkpoint& model, const Interventions& interventions,
                                      const InductionProbe& probe);

/// score_heads on the text run, with the induction scores taken from the probe (run through `model` with
/// the text run's interventions) when the text has fewer than kMinRepeatedBigrams repeated bigrams.
/// Errors: missing weights. A probe that cannot run (longer than n_ctx, too few ids, a forward error)
/// is not an error: the other badges are still right, and probe_error says what happened.
Expected<ModelHeadScores> score_heads_with_probe(const Checkpoint& model, const ForwardResult& text_run,
                                                 const InductionProbe& probe);

}  // namespace attnviz::model
