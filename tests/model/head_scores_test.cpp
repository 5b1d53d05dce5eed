// Head badges: every formula on small matrices worked by hand, the induction probe's shape and
// determinism, ranking, and the badges of the real stories260K (sink heads, probe induction).
#include "core/model/head_scores.h"

#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace {

using attnviz::ConstMapRM;
using attnviz::MatrixRM;
using attnviz::Tensor3;
using namespace attnviz::model;

MatrixRM matrix(int n, std::initializer_list<float> values) {
    MatrixRM m(n, n);
    int k = 0;
    for (float v : values) {
        m(k / n, k % n) = v;
        ++k;
    }
    EXPECT_EQ(k, n * n);
    return m;
}

HeadScores score(const MatrixRM& m, const std::vector<int>& ids) {
    return score_head(ConstMapRM(m.data(), m.rows(), m.cols()), ids);
}

TEST(HeadScores, ThreeTokensByHand) {
    // tokens 5 7 5: position 2 repeats position 0.
    const MatrixRM w = matrix(3, {1.0f, 0.0f, 0.0f,  //
                                  0.6f, 0.4f, 0.0f,  //
                                  0.2f, 0.3f, 0.5f});
    const HeadScores s = score(w, {5, 7, 5});
    EXPECT_NEAR(s.first_token, (0.6 + 0.2) / 2, 1e-7);
    EXPECT_NEAR(s.previous_token, (0.6 + 0.3) / 2, 1e-7);
    EXPECT_NEAR(s.self, (0.4 + 0.5) / 2, 1e-7);
    EXPECT_NEAR(s.duplicate_token, 0.2, 1e-7);  // W[2][0]
    EXPECT_NEAR(s.induction, 0.3, 1e-7);        // W[2][1]: the token after the earlier 5
}

TEST(HeadScores, RepeatedPairByHand) {
    // BOS a b a b: position 3 (a) looks at 2 (the b after the first a), position 4 (b) at 3.
    const MatrixRM w = matrix(5, {1.0f,  0.0f,  0.0f, 0.0f, 0.0f,  //
                                  0.5f,  0.5f,  0.0f, 0.0f, 0.0f,  //
                                  0.1f,  0.2f,  0.7f, 0.0f, 0.0f,  //
                                  0.1f,  0.1f,  0.6f, 0.2f, 0.0f,  //
                                  0.05f, 0.05f, 0.1f, 0.7f, 0.1f});
    const HeadScores s = score(w, {1, 8, 9, 8, 9});
    EXPECT_NEAR(s.first_token, 0.75 / 4, 1e-7);
    EXPECT_NEAR(s.previous_token, 2.0 / 4, 1e-7);
    EXPECT_NEAR(s.self, 1.5 / 4, 1e-7);
    EXPECT_NEAR(s.induction, (0.6 + 0.7) / 2, 1e-7);
    EXPECT_NEAR(s.duplicate_token, (0.1 + 0.1) / 2, 1e-7);
    EXPECT_DOUBLE_EQ(s.get(HeadBadge::kInduction), s.induction);
    EXPECT_DOUBLE_EQ(s.get(HeadBadge::kFirstToken), s.first_token);
}

TEST(HeadScores, SeveralEarlierOccurrencesAndTheSelfExclusion) {
    // 4 4 4: row 1's only successor key would be itself (excluded from induction); row 2 sums over
    // both earlier occurrences for duplicate, and over key 1 only for induction (key 2 is itself).
    const MatrixRM w = matrix(3, {1.0f, 0.0f, 0.0f,  //
                                  0.3f, 0.7f, 0.0f,  //
                                  0.2f, 0.5f, 0.3f});
    const HeadScores s = score(w, {4, 4, 4});
    EXPECT_NEAR(s.duplicate_token, (0.3 + (0.2 + 0.5)) / 2, 1e-7);
    EXPECT_NEAR(s.induction, 0.5, 1e-7);
    EXPECT_NEAR(s.first_token, 0.25, 1e-7);
    EXPECT_NEAR(s.previous_token, 0.4, 1e-7);
    EXPECT_NEAR(s.self, 0.5, 1e-7);
}

