// UTF-8 decoding with repair, and encoding: shared by the tokenizer and the JSON parser.
#pragma once

#include <string>
#include <string_view>

namespace attnviz {

/// Decodes UTF-8 into code points; each invalid byte (bad lead, bad continuation, overlong form,
/// surrogate, above U+10FFFF, truncated sequence) becomes U+FFFD. Counts the replacements.
std::u32string decode_utf8(std::string_view text, int* n_invalid_bytes = nullptr);

/// Appends the UTF-8 encoding of a valid code point.
void append_utf8(std::string& out, char32_t cp);

}  // namespace attnviz
