// The lesson model's token vectors: every dimension has a name a student can read.
//
//   x = [ bias | part of speech | class | number, gender | pronoun target | identity | previous identity |
//         position | is first ]
//
// "identity" is a fixed pseudo-random unit vector per word (a hash of its lower-case text); "previous
// identity" is the identity of the token before (what a previous-token head of an earlier layer would
// have written into the residual stream; induction heads read it); "position" is sinusoidal. Without
// positions (use_positions = false) position, previous identity and "is first" are all 0: no order at all.
#pragma once

#include "core/base/types.h"
#include "core/lesson/lexicon.h"

#include <string>
#include <vector>

namespace attnviz::lesson {

// Dimension layout of x. [d_model = kDModel]
constexpr int kBias = 0;
constexpr int kPosBegin = 1;  // noun name pronoun verb aux adj adv det prep conj num punct
constexpr int kNumPos = 12;
constexpr int kClassBegin = 13;  // person animal object place time abstract event food
constexpr int kNumClasses = 8;
constexpr int kSingular = 21;
constexpr int kPlural = 22;
constexpr int kMale = 23;
constexpr int kFemale = 24;
constexpr int kRefersThing = 25;   // a pronoun looking for a non-person antecedent
constexpr int kRefersPerson = 26;  // a pronoun looking for a person
constexpr int kIdentityBegin = 27;
constexpr int kIdentityDims = 12;
constexpr int kPrevIdentityBegin = kIdentityBegin + kIdentityDims;
constexpr int kPositionBegin = kPrevIdentityBegin + kIdentityDims;
constexpr int kNumFrequencies = 6;                                 // cos and sin of each
constexpr int kFirstToken = kPositionBegin + 2 * kNumFrequencies;  // 1 on the first token only
constexpr int kDModel = kFirstToken + 1;

/// The dimension of a part of speech or class (kPunct and kSymbol share the punctuation slot,
/// interjections the adverb slot).
int pos_dim(PartOfSpeech p);
int class_dim(SemanticClass c);
/// Angular frequency of position pair f: 100^(-f / kNumFrequencies), in radians per token.
double frequency(int f);
int position_cos_dim(int f);
int position_sin_dim(int f);

/// Readable names of the kDModel dimensions ("noun", "animal", "id 3", "pos cos 1", ...).
const std::vector<std::string>& dimension_names();

/// The identity vector of a word: [kIdentityDims], unit length, the same on every run and machine.
std::vector<float> identity_vector(const std::string& word);

/// x for a sequence: [n_tokens, kDModel]. features[i] describes tokens[i].
MatrixRM embed(const std::vector<Token>& tokens, const std::vector<WordFeatures>& features,
               bool use_positions);

}  // namespace attnviz::lesson