TEST(HeadScores, UndefinedScoresAreNaN) {
    const MatrixRM w = matrix(3, {1.0f, 0.0f, 0.0f, 0.5f, 0.5f, 0.0f, 0.2f, 0.3f, 0.5f});
    const HeadScores distinct = score(w, {1, 2, 3});
    EXPECT_TRUE(std::isnan(distinct.induction));
    EXPECT_TRUE(std::isnan(distinct.duplicate_token));
    EXPECT_FALSE(std::isnan(distinct.first_token));

    const MatrixRM one = matrix(1, {1.0f});
    const HeadScores single = score(one, {1});
    EXPECT_TRUE(std::isnan(single.first_token));
    EXPECT_TRUE(std::isnan(single.previous_token));
    EXPECT_TRUE(std::isnan(single.self));

    const HeadScores mismatch = score(w, {1, 2});
    EXPECT_TRUE(std::isnan(mismatch.first_token));
}

TEST(HeadScores, NamesAndFormulasExistForEveryBadge) {
    std::set<std::string> names;
    for (int b = 0; b < kNumHeadBadges; ++b) {
        const auto badge = static_cast<HeadBadge>(b);
        names.insert(head_badge_name(badge));
        EXPECT_GT(std::string(head_badge_formula(badge)).size(), 20u);
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(kNumHeadBadges));
}

ForwardResult result_with_heads(const std::vector<int>& ids,
                                const std::vector<std::vector<MatrixRM>>& layers) {
    ForwardResult r;
    r.token_ids = ids;
    for (const auto& heads : layers) {
        LayerAttention la;
        const int n = static_cast<int>(ids.size());
        la.weights = Tensor3(static_cast<int>(heads.size()), n, n);
        for (std::size_t h = 0; h < heads.size(); ++h) la.weights.mat(static_cast<int>(h)) = heads[h];
        r.layers.push_back(std::move(la));
    }
    return r;
}

TEST(HeadScores, ScoreHeadsIndexesByLayerAndHead) {
    const MatrixRM sink = matrix(3, {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f});
    const MatrixRM diag = matrix(3, {1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f});
    const ForwardResult r = result_with_heads({1, 2, 3}, {{diag, sink}, {sink, diag}});
    const auto s = score_heads(r);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(s->n_layers, 2);
    EXPECT_EQ(s->n_heads, 2);
    EXPECT_DOUBLE_EQ(s->at(0, 0).self, 1.0);
    EXPECT_DOUBLE_EQ(s->at(0, 1).first_token, 1.0);
    EXPECT_DOUBLE_EQ(s->at(1, 0).first_token, 1.0);
    EXPECT_DOUBLE_EQ(s->at(1, 1).first_token, 0.0);
    EXPECT_FALSE(s->induction_from_probe);
}

TEST(HeadScores, ScoreHeadsNeedsTheWeights) {
    ForwardResult r = result_with_heads({1, 2, 3}, {{matrix(3, {1, 0, 0, 1, 0, 0, 1, 0, 0})}});
    r.layers.emplace_back();  // layer 1 without weights (flash path)
    const auto s = score_heads(r);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().find("layer 1"), std::string::npos) << s.error();
    EXPECT_NE(s.error().find("keep_attention"), std::string::npos) << s.error();
}

TEST(HeadScores, RankPutsHighestFirstNaNLastTiesInOrder) {
    ModelHeadScores m;
    m.n_layers = 2;
    m.n_heads = 2;
    m.scores.resize(4);
    m.scores[0].first_token = 0.2;
    m.scores[1].first_token = std::nan("");
    m.scores[2].first_token = 0.9;
    m.scores[3].first_token = 0.2;
    const std::vector<HeadRef> all = rank_heads(m, HeadBadge::kFirstToken);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].layer, 1);
    EXPECT_EQ(all[0].head, 0);
    EXPECT_EQ(all[1].layer, 0);  // tie 0.2: (0, 0) before (1, 1)
    EXPECT_EQ(all[1].head, 0);
    EXPECT_EQ(all[2].layer, 1);
    EXPECT_EQ(all[2].head, 1);
    EXPECT_EQ(all[3].layer, 0);  // NaN last
    EXPECT_EQ(all[3].head, 1);
    EXPECT_EQ(rank_heads(m, HeadBadge::kFirstToken, 2).size(), 2u);
    EXPECT_EQ(rank_heads(m, HeadBadge::kFirstToken, 0).size(), 0u);
}

