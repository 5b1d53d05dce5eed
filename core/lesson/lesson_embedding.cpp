#include "core/lesson/lesson_embedding.h"

#include "core/base/seeded_random.h"

#include <cmath>

namespace attnviz::lesson {

int pos_dim(PartOfSpeech p) {
    switch (p) {
        case PartOfSpeech::kNoun:
            return kPosBegin + 0;
        case PartOfSpeech::kName:
            return kPosBegin + 1;
        case PartOfSpeech::kPronoun:
            return kPosBegin + 2;
        case PartOfSpeech::kVerb:
            return kPosBegin + 3;
        case PartOfSpeech::kAux:
            return kPosBegin + 4;
        case PartOfSpeech::kAdj:
            return kPosBegin + 5;
        case PartOfSpeech::kAdv:
        case PartOfSpeech::kIntj:
            return kPosBegin + 6;
        case PartOfSpeech::kDet:
            return kPosBegin + 7;
        case PartOfSpeech::kPrep:
            return kPosBegin + 8;
        case PartOfSpeech::kConj:
            return kPosBegin + 9;
        case PartOfSpeech::kNum:
            return kPosBegin + 10;
        case PartOfSpeech::kPunct:
        case PartOfSpeech::kSymbol:
            return kPosBegin + 11;
    }
    return kPosBegin;
}

int class_dim(SemanticClass c) {
    return c == SemanticClass::kNone
               ? -1
               : kClassBegin + static_cast<int>(c) - static_cast<int>(SemanticClass::kPerson);
}

double frequency(int f) {
    return std::pow(100.0, -static_cast<double>(f) / kNumFrequencies);
}
int position_cos_dim(int f) {
    return kPositionBegin + 2 * f;
}
int position_sin_dim(int f) {
    return kPositionBegin + 2 * f + 1;
}

const std::vector<std::string>& dimension_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n(kDModel);
        n[kBias] = "bias";
        const char* const pos[kNumPos] = {"noun", "name", "pronoun", "verb", "aux", "adj",
                                          "adv",  "det",  "prep",    "conj", "num", "punct"};
        for (int i = 0; i < kNumPos; ++i) n[static_cast<std::size_t>(kPosBegin + i)] = pos[i];
        const char* const cls[kNumClasses] = {"person", "animal",   "object", "place",
                                              "time",   "abstract", "event",  "food"};
        for (int i = 0; i < kNumClasses; ++i) n[static_cast<std::size_t>(kClassBegin + i)] = cls[i];
        n[kSingular] = "singular";
        n[kPlural] = "plural";
        n[kMale] = "male";
        n[kFemale] = "female";
        n[kRefersThing] = "wants thing";
        n[kRefersPerson] = "wants person";
        for (int i = 0; i < kIdentityDims; ++i) {
            n[static_cast<std::size_t>(kIdentityBegin + i)] = "id " + std::to_string(i);
            n[static_cast<std::size_t>(kPrevIdentityBegin + i)] = "prev id " + std::to_string(i);
        }
        for (int f = 0; f < kNumFrequencies; ++f) {
            n[static_cast<std::size_t>(position_cos_dim(f))] = "pos cos " + std::to_string(f);
            n[static_cast<std::size_t>(position_sin_dim(f))] = "pos sin " + std::to_string(f);
        }
        n[kFirstToken] = "is first";
        return n;
    }();
    return names;
}

std::vector<float> identity_vector(const std::string& word) {
    SeededRandom rng(hash_text(to_lower_latin(word)));
    std::vector<float> v(kIdentityDims);
    double norm2 = 0.0;
    for (float& x : v) {
        x = static_cast<float>(rng.normal());
        norm2 += static_cast<double>(x) * static_cast<double>(x);
    }
    const float inv = norm2 > 0.0 ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
    for (float& x : v) x *= inv;
    return v;
}

MatrixRM embed(const std::vector<Token>& tokens, const std::vector<WordFeatures>& features,
               bool use_positions) {
    const int n = static_cast<int>(tokens.size());
    MatrixRM x = MatrixRM::Zero(n, kDModel);
    std::vector<float> previous_identity(kIdentityDims, 0.0f);
    for (int i = 0; i < n; ++i) {
        const WordFeatures& f = features[static_cast<std::size_t>(i)];
        auto row = x.row(i);
        row(kBias) = 1.0f;
        row(pos_dim(f.pos)) = 1.0f;
        if (const int c = class_dim(f.cls); c >= 0) row(c) = 1.0f;
        if (f.number == GrammaticalNumber::kSingular) row(kSingular) = 1.0f;
        if (f.number == GrammaticalNumber::kPlural) row(kPlural) = 1.0f;
        if (f.gender == Gender::kMale) row(kMale) = 1.0f;
        if (f.gender == Gender::kFemale) row(kFemale) = 1.0f;
        if (f.refers == Refers::kThing) row(kRefersThing) = 1.0f;
        if (f.refers == Refers::kMale || f.refers == Refers::kFemale || f.refers == Refers::kPerson)
            row(kRefersPerson) = 1.0f;
        // A French word carries its English gloss's identity: "chat" and "cat" mean the same.
        const std::vector<float> id =
            identity_vector(f.meaning.empty() ? tokens[static_cast<std::size_t>(i)].text : f.meaning);
        for (int k = 0; k < kIdentityDims; ++k) {
            row(kIdentityBegin + k) = id[static_cast<std::size_t>(k)];
        }
        // "Previous identity" and "first token" are order information too (an earlier layer's
        // previous-token head needs positions to find the token before), so they go with positions:
        // without them attention is exactly permutation-equivariant (the permutation experiment).
        if (use_positions) {
            for (int k = 0; k < kIdentityDims; ++k)
                row(kPrevIdentityBegin + k) = previous_identity[static_cast<std::size_t>(k)];
            if (i == 0) row(kFirstToken) = 1.0f;
        }
        previous_identity = id;
        if (use_positions) {
            for (int fq = 0; fq < kNumFrequencies; ++fq) {
                const double angle = frequency(fq) * i;
                row(position_cos_dim(fq)) = static_cast<float>(std::cos(angle));
                row(position_sin_dim(fq)) = static_cast<float>(std::sin(angle));
            }
        }
    }
    return x;
}

}  // namespace attnviz::lesson
