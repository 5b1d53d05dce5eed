// Strict recursive-descent JSON parser with position tracking, and a writer.
#include "core/io/json.h"

#include "core/io/utf8.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

namespace attnviz::io {

// [SECTION] value construction and lookup

JsonValue JsonValue::boolean(bool b) {
    JsonValue v;
    v.m_type = Type::kBool;
    v.m_bool = b;
    return v;
}
JsonValue JsonValue::integer(std::int64_t i) {
    JsonValue v;
    v.m_type = Type::kInt;
    v.m_int = i;
    return v;
}
JsonValue JsonValue::number(double d) {
    JsonValue v;
    if (!std::isfinite(d)) return v;
    v.m_type = Type::kNumber;
    v.m_number = d;
    return v;
}
JsonValue JsonValue::exact_number(double d) {
    JsonValue v = number(d);
    v.m_exact = true;
    return v;
}
JsonValue JsonValue::string(std::string s) {
    JsonValue v;
    v.m_type = Type::kString;
    v.m_string = std::move(s);
    return v;
}
JsonValue JsonValue::array() {
    JsonValue v;
    v.m_type = Type::kArray;
    return v;
}
JsonValue JsonValue::object() {
    JsonValue v;
    v.m_type = Type::kObject;
    return v;
}

const JsonValue* JsonValue::find(const std::string& key) const {
    for (const Member& m : m_members) {
        if (m.first == key) return &m.second;
    }
    return nullptr;
}

JsonValue& JsonValue::push(JsonValue v) {
    m_items.push_back(std::move(v));
    return *this;
}

JsonValue& JsonValue::set(std::string key, JsonValue v) {
    m_members.emplace_back(std::move(key), std::move(v));
    return *this;
}

// [SECTION] writer

namespace {

// The length of the valid UTF-8 sequence starting at s[pos] (a byte >= 0x80), or 0 if it is not one: a bad
// lead byte, a bad continuation, an overlong form, a surrogate, a value above U+10FFFF or a truncation.
std::size_t utf8_sequence_at(std::string_view s, std::size_t pos) {
    const auto c = static_cast<unsigned char>(s[pos]);
    const std::size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                            : c >= 0xE0 && c <= 0xEF ? 3
                            : c >= 0xF0 && c <= 0xF4 ? 4
                                                     : 0;
    if (len == 0 || pos + len > s.size()) return 0;
    int n_invalid = 0;
    decode_utf8(s.substr(pos, len), &n_invalid);
    return n_invalid == 0 ? len : 0;
}

// Strings built in code may hold invalid UTF-8 (a token's bytes): each such byte is written as U+FFFD, so
// that every dump is valid UTF-8 and parse_json reads it back.
void dump_string(std::string& out, const std::string& s) {
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_at(s, i);
            if (len == 0) {
                out += "\xEF\xBF\xBD";
            } else {
                out.append(s, i, len);
                i += len - 1;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void newline(std::string& out, bool pretty, int indent) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * 2, ' ');
}

}  // namespace

void JsonValue::dump_to(std::string& out, bool pretty, int indent) const {
    switch (m_type) {
        case Type::kNull:
            out += "null";
            break;
        case Type::kBool:
            out += m_bool ? "true" : "false";
            break;
        case Type::kInt:
            out += std::to_string(m_int);
            break;
        case Type::kNumber: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.9g", m_number);
            for (int digits = 10; m_exact && digits <= 17 && std::strtod(buf, nullptr) != m_number; ++digits)
                std::snprintf(buf, sizeof buf, "%.*g", digits, m_number);
            out += buf;
            // "-0" would read back as the integer 0: keep the sign of a negative zero (json fuzzer, "-0.0").
            if (m_number == 0.0 && std::signbit(m_number)) out += ".0";
            break;
        }
        case Type::kString:
            dump_string(out, m_string);
            break;
        case Type::kArray: {
            out += '[';
            // Arrays of plain numbers stay on one line: matrices read as rows.
            bool flat = true;
            for (const JsonValue& v : m_items) flat = flat && (v.is_number() || v.is_null());
            for (std::size_t i = 0; i < m_items.size(); ++i) {
                if (i) out += flat && pretty ? ", " : ",";
                if (!flat) newline(out, pretty, indent + 1);
                m_items[i].dump_to(out, pretty, indent + 1);
            }
            if (!flat && !m_items.empty()) newline(out, pretty, indent);
            out += ']';
            break;
        }
        case Type::kObject: {
            out += '{';
            for (std::size_t i = 0; i < m_members.size(); ++i) {
                if (i) out += ',';
                newline(out, pretty, indent + 1);
                dump_string(out, m_members[i].first);
                out += pretty ? ": " : ":";
                m_members[i].second.dump_to(out, pretty, indent + 1);
            }
            if (!m_members.empty()) newline(out, pretty, indent);
            out += '}';
            break;
        }
    }
}

