// The tokenizer read from tokenizer.json at work: display labels, encoding (added tokens matched before the
// model, the post-processor's templates), decoding.
#include "core/model/hf_tokenizer.h"

#include "core/io/utf8.h"

#include <algorithm>
#include <cstdio>

namespace attnviz::model::detail {

namespace {

// [SECTION] display labels

void append_hex_run(std::string& out, const std::string& bytes) {
    if (bytes.empty()) return;
    out += "\xE2\x9F\xA8";  // ⟨
    for (std::size_t k = 0; k < bytes.size(); ++k) {
        char buf[4];
        std::snprintf(buf, sizeof(buf), "%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes[k])));
        if (k > 0) out += ' ';
        out += buf;
    }
    out += "\xE2\x9F\xA9";  // ⟩
}

/// Readable, always valid UTF-8: spaces as "·", control characters as symbols, bytes that are not whole
/// UTF-8 characters as ⟨E5 9C⟩.
std::string render_bytes(const std::string& bytes) {
    std::string out;
    std::string bad;
    std::size_t i = 0;
    while (i < bytes.size()) {
        char32_t cp = 0;
        bool valid = false;
        const std::size_t len = utf8_char_at(bytes, i, &cp, &valid);
        if (!valid) {
            bad.append(bytes, i, len);
            i += len;
            continue;
        }
        append_hex_run(out, bad);
        bad.clear();
        if (cp == ' ') {
            out += "\xC2\xB7";  // ·
        } else if (cp == '\n') {
            out += "\xE2\x86\xB5";  // ↵
        } else if (cp == '\t') {
            out += "\xE2\x87\xA5";  // ⇥
        } else if (cp < 0x20) {
            io::append_utf8(out, 0x2400 + cp);  // ␀ ␍ ... (Control Pictures)
        } else if (cp == 0x7F) {
            out += "\xE2\x90\xA1";  // ␡
        } else {
            out.append(bytes, i, len);
        }
        i += len;
    }
    append_hex_run(out, bad);
    return out;
}

bool ends_with_word(const std::string& s, std::size_t end) {
    if (end == 0) return false;
    std::size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    char32_t cp = 0;
    utf8_char_at(s, b, &cp, nullptr);
    return is_word_char(cp);
}

bool starts_with_word(const std::string& s, std::size_t begin) {
    if (begin >= s.size()) return false;
    char32_t cp = 0;
    utf8_char_at(s, begin, &cp, nullptr);
    return is_word_char(cp);
}

bool contains_byte_level(const PreTokenizer& p) {
    if (p.kind == PreTokenizer::Kind::kByteLevel) return true;
    return std::any_of(p.children.begin(), p.children.end(), contains_byte_level);
}

bool contains_byte_level(const Decoder& d) {
    if (d.kind == Decoder::Kind::kByteLevel) return true;
    return std::any_of(d.children.begin(), d.children.end(),
                       [](const Decoder& c) { return contains_byte_level(c); });
}

}  // namespace

// [SECTION] the tokenizer

std::vector<HfTokenizer::Match> HfTokenizer::find_added(const std::string& s, bool normalized_set) const {
    std::vector<Match> out;
    const auto& index = normalized_set ? m_normalized_first : m_raw_first;
    std::size_t start_offset = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto& candidates = index[static_cast<unsigned char>(s[i])];
        std::size_t best = added.size();
        std::size_t best_len = 0;
        for (std::size_t k : candidates) {
            const std::string& p = added[k].pattern;
            if (p.size() > best_len && s.compare(i, p.size(), p) == 0) {
                best = k;
                best_len = p.size();
            }
        }
        if (best == added.size()) {
            ++i;
            continue;
        }
        std::size_t start = i;
        std::size_t stop = i + best_len;
        i = stop;
        const AddedToken& t = added[best];
        if (t.single_word && (ends_with_word(s, start) || starts_with_word(s, stop))) continue;
        if (t.lstrip) {
            std::size_t b = start;
            while (b > 0) {
                std::size_t c = b - 1;
                while (c > 0 && (static_cast<unsigned char>(s[c]) & 0xC0) == 0x80) --c;
                char32_t cp = 0;
                utf8_char_at(s, c, &cp, nullptr);
                if (!is_unicode_whitespace(cp)) break;
                b = c;
            }
            start = std::max(b, start_offset);
        }
        if (t.rstrip) {
            while (stop < s.size()) {
                char32_t cp = 0;
                const std::size_t len = utf8_char_at(s, stop, &cp, nullptr);
                if (!is_unicode_whitespace(cp)) break;
                stop += len;
            }
            i = stop;
        }
        out.push_back({start, stop, best});
        start_offset = stop;
    }
    return out;
}

void HfTokenizer::encode_normalized(AlignedText&& piece, std::vector<Token>& out) const {
    std::vector<BpeModel::Piece> bpe;
    const auto run_model = [&](AlignedText&& p) {
        bpe.clear();
        model.tokenize(p.text, bpe);
        for (const BpeModel::Piece& b : bpe) {
            Token t;
            t.id = b.id;
            t.start = p.boundary(b.begin);
            t.end = p.boundary(b.end);
            out.push_back(std::move(t));
        }
    };
    if (pre_tokenizer) {
        apply_pre_tokenizer(*pre_tokenizer, std::move(piece), run_model);
    } else {
        run_model(std::move(piece));
    }
}

void HfTokenizer::encode_text(AlignedText&& piece, std::vector<Token>& out) const {
    AlignedText normalized = normalizer ? apply_normalizer(*normalizer, std::move(piece)) : std::move(piece);
    const std::vector<Match> matches = find_added(normalized.text, true);
    if (matches.empty()) {
        encode_normalized(std::move(normalized), out);
        return;
    }
    std::size_t prev = 0;
    for (const Match& m : matches) {
        if (m.begin > prev) encode_normalized(normalized.slice(prev, m.begin), out);
        Token t;
        t.id = added[m.added_index].id;
        t.start = normalized.boundary(m.begin);
        t.end = normalized.boundary(m.end);
        t.special = true;
        out.push_back(std::move(t));
        prev = m.end;
    }
    if (prev < normalized.text.size()) encode_normalized(normalized.slice(prev, normalized.text.size()), out);
}

std::vector<Token> HfTokenizer::encode(const std::string& text, bool add_special_tokens) const {
    AlignedText all = lossy_decode(text);
    std::vector<Token> tokens;
    std::size_t prev = 0;
    const std::vector<Match> matches = find_added(all.text, false);
    if (matches.empty()) {
        prev = all.text.size();
        if (!all.text.empty()) encode_text(std::move(all), tokens);
    }
    for (const Match& m : matches) {
        if (m.begin > prev) encode_text(all.slice(prev, m.begin), tokens);
        Token t;
        t.id = added[m.added_index].id;
        t.start = all.boundary(m.begin);
        t.end = all.boundary(m.end);
        t.special = true;
        tokens.push_back(std::move(t));
        prev = m.end;
    }
    if (!matches.empty() && prev < all.text.size()) encode_text(all.slice(prev, all.text.size()), tokens);

    // Spans tile the text: each token starts where the previous one ended (text a normalizer or a
    // Removed split dropped goes to the next token), the last one ends at the end of the text.
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        tokens[k].start = k == 0 ? 0 : tokens[k - 1].end;
        tokens[k].end = std::max(std::min(tokens[k].end, text.size()), tokens[k].start);
    }
    if (!tokens.empty()) tokens.back().end = text.size();

