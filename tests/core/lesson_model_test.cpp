// The lesson model's heads do what their names say, on the lessons and on sentences built here from
// the lexicon (so no pattern is tuned to one sentence); GQA pools K and V; the model is deterministic.
#include "core/lesson/lesson_model.h"
#include "core/base/seeded_random.h"
#include "core/lesson/lesson_run.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace attnviz {
namespace {

constexpr int kCoreference = 0, kPrevious = 1, kSink = 2, kVerbSubject = 3, kInduction = 4, kLocal = 5;

lesson::LessonRun run(const std::string& sentence, bool causal = true, int kv_heads = 8,
                      double temperature = 1.0) {
    lesson::LessonRunSettings s;
    s.n_kv_heads = kv_heads;
    s.causal = causal;
    s.temperature = temperature;
    Expected<lesson::LessonRun> r = lesson::run_lesson(sentence, "", s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return std::move(r).value();
}

float weight(const lesson::LessonRun& r, int head, int q, int k) {
    return r.result.heads[static_cast<std::size_t>(head)].weights(q, k);
}

int argmax_row(const lesson::LessonRun& r, int head, int q) {
    Eigen::Index j = 0;
    r.result.heads[static_cast<std::size_t>(head)].weights.row(q).maxCoeff(&j);
    return static_cast<int>(j);
}

/// Lexicon words matching a predicate, as a stable list to draw from.
std::vector<std::string> words(const std::function<bool(const lesson::WordFeatures&)>& pred) {
    std::vector<std::string> out;
    for (const auto& [w, f] : lesson::LexiconSet::builtin().english().entries()) {
        if (pred(f) && w.find_first_of("-'") == std::string::npos) out.push_back(w);
    }
    return out;
}

const std::string& pick(const std::vector<std::string>& v, SeededRandom& rng) {
    return v[rng.next() % v.size()];
}

struct Pools {
    std::vector<std::string> things = words([](const lesson::WordFeatures& f) {
        return f.pos == lesson::PartOfSpeech::kNoun && f.number == lesson::GrammaticalNumber::kSingular &&
               (f.cls == lesson::SemanticClass::kObject || f.cls == lesson::SemanticClass::kAnimal ||
                f.cls == lesson::SemanticClass::kFood);
    });
    std::vector<std::string> men = words([](const lesson::WordFeatures& f) {
        return f.pos == lesson::PartOfSpeech::kName && f.cls == lesson::SemanticClass::kPerson &&
               f.gender == lesson::Gender::kMale;
    });
    std::vector<std::string> women = words([](const lesson::WordFeatures& f) {
        return f.pos == lesson::PartOfSpeech::kName && f.cls == lesson::SemanticClass::kPerson &&
               f.gender == lesson::Gender::kFemale;
    });
    std::vector<std::string> verbs =
        words([](const lesson::WordFeatures& f) { return f.pos == lesson::PartOfSpeech::kVerb; });
    std::vector<std::string> any = words([](const lesson::WordFeatures& f) {
        return f.pos != lesson::PartOfSpeech::kPunct && f.pos != lesson::PartOfSpeech::kSymbol;
    });
};

const Pools& pools() {
    static const Pools p;
    return p;
}

TEST(LessonModel, PodLessonRanksPodFirstNearTheLessonsWeight) {
    const lesson::LessonRun r = run("the pod crashed because it ran out of memory");
    EXPECT_EQ(r.forward.head_names[kCoreference], "coreference");
    EXPECT_EQ(argmax_row(r, kCoreference, 4), 1);
    EXPECT_NEAR(weight(r, kCoreference, 4, 1), 0.71f, 0.05f);
}

TEST(LessonModel, CoreferenceOnTheLessonSentences) {
    {
        const lesson::LessonRun r =
            run("Xiao Ming really loves his cat, and it always sleeps by the window.");
        const int his = 4, it = 8, cat = 5;
        const int to = argmax_row(r, kCoreference, his);
        EXPECT_TRUE(to == 0 || to == 1) << "his -> Xiao Ming, got " << to;
        EXPECT_EQ(argmax_row(r, kCoreference, it), cat);
        // Without the causal mask "window" becomes visible but is still not the choice.
        EXPECT_EQ(
            argmax_row(run("Xiao Ming really loves his cat, and it always sleeps by the window.", false),
                       kCoreference, it),
            cat);
    }
    {
        const lesson::LessonRun r = run("小明很喜欢他的猫，它总是睡在窗边。");
        EXPECT_EQ(argmax_row(r, kCoreference, 9), 7);   // 它 -> 猫
        const int he = argmax_row(r, kCoreference, 5);  // 他 -> 小明
        EXPECT_TRUE(he == 0 || he == 1) << he;
    }
}

TEST(LessonModel, CoreferenceOnGeneratedSentences) {
    SeededRandom rng(7);
    const Pools& p = pools();
    ASSERT_GT(p.things.size(), 200u);
    ASSERT_GT(p.men.size(), 20u);
    ASSERT_GT(p.women.size(), 20u);
    for (int trial = 0; trial < 60; ++trial) {
        const std::string thing = pick(p.things, rng);
        const std::string man = pick(p.men, rng);
        const std::string woman = pick(p.women, rng);
        const std::string verb = pick(p.verbs, rng);
        {  // it -> the thing, never the person
            const std::string s = man + " " + verb + " the " + thing + " because it " + pick(p.verbs, rng);
            const lesson::LessonRun r = run(s);
            EXPECT_EQ(argmax_row(r, kCoreference, 5), 3) << s;
        }
        {  // he -> the man, she -> the woman, past a thing and a person of the other gender
            const std::string s = man + " and " + woman + " " + verb + " the " + thing + " so she " +
                                  pick(p.verbs, rng) + " and he";
            const lesson::LessonRun r = run(s);
            EXPECT_EQ(argmax_row(r, kCoreference, 7), 2) << s;
            EXPECT_EQ(argmax_row(r, kCoreference, 10), 0) << s;
        }
    }
}

TEST(LessonModel, PreviousTokenHeadPutsHalfOnTheTokenBefore) {
    SeededRandom rng(11);
    for (int trial = 0; trial < 40; ++trial) {
        std::string s;
        const int n = 3 + static_cast<int>(rng.next() % 30);
        for (int i = 0; i < n; ++i) s += pick(pools().any, rng) + " ";
        for (bool causal : {true, false}) {
            const lesson::LessonRun r = run(s, causal);
            for (int i = 1; i < n; ++i) EXPECT_GE(weight(r, kPrevious, i, i - 1), 0.5f) << s << " row " << i;
        }
    }
}

TEST(LessonModel, SinkAndLocalWindowHeads) {
    SeededRandom rng(13);
    for (int trial = 0; trial < 30; ++trial) {
        std::string s;
        const int n = 3 + static_cast<int>(rng.next() % 30);
        for (int i = 0; i < n; ++i) s += pick(pools().any, rng) + " ";
        const lesson::LessonRun r = run(s);
        for (int i = 1; i < n; ++i) {
            EXPECT_EQ(argmax_row(r, kSink, i), 0) << s << " row " << i;
            EXPECT_GE(weight(r, kSink, i, 0), 0.5f) << s << " row " << i;
            float near = 0.0f;
            for (int j = std::max(0, i - 2); j <= i; ++j) near += weight(r, kLocal, i, j);
            EXPECT_GE(near, 0.8f) << s << " row " << i;
        }
    }
}

TEST(LessonModel, VerbLooksBackAtItsSubject) {
    SeededRandom rng(17);
    for (int trial = 0; trial < 40; ++trial) {
        const std::string s = "the " + pick(pools().things, rng) + " " + pick(pools().verbs, rng) +
                              " near the " + pick(pools().things, rng);
        const lesson::LessonRun r = run(s);
        EXPECT_EQ(argmax_row(r, kVerbSubject, 2), 1) << s;
    }
    const lesson::LessonRun r = run("the pod crashed because it ran out of memory");
    EXPECT_EQ(argmax_row(r, kVerbSubject, 2), 1);  // crashed -> pod
    EXPECT_EQ(argmax_row(r, kVerbSubject, 5), 4);  // ran -> it
}

TEST(LessonModel, InductionHeadCompletesARepeatedPrefix) {
    SeededRandom rng(19);
    int correct = 0;
    const int trials = 60;
    for (int trial = 0; trial < trials; ++trial) {
        // A B x x ... A: the second A should look at B.
        std::vector<std::string> w;
        const int n = 4 + static_cast<int>(rng.next() % 10);
        while (static_cast<int>(w.size()) < n) {
            const std::string& cand = pick(pools().any, rng);
            if (std::find(w.begin(), w.end(), cand) == w.end()) w.push_back(cand);
        }
        const int a = static_cast<int>(rng.next() % static_cast<unsigned>(n - 2));
        std::string s;
        for (const std::string& x : w) s += x + " ";
        s += w[static_cast<std::size_t>(a)];
        const lesson::LessonRun r = run(s);
        correct += argmax_row(r, kInduction, n) == a + 1;
    }
    // Identity vectors are 12-dimensional hashes, so a rare pair of words collides: demand 90%.
    EXPECT_GE(correct, trials * 9 / 10);
}

TEST(LessonModel, GqaMeanPoolsEachGroupsKeyAndValueProjections) {
    const lesson::Tokenization t = lesson::tokenize("the pod crashed because it ran out of memory");
    lesson::LessonSettings mha;
    lesson::LessonSettings gqa;
    gqa.n_kv_heads = 2;
    lesson::LessonSettings mqa;
    mqa.n_kv_heads = 1;
    const lesson::LessonForward a = lesson::LessonModel::instance().forward(t, mha).value();
    const lesson::LessonForward b = lesson::LessonModel::instance().forward(t, gqa).value();
    const lesson::LessonForward c = lesson::LessonModel::instance().forward(t, mqa).value();
    ASSERT_EQ(b.w_k.n_mats(), 2);
    ASSERT_EQ(c.w_k.n_mats(), 1);
    MatrixRM mean_k = MatrixRM::Zero(a.w_k.n_rows(), a.w_k.n_cols());
    MatrixRM mean_v = MatrixRM::Zero(a.w_v.n_rows(), a.w_v.n_cols());
    for (int h = 0; h < 4; ++h) {
        mean_k += a.w_k.mat(h);
        mean_v += a.w_v.mat(h);
    }
    EXPECT_TRUE(b.w_k.mat(0).isApprox(mean_k / 4.0f, 1e-6f));
    EXPECT_TRUE(b.w_v.mat(0).isApprox(mean_v / 4.0f, 1e-6f));
    EXPECT_TRUE(b.inputs.k.mat(1).isApprox(b.x_key * b.w_k.mat(1), 1e-5f));
    // Query projections are never pooled.
    EXPECT_EQ(b.w_q.n_mats(), 8);
    EXPECT_TRUE(b.w_q.mat(5).isApprox(a.w_q.mat(5)));
    // The patterns blur: pooling lowers the coreference head's peak weight on "pod".
    const float peak_mha =
        weight(run("the pod crashed because it ran out of memory", true, 8), kCoreference, 4, 1);
    const float peak_gqa =
        weight(run("the pod crashed because it ran out of memory", true, 2), kCoreference, 4, 1);
    const float peak_mqa =
        weight(run("the pod crashed because it ran out of memory", true, 1), kCoreference, 4, 1);
    EXPECT_LT(peak_gqa, peak_mha - 0.1f);
    EXPECT_LT(peak_mqa, peak_mha - 0.1f);
}

TEST(LessonModel, SettingsAreValidatedAndTheModelIsDeterministic) {
    const lesson::Tokenization t = lesson::tokenize("the cat sat");
    lesson::LessonSettings s;
    s.n_heads = 9;
    EXPECT_FALSE(lesson::LessonModel::instance().forward(t, s).ok());
    s.n_heads = 6;
    s.n_kv_heads = 4;
    Expected<lesson::LessonForward> bad = lesson::LessonModel::instance().forward(t, s);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("divide"), std::string::npos);
    s.n_kv_heads = 3;
    const lesson::LessonForward x = lesson::LessonModel::instance().forward(t, s).value();
    const lesson::LessonForward y = lesson::LessonModel::instance().forward(t, s).value();
    EXPECT_EQ(x.head_names.size(), 6u);
    ASSERT_EQ(x.inputs.q.size(), y.inputs.q.size());
    EXPECT_TRUE(std::equal(x.inputs.q.data(), x.inputs.q.data() + x.inputs.q.size(), y.inputs.q.data()));
    EXPECT_FALSE(lesson::LessonModel::instance().forward(lesson::tokenize(""), s).ok());
}

TEST(LessonModel, DimensionsHaveNamesAndValuesCarryTheAntecedentsClass) {
    const lesson::LessonModel& m = lesson::LessonModel::instance();
    EXPECT_GE(m.d_model(), 32);
    EXPECT_LE(m.d_model(), 64);
    EXPECT_EQ(static_cast<int>(m.embedding_dim_names().size()), m.d_model());
    EXPECT_EQ(static_cast<int>(m.value_dim_names().size()), m.d_v());
    EXPECT_EQ(static_cast<int>(m.heads().size()), m.max_heads());
    EXPECT_GE(m.max_heads(), 6);
    // The coreference output for "it" is mostly "object" (pod's class), not "person" or "verb".
    const lesson::LessonRun r = run("the pod crashed because it ran out of memory");
    const auto out = r.result.heads[kCoreference].output.row(4);
    const auto& names = m.value_dim_names();
    const auto at = [&](const char* name) {
        return out(static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin()));
    };
    EXPECT_GT(at("object"), 0.5f);
    EXPECT_LT(at("person"), 0.1f);
    EXPECT_GT(at("object"), at("verb"));
    EXPECT_NE(m.describe_token("pod").find("object"), std::string::npos);
}

TEST(LessonModel, CrossAttentionHasRectangularWeightsAndNoCausalMask) {
    lesson::LessonRunSettings s;
    Expected<lesson::LessonRun> r = lesson::run_lesson("le chat dort", "the cat sleeps on the sofa", s);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->result.n_q, 3);
    EXPECT_EQ(r->result.n_k, 6);
    EXPECT_EQ(r->result.visible.cast<int>().sum(), 18);
}

}  // namespace
}  // namespace attnviz