TEST(HeadScores, RepeatedBigramsCountCopiedSpans) {
    EXPECT_EQ(count_repeated_bigrams({1, 8, 9, 8, 9}), 1);
    EXPECT_EQ(count_repeated_bigrams({1, 5, 6, 7, 5, 6, 7}), 2);
    EXPECT_EQ(count_repeated_bigrams({1, 2, 3, 4}), 0);
    EXPECT_EQ(count_repeated_bigrams({}), 0);
    EXPECT_EQ(count_repeated_bigrams({3, 4, 3, 5}), 0);  // 3 repeats, its successor does not
}

TEST(HeadScores, ProbeIsBosThenTheSameDistinctIdsTwice) {
    InductionProbe p;
    p.vocab_size = 512;
    p.bos_id = 1;
    p.first_id = 3;
    p.excluded = {2, 100};
    const auto ids = make_induction_probe(p);
    ASSERT_TRUE(ids.ok()) << ids.error();
    ASSERT_EQ(ids->size(), 41u);
    EXPECT_EQ((*ids)[0], 1);
    std::set<int> distinct;
    for (int k = 0; k < 20; ++k) {
        const int id = (*ids)[1 + static_cast<std::size_t>(k)];
        EXPECT_EQ(id, (*ids)[21 + static_cast<std::size_t>(k)]);
        EXPECT_GE(id, 3);
        EXPECT_LT(id, 512);
        EXPECT_NE(id, 100);
        distinct.insert(id);
    }
    EXPECT_EQ(distinct.size(), 20u);
    EXPECT_EQ(count_repeated_bigrams(*ids), 19);

    const auto again = make_induction_probe(p);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *ids);
    p.seed += 1;
    const auto other = make_induction_probe(p);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(*other, *ids);
}

TEST(HeadScores, ProbeUsesEveryIdOfATightRangeAndRefusesTooSmallOnes) {
    InductionProbe p;
    p.vocab_size = 10;
    p.bos_id = -1;
    p.excluded = {0, 1};
    p.half_length = 8;  // exactly the usable ids 2..9
    const auto ids = make_induction_probe(p);
    ASSERT_TRUE(ids.ok()) << ids.error();
    ASSERT_EQ(ids->size(), 16u);
    EXPECT_EQ(std::set<int>(ids->begin(), ids->end()), (std::set<int>{2, 3, 4, 5, 6, 7, 8, 9}));

    p.half_length = 9;
    const auto too_few = make_induction_probe(p);
    ASSERT_FALSE(too_few.ok());
    EXPECT_NE(too_few.error().find("only 8 usable"), std::string::npos) << too_few.error();
    p.half_length = 0;
    EXPECT_FALSE(make_induction_probe(p).ok());
}

// ---- the real stories260K ----

struct Stories {
    std::shared_ptr<const Checkpoint> model;
    std::shared_ptr<const Tokenizer> tokenizer;
};

Stories stories() {
    auto model = load_builtin_model();
    EXPECT_TRUE(model.ok()) << model.error();
    auto tok = load_builtin_tokenizer();
    EXPECT_TRUE(tok.ok()) << tok.error();
    return {model.ok() ? *model : nullptr, tok.ok() ? *tok : nullptr};
}

std::vector<int> encode_ids(const Tokenizer& tok, const std::string& text) {
    std::vector<int> ids;
    for (const Token& t : tok.encode(text)) ids.push_back(t.id);
    return ids;
}

void expect_scores_in_unit_range(const ModelHeadScores& s) {
    for (const HeadScores& h : s.scores) {
        for (int b = 0; b < kNumHeadBadges; ++b) {
            const double v = h.get(static_cast<HeadBadge>(b));
            if (std::isnan(v)) continue;
            EXPECT_GE(v, -1e-6);
            EXPECT_LE(v, 1.0 + 1e-5);
        }
    }
}

