// .npy reading (strict header parsing, size checks before allocation) and atomic float32 writing.
#include "core/io/npy.h"

#include "core/io/file_io.h"

#include <cctype>
#include <cstring>
#include <map>
#include <optional>

namespace attnviz::io {

namespace {

// [SECTION] header dictionary: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }

struct NpyHeader {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::int64_t> shape;
};

class HeaderParser {
  public:
    explicit HeaderParser(const std::string& text) : m_text(text) {}

    Expected<NpyHeader> parse() {
        NpyHeader h;
        bool has_descr = false, has_order = false, has_shape = false;
        skip_space();
        if (!eat('{')) return fail("header does not start with '{'");
        while (true) {
            skip_space();
            if (eat('}')) break;
            std::optional<std::string> key = string_literal();
            if (!key) return fail("expected a quoted key");
            skip_space();
            if (!eat(':')) return fail("expected ':' after '" + *key + "'");
            skip_space();
            if (*key == "descr") {
                std::optional<std::string> d = string_literal();
                if (!d) return fail("'descr' must be a string such as '<f4'");
                h.descr = *d;
                has_descr = true;
            } else if (*key == "fortran_order") {
                if (word("True")) {
                    h.fortran_order = true;
                } else if (word("False")) {
                    h.fortran_order = false;
                } else {
                    return fail("'fortran_order' must be True or False");
                }
                has_order = true;
            } else if (*key == "shape") {
                if (!shape_tuple(h.shape)) return fail("'shape' must be a tuple of non-negative integers");
                has_shape = true;
            } else {
                return fail("unknown header key '" + *key + "'");
            }
            skip_space();
            if (eat(',')) continue;
            skip_space();
            if (eat('}')) break;
            return fail("expected ',' or '}'");
        }
        if (!has_descr || !has_order || !has_shape)
            return fail("header lacks 'descr', 'fortran_order' or 'shape'");
        return h;
    }

  private:
    Error fail(const std::string& what) const {
        return Error{"malformed header at byte " + std::to_string(m_pos) + ": " + what};
    }
    void skip_space() {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
    }
    bool eat(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool word(const char* w) {
        const std::size_t n = std::strlen(w);
        if (m_text.compare(m_pos, n, w) == 0) {
            m_pos += n;
            return true;
        }
        return false;
    }
    std::optional<std::string> string_literal() {
        if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"')) return std::nullopt;
        const char quote = m_text[m_pos++];
        const std::size_t end = m_text.find(quote, m_pos);
        if (end == std::string::npos) return std::nullopt;
        std::string s = m_text.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return s;
    }
    bool shape_tuple(std::vector<std::int64_t>& shape) {
        if (!eat('(')) return false;
        while (true) {
            skip_space();
            if (eat(')')) return true;
            if (m_pos >= m_text.size() || !std::isdigit(static_cast<unsigned char>(m_text[m_pos])))
                return false;
            std::int64_t v = 0;
            while (m_pos < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos]))) {
                if (v > (std::int64_t{1} << 40)) return false;  // no real array dimension is this large
                v = v * 10 + (m_text[m_pos++] - '0');
            }
            shape.push_back(v);
            skip_space();
            if (eat(',')) continue;
            skip_space();
            if (eat(')')) return true;
            return false;
        }
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
};

// [SECTION] file framing: magic, version, header length, data

struct NpyFraming {
    NpyHeader header;
    std::size_t data_offset = 0;
    std::int64_t n_elements = 0;
};

Expected<NpyFraming> read_framing(const std::string& bytes, const std::string& name) {
    const auto fail = [&](const std::string& what) { return Error{name + ": " + what}; };
    static const char kMagic[] = "\x93NUMPY";
    if (bytes.empty()) return fail("file is empty; expected a .npy array");
    if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) {
        return fail("not a .npy file (it does not start with \\x93NUMPY)");
    }
    const auto major = static_cast<unsigned char>(bytes[6]);
    const auto minor = static_cast<unsigned char>(bytes[7]);
    std::size_t header_len = 0;
    std::size_t header_start = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(bytes[8]) |
                     (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) return fail("file truncated inside the header length");
        header_len = 0;
        for (int b = 0; b < 4; ++b) {
            header_len |=
                static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + static_cast<std::size_t>(b)]))
                << (8 * b);
        }
        header_start = 12;
    } else {
        return fail("unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                    "; supported: 1.0, 2.0, 3.0");
    }
    if (header_len > bytes.size() - header_start) {
        return fail("file truncated: header declares " + std::to_string(header_len) + " bytes, file has " +
                    std::to_string(bytes.size() - header_start) + " after the preamble");
    }
    Expected<NpyHeader> header = HeaderParser(bytes.substr(header_start, header_len)).parse();
    if (!header) return fail(header.error());

    NpyFraming f;
    f.header = std::move(header.value());
    f.data_offset = header_start + header_len;
    if (f.header.fortran_order)
        return fail("array is in Fortran order; save it in C order (np.ascontiguousarray)");
    const std::size_t dims = f.header.shape.size();
    if (dims < 1 || dims > 3) {
        return fail("array has " + std::to_string(dims) + " dimensions; expected 1 to 3");
    }
    f.n_elements = 1;
    for (std::int64_t d : f.header.shape) {
        if (d != 0 && f.n_elements > (std::int64_t{1} << 40) / d) return fail("shape is too large");
        f.n_elements *= d;
    }
    return f;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + ")";
}

