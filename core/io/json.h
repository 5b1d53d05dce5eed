// A small strict JSON value, parser and writer: line:column errors, a nesting limit, duplicate keys
// rejected, no comments or trailing commas. Used for scenario files and the CLI's --json output.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::io {

class JsonValue {
  public:
    enum class Type { kNull, kBool, kInt, kNumber, kString, kArray, kObject };
    using Member = std::pair<std::string, JsonValue>;

    JsonValue() = default;
    static JsonValue boolean(bool b);
    static JsonValue integer(std::int64_t i);
    /// A finite double; NaN and infinities are written as null (JSON has no such numbers).
    static JsonValue number(double d);
    /// Like number(), but written with as many digits as reading it back to the same double takes (up to 17;
    /// number() writes 9, enough for a float).
    static JsonValue exact_number(double d);
    static JsonValue string(std::string s);
    static JsonValue array();
    static JsonValue object();

    Type type() const { return m_type; }
    bool is_null() const { return m_type == Type::kNull; }
    bool is_bool() const { return m_type == Type::kBool; }
    bool is_number() const { return m_type == Type::kNumber || m_type == Type::kInt; }
    bool is_int() const { return m_type == Type::kInt; }
    bool is_string() const { return m_type == Type::kString; }
    bool is_array() const { return m_type == Type::kArray; }
    bool is_object() const { return m_type == Type::kObject; }

    bool as_bool() const { return m_bool; }
    double as_number() const { return m_type == Type::kInt ? static_cast<double>(m_int) : m_number; }
    std::int64_t as_int() const { return m_int; }
    const std::string& as_string() const { return m_string; }
    const std::vector<JsonValue>& items() const { return m_items; }
    const std::vector<Member>& members() const { return m_members; }

    /// Object member by key, or nullptr.
    const JsonValue* find(const std::string& key) const;

    /// Appends to an array; returns *this for chaining.
    JsonValue& push(JsonValue v);
    /// Sets an object member (appends; keys are expected to be unique); returns *this.
    JsonValue& set(std::string key, JsonValue v);

    /// Compact JSON, or indented by two spaces when pretty.
    std::string dump(bool pretty = false) const;

    /// Where a value sits in its source file (1-based), for error messages; 0 when built in code.
    int line = 0;
    int column = 0;

  private:
    void dump_to(std::string& out, bool pretty, int indent) const;

    Type m_type = Type::kNull;
    bool m_bool = false;
    bool m_exact = false;  ///< kNumber: written with round-trip precision
    std::int64_t m_int = 0;
    double m_number = 0.0;
    std::string m_string;
    std::vector<JsonValue> m_items;
    std::vector<Member> m_members;
};

/// What a value is, for messages: "null", "a boolean", "an integer", "a number", "a string", "an array",
/// "an object".
const char* json_type_name(const JsonValue& v);

/// Deepest nesting of arrays and objects parse_json accepts.
constexpr int kJsonMaxDepth = 64;

/// Parses one JSON document (RFC 8259; a UTF-8 BOM is skipped, a UTF-16LE/BE file with its BOM is decoded
/// first and its line:column refer to characters, as for UTF-8). Errors read
/// "<name>:<line>:<column>: <what>" and say what was expected. Duplicate object keys are rejected.
Expected<JsonValue> parse_json(const std::string& text, const std::string& name);

}  // namespace attnviz::io
