#include "core/lesson/tokenizer.h"

namespace attnviz::lesson {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

/// Kana and ideographs: written without spaces, one token each.
bool is_cjk(char32_t c) {
    const io::CjkBlock* b = io::find_cjk_block(c);
    return b != nullptr && b->one_token_per_char;
}

/// Scripts written without spaces between words that are not CJK: Thai, Lao, Myanmar, Khmer. With no word
/// list for them, each letter becomes a token with its dependent vowels and tone marks (robustness.md T7:
/// never one giant "word" silently).
bool is_unspaced_script(char32_t c) {
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) || (c >= 0x1780 && c <= 0x17FF);
}

/// The dependent vowels, tone marks and signs of those scripts, written above, below or beside the letter
/// before them.
bool is_unspaced_mark(char32_t c) {
    return c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E) ||  // Thai
           c == 0x0EB1 || (c >= 0x0EB4 && c <= 0x0EBC) || (c >= 0x0EC8 && c <= 0x0ECD) ||  // Lao
           (c >= 0x102B && c <= 0x103E) || (c >= 0x1056 && c <= 0x1059) || (c >= 0x105E && c <= 0x1060) ||
           (c >= 0x1062 && c <= 0x1064) || (c >= 0x1067 && c <= 0x106D) || (c >= 0x1071 && c <= 0x1074) ||
           (c >= 0x1082 && c <= 0x108D) || c == 0x108F || (c >= 0x109A && c <= 0x109D) ||  // Myanmar
           (c >= 0x17B4 && c <= 0x17D3) || c == 0x17DD;                                    // Khmer
}

bool is_space_or_control(char32_t c) {
    return c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xA0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0xFEFF;
}

/// Marks that belong to the character before them: combining accents, variation selectors, ZWJ,
/// skin tones, the keycap mark.
bool is_attaching(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F);
}

bool is_ascii_punct(char32_t c) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

