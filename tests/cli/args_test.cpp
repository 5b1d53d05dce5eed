// The shared command-line parser: counts with binary suffixes, their ranges, and the option grammar.
#include "app/common/args.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace attnviz::cmdline {
namespace {

long long count(const std::string& text, long long lo = 1, long long hi = 1LL << 40) {
    Expected<long long> v = parse_count(text, "--n", lo, hi);
    EXPECT_TRUE(v.ok()) << text << ": " << v.error();
    return v.ok() ? *v : -1;
}

void expect_count_error(const std::string& text, const char* fragment, long long lo = 1,
                        long long hi = 1LL << 40) {
    Expected<long long> v = parse_count(text, "--n", lo, hi);
    ASSERT_FALSE(v.ok()) << "accepted: " << text;
    EXPECT_NE(v.error().find(fragment), std::string::npos) << v.error();
}

TEST(ArgParse, CountsTakeBinarySuffixes) {
    EXPECT_EQ(count("12"), 12);
    EXPECT_EQ(count("1k"), 1024);
    EXPECT_EQ(count("1K"), 1024);
    EXPECT_EQ(count("128k"), 131072);
    EXPECT_EQ(count("2M"), 2097152);
    EXPECT_EQ(count("-1k", -2048, 0), -1024);
}

TEST(ArgParse, CountsRejectWhatIsNotAWholeNumberInRange) {
    expect_count_error("", "empty value");
    expect_count_error("k", "is not a whole number");
    expect_count_error("1.5k", "is not a whole number");
    expect_count_error("12x", "is not a whole number");
    expect_count_error("1m", "is not a whole number");  // only M means mebi
    expect_count_error("0", "outside 1..");
    expect_count_error("2M", "outside 1..1048576", 1, 1 << 20);
    expect_count_error("1025k", "outside", 1, 1 << 20);
    expect_count_error("99999999999999999999", "outside");
    expect_count_error("9007199254740993M", "outside", 1, 1LL << 62);  // v * 2^20 would overflow
}

TEST(ArgParse, CountSuffixesMeetTheRangeEdgesExactly) {
    EXPECT_EQ(count("1024k", 1, 1 << 20), 1 << 20);                             // == hi
    EXPECT_EQ(count("1M", 1 << 20, 1 << 20), 1 << 20);                          // == lo == hi
    expect_count_error("1023k", "outside 1048576..1048576", 1 << 20, 1 << 20);  // 1024 below lo
    expect_count_error("8k", "8k is outside 1..8191", 1, 8191);                 // one past hi
    // lo / 1024 truncates towards zero: -2k is still checked against -2047 itself.
    expect_count_error("-2k", "outside -2047..0", -2047, 0);
    EXPECT_EQ(count("-1k", -2047, 0), -1024);
    EXPECT_EQ(count("9223372036854775807", 1, std::numeric_limits<long long>::max()),
              std::numeric_limits<long long>::max());
    expect_count_error("8796093022208M", "outside", 1, std::numeric_limits<long long>::max());  // 2^63
    expect_count_error("9007199254740992k", "outside", 1, std::numeric_limits<long long>::max());
}

TEST(ArgParse, CountErrorsNameTheOptionAndKeepTheTextAsTyped) {
    Expected<long long> v = parse_count("2M", "--seq", 1, 1 << 20);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error(), "--seq: 2M is outside 1..1048576");
    v = parse_count("12 k", "--seq", 1, 1 << 20);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error(), "--seq: '12 k' is not a whole number");
    v = parse_count("", "--seq", 1, 8);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error(), "--seq: empty value; expected a whole number");
    expect_count_error("0x10", "is not a whole number");  // decimal only
    expect_count_error("kk", "is not a whole number");
    expect_count_error("1kk", "is not a whole number");
    expect_count_error("1Mk", "is not a whole number");
}

TEST(ArgParse, NumbersAcceptInfinityAndRejectNaN) {
    EXPECT_EQ(*parse_number("0.5", "--t"), 0.5);
    EXPECT_TRUE(std::isinf(*parse_number("Infinity", "--t")));
    EXPECT_FALSE(parse_number("nan", "--t").ok());
    EXPECT_FALSE(parse_number("1e", "--t").ok());
}

Status parse(ArgParser& p, std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return p.parse(static_cast<int>(argv.size()), argv.data(), 0);
}

TEST(ArgParse, OptionsTakeValuesSeparatelyOrAfterEquals) {
    ArgParser p("tool", "usage: tool");
    p.flag("causal", "mask");
    p.option("tokens", "N", "how many");
    p.option("name", "TEXT", "a name");
    ASSERT_EQ(parse(p, {"--tokens=128k", "--causal", "--name", "a=b"}), "");
    EXPECT_EQ(p.get("tokens"), "128k");
    EXPECT_EQ(p.get("name"), "a=b");
    EXPECT_TRUE(p.has("causal"));
    EXPECT_FALSE(p.help_requested());
}

TEST(ArgParse, OptionErrorsNameTheOption) {
    const auto error_of = [](std::vector<std::string> args) {
        ArgParser p("tool", "usage: tool");
        p.flag("causal", "mask");
        p.option("tokens", "N", "how many");
        return parse(p, std::move(args));
    };
    EXPECT_EQ(error_of({"--frob"}), "tool: unknown option --frob (see --help)");
    EXPECT_EQ(error_of({"--tokens", "1", "--tokens", "2"}), "tool: --tokens is given twice");
    EXPECT_EQ(error_of({"--tokens"}), "tool: --tokens needs a value (N)");
    EXPECT_EQ(error_of({"--causal=yes"}), "tool: --causal takes no value");
    EXPECT_EQ(error_of({"stray"}), "tool: unexpected argument 'stray'; options start with -- (see --help)");
    EXPECT_EQ(error_of({"--"}), "tool: unexpected argument '--'; options start with -- (see --help)");
}

}  // namespace
}  // namespace attnviz::cmdline
