// "Merge subwords into words": which tokens form one word, and an attention matrix over words instead of
// tokens (a word's key columns summed, its query rows averaged).
#pragma once

#include "core/base/expected.h"
#include "core/base/types.h"
#include "core/model/tokenizer.h"

#include <string>
#include <vector>

namespace attnviz::model {

/// Consecutive tokens grouped into words. Word w holds tokens [word_start[w], word_start[w + 1]).
struct WordGroups {
    std::vector<int> word_of_token;  ///< [n_tokens]: the word each token is in (0, 0, 1, 2, 2, ...)
    std::vector<int> word_start;     ///< [n_words + 1]: first token of each word; the last entry is n_tokens
    int n_words() const { return word_start.empty() ? 0 : static_cast<int>(word_start.size()) - 1; }
    int n_tokens() const { return static_cast<int>(word_of_token.size()); }
};

/// Groups tokens by their display labels (Token::display). Token k starts a new word when
///   - it is the first token, or
///   - it or the token before it is special (<s>, <|endoftext|>: always a word of its own), or
///   - its label begins with a whitespace mark: "·" (a space), "↵" (a newline), "⇥" (a tab) or an
///     ASCII space, tab, CR or LF, or
///   - the label before it ends with a line break or tab mark ("↵", "⇥", or ASCII LF, CR, tab): a word
///     never runs across a line. A label ending in a space ("·" alone, SentencePiece's "▁▁" indent) does
///     not end the word: the space belongs to what follows ("·" + "⟨E4⟩" "⟨B8⟩" "⟨AD⟩" is one word).
/// One rule serves both tokenizer families because the labels already unify them: byte-level BPE's
/// "Ġthe" (GPT-2, Qwen, Llama 3) and SentencePiece's "▁the" (Llama 2, stories260K) both display as
/// "·the". SentencePiece byte-fallback pieces of a character ("⟨E5 9C⟩") carry no mark and stay in the
/// word they are part of; a byte-fallback space or newline displays as "·" / "↵" and so splits.
/// Punctuation has no mark and joins the word before it ("·girl" + "." is one word, "·girl.").
/// A text with a literal "·" in it splits there too (the label cannot tell it from a space).
/// special: [n_tokens] flags, or empty for none. Labels of generated tokens (Tokenizer::display) work the
/// same way, so a generated row joins its word.
WordGroups group_words_from_labels(const std::vector<std::string>& displays,
                                   const std::vector<bool>& special = {});
/// group_words_from_labels on encoded tokens (display and special of each).
WordGroups group_words(const std::vector<Token>& tokens);

/// Each word's label: its tokens' labels concatenated ("·Li" + "ly" -> "·Lily"). [n_words].
std::vector<std::string> word_labels(const std::vector<std::string>& displays, const WordGroups& groups);

/// Attention between words: weights [n, n] over tokens (rows = queries, columns = keys) ->
/// [n_words, n_words] with M[a][b] = (1 / |a|) * sum over query tokens i in a, key tokens j in b, of
/// W[i][j]: a word receives the sum of its tokens' key columns (the attention it gets in all), and gives
/// the mean of its tokens' query rows (each token of the word counts once). Rows still sum to what the
/// token rows summed to (1 for softmax rows); a causal matrix stays lower-triangular. Summed in float64.
/// Errors when the weights are not [n_tokens, n_tokens] of the groups.
Expected<MatrixRM> merge_attention(const ConstMapRM& weights, const WordGroups& groups);

}  // namespace attnviz::model
