// The strict JSON parser: positions in errors, depth limit, duplicate keys, round trips.
#include "core/io/json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attnviz {
namespace {

void expect_error(const std::string& text, const char* fragment) {
    Expected<io::JsonValue> v = io::parse_json(text, "s.json");
    ASSERT_FALSE(v.ok()) << "accepted: " << text;
    EXPECT_NE(v.error().find(fragment), std::string::npos) << v.error();
}

TEST(Json, ParsesNestedValuesWithPositions) {
    Expected<io::JsonValue> v = io::parse_json(
        "{\n  \"a\": [1, 2.5, -3e2],\n  \"b\": {\"c\": \"x\\u00e9\\n\", \"d\": null, \"e\": true}\n}",
        "s.json");
    ASSERT_TRUE(v.ok()) << v.error();
    const io::JsonValue* a = v->find("a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->items().size(), 3u);
    EXPECT_TRUE(a->items()[0].is_int());
    EXPECT_EQ(a->items()[1].as_number(), 2.5);
    EXPECT_EQ(a->items()[2].as_number(), -300.0);
    EXPECT_EQ(a->line, 2);
    EXPECT_EQ(a->column, 8);
    EXPECT_EQ(v->find("b")->find("c")->as_string(), "x\xc3\xa9\n");
    EXPECT_TRUE(v->find("b")->find("d")->is_null());
    EXPECT_TRUE(v->find("b")->find("e")->as_bool());
}

TEST(Json, ErrorsCarryLineAndColumn) {
    expect_error("{\n  \"a\": 1,\n}", "s.json:3:1: trailing comma");
    expect_error("[1, 2,]", "s.json:1:7: trailing comma");
    expect_error("{\"a\": 1, \"a\": 2}", "s.json:1:10: duplicate key \"a\"");
    expect_error("// hi\n{}", "comments are not allowed");
    expect_error("{'a': 1}", "double quotes");
    expect_error("", "file is empty");
    expect_error("{\"a\": [1, 2", "unexpected end of file");
    expect_error("{\"t\": NaN}", "NaN and Infinity are not JSON numbers");
    expect_error("{\"t\": 1e999}", "out of range");
    expect_error("[01]", "leading zeros");
    expect_error("{} {}", "unexpected text after");
    expect_error("\"a\nb\"", "control character");
}

TEST(Json, UnicodeEscapesPairSurrogates) {
    Expected<io::JsonValue> v = io::parse_json("[\"\\u00e9\\u20AC\\ud83d\\ude00\"]", "s.json");
    ASSERT_TRUE(v.ok()) << v.error();
    EXPECT_EQ(v->items()[0].as_string(), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") << "U+00E9, U+20AC, U+1F600";
    expect_error("[\"\\ud83d\"]", "s.json:1:9: unpaired surrogate");  // a high surrogate alone
    expect_error("[\"\\ud83dx\"]", "unpaired surrogate");             // followed by a plain character
    expect_error("[\"\\ud83d\\u0041\"]", "unpaired surrogate");       // followed by a non-surrogate
    expect_error("[\"\\ud83d\\ud83d\"]", "unpaired surrogate");       // two high surrogates
    expect_error("[\"\\ude00\"]", "unpaired surrogate");              // a low surrogate alone
    expect_error("[\"\\u12\"]", "four hex digits");
    expect_error("[\"\\u12G4\"]", "four hex digits");
    // Upper-case hex pairs the same way; errors point just past the escape that breaks the pair.
    v = io::parse_json("[\"\\uD83D\\uDE00\"]", "s.json");
    ASSERT_TRUE(v.ok()) << v.error();
    EXPECT_EQ(v->items()[0].as_string(), "\xf0\x9f\x98\x80");
    expect_error("[\"\\ud83d\\u0041\"]", "s.json:1:15: unpaired surrogate");
    expect_error("[\"\\ude00\"]", "s.json:1:9: unpaired surrogate");
    expect_error("[\"\\ud83d\\u", "four hex digits");  // the pair cut off by the end of the file
    // The edges of the pair ranges: U+D7FF and U+E000 are ordinary characters, U+DBFF U+DFFF the last pair.
    v = io::parse_json("[\"\\ud7ff\\ue000\\udbff\\udfff\"]", "s.json");
    ASSERT_TRUE(v.ok()) << v.error();
    EXPECT_EQ(v->items()[0].as_string(), "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf");
}

TEST(Json, InvalidUtf8InStringsIsRejectedWithItsPosition) {
    Expected<io::JsonValue> ok = io::parse_json("[\"\xe2\x82\xac \xf0\x9f\x98\x80\"]", "s.json");
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(ok->items()[0].as_string(), "\xe2\x82\xac \xf0\x9f\x98\x80");
    expect_error("[\"ab\xff\"]", "s.json:1:5: invalid UTF-8 (byte 0xFF) in a string");
    expect_error("[\"\x80\"]", "s.json:1:3: invalid UTF-8");       // a continuation byte alone
    expect_error("[\"\xc0\xaf\"]", "invalid UTF-8");               // overlong '/'
    expect_error("[\"\xed\xa0\x80\"]", "invalid UTF-8");           // an encoded surrogate
    expect_error("[\"\xf4\x90\x80\x80\"]", "invalid UTF-8");       // above U+10FFFF
    expect_error("[\"\xe2\x82\"]", "invalid UTF-8");               // truncated by the closing quote
    expect_error("{\"k\xe9y\": 1}", "s.json:1:4: invalid UTF-8");  // Latin-1 in a key
    // Found by the json fuzzer: raw bytes 80 FF C0 80 ED A0 80 were copied into strings (robustness S6).
    // The message names the first bad byte and says what to do.
    expect_error("[\"ab\x80\"]", "s.json:1:5: invalid UTF-8 (byte 0x80) in a string; save the file as UTF-8");
    expect_error("[\"\xC0\x80\"]", "byte 0xC0");          // overlong NUL
    expect_error("[\"\xED\xA0\x80\"]", "byte 0xED");      // a surrogate
    expect_error("[\"\xE0\xA0", "byte 0xE0");             // truncated at the end of the file
    expect_error("[\"\xF4\x90\x80\x80\"]", "byte 0xF4");  // above U+10FFFF
    Expected<io::JsonValue> cjk = io::parse_json("[\"\xC3\xA9\xE5\xB0\x8F\xF0\x9F\x98\x80\"]", "ok.json");
    ASSERT_TRUE(cjk.ok()) << cjk.error();
    EXPECT_EQ(cjk->items()[0].as_string(), "\xC3\xA9\xE5\xB0\x8F\xF0\x9F\x98\x80");
}

TEST(Json, DeepNestingIsRejectedNotOverflowed) {
    const std::string deep(100000, '[');
    expect_error(deep, "nesting deeper than 64");
    std::string ok(64, '[');
    ok += std::string(64, ']');
    EXPECT_TRUE(io::parse_json(ok, "ok.json").ok());
}

TEST(Json, DumpWritesInvalidUtf8BuiltInCodeAsReplacementCharacters) {
    // What the parser now refuses, the writer never produces: a string holding a token's stray bytes.
    io::JsonValue a = io::JsonValue::array();
    a.push(io::JsonValue::string("ok \xE5\x9C \xFF \xC3\xA9"));
    EXPECT_EQ(a.dump(), "[\"ok \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD \xC3\xA9\"]");
    EXPECT_TRUE(io::parse_json(a.dump(), "out.json").ok());
}

TEST(Json, NegativeZeroKeepsItsSignThroughDumpAndParse) {
    // Found by the json fuzzer: "-0.0" dumped as "-0", which parses as the integer 0.
    Expected<io::JsonValue> v = io::parse_json("[-0.0, 0.0, -0]", "z.json");
    ASSERT_TRUE(v.ok()) << v.error();
    EXPECT_EQ(v->dump(), "[-0.0,0,0]");
    Expected<io::JsonValue> again = io::parse_json(v->dump(), "z.json");
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(std::signbit(again->items()[0].as_number()));
    EXPECT_EQ(again->dump(), v->dump());
}

TEST(Json, SkipsUtf8Bom) {
    EXPECT_TRUE(io::parse_json("\xEF\xBB\xBF{\"a\": 1}", "bom.json").ok());
}

/// `text` (ASCII or BMP code points given as char16_t) as UTF-16 bytes with a BOM, in either byte order.
std::string utf16(const std::u16string& text, bool little_endian) {
    std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
    for (char16_t u : text) {
        const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
        out += little_endian ? lo : hi;
        out += little_endian ? hi : lo;
    }
    return out;
}

// robustness.md S6: Excel's "Unicode Text" and Notepad's "Unicode" are UTF-16 with a BOM; they are decoded.
TEST(Json, Utf16WithItsBomIsDecoded) {
    for (bool le : {true, false}) {
        Expected<io::JsonValue> v =
            io::parse_json(utf16(u"{\"s\": \"caf\u00e9 \U0001F600\",\n \"n\": 2}", le), "u16.json");
        ASSERT_TRUE(v.ok()) << v.error();
        EXPECT_EQ(v->find("s")->as_string(), "caf\xc3\xa9 \xf0\x9f\x98\x80")
            << "a surrogate pair becomes one code point";
        EXPECT_EQ(v->find("n")->line, 2);
        // Errors still have line:column, counted in characters.
        Expected<io::JsonValue> bad = io::parse_json(utf16(u"{\n  \"a\": 1,\n}", le), "u16.json");
        ASSERT_FALSE(bad.ok());
        EXPECT_NE(bad.error().find("u16.json:3:1: trailing comma"), std::string::npos) << bad.error();
    }
    std::string odd = utf16(u"[1]", true) + "x";
    Expected<io::JsonValue> v = io::parse_json(odd, "odd.json");
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().find("odd.json: the file is UTF-16LE"), std::string::npos) << v.error();
    EXPECT_NE(v.error().find("save it as UTF-8"), std::string::npos) << v.error();
    std::u16string lone = u"[\"x\"]";
    lone[2] = static_cast<char16_t>(0xD83D);  // a high surrogate with no low one after it
    v = io::parse_json(utf16(lone, true), "lone.json");
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().find("lone.json: byte 6: an unpaired UTF-16 surrogate"), std::string::npos)
        << v.error();
}

// A byte that is not printable ASCII where a value should start is named in hex: the message stays valid
// UTF-8 (it is drawn by ImGui) and says what JSON expects.
TEST(Json, UnexpectedBytesAreNamedInHex) {
    expect_error("\xE2\x80\x9Chi\xE2\x80\x9D",
                 "s.json:1:1: unexpected byte 0xE2; expected a value (JSON's syntax is ASCII");
    expect_error("[\x01]", "unexpected byte 0x01");
    expect_error("[\xFF]", "unexpected byte 0xFF");
    expect_error("[x]", "unexpected character 'x'");
}

TEST(Json, DumpRoundTrips) {
    io::JsonValue o = io::JsonValue::object();
    o.set("n", io::JsonValue::integer(17179869184LL));
    o.set("x", io::JsonValue::number(0.1));
    o.set("inf", io::JsonValue::number(1.0 / 0.0));
    o.set("s", io::JsonValue::string("q\"\\\t"));
    o.set("a", io::JsonValue::array().push(io::JsonValue::boolean(false)).push(io::JsonValue()));
    const std::string text = o.dump(true);
    Expected<io::JsonValue> back = io::parse_json(text, "rt.json");
    ASSERT_TRUE(back.ok()) << back.error() << "\n" << text;
    EXPECT_EQ(back->find("n")->as_int(), 17179869184LL);
    EXPECT_NEAR(back->find("x")->as_number(), 0.1, 1e-9);
    EXPECT_TRUE(back->find("inf")->is_null());
    EXPECT_EQ(back->find("s")->as_string(), "q\"\\\t");
}

// number() writes 9 significant digits (a float's worth); exact_number() as many as the double needs to read
// back the same (sessions' temperatures), and no more than it needs.
TEST(Json, ExactNumbersReadBackTheSameDouble) {
    for (double x : {0.1, 0.699999988079071, 1.0 / 3.0, 2.5, 1e-300, 123456789.123456789, -0.0}) {
        const std::string text = io::JsonValue::exact_number(x).dump();
        Expected<io::JsonValue> back = io::parse_json(text, "x.json");
        ASSERT_TRUE(back.ok()) << back.error();
        EXPECT_EQ(back->as_number(), x) << text;
        EXPECT_EQ(std::signbit(back->as_number()), std::signbit(x)) << text;
    }
    EXPECT_EQ(io::JsonValue::exact_number(0.1).dump(), "0.1");
    EXPECT_EQ(io::JsonValue::exact_number(2.5).dump(), "2.5");
    EXPECT_EQ(io::JsonValue::exact_number(1.0 / 3.0).dump(), "0.3333333333333333");
    EXPECT_EQ(io::JsonValue::number(1.0 / 3.0).dump(), "0.333333333");
}

}  // namespace
}  // namespace attnviz
