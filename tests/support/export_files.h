// Reading exported files back in tests: an RFC 4180 CSV parser, a scratch directory, counting substrings,
// and a PNG's size from its IHDR chunk.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace attnviz::testing {

/// Parses RFC 4180 CSV (quoted fields with doubled quotes, CRLF or LF line ends). Fails the test on a
/// malformed quote.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    bool field_started = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            EXPECT_TRUE(field.empty()) << "a quote inside an unquoted field at byte " << i;
            quoted = true;
            field_started = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            field_started = true;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            field_started = false;
        } else {
            field += c;
            field_started = true;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted field";
    if (field_started || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

/// A fresh directory under the system's temp dir, removed at the end of the test.
class ScratchDir {
  public:
    explicit ScratchDir(const std::string& name)
        : m_path(std::filesystem::temp_directory_path() /
                 ("attnviz_" + name + "_" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

  private:
    std::filesystem::path m_path;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size()))
        ++n;
    return n;
}

/// Width and height from a PNG's IHDR chunk; {0, 0} when the bytes are no PNG.
inline std::pair<int, int> png_size(const std::string& bytes) {
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
        bytes.compare(12, 4, "IHDR") != 0)
        return {0, 0};
    const auto be32 = [&](std::size_t at) {
        return static_cast<int>(
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
            static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])));
    };
    return {be32(16), be32(20)};
}

}  // namespace attnviz::testing
