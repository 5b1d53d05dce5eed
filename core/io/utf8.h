// UTF-8 decoding with repair, and encoding: shared by the tokenizer and the JSON parser.
#pragma once

#include <string>
#include <string_view>

namespace attnviz::io {

/// Decodes UTF-8 into code points; each invalid byte (bad lead, bad continuation, overlong form,
/// surrogate, above U+10FFFF, truncated sequence) becomes U+FFFD. Counts the replacements.
std::u32string decode_utf8(std::string_view text, int* n_invalid_bytes = nullptr);

/// Appends the UTF-8 encoding of a valid code point.
void append_utf8(std::string& out, char32_t cp);

/// The CJK blocks, one table for the tokenizer and the font loader: every one needs a CJK font;
/// in the blocks with one_token_per_char (kana, ideographs) words are written without spaces, so the
/// lesson tokenizer makes each character a token.
struct CjkBlock {
    char32_t first;
    char32_t last;
    bool one_token_per_char;
};
inline constexpr CjkBlock kCjkBlocks[] = {
    {0x3000, 0x303F, false},   // CJK symbols and punctuation
    {0x3040, 0x30FF, true},    // hiragana, katakana
    {0x3400, 0x4DBF, true},    // CJK extension A
    {0x4E00, 0x9FFF, true},    // CJK unified ideographs
    {0xAC00, 0xD7AF, false},   // hangul syllables
    {0xF900, 0xFAFF, true},    // CJK compatibility ideographs
    {0xFF00, 0xFFEF, false},   // half-width and full-width forms
    {0x20000, 0x3134F, true},  // CJK extensions B..G
};

/// The block of kCjkBlocks holding c, or null.
inline const CjkBlock* find_cjk_block(char32_t c) {
    for (const CjkBlock& b : kCjkBlocks) {
        if (c >= b.first && c <= b.last) return &b;
    }
    return nullptr;
}

}  // namespace attnviz::io
