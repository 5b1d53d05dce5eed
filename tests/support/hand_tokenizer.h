// Small hand-made tokenizer.json texts for the tokenizer tests: a byte-level vocabulary whose byte tokens
// have id = byte value, or a SentencePiece-style one (<unk> <s> </s> <0x00>..<0xFF> first), plus merges and
// pipeline stages written by hand. The byte-to-unicode map is written out here independently of core/.
#pragma once

#include "core/model/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::testing {

inline void append_utf8_cp(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// GPT-2's byte-to-unicode map: '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves; the other 68
/// bytes, in increasing order, become U+0100, U+0101, ... (so ' ' = 0x20 is U+0120 "Ġ", '\n' is U+010A "Ċ").
inline std::string byte_char(unsigned b) {
    const auto direct = [](unsigned x) {
        return (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE);
    };
    std::string out;
    if (direct(b)) {
        append_utf8_cp(out, b);
        return out;
    }
    unsigned n = 0;
    for (unsigned x = 0; x < b; ++x) n += direct(x) ? 0 : 1;
    append_utf8_cp(out, 256 + n);
    return out;
}

/// The byte-level spelling of a text: bl(" the") == "Ġthe".
inline std::string bl(const std::string& text) {
    std::string out;
    for (char c : text) out += byte_char(static_cast<unsigned char>(c));
    return out;
}

/// A JSON string literal.
inline std::string js(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

struct HandTokenizer {
    std::vector<std::pair<std::string, int>> vocab;
    std::vector<std::string> merges;  ///< JSON items as written: "\"a b\"" or "[\"a\", \"b\"]"
    std::string model_options;        ///< extra members of "model", each ending in a comma
    std::string normalizer = "null";
    std::string pre_tokenizer = "null";
    std::string post_processor = "null";
    std::string decoder = "null";
    std::string added_tokens = "[]";

    /// Adds "a b" in the string form.
    void merge(const std::string& a, const std::string& b) { merges.push_back(js(a + " " + b)); }
    /// Adds ["a", "b"] in the array form.
    void merge_pair(const std::string& a, const std::string& b) {
        merges.push_back("[" + js(a) + ", " + js(b) + "]");
    }

    std::string json() const {
        std::string v;
        for (const auto& [token, id] : vocab)
            v += (v.empty() ? "" : ", ") + js(token) + ": " + std::to_string(id);
        std::string m;
        for (const std::string& item : merges) m += (m.empty() ? "" : ", ") + item;
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": " +
               added_tokens + ", \"normalizer\": " + normalizer + ", \"pre_tokenizer\": " + pre_tokenizer +
               ", \"post_processor\": " + post_processor + ", \"decoder\": " + decoder +
               ", \"model\": {\"type\": \"BPE\", " + model_options + "\"vocab\": {" + v + "}, \"merges\": [" +
               m + "]}}";
    }

    std::shared_ptr<const model::Tokenizer> build() const {
        auto t = model::parse_tokenizer_json(json(), "hand.json");
        EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error());
        return t.ok() ? *t : nullptr;
    }
};

/// GPT-2-style: the 256 byte tokens (id = byte), ByteLevel pre-tokenizer with GPT-2's regex, ByteLevel
/// decoder.
inline HandTokenizer byte_level_tokenizer() {
    HandTokenizer h;
    for (unsigned b = 0; b < 256; ++b) h.vocab.emplace_back(byte_char(b), static_cast<int>(b));
    h.pre_tokenizer =
        R"({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true})";
    h.decoder = R"({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true})";
    return h;
}

/// Llama-2-style: <unk> 0, <s> 1, </s> 2, <0x00>..<0xFF> 3..258, then `tokens` from 259 on; normalizer
/// Prepend ▁ + Replace " " -> ▁, byte fallback, <s> prepended by the template, the Llama 2 decoder.
inline HandTokenizer sentencepiece_tokenizer(const std::vector<std::string>& tokens) {
    HandTokenizer h;
    h.vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (unsigned b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        h.vocab.emplace_back(name, static_cast<int>(3 + b));
    }
    int id = 259;
    for (const std::string& t : tokens) h.vocab.emplace_back(t, id++);
    h.model_options = R"("unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true, )";
    h.added_tokens =
        R"([{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}])";
    h.normalizer = R"({"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                      {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]})";
    h.post_processor =
        R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                          {"Sequence": {"id": "A", "type_id": 0}}], "pair": [],
                          "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}})";
    h.decoder =
        R"({"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                   {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]})";
    return h;
}

inline std::vector<int> ids_of(const std::vector<model::Token>& tokens) {
    std::vector<int> ids;
    for (const model::Token& t : tokens) ids.push_back(t.id);
    return ids;
}

/// Checks that the tokens' spans tile the text in order and returns their concatenation (the text).
inline std::string concat_spans(const std::string& text, const std::vector<model::Token>& tokens) {
    std::string out;
    std::size_t at = 0;
    for (const model::Token& t : tokens) {
        EXPECT_LE(t.start, t.end);
        EXPECT_LE(t.end, text.size());
        // Tokens a post-processor added have empty spans at the start or the end: they tile too.
        EXPECT_EQ(t.start, at) << "token " << t.id << " '" << t.display
                               << "' does not start where the previous ended";
        at = t.end;
        out += text.substr(t.start, t.end - t.start);
    }
    if (!text.empty() && !tokens.empty()) {
        EXPECT_EQ(at, text.size());
    }
    return out;
}

}  // namespace attnviz::testing
