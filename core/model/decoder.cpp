// Decoders of tokenizer.json, chained as `tokenizers` chains them: ByteLevel, Replace, ByteFallback,
// Fuse, Strip, Metaspace and Sequence.
#include "core/model/tokenizer_pipeline.h"

namespace attnviz::model::detail {

namespace {

std::string lossy_utf8(const std::string& bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        bool valid = false;
        const std::size_t len = utf8_char_at(bytes, i, nullptr, &valid);
        if (valid) {
            out.append(bytes, i, len);
        } else {
            out += "\xEF\xBF\xBD";
        }
        i += len;
    }
    return out;
}

bool is_valid_utf8(const std::string& bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        bool valid = false;
        i += utf8_char_at(bytes, i, nullptr, &valid);
        if (!valid) return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::vector<std::string> split_chars(const std::string& s) {
    std::vector<std::string> chars;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t len = utf8_char_at(s, i, nullptr, nullptr);
        chars.push_back(s.substr(i, len));
        i += len;
    }
    return chars;
}

}  // namespace

std::vector<std::string> apply_decoder(const Decoder& d, std::vector<std::string> tokens) {
    switch (d.kind) {
        case Decoder::Kind::kNone:
            return tokens;
        case Decoder::Kind::kSequence:
            for (const Decoder& child : d.children) tokens = apply_decoder(child, std::move(tokens));
            return tokens;
        case Decoder::Kind::kByteLevel: {
            std::string bytes;
            for (const std::string& t : tokens) {
                if (!byte_level_decode(t, bytes)) bytes += t;
            }
            return {lossy_utf8(bytes)};
        }
        case Decoder::Kind::kReplace:
            for (std::string& t : tokens) {
                std::string out;
                std::size_t prev = 0;
                for (const auto& [s, e] : d.pattern->find_all(t)) {
                    out.append(t, prev, s - prev);
                    out += d.content;
                    prev = e;
                }
                out.append(t, prev, std::string::npos);
                t = std::move(out);
            }
            return tokens;
        case Decoder::Kind::kByteFallback: {
            std::vector<std::string> out;
            std::string pending;
            const auto flush = [&]() {
                if (pending.empty()) return;
                if (is_valid_utf8(pending)) {
                    out.push_back(pending);
                } else {
                    for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
                }
                pending.clear();
            };
            for (std::string& t : tokens) {
                const bool is_byte = t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' &&
                                     hex_value(t[3]) >= 0 && hex_value(t[4]) >= 0;
                if (is_byte) {
                    pending += static_cast<char>(hex_value(t[3]) * 16 + hex_value(t[4]));
                } else {
                    flush();
                    out.push_back(std::move(t));
                }
            }
            flush();
            return out;
        }
        case Decoder::Kind::kFuse: {
            std::string all;
            for (const std::string& t : tokens) all += t;
            return {all};
        }
        case Decoder::Kind::kStrip:
            for (std::string& t : tokens) {
                const std::vector<std::string> chars = split_chars(t);
                std::size_t start_cut = 0;
                for (std::size_t k = 0; k < chars.size() && k < static_cast<std::size_t>(d.strip_start);
                     ++k) {
                    if (chars[k] != d.content) break;
                    start_cut = k + 1;
                }
                std::size_t stop_cut = chars.size();
                for (std::size_t k = 0; k < static_cast<std::size_t>(d.strip_stop) && k < chars.size(); ++k) {
                    const std::size_t index = chars.size() - k - 1;
                    if (chars[index] != d.content) break;
                    stop_cut = index;
                }
                std::string out;
                for (std::size_t k = start_cut; k < stop_cut; ++k) out += chars[k];
                t = std::move(out);
            }
            return tokens;
        case Decoder::Kind::kMetaspace:
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                std::string out;
                for (const std::string& c : split_chars(tokens[i])) {
                    if (c == d.content) {
                        if (!(i == 0 && d.metaspace_prepend)) out += ' ';
                    } else {
                        out += c;
                    }
                }
                tokens[i] = std::move(out);
            }
            return tokens;
    }
    return tokens;
}

}  // namespace attnviz::model::detail
