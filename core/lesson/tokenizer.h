// The lesson tokenizer: words and punctuation for space-separated scripts, one token per character for
// scripts written without spaces (Chinese, Japanese). Input is validated UTF-8.
#pragma once

#include "core/io/utf8.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::lesson {

/// The most tokens a sentence is cut to by default (the GUI and the CLI say when it happens).
constexpr int kDefaultTokenCap = 512;

enum class TokenKind {
    kWord,    ///< letters of a space-separated script, with inner apostrophes and hyphens
    kNumber,  ///< digits, with inner '.' or ','
    kPunct,   ///< punctuation, one character per token
    kCjk,     ///< one Han, Hiragana or Katakana character
    kSymbol,  ///< anything else printable (emoji, math, currency), with its combining marks
};

struct Token {
    std::string text;
    std::size_t byte_begin = 0;  ///< span [byte_begin, byte_end) in Tokenization::text
    std::size_t byte_end = 0;
    TokenKind kind = TokenKind::kWord;
};

struct Tokenization {
    std::string text;           ///< the input with every invalid UTF-8 byte replaced by U+FFFD
    std::vector<Token> tokens;  ///< at most the cap
    int n_invalid_bytes = 0;    ///< how many bytes were replaced
    int n_tokens_total = 0;     ///< tokens the whole text has, counted past the cap

    bool truncated() const { return n_tokens_total > static_cast<int>(tokens.size()); }
};

/// Splits text into tokens; keeps the first max_tokens (>= 0) and counts the rest.
Tokenization tokenize(std::string_view text, int max_tokens = kDefaultTokenCap);

/// A token's text made safe to show: control characters as U+2400 pictures, long text cut with "…".
std::string token_display_label(std::string_view token_text);

/// Lower-cases ASCII and the Latin-1/Latin Extended-A letters French and German use.
std::string to_lower_latin(std::string_view word);

}  // namespace attnviz::lesson

namespace attnviz::lesson {

/// The token a person names: its text (first match, ASCII case ignored) or, failing that, its index
/// written in digits. std::nullopt when neither matches.
std::optional<int> find_token(const std::vector<Token>& tokens, std::string_view text_or_index);

}  // namespace attnviz::lesson