TEST(HeadScoresStories260K, SomeHeadIsAStrongSinkAndTheProbeMeasuresInduction) {
    const Stories s = stories();
    ASSERT_TRUE(s.model && s.tokenizer);
    const std::vector<int> ids =
        encode_ids(*s.tokenizer, "Once upon a time, there was a little girl named Lily.");
    ASSERT_LT(count_repeated_bigrams(ids), kMinRepeatedBigrams);
    const auto run = run_forward(*s.model, ids, Interventions{});
    ASSERT_TRUE(run.ok()) << run.error();

    const InductionProbe probe = default_induction_probe(s.model->config);
    const auto scores = score_heads_with_probe(*s.model, *run, probe);
    ASSERT_TRUE(scores.ok()) << scores.error();
    EXPECT_EQ(scores->n_layers, 5);
    EXPECT_EQ(scores->n_heads, 8);
    ASSERT_EQ(scores->scores.size(), 40u);
    expect_scores_in_unit_range(*scores);

    // Measured on this model (too small for the near-1 sinks of GPT-2): its strongest sink head (layer 4)
    // puts 0.44 on <s>, more than twice what uniform causal attention would (mean of 1 / (i + 1)); its
    // strongest previous-token head (layer 1) puts 0.63 on the token before.
    double uniform_sink = 0.0;
    for (std::size_t i = 1; i < ids.size(); ++i) uniform_sink += 1.0 / static_cast<double>(i + 1);
    uniform_sink /= static_cast<double>(ids.size() - 1);
    const HeadRef top_sink = rank_heads(*scores, HeadBadge::kFirstToken, 1).at(0);
    EXPECT_GT(scores->at(top_sink.layer, top_sink.head).first_token, 2.0 * uniform_sink);
    EXPECT_EQ(top_sink.layer, 4);
    const HeadRef top_prev = rank_heads(*scores, HeadBadge::kPreviousToken, 1).at(0);
    EXPECT_GT(scores->at(top_prev.layer, top_prev.head).previous_token, 0.5);

    // The probe was used, and its induction score is, for every head, the mean weight on the diagonal
    // offset by half_length - 1 in the second half (the form TransformerLens uses on such a probe).
    ASSERT_TRUE(scores->induction_from_probe);
    ASSERT_EQ(scores->probe_ids.size(), 41u);
    EXPECT_EQ(scores->probe_ids[0], 1);  // <s>
    const auto probe_run = run_forward(*s.model, scores->probe_ids, Interventions{});
    ASSERT_TRUE(probe_run.ok()) << probe_run.error();
    for (int l = 0; l < 5; ++l) {
        for (int h = 0; h < 8; ++h) {
            const auto w = probe_run->layers[static_cast<std::size_t>(l)].weights.mat(h);
            double sum = 0.0;
            for (int i = 21; i < 41; ++i) sum += static_cast<double>(w(i, i - 19));
            EXPECT_NEAR(scores->at(l, h).induction, sum / 20.0, 1e-6) << "layer " << l << " head " << h;
            // The other badges still come from the text.
            EXPECT_NEAR(scores->at(l, h).first_token,
                        score_head(run->layers[static_cast<std::size_t>(l)].weights.mat(h), ids).first_token,
                        0.0);
        }
    }
}

TEST(HeadScoresStories260K, ARepeatingTextMeasuresInductionOnItself) {
    const Stories s = stories();
    ASSERT_TRUE(s.model && s.tokenizer);
    const std::vector<int> ids =
        encode_ids(*s.tokenizer, "The cat sat on the big red mat. The cat sat on the big red mat.");
    ASSERT_GE(count_repeated_bigrams(ids), kMinRepeatedBigrams);
    const auto run = run_forward(*s.model, ids, Interventions{});
    ASSERT_TRUE(run.ok()) << run.error();
    const auto scores = score_heads_with_probe(*s.model, *run, default_induction_probe(s.model->config));
    ASSERT_TRUE(scores.ok()) << scores.error();
    EXPECT_FALSE(scores->induction_from_probe);
    EXPECT_TRUE(scores->probe_ids.empty());
    const auto plain = score_heads(*run);
    ASSERT_TRUE(plain.ok());
    for (std::size_t k = 0; k < plain->scores.size(); ++k) {
        EXPECT_EQ(scores->scores[k].induction, plain->scores[k].induction);
        EXPECT_FALSE(std::isnan(scores->scores[k].induction));
    }
    expect_scores_in_unit_range(*scores);
}

