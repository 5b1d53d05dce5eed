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
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t c = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
        len = 1;
        c = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        c = b0 & 0x1Fu;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        c = b0 & 0x0Fu;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        c = b0 & 0x07u;
        min = 0x10000;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ok = false;
        } else {
            c = (c << 6) | (b & 0x3Fu);
        }
    }
    if (ok && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))) ok = false;
    if (cp != nullptr) *cp = ok ? c : 0xFFFD;
    if (valid != nullptr) *valid = ok;
    return ok ? len : 1;
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
            out.append_new("\xEF\xBF\xBD", {i, i + 1});
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