std::string JsonValue::dump(bool pretty) const {
    std::string out;
    dump_to(out, pretty, 0);
    return out;
}

// [SECTION] parser

namespace {

/// A UTF-16 file with its byte order mark (Excel's "Unicode Text", Notepad's "Unicode") decoded to UTF-8, so
/// that it parses like any other file. An odd length or an unpaired surrogate is an error naming the byte.
Expected<std::string> utf16_to_utf8(const std::string& text, bool little_endian, const std::string& name) {
    const auto byte = [&](std::size_t i) {
        return static_cast<unsigned>(static_cast<unsigned char>(text[i]));
    };
    const auto unit = [&](std::size_t i) {
        return little_endian ? byte(i) | (byte(i + 1) << 8) : (byte(i) << 8) | byte(i + 1);
    };
    const std::string order = little_endian ? "UTF-16LE" : "UTF-16BE";
    if (text.size() % 2 != 0) {
        return Error{name + ": the file is " + order + " (byte order mark) but has an odd number of bytes (" +
                     std::to_string(text.size()) + "); save it as UTF-8"};
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 2; i < text.size(); i += 2) {
        const unsigned u = unit(i);
        char32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < text.size() && unit(i + 2) >= 0xDC00 &&
            unit(i + 2) <= 0xDFFF) {
            cp = 0x10000 + ((u - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
            i += 2;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            return Error{name + ": byte " + std::to_string(i) + ": an unpaired UTF-16 surrogate in this " +
                         order + " file; save it as UTF-8"};
        }
        append_utf8(out, cp);
    }
    return out;
}

class Parser {
  public:
    Parser(const std::string& text, const std::string& name) : m_text(text), m_name(name) {}

    Expected<JsonValue> parse_document() {
        if (m_text.compare(0, 3, "\xEF\xBB\xBF") == 0) m_pos = 3;
        skip_space();
        if (m_pos >= m_text.size()) return fail("file is empty; expected a JSON value");
        JsonValue v;
        if (!parse_value(v, 0)) return Error{m_error};
        skip_space();
        if (m_pos < m_text.size()) return fail("unexpected text after the JSON value");
        return v;
    }

  private:
    Error fail(const std::string& what) {
        set_error(what);
        return Error{m_error};
    }
    bool set_error(const std::string& what) {
        if (m_error.empty()) {
            const auto [line, col] = line_column(m_pos);
            m_error = m_name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what;
        }
        return false;
    }
    // 1-based line and column (in code points) of a byte offset. Values are marked in increasing
    // offset order, so a cursor advances incrementally; going back (errors only) rescans.
    std::pair<int, int> line_column(std::size_t pos) {
        if (pos < m_cursor_pos) {
            m_cursor_pos = 0;
            m_cursor_line = 1;
            m_cursor_col = 1;
        }
        for (; m_cursor_pos < pos && m_cursor_pos < m_text.size(); ++m_cursor_pos) {
            const char c = m_text[m_cursor_pos];
            if (c == '\n') {
                ++m_cursor_line;
                m_cursor_col = 1;
            } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
                ++m_cursor_col;
            }
        }
        return {m_cursor_line, m_cursor_col};
    }
    void mark(JsonValue& v) {
        const auto [line, col] = line_column(m_pos);
        v.line = line;
        v.column = col;
    }
    void skip_space() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++m_pos;
            } else {
                break;
            }
        }
    }
    bool at_end() const { return m_pos >= m_text.size(); }

    bool parse_value(JsonValue& v, int depth) {
        skip_space();
        if (at_end()) return set_error("unexpected end of file; expected a value");
        const char c = m_text[m_pos];
        if (c == '{') return parse_object(v, depth + 1);
        if (c == '[') return parse_array(v, depth + 1);
        if (c == '"') {
            mark(v);
            std::string s;
            if (!parse_string(s)) return false;
            const int line = v.line, col = v.column;
            v = JsonValue::string(std::move(s));
            v.line = line;
            v.column = col;
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(v);
        if (literal("true")) return set_literal(v, JsonValue::boolean(true), 4);
        if (literal("false")) return set_literal(v, JsonValue::boolean(false), 5);
        if (literal("null")) return set_literal(v, JsonValue(), 4);
        if (c == '/') return set_error("comments are not allowed in JSON");
        if (c == '\'') return set_error("strings must use double quotes, not single quotes");
        if (literal("NaN") || literal("Infinity")) return set_error("NaN and Infinity are not JSON numbers");
        if (c >= 0x20 && c < 0x7F)
            return set_error(std::string("unexpected character '") + c + "'; expected a value");
        // Not printable ASCII: the byte in hex (the message itself stays valid UTF-8).
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
        return set_error(
            std::string("unexpected byte ") + hex +
            "; expected a value (JSON's syntax is ASCII: straight double quotes, no curly ones)");
    }
    bool literal(const char* w) const {
        return m_text.compare(m_pos, std::char_traits<char>::length(w), w) == 0;
    }
    bool set_literal(JsonValue& v, JsonValue lit, std::size_t len) {
        mark(lit);
        v = std::move(lit);
        m_pos += len;
        return true;
    }

    bool parse_object(JsonValue& v, int depth) {
        if (depth > kJsonMaxDepth)
            return set_error("nesting deeper than " + std::to_string(kJsonMaxDepth) + " levels");
        JsonValue obj = JsonValue::object();
        mark(obj);
        ++m_pos;  // '{'
        skip_space();
        if (!at_end() && m_text[m_pos] == '}') {
            ++m_pos;
            v = std::move(obj);
            return true;
        }
        // Keys seen so far, for the duplicate check: a linear scan for small objects, a hash set once an
        // object is big (a tokenizer's vocabulary has 150,000 keys; a scan would be quadratic).
        std::unordered_set<std::string> seen;
        while (true) {
            skip_space();
            if (at_end()) return set_error("unexpected end of file inside an object; expected '\"key\"'");
            if (m_text[m_pos] == '}') return set_error("trailing comma before '}' is not allowed");
            if (m_text[m_pos] != '"') {
                return set_error(m_text[m_pos] == '\'' ? "keys must use double quotes, not single quotes"
                                                       : "expected '\"key\"' in object");
            }
            const std::size_t key_pos = m_pos;
            std::string key;
            if (!parse_string(key)) return false;
            constexpr std::size_t kHashFrom = 16;
            if (obj.members().size() == kHashFrom) {
                for (const JsonValue::Member& m : obj.members()) seen.insert(m.first);
            }
            const bool duplicate =
                obj.members().size() < kHashFrom ? obj.find(key) != nullptr : !seen.insert(key).second;
            if (duplicate) {
                m_pos = key_pos;
                return set_error("duplicate key \"" + key + "\"; each key may appear once");
            }
            skip_space();
            if (at_end() || m_text[m_pos] != ':') return set_error("expected ':' after key \"" + key + "\"");
            ++m_pos;
            JsonValue member;
            if (!parse_value(member, depth)) return false;
            obj.set(std::move(key), std::move(member));
            skip_space();
            if (at_end()) return set_error("unexpected end of file inside an object; expected ',' or '}'");
            if (m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_text[m_pos] == '}') {
                ++m_pos;
                v = std::move(obj);
                return true;
            }
            return set_error("expected ',' or '}' after an object member");
        }
    }

    bool parse_array(JsonValue& v, int depth) {
        if (depth > kJsonMaxDepth)
            return set_error("nesting deeper than " + std::to_string(kJsonMaxDepth) + " levels");
        JsonValue arr = JsonValue::array();
        mark(arr);
        ++m_pos;  // '['
        skip_space();
        if (!at_end() && m_text[m_pos] == ']') {
            ++m_pos;
            v = std::move(arr);
            return true;
        }
        while (true) {
            skip_space();
            if (!at_end() && m_text[m_pos] == ']')
                return set_error("trailing comma before ']' is not allowed");
            JsonValue item;
            if (!parse_value(item, depth)) return false;
            arr.push(std::move(item));
            skip_space();
            if (at_end()) return set_error("unexpected end of file inside an array; expected ',' or ']'");
            if (m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_text[m_pos] == ']') {
                ++m_pos;
                v = std::move(arr);
                return true;
            }
            return set_error("expected ',' or ']' after an array element");
        }
    }

    bool parse_number(JsonValue& v) {
        JsonValue pos_holder;
        mark(pos_holder);
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '-') ++m_pos;
        if (at_end() || !is_digit(m_text[m_pos])) return set_error("expected a digit in number");
        if (m_text[m_pos] == '0' && m_pos + 1 < m_text.size() && is_digit(m_text[m_pos + 1])) {
            return set_error("numbers may not have leading zeros");
        }
        while (!at_end() && is_digit(m_text[m_pos])) ++m_pos;
        bool is_integer = true;
        if (!at_end() && m_text[m_pos] == '.') {
            is_integer = false;
            ++m_pos;
            if (at_end() || !is_digit(m_text[m_pos])) return set_error("expected a digit after '.'");
            while (!at_end() && is_digit(m_text[m_pos])) ++m_pos;
        }
        if (!at_end() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            is_integer = false;
            ++m_pos;
            if (!at_end() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
            if (at_end() || !is_digit(m_text[m_pos])) return set_error("expected a digit in the exponent");
            while (!at_end() && is_digit(m_text[m_pos])) ++m_pos;
        }
        const std::string token = m_text.substr(start, m_pos - start);
        const double d = std::strtod(token.c_str(), nullptr);
        if (!std::isfinite(d)) {
            m_pos = start;
            return set_error("number " + token + " is out of range");
        }
        if (is_integer && std::fabs(d) < 9.0e15) {
            v = JsonValue::integer(std::strtoll(token.c_str(), nullptr, 10));
        } else {
            v = JsonValue::number(d);
        }
        v.line = pos_holder.line;
        v.column = pos_holder.column;
        return true;
    }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    bool parse_string(std::string& out) {
        ++m_pos;  // opening quote
        while (true) {
            if (at_end()) return set_error("unexpected end of file inside a string");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) return set_error("control character in string; write it as an escape such as \\n");
            if (c == '\\') {
                ++m_pos;
                if (at_end()) return set_error("unexpected end of file in an escape");
                const char e = m_text[m_pos++];
                switch (e) {
                    case '"':
                        out += '"';
                        break;
                    case '\\':
                        out += '\\';
                        break;
                    case '/':
                        out += '/';
                        break;
                    case 'b':
                        out += '\b';
                        break;
                    case 'f':
                        out += '\f';
                        break;
                    case 'n':
                        out += '\n';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'u': {
                        unsigned cp = 0;
                        if (!hex4(cp)) return false;
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            unsigned lo = 0;
                            if (m_text.compare(m_pos, 2, "\\u") != 0)
                                return set_error("unpaired surrogate in \\u escape");
                            m_pos += 2;
                            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF)
                                return set_error("unpaired surrogate in \\u escape");
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                            return set_error("unpaired surrogate in \\u escape");
                        }
                        append_utf8(out, static_cast<char32_t>(cp));
                        break;
                    }
                    default:
                        --m_pos;
                        return set_error(std::string("unknown escape '\\") + e + "'");
                }
                continue;
            }
            if (c >= 0x80) {  // one whole, valid UTF-8 sequence (RFC 8259 section 8.1), copied as it is
                const std::size_t len = utf8_sequence_at(m_text, m_pos);
                if (len == 0) {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "0x%02X", c);
                    return set_error(std::string("invalid UTF-8 (byte ") + hex +
                                     ") in a string; save the file as UTF-8");
                }
                out.append(m_text, m_pos, len);
                m_pos += len;
                continue;
            }
            out += static_cast<char>(c);
            ++m_pos;
        }
    }
    bool hex4(unsigned& cp) {
        if (m_pos + 4 > m_text.size()) return set_error("\\u escape needs four hex digits");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            cp <<= 4;
            if (h >= '0' && h <= '9') {
                cp |= static_cast<unsigned>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                cp |= static_cast<unsigned>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                cp |= static_cast<unsigned>(h - 'A' + 10);
            } else {
                return set_error("\\u escape needs four hex digits");
            }
        }
        return true;
    }

    const std::string& m_text;
    const std::string& m_name;
    std::size_t m_pos = 0;
    std::size_t m_cursor_pos = 0;
    int m_cursor_line = 1;
    int m_cursor_col = 1;
    std::string m_error;
};

}  // namespace

Expected<JsonValue> parse_json(const std::string& text, const std::string& name) {
    const bool little_endian = text.compare(0, 2, "\xFF\xFE") == 0;
    if (little_endian || text.compare(0, 2, "\xFE\xFF") == 0) {
        Expected<std::string> utf8 = utf16_to_utf8(text, little_endian, name);
        if (!utf8) return Error{utf8.error()};
        return Parser(*utf8, name).parse_document();
    }
    return Parser(text, name).parse_document();
}

const char* json_type_name(const JsonValue& v) {
    switch (v.type()) {
        case JsonValue::Type::kNull:
            return "null";
        case JsonValue::Type::kBool:
            return "a boolean";
        case JsonValue::Type::kInt:
            return "an integer";
        case JsonValue::Type::kNumber:
            return "a number";
        case JsonValue::Type::kString:
            return "a string";
        case JsonValue::Type::kArray:
            return "an array";
        case JsonValue::Type::kObject:
            return "an object";
    }
    return "a value";
}

}  // namespace attnviz::io