TEST(HeadScoresStories260K, AProbeThatCannotRunLeavesTheTextsBadgesAndSaysWhy) {
    const Stories s = stories();
    ASSERT_TRUE(s.model && s.tokenizer);
    const std::vector<int> ids = encode_ids(*s.tokenizer, "Hello.");
    const auto run = run_forward(*s.model, ids, Interventions{});
    ASSERT_TRUE(run.ok()) << run.error();
    InductionProbe probe = default_induction_probe(s.model->config);
    probe.half_length = s.model->config.n_ctx / 2 + 1;  // n_ctx + 3 tokens
    const auto scores = score_heads_with_probe(*s.model, *run, probe);
    ASSERT_TRUE(scores.ok()) << scores.error();
    EXPECT_FALSE(scores->induction_from_probe);
    EXPECT_NE(scores->probe_error.find("context is 512"), std::string::npos) << scores->probe_error;
    const auto plain = score_heads(*run);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(scores->at(0, 0).first_token, plain->at(0, 0).first_token);
    EXPECT_FALSE(score_probe(*s.model, Interventions{}, probe).ok());

    probe.half_length = 600;  // more distinct ids than the vocabulary has
    const auto few = score_heads_with_probe(*s.model, *run, probe);
    ASSERT_TRUE(few.ok()) << few.error();
    EXPECT_NE(few->probe_error.find("usable token ids"), std::string::npos) << few->probe_error;
}

TEST(HeadScoresStories260K, TheProbeFollowsTheInterventions) {
    const Stories s = stories();
    ASSERT_TRUE(s.model);
    const InductionProbe probe = default_induction_probe(s.model->config);
    const auto plain = score_probe(*s.model, Interventions{}, probe);
    ASSERT_TRUE(plain.ok()) << plain.error();
    EXPECT_TRUE(plain->induction_from_probe);
    Interventions uniform;
    uniform.temperature = std::numeric_limits<double>::infinity();  // every head uniform over the past
    const auto flat = score_probe(*s.model, uniform, probe);
    ASSERT_TRUE(flat.ok()) << flat.error();
    // Uniform causal attention: row i puts 1 / (i + 1) on each key, so every head's induction score is
    // the mean over the second half (i = 21..40) of 1 / (i + 1).
    double want = 0.0;
    for (int i = 21; i <= 40; ++i) want += 1.0 / (i + 1);
    want /= 20.0;
    for (const HeadScores& h : flat->scores) EXPECT_NEAR(h.induction, want, 1e-6);
    EXPECT_NE(plain->scores[0].induction, flat->scores[0].induction);
}

TEST(HeadScores, DefaultProbesKeepClearOfSpecialTokens) {
    ModelConfig llama;
    llama.vocab_size = 512;
    llama.bos_token_id = 1;
    llama.eos_token_id = 2;
    InductionProbe p = default_induction_probe(llama);
    EXPECT_EQ(p.first_id, 3);
    EXPECT_EQ(p.end_id, 512);
    EXPECT_EQ(p.bos_id, 1);

    ModelConfig gpt2;
    gpt2.vocab_size = 50257;
    gpt2.bos_token_id = gpt2.eos_token_id = 50256;
    p = default_induction_probe(gpt2);
    EXPECT_EQ(p.first_id, 0);
    EXPECT_EQ(p.end_id, 50256);
    const auto ids = make_induction_probe(p);
    ASSERT_TRUE(ids.ok()) << ids.error();
    EXPECT_EQ((*ids)[0], 50256);
    for (std::size_t k = 1; k < ids->size(); ++k) EXPECT_LT((*ids)[k], 50256);

    ModelConfig qwen;
    qwen.vocab_size = 151936;
    qwen.bos_token_id = 151643;
    qwen.eos_token_id = 151645;
    p = default_induction_probe(qwen);
    EXPECT_EQ(p.end_id, 151643);

    ModelConfig none;
    none.vocab_size = 100;
    p = default_induction_probe(none);
    EXPECT_EQ(p.bos_id, -1);
    const auto no_bos = make_induction_probe(p);
    ASSERT_TRUE(no_bos.ok()) << no_bos.error();
    EXPECT_EQ(no_bos->size(), 40u);
}

}  // namespace