bool is_punct(char32_t c) {
    return is_ascii_punct(c) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
           (c >= 0x3001 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xA1 || c == 0xBF ||
           c == 0xAB || c == 0xBB || c == 0xB7;
}

bool is_digit(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/// Letters of space-separated scripts: ASCII, Latin-1 and beyond, Greek, Cyrillic, Hangul, ...
/// Everything from U+00C0 that is not punctuation, a symbol block, CJK or space counts as a letter.
bool is_letter(char32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
    if (is_cjk(c) || is_unspaced_script(c) || is_punct(c) || is_space_or_control(c) || is_attaching(c) ||
        c == kReplacement) {
        return false;
    }
    if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, arrows, math, technical, box drawing
    if (c >= 0x1F000) return false;                // emoji and pictographs
    if (c >= 0xE000 && c <= 0xF8FF) return false;  // private use
    return true;
}

bool is_apostrophe(char32_t c) {
    return c == '\'' || c == 0x2019;
}

}  // namespace

std::string to_lower_latin(std::string_view word) {
    std::string out;
    for (char32_t c : io::decode_utf8(word)) {
        if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
            c += 32;
        else if (c >= 0x100 && c <= 0x17F && c % 2 == 0 && c != 0x130 && c != 0x138)
            c += 1;
        io::append_utf8(out, c);
    }
    return out;
}

Tokenization tokenize(std::string_view input, int max_tokens) {
    Tokenization t;
    const std::u32string cps = io::decode_utf8(input, &t.n_invalid_bytes);
    std::vector<std::size_t> offsets;
    offsets.reserve(cps.size() + 1);
    if (t.n_invalid_bytes == 0) {
        t.text = std::string(input);
        std::size_t pos = 0;
        for (char32_t c : cps) {
            offsets.push_back(pos);
            pos += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        }
    } else {
        for (char32_t c : cps) {
            offsets.push_back(t.text.size());
            io::append_utf8(t.text, c);
        }
    }
    offsets.push_back(t.text.size());
    const std::size_t cap = max_tokens > 0 ? static_cast<std::size_t>(max_tokens) : 0;

    auto emit = [&](std::size_t begin, std::size_t end, TokenKind kind) {
        ++t.n_tokens_total;
        if (t.tokens.size() >= cap) return;
        Token tok;
        tok.byte_begin = offsets[begin];
        tok.byte_end = offsets[end];
        tok.text = t.text.substr(tok.byte_begin, tok.byte_end - tok.byte_begin);
        tok.kind = kind;
        t.tokens.push_back(std::move(tok));
    };
    auto attach_marks = [&](std::size_t k) {
        while (k < cps.size() && is_attaching(cps[k])) {
            // A zero-width joiner glues the next character on too (emoji sequences).
            if (cps[k] == 0x200D && k + 1 < cps.size() && !is_space_or_control(cps[k + 1])) ++k;
            ++k;
        }
        return k;
    };

    std::size_t i = 0;
    while (i < cps.size()) {
        const char32_t c = cps[i];
        if (is_space_or_control(c)) {
            ++i;
        } else if (is_letter(c)) {
            std::size_t k = i + 1;
            for (;;) {
                k = attach_marks(k);
                if (k < cps.size() && (is_letter(cps[k]) || is_digit(cps[k]))) {
                    ++k;
                    continue;
                }  // word0, gpt4
                // A hyphen between letters stays inside the word (well-known); an apostrophe starts
                // a clitic of its own (it's -> it 's; don't -> do n't is not attempted).
                if (k + 1 < cps.size() && cps[k] == '-' && is_letter(cps[k + 1])) {
                    k += 2;
                    continue;
                }
                break;
            }
            emit(i, k, TokenKind::kWord);
            i = k;
        } else if (is_apostrophe(c) && i > 0 && is_letter(cps[i - 1]) && i + 1 < cps.size() &&
                   is_letter(cps[i + 1])) {
            std::size_t k = i + 1;
            while (k < cps.size() && is_letter(cps[k])) ++k;
            emit(i, k, TokenKind::kWord);
            i = k;
        } else if (is_digit(c)) {
            std::size_t k = i + 1;
            for (;;) {
                if (k < cps.size() && is_digit(cps[k])) {
                    ++k;
                    continue;
                }
                if (k + 1 < cps.size() && (cps[k] == '.' || cps[k] == ',') && is_digit(cps[k + 1])) {
                    k += 2;
                    continue;
                }
                break;
            }
            emit(i, k, TokenKind::kNumber);
            i = k;
        } else if (is_cjk(c)) {
            const std::size_t k = attach_marks(i + 1);
            emit(i, k, TokenKind::kCjk);
            i = k;
        } else if (is_unspaced_script(c)) {
            std::size_t k = i + 1;
            while (k < cps.size() && (is_unspaced_mark(cps[k]) || is_attaching(cps[k]))) ++k;
            emit(i, k, TokenKind::kWord);
            i = k;
        } else if (is_punct(c)) {
            emit(i, i + 1, TokenKind::kPunct);
            ++i;
        } else {
            const std::size_t k = attach_marks(i + 1);
            emit(i, k, TokenKind::kSymbol);
            i = k;
        }
    }
    return t;
}

std::string token_display_label(std::string_view token_text) {
    constexpr std::size_t kMaxChars = 24;
    if (token_text.empty()) return "\xE2\x88\x85";  // ∅
    std::string out;
    std::size_t n = 0;
    for (char32_t c : io::decode_utf8(token_text)) {
        if (n == kMaxChars) {
            out += "\xE2\x80\xA6";  // …
            break;
        }
        if (c < 0x20)
            c = 0x2400 + c;  // control pictures
        else if (c == 0x7F)
            c = 0x2421;
        io::append_utf8(out, c);
        ++n;
    }
    return out;
}

}  // namespace attnviz::lesson

namespace attnviz::lesson {

std::optional<int> find_token(const std::vector<Token>& tokens, std::string_view wanted) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    };
    const std::string w = lower(wanted);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (lower(tokens[i].text) == w) return static_cast<int>(i);
    }
    if (wanted.empty() || wanted.size() > 9) return std::nullopt;
    int index = 0;
    for (char c : wanted) {
        if (c < '0' || c > '9') return std::nullopt;
        index = index * 10 + (c - '0');
    }
    if (index >= static_cast<int>(tokens.size())) return std::nullopt;
    return index;
}

}  // namespace attnviz::lesson
