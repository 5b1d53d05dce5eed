#include "core/lesson/lesson_heads.h"

#include "core/base/seeded_random.h"
#include "core/lesson/lesson_embedding.h"

#include <cmath>
#include <initializer_list>
#include <utility>

namespace attnviz::lesson {

namespace {

/// Scores are later multiplied by 1/sqrt(kHeadDim); gains below are written in post-scale logits.
const float kUnscale = std::sqrt(static_cast<float>(kHeadDim));
constexpr float kNoise = 0.012f;

using Vec = Eigen::Matrix<float, 1, kDModel>;

Vec dims(std::initializer_list<std::pair<int, float>> entries) {
    Vec v = Vec::Zero();
    for (const auto& [d, w] : entries) v(d) += w;
    return v;
}

int pos(PartOfSpeech p) {
    return pos_dim(p);
}
int cls(SemanticClass c) {
    return class_dim(c);
}

/// Writes channels (columns of W_q and W_k): each adds gain * (a . x_query) * (b . x_key) to a score.
class HeadBuilder {
  public:
    HeadBuilder(std::string name, std::string short_name, std::string role) {
        m_head.info = {std::move(name), std::move(short_name), std::move(role)};
        m_head.w_q = MatrixRM::Zero(kDModel, kHeadDim);
        m_head.w_k = MatrixRM::Zero(kDModel, kHeadDim);
    }

    HeadBuilder& channel(float gain, const Vec& a, const Vec& b) {
        if (m_next < kHeadDim) {
            m_head.w_q.col(m_next) = (gain * kUnscale) * a.transpose();
            m_head.w_k.col(m_next) = b.transpose();
        }
        ++m_next;
        return *this;
    }

    /// Adds sum_f gains[f] * cos(w_f * (i - shift - j)): a bump at key j = query i - shift.
    HeadBuilder& relative_position(float shift, std::initializer_list<float> gains) {
        int f = 0;
        for (float g : gains) {
            if (g != 0.0f) {
                const double w = frequency(f) * static_cast<double>(shift);
                const auto c = static_cast<float>(std::cos(w));
                const auto s = static_cast<float>(std::sin(w));
                const int dc = position_cos_dim(f);
                const int ds = position_sin_dim(f);
                channel(g, dims({{dc, c}, {ds, s}}), dims({{dc, 1.0f}}));
                channel(g, dims({{ds, c}, {dc, -s}}), dims({{ds, 1.0f}}));
            }
            ++f;
        }
        return *this;
    }

    /// Adds gain * sum_f weights[f] * cos(w_f * j): largest at the first token, for every query.
    HeadBuilder& first_token(float gain, std::initializer_list<float> weights) {
        Vec b = Vec::Zero();
        int f = 0;
        for (float w : weights) b(position_cos_dim(f++)) = w;
        return channel(gain, dims({{kBias, 1.0f}}), b);
    }

    HeadDesign build(std::uint64_t seed) {
        SeededRandom rng(seed);
        for (float* m : {m_head.w_q.data(), m_head.w_k.data()}) {
            for (int i = 0; i < kDModel * kHeadDim; ++i) m[i] += kNoise * static_cast<float>(rng.normal());
        }
        m_head.w_v = value_projection(rng);
        return std::move(m_head);
    }

    int channels_used() const { return m_next; }

  private:
    static MatrixRM value_projection(SeededRandom& rng) {
        MatrixRM w = MatrixRM::Zero(kDModel, kValueDim);
        const int carried[kValueDim] = {
            pos(PartOfSpeech::kNoun),
            pos(PartOfSpeech::kName),
            pos(PartOfSpeech::kPronoun),
            pos(PartOfSpeech::kVerb),
            cls(SemanticClass::kPerson),
            cls(SemanticClass::kAnimal),
            cls(SemanticClass::kObject),
            cls(SemanticClass::kPlace),
            cls(SemanticClass::kTime),
            cls(SemanticClass::kAbstract),
            cls(SemanticClass::kEvent),
            cls(SemanticClass::kFood),
            kSingular,
            kPlural,
            kMale,
            kFemale,
        };
        for (int c = 0; c < kValueDim; ++c) w(carried[c], c) = 1.0f;
        for (int i = 0; i < kDModel * kValueDim; ++i)
            w.data()[i] += kNoise * static_cast<float>(rng.normal());
        return w;
    }