Status check_data_size(const std::string& bytes, const NpyFraming& f, std::int64_t item_size,
                       const std::string& name) {
    const std::int64_t need = f.n_elements * item_size;
    const auto have = static_cast<std::int64_t>(bytes.size() - f.data_offset);
    if (need != have) {
        return name + ": shape " + shape_text(f.header.shape) + " of '" + f.header.descr + "' needs " +
               std::to_string(need) + " data bytes but the file has " + std::to_string(have) +
               (need > have ? " (truncated?)" : " (trailing bytes)");
    }
    return {};
}

template <class T>
T load_le(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));  // x86-64 and every platform we build for is little-endian
    return v;
}

}  // namespace

Expected<NpyArray> parse_npy(const std::string& bytes, const std::string& name) {
    Expected<NpyFraming> framing = read_framing(bytes, name);
    if (!framing) return Error{framing.error()};
    const NpyFraming& f = framing.value();
    const std::string& d = f.header.descr;
    std::int64_t item = 0;
    if (d == "<f4" || d == "=f4") {
        item = 4;
    } else if (d == "<f8" || d == "=f8") {
        item = 8;
    } else if (d == ">f4" || d == ">f8") {
        return Error{name + ": dtype '" + d + "' is big-endian; save it as little-endian float32 ('<f4')"};
    } else {
        return Error{name + ": dtype '" + d +
                     "' is not supported; expected float32 ('<f4') or float64 ('<f8')"};
    }
    if (Status s = check_data_size(bytes, f, item, name); !s.empty()) return Error{s};
    NpyArray out;
    out.shape = f.header.shape;
    out.data.resize(static_cast<std::size_t>(f.n_elements));
    const char* p = bytes.data() + f.data_offset;
    for (std::size_t i = 0; i < out.data.size(); ++i) {
        out.data[i] = item == 4 ? load_le<float>(p + 4 * i) : static_cast<float>(load_le<double>(p + 8 * i));
    }
    return out;
}

Expected<NpyMask> parse_npy_mask(const std::string& bytes, const std::string& name) {
    Expected<NpyFraming> framing = read_framing(bytes, name);
    if (!framing) return Error{framing.error()};
    const NpyFraming& f = framing.value();
    const std::string& d = f.header.descr;
    if (d != "|b1" && d != "|u1" && d != "<u1" && d != "=u1") {
        return Error{name + ": dtype '" + d + "' is not a mask; expected bool ('|b1') or uint8 ('|u1')"};
    }
    if (Status s = check_data_size(bytes, f, 1, name); !s.empty()) return Error{s};
    NpyMask out;
    out.shape = f.header.shape;
    out.data.resize(static_cast<std::size_t>(f.n_elements));
    for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = bytes[f.data_offset + i] != 0 ? 1 : 0;
    return out;
}

Expected<NpyArray> read_npy(const std::string& path) {
    Expected<std::string> bytes = read_file_bytes(path, kNpyMaxBytes);
    if (!bytes) return Error{bytes.error()};
    return parse_npy(bytes.value(), path);
}

Expected<NpyMask> read_npy_mask(const std::string& path) {
    Expected<std::string> bytes = read_file_bytes(path, kNpyMaxBytes);
    if (!bytes) return Error{bytes.error()};
    return parse_npy_mask(bytes.value(), path);
}

std::string npy_bytes(const std::vector<std::int64_t>& shape, const float* data) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    std::int64_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
        n *= shape[i];
    }
    dict += "), }";
    // Pad with spaces so that data starts on a 64-byte boundary, as NumPy does; end with '\n'.
    const std::size_t preamble = 10;
    std::size_t total = preamble + dict.size() + 1;
    dict.append((64 - total % 64) % 64, ' ');
    dict += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(dict.size() & 0xff);
    bytes += static_cast<char>((dict.size() >> 8) & 0xff);
    bytes += dict;
    bytes.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n) * sizeof(float));
    return bytes;
}

Status write_npy(const std::string& path, const std::vector<std::int64_t>& shape, const float* data) {
    return write_file_atomically(path, npy_bytes(shape, data));
}

}  // namespace attnviz::io
