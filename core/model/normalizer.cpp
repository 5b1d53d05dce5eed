// Normalizers of tokenizer.json (Sequence, NFC/NFD/NFKC/NFKD through ICU, Prepend, Replace, Strip,
// Lowercase), each keeping every output byte aligned to the original input.
#include "core/model/tokenizer_pipeline.h"

#include "core/io/utf8.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

namespace attnviz::model::detail {

namespace {

std::u16string to_utf16(std::string_view s) {
    std::u16string out;
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        i += utf8_char_at(s, i, &cp, nullptr);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
    }
    return out;
}

std::string to_utf8(const char16_t* s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        io::append_utf8(out, cp);
    }
    return out;
}

const UNormalizer2* icu_normalizer(Normalizer::Kind kind) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2* n = nullptr;
    switch (kind) {
        case Normalizer::Kind::kNfc:
            n = unorm2_getNFCInstance(&status);
            break;
        case Normalizer::Kind::kNfd:
            n = unorm2_getNFDInstance(&status);
            break;
        case Normalizer::Kind::kNfkc:
            n = unorm2_getNFKCInstance(&status);
            break;
        case Normalizer::Kind::kNfkd:
            n = unorm2_getNFKDInstance(&status);
            break;
        default:
            break;
    }
    return U_SUCCESS(status) ? n : nullptr;
}

/// Unicode normalization segment by segment (a segment starts where the form has a boundary), so that a
/// composed or decomposed character aligns to exactly the original characters it came from.
AlignedText unicode_normalize(Normalizer::Kind kind, const AlignedText& in) {
    const UNormalizer2* norm = icu_normalizer(kind);
    if (norm == nullptr) return in;
    AlignedText out;
    out.text.reserve(in.text.size());
    out.align.reserve(in.text.size());
    std::size_t i = 0;
    const std::string& s = in.text;
    while (i < s.size()) {
        // ASCII is stable under every form and starts a segment: copy it as is.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            char32_t next = 0;
            const bool next_is_mark = i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                                      (utf8_char_at(s, i + 1, &next, nullptr),
                                       !unorm2_hasBoundaryBefore(norm, static_cast<UChar32>(next)));
            if (!next_is_mark) {
                out.append_copy(in, i, i + 1);
                ++i;
                continue;
            }
        }
        std::size_t e = i;
        char32_t cp = 0;
        e += utf8_char_at(s, e, &cp, nullptr);
        while (e < s.size()) {
            const std::size_t len = utf8_char_at(s, e, &cp, nullptr);
            if (unorm2_hasBoundaryBefore(norm, static_cast<UChar32>(cp))) break;
            e += len;
        }
        const std::string_view segment(s.data() + i, e - i);
        const std::u16string src = to_utf16(segment);
        std::u16string dst(src.size() * 4 + 8, u'\0');
        UErrorCode status = U_ZERO_ERROR;
        const int32_t n = unorm2_normalize(
            norm, reinterpret_cast<const UChar*>(src.data()), static_cast<int32_t>(src.size()),
            reinterpret_cast<UChar*>(dst.data()), static_cast<int32_t>(dst.size()), &status);
        std::string normalized = U_SUCCESS(status) && n >= 0
                                     ? to_utf8(dst.data(), static_cast<std::size_t>(n))
                                     : std::string(segment);
        if (normalized == segment) {
            out.append_copy(in, i, e);
        } else {
            out.append_new(normalized, {in.align[i].start, in.align[e - 1].end});
        }
        i = e;
    }
    return out;
}

AlignedText lowercase(const AlignedText& in) {
    AlignedText out;
    std::size_t i = 0;
    while (i < in.text.size()) {
        char32_t cp = 0;
        const std::size_t len = utf8_char_at(in.text, i, &cp, nullptr);
        if (cp < 0x80) {
            out.text += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            out.align.push_back(in.align[i]);
        } else {
            const std::u16string src = to_utf16(std::string_view(in.text.data() + i, len));
            char16_t dst[16];
            UErrorCode status = U_ZERO_ERROR;
            const int32_t n =
                u_strToLower(reinterpret_cast<UChar*>(dst), 16, reinterpret_cast<const UChar*>(src.data()),
                             static_cast<int32_t>(src.size()), "", &status);
            const std::string lower = U_SUCCESS(status) && n >= 0 && n <= 16
                                          ? to_utf8(dst, static_cast<std::size_t>(n))
                                          : in.text.substr(i, len);
            if (lower == std::string_view(in.text.data() + i, len)) {
                out.append_copy(in, i, i + len);
            } else {
                out.append_new(lower, {in.align[i].start, in.align[i + len - 1].end});
            }
        }
        i += len;
    }
    return out;
}

AlignedText strip(const AlignedText& in, bool left, bool right) {
    std::size_t b = 0;
    std::size_t e = in.text.size();
    if (left) {
        while (b < e) {
            char32_t cp = 0;
            const std::size_t len = utf8_char_at(in.text, b, &cp, nullptr);
            if (!is_unicode_whitespace(cp)) break;
            b += len;
        }
    }
    if (right) {
        while (e > b) {
            std::size_t s = e - 1;
            while (s > b && (static_cast<unsigned char>(in.text[s]) & 0xC0) == 0x80) --s;
            char32_t cp = 0;
            utf8_char_at(in.text, s, &cp, nullptr);
            if (!is_unicode_whitespace(cp)) break;
            e = s;
        }
    }
    return in.slice(b, e);
}

}  // namespace

bool is_word_char(char32_t cp) {
    const auto c = static_cast<UChar32>(cp);
    if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL)) return true;
    const std::int8_t type = u_charType(c);
    return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK ||
           type == U_DECIMAL_DIGIT_NUMBER || type == U_CONNECTOR_PUNCTUATION;
}

AlignedText apply_normalizer(const Normalizer& n, AlignedText in) {
    switch (n.kind) {
        case Normalizer::Kind::kSequence:
            for (const Normalizer& child : n.children) in = apply_normalizer(child, std::move(in));
            return in;
        case Normalizer::Kind::kNfc:
        case Normalizer::Kind::kNfd:
        case Normalizer::Kind::kNfkc:
        case Normalizer::Kind::kNfkd:
            return unicode_normalize(n.kind, in);
        case Normalizer::Kind::kPrepend: {
            if (in.text.empty()) return in;
            AlignedText out;
            const std::size_t at = in.align.front().start;
            out.append_new(n.content, {at, at});
            out.append_copy(in, 0, in.text.size());
            return out;
        }
        case Normalizer::Kind::kReplace: {
            AlignedText out;
            std::size_t prev = 0;
            for (const auto& [s, e] : n.pattern->find_all(in.text)) {
                if (e == s) continue;
                out.append_copy(in, prev, s);
                out.append_new(n.content, {in.align[s].start, in.align[e - 1].end});
                prev = e;
            }
            out.append_copy(in, prev, in.text.size());
            return out;
        }
        case Normalizer::Kind::kStrip:
            return strip(in, n.strip_left, n.strip_right);
        case Normalizer::Kind::kLowercase:
            return lowercase(in);
    }
    return in;
}

}  // namespace attnviz::model::detail