    HeadDesign m_head;
    int m_next = 0;
};

Vec nominal(float w) {
    return dims(
        {{pos(PartOfSpeech::kNoun), w}, {pos(PartOfSpeech::kName), w}, {pos(PartOfSpeech::kPronoun), w}});
}

std::vector<HeadDesign> build_heads() {
    std::vector<HeadDesign> heads;
    const Vec bias = dims({{kBias, 1.0f}});

    {  // 0. Coreference: a pronoun's query asks for an earlier noun of a compatible kind and number.
        const float g = 0.33f;
        HeadBuilder h("coreference", "coref",
                      "a pronoun finds the earlier noun it can refer to (it -> pod, his -> Xiao Ming)");
        h.channel(g, dims({{pos(PartOfSpeech::kPronoun), 1.0f}}),
                  dims({{pos(PartOfSpeech::kNoun), 3.0f},
                        {pos(PartOfSpeech::kName), 3.0f},
                        {pos(PartOfSpeech::kPronoun), -2.5f}}));
        h.channel(g, dims({{kRefersThing, 1.0f}}),
                  dims({{cls(SemanticClass::kAnimal), 3.0f},
                        {cls(SemanticClass::kObject), 3.0f},
                        {cls(SemanticClass::kFood), 2.5f},
                        {cls(SemanticClass::kPlace), 1.5f},
                        {cls(SemanticClass::kEvent), 1.5f},
                        {cls(SemanticClass::kAbstract), 1.0f},
                        {cls(SemanticClass::kTime), 0.5f},
                        {cls(SemanticClass::kPerson), -4.0f}}));
        h.channel(g, dims({{kRefersPerson, 1.0f}}),
                  dims({{cls(SemanticClass::kPerson), 3.0f},
                        {cls(SemanticClass::kAnimal), -3.0f},
                        {cls(SemanticClass::kObject), -3.0f},
                        {cls(SemanticClass::kFood), -3.0f},
                        {cls(SemanticClass::kPlace), -3.0f},
                        {cls(SemanticClass::kEvent), -3.0f},
                        {cls(SemanticClass::kAbstract), -3.0f},
                        {cls(SemanticClass::kTime), -3.0f}}));
        h.channel(g, dims({{kMale, 1.0f}}), dims({{kFemale, -3.0f}}));
        h.channel(g, dims({{kFemale, 1.0f}}), dims({{kMale, -3.0f}}));
        h.channel(g, dims({{kSingular, 1.0f}}), dims({{kPlural, -2.5f}}));
        h.channel(g, dims({{kPlural, 1.0f}}), dims({{kSingular, -2.5f}, {kPlural, 1.0f}}));
        h.channel(g, bias, dims({{pos(PartOfSpeech::kNoun), 1.0f}, {pos(PartOfSpeech::kName), 1.0f}}));
        h.relative_position(3.0f, {0.0f, 0.0f, 0.5f * g, 0.5f * g});
        heads.push_back(h.build(1001));
    }
    {  // 1. Previous token: relative position only, a sharp bump at i - 1.
        HeadBuilder h("previous token", "previous",
                      "every token looks at the token just before it (position only, no meaning)");
        h.relative_position(1.0f, {5.0f, 4.0f, 1.5f, 0.5f});
        heads.push_back(h.build(1002));
    }
    {  // 2. First token: an attention sink, where heads park weight they do not need.
        HeadBuilder h("first token (sink)", "sink",
                      "every token puts most of its weight on the first token: an attention sink");
        h.first_token(1.5f, {2.0f, 2.0f, 1.0f, 1.0f});
        heads.push_back(h.build(1003));
    }
    {  // 3. Verb -> subject: a verb's query asks for a nearby earlier noun or pronoun.
        HeadBuilder h("verb -> subject", "subject",
                      "a verb looks back for its subject, the nearest noun or pronoun before it");
        h.channel(3.0f, dims({{pos(PartOfSpeech::kVerb), 1.0f}, {pos(PartOfSpeech::kAux), 1.0f}}),
                  nominal(1.0f));
        h.channel(1.0f, dims({{pos(PartOfSpeech::kVerb), 1.0f}, {pos(PartOfSpeech::kAux), 1.0f}}),
                  dims({{pos(PartOfSpeech::kVerb), -2.0f}, {pos(PartOfSpeech::kAux), -2.0f}}));
        h.relative_position(2.0f, {0.0f, 0.8f, 0.8f, 0.4f});
        heads.push_back(h.build(1004));
    }
    {  // 4. Induction: query identity against the key's *previous* identity: in "A B ... A", A finds B.
        HeadBuilder h("induction / repeat", "induction",
                      "in \"A B ... A\" the second A looks at B, the token that followed A before");
        for (int k = 0; k < kIdentityDims; ++k) {
            h.channel(1.0f, dims({{kIdentityBegin + k, 1.0f}}),
                      dims({{kPrevIdentityBegin + k, 8.0f}, {kIdentityBegin + k, 2.0f}}));
        }
        h.channel(4.5f, bias, dims({{kFirstToken, 1.0f}}));  // no match: park on the first token
        heads.push_back(h.build(1005));
    }
    {  // 5. Local window: a soft bump around the query itself.
        HeadBuilder h("local window", "local", "every token looks at itself and its near neighbours");
        h.relative_position(0.0f, {1.2f, 1.2f, 1.2f, 1.2f, 1.2f, 1.2f});
        heads.push_back(h.build(1006));
    }
    {  // 6. Noun -> modifier: a noun's query asks for the determiners and adjectives just before it.
        HeadBuilder h("noun -> modifier", "modifier",
                      "a noun looks at the article and adjectives that describe it");
        h.channel(3.0f, dims({{pos(PartOfSpeech::kNoun), 1.0f}, {pos(PartOfSpeech::kName), 1.0f}}),
                  dims({{pos(PartOfSpeech::kDet), 1.0f},
                        {pos(PartOfSpeech::kAdj), 1.0f},
                        {pos(PartOfSpeech::kNum), 1.0f}}));
        h.relative_position(1.0f, {0.8f, 0.8f, 0.4f});
        heads.push_back(h.build(1007));
    }
    {  // 7. Delimiter: every token checks the latest clause boundary.
        HeadBuilder h("delimiter", "delimiter",
                      "every token looks at the latest punctuation or conjunction, where the clause began");
        h.channel(3.0f, bias,
                  dims({{pos(PartOfSpeech::kPunct), 1.0f},
                        {pos(PartOfSpeech::kConj), 1.0f},
                        {pos(PartOfSpeech::kPrep), 0.3f}}));
        h.relative_position(2.0f, {0.0f, 0.0f, 0.8f, 0.8f});
        heads.push_back(h.build(1008));
    }
    return heads;
}

}  // namespace

const HeadDesign& translation_head_design() {
    static const HeadDesign head = [] {
        HeadBuilder h("translation (same meaning)", "translate",
                      "a word of one sentence looks at the word of the other sentence that means the same "
                      "(cat -> chat)");
        for (int k = 0; k < kIdentityDims; ++k)
            h.channel(6.0f, dims({{kIdentityBegin + k, 1.0f}}), dims({{kIdentityBegin + k, 1.0f}}));
        return h.build(1009);
    }();
    return head;
}

const std::vector<HeadDesign>& head_designs() {
    static const std::vector<HeadDesign> heads = build_heads();
    return heads;
}

const std::vector<std::string>& value_dimension_names() {
    static const std::vector<std::string> names = {
        "noun", "name",     "pronoun", "verb", "person",   "animal", "object", "place",
        "time", "abstract", "event",   "food", "singular", "plural", "male",   "female",
    };
    return names;
}

}  // namespace attnviz::lesson
