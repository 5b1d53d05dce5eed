// A tiny safetensors reader for tests (F32 / F16 / BF16 into float64), with its own minimal JSON parser:
// it shares no code with core/, so a test can read a real checkpoint without trusting the loader it checks.
#pragma once

#include "tests/support/hf_checkpoint_writer.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::testing::hf {

/// A parsed JSON value (just enough for safetensors headers and config files).
struct MiniJson {
    enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
    bool boolean = false;
    double number = 0.0;
    std::string string;
    std::vector<MiniJson> array;
    std::vector<std::pair<std::string, MiniJson>> object;  ///< in file order

    const MiniJson* find(const std::string& key) const {
        for (const auto& [k, v] : object)
            if (k == key) return &v;
        return nullptr;
    }
    const MiniJson& at(const std::string& key) const {
        const MiniJson* v = find(key);
        if (!v) throw std::runtime_error("mini_json: no key " + key);
        return *v;
    }
};

class MiniJsonParser {
  public:
    explicit MiniJsonParser(const std::string& text) : m_text(text) {}
    MiniJson parse() {
        MiniJson v = value();
        skip_space();
        if (m_pos != m_text.size()) fail("trailing characters");
        return v;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("mini_json: " + what + " at byte " + std::to_string(m_pos));
    }
    void skip_space() {
        while (m_pos < m_text.size() && std::strchr(" \t\r\n", m_text[m_pos]) && m_text[m_pos] != '\0')
            ++m_pos;
    }
    char peek() {
        skip_space();
        if (m_pos >= m_text.size()) fail("unexpected end");
        return m_text[m_pos];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    std::string string_value() {
        expect('"');
        std::string s;
        while (m_pos < m_text.size() && m_text[m_pos] != '"') {
            char c = m_text[m_pos++];
            if (c == '\\') {
                if (m_pos >= m_text.size()) fail("bad escape");
                const char e = m_text[m_pos++];
                if (e == 'n')
                    c = '\n';
                else if (e == 't')
                    c = '\t';
                else if (e == 'u')
                    fail("\\u escapes are not supported by this test reader");
                else
                    c = e;
            }
            s.push_back(c);
        }
        if (m_pos >= m_text.size()) fail("unterminated string");
        ++m_pos;
        return s;
    }
    MiniJson value() {
        MiniJson v;
        const char c = peek();
        if (c == '{') {
            v.kind = MiniJson::Kind::kObject;
            ++m_pos;
            if (peek() == '}') return ++m_pos, v;
            for (;;) {
                std::string key = string_value();
                expect(':');
                v.object.emplace_back(std::move(key), value());
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = MiniJson::Kind::kArray;
            ++m_pos;
            if (peek() == ']') return ++m_pos, v;
            for (;;) {
                v.array.push_back(value());
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = MiniJson::Kind::kString;
            v.string = string_value();
            return v;
        }
        for (const char* word : {"true", "false", "null"}) {
            if (m_text.compare(m_pos, std::strlen(word), word) == 0) {
                m_pos += std::strlen(word);
                v.kind = word[0] == 'n' ? MiniJson::Kind::kNull : MiniJson::Kind::kBool;
                v.boolean = word[0] == 't';
                return v;
            }
        }
        const char* begin = m_text.c_str() + m_pos;
        char* end = nullptr;
        v.number = std::strtod(begin, &end);
        if (end == begin) fail("unexpected character");
        v.kind = MiniJson::Kind::kNumber;
        m_pos += static_cast<std::size_t>(end - begin);
        return v;
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
};

inline MiniJson parse_mini_json(const std::string& text) {
    return MiniJsonParser(text).parse();
}

inline std::string read_whole_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

/// Every tensor of one safetensors file, decoded to float64 (F32, F16, BF16). Throws on anything odd.
inline TensorMap read_safetensors_f64(const std::string& path) {
    const std::string bytes = read_whole_file(path);
    if (bytes.size() < 8) throw std::runtime_error(path + ": shorter than 8 bytes");
    std::uint64_t n_header = 0;
    for (int b = 0; b < 8; ++b)
        n_header |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[static_cast<std::size_t>(b)]))
                    << (8 * b);
    if (n_header > bytes.size() - 8) throw std::runtime_error(path + ": header length past the end");
    const MiniJson header = parse_mini_json(bytes.substr(8, n_header));
    const std::size_t data = 8 + n_header;
    TensorMap out;
    for (const auto& [name, info] : header.object) {
        if (name == "__metadata__") continue;
        const std::string& dtype = info.at("dtype").string;
        const int size = dtype == "F32" ? 4 : (dtype == "F16" || dtype == "BF16") ? 2 : 0;
        if (size == 0)
            throw std::runtime_error(path + ": " + name + ": dtype " + dtype +
                                     " not read by this test reader");
        Tensor64 t;
        for (const MiniJson& s : info.at("shape").array)
            t.shape.push_back(static_cast<std::int64_t>(s.number));
        const auto begin = static_cast<std::size_t>(info.at("data_offsets").array.at(0).number);
        const auto end = static_cast<std::size_t>(info.at("data_offsets").array.at(1).number);
        if (end < begin || end > bytes.size() - data ||
            end - begin != static_cast<std::size_t>(t.numel()) * static_cast<std::size_t>(size))
            throw std::runtime_error(path + ": " + name + ": bad data_offsets");
        t.values.resize(static_cast<std::size_t>(t.numel()));
        for (std::size_t i = 0; i < t.values.size(); ++i) {
            const unsigned char* p = reinterpret_cast<const unsigned char*>(
                bytes.data() + data + begin + i * static_cast<std::size_t>(size));
            if (size == 4) {
                const std::uint32_t u =
                    static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                    static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
                float f = 0.0f;
                std::memcpy(&f, &u, 4);
                t.values[i] = static_cast<double>(f);
            } else {
                const auto u = static_cast<std::uint16_t>(p[0] | p[1] << 8);
                t.values[i] = dtype == "F16" ? f16_value(u) : bf16_value(u);
            }
        }
        out[name] = std::move(t);
    }
    return out;
}

}  // namespace attnviz::testing::hf