    if (add_special_tokens) {
        for (const std::vector<TemplateItem>& items : templates) {
            std::vector<Token> wrapped;
            bool seen_sequence = false;
            for (const TemplateItem& item : items) {
                if (item.sequence) {
                    wrapped.insert(wrapped.end(), tokens.begin(), tokens.end());
                    seen_sequence = true;
                    continue;
                }
                const std::size_t at = seen_sequence ? text.size() : 0;
                for (int id : item.ids) {
                    Token t;
                    t.id = id;
                    t.start = at;
                    t.end = at;
                    t.special = true;
                    wrapped.push_back(std::move(t));
                }
            }
            tokens = std::move(wrapped);
        }
    }
    for (Token& t : tokens) {
        const auto i = static_cast<std::size_t>(t.id);
        t.display = i < m_display.size() ? m_display[i] : display(t.id);
    }
    return tokens;
}

std::string HfTokenizer::token_bytes(int id) const {
    const auto a = added_by_id.find(id);
    if (a != added_by_id.end()) return added[a->second].content;
    if (id < 0 || static_cast<std::size_t>(id) >= model.has_id.size() ||
        !model.has_id[static_cast<std::size_t>(id)]) {
        return {};
    }
    const std::string& token = model.id_to_token[static_cast<std::size_t>(id)];
    if (byte_level) {
        std::string bytes;
        if (byte_level_decode(token, bytes)) return bytes;
        return token;
    }
    if (model.byte_fallback && token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>') {
        for (int b = 0; b < 256; ++b) {
            if (model.byte_ids[static_cast<std::size_t>(b)] == id)
                return std::string(1, static_cast<char>(b));
        }
    }
    std::string out;
    std::size_t prev = 0;
    std::size_t at = token.find("\xE2\x96\x81");
    while (at != std::string::npos) {
        out.append(token, prev, at - prev);
        out += ' ';
        prev = at + 3;
        at = token.find("\xE2\x96\x81", prev);
    }
    out.append(token, prev, std::string::npos);
    return out;
}

std::string HfTokenizer::display(int id) const {
    const bool known =
        added_by_id.count(id) > 0 || (id >= 0 && static_cast<std::size_t>(id) < model.has_id.size() &&
                                      model.has_id[static_cast<std::size_t>(id)]);
    if (!known) return "<id " + std::to_string(id) + "?>";
    return render_bytes(token_bytes(id));
}

std::string HfTokenizer::decode(const std::vector<int>& ids) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
        const auto a = added_by_id.find(id);
        if (a != added_by_id.end()) {
            tokens.push_back(added[a->second].content);
        } else if (id >= 0 && static_cast<std::size_t>(id) < model.has_id.size() &&
                   model.has_id[static_cast<std::size_t>(id)]) {
            tokens.push_back(model.id_to_token[static_cast<std::size_t>(id)]);
        }
        // An id the tokenizer does not know is skipped, as `tokenizers` skips it.
    }
    std::string out;
    if (!decoder) {
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            if (k > 0) out += ' ';
            out += tokens[k];
        }
        return out;
    }
    for (const std::string& t : apply_decoder(*decoder, std::move(tokens))) out += t;
    return out;
}

void finish(HfTokenizer& t) {
    t.model.detect_marker_splits();
    t.byte_level = (t.pre_tokenizer && contains_byte_level(*t.pre_tokenizer)) ||
                   (t.decoder && contains_byte_level(*t.decoder));
    t.n_vocab = static_cast<int>(t.model.id_to_token.size());
    t.index_added_tokens();
}

}  // namespace attnviz::model::detail
