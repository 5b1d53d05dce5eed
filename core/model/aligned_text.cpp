// Text that remembers, byte by byte, where in the original input it came from: the basis of the byte
// spans every token keeps through normalization and pre-tokenization.
#include "core/model/tokenizer_pipeline.h"

namespace attnviz::model::detail {

void AlignedText::append_copy(const AlignedText& from, std::size_t b, std::size_t e) {
    text.append(from.text, b, e - b);
    align.insert(align.end(), from.align.begin() + static_cast<std::ptrdiff_t>(b),
                 from.align.begin() + static_cast<std::ptrdiff_t>(e));
}

void AlignedText::append_new(std::string_view s, Span span) {
    text.append(s);
    align.insert(align.end(), s.size(), span);
}

AlignedText AlignedText::slice(std::size_t b, std::size_t e) const {
    AlignedText out;
    out.append_copy(*this, b, e);
    return out;
}

std::size_t AlignedText::boundary(std::size_t p) const {
    if (align.empty()) return 0;
    if (p < align.size()) return align[p].start;
    return align.back().end;
}

std::size_t utf8_char_at(std::string_view s, std::size_t i, char32_t* cp, bool* valid) {
    // Well-formed sequences as Unicode's table 3-7 lists them: the lead byte fixes the range allowed for
    // the second byte; an invalid sequence is its maximal subpart (what Rust's from_utf8_lossy replaces
    // with one U+FFFD), at least one byte.
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    char32_t c = 0;
    if (b0 < 0x80) {
        if (cp != nullptr) *cp = b0;
        if (valid != nullptr) *valid = true;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        c = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        c = b0 & 0x0Fu;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        c = b0 & 0x07u;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    }
    std::size_t k = 1;
    if (len > 0) {
        for (; k < len && i + k < s.size(); ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            const unsigned low = k == 1 ? lo : 0x80;
            const unsigned high = k == 1 ? hi : 0xBF;
            if (b < low || b > high) break;
            c = (c << 6) | (b & 0x3Fu);
        }
    }
    const bool ok = len > 0 && k == len;
    if (cp != nullptr) *cp = ok ? c : 0xFFFD;
    if (valid != nullptr) *valid = ok;
    return ok ? len : k;
}

AlignedText lossy_decode(const std::string& original) {
    AlignedText out;
    out.text.reserve(original.size());
    out.align.reserve(original.size());
    std::size_t i = 0;
    while (i < original.size()) {
        bool valid = false;
        const std::size_t len = utf8_char_at(original, i, nullptr, &valid);
        if (valid) {
            for (std::size_t k = 0; k < len; ++k) {
                out.text += original[i + k];
                out.align.push_back({i + k, i + k + 1});
            }
        } else {
            out.append_new("\xEF\xBF\xBD", {i, i + len});
        }
        i += len;
    }
    return out;
}

bool is_unicode_whitespace(char32_t cp) {
    if (cp >= 0x09 && cp <= 0x0D) return true;
    switch (cp) {
        case 0x20:
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

}  // namespace attnviz::model::detail
