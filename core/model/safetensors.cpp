// safetensors parsing and validation (robustness M1-M4): nothing is allocated or read from the data
// buffer before the header's every length, offset and shape has been checked against the file size.
#include "core/model/safetensors.h"

#include "core/io/json.h"
#include "core/io/utf8.h"

#include <algorithm>

namespace attnviz::model {

namespace {

// What a file that is not safetensors most likely is, from its first bytes (robustness M1).
const char* sniff_foreign_format(std::string_view bytes) {
    auto starts = [&](std::string_view magic) { return bytes.substr(0, magic.size()) == magic; };
    if (starts("\x89PNG\r\n\x1a\n")) return "a PNG image";
    if (starts("\xFF\xD8\xFF")) return "a JPEG image";
    if (starts("GIF8")) return "a GIF image";
    if (starts("GGUF")) return "a GGUF file (llama.cpp's format; attnviz reads safetensors)";
    if (starts("PK\x03\x04"))
        return "a zip archive (PyTorch's .bin / .pt format is a zip; attnviz reads safetensors)";
    if (starts("\x1f\x8b")) return "a gzip archive";
    if (starts("version https://git-lfs")) {
        return "a Git LFS pointer, not the weights (run `git lfs pull` in the model folder)";
    }
    // An HTML page from a failed download: skip leading white space, compare case-insensitively.
    std::size_t i = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t'))
        ++i;
    std::string head;
    for (std::size_t j = i; j < bytes.size() && head.size() < 9; ++j) {
        const char c = bytes[j];
        head += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (head.rfind("<!doctype", 0) == 0 || head.rfind("<html", 0) == 0 || head.rfind("<?xml", 0) == 0) {
        return "an HTML or XML page (a failed download?)";
    }
    if (head.rfind("{", 0) == 0 || head.rfind("[", 0) == 0) return "a JSON text";
    return nullptr;
}

std::string not_safetensors(const std::string& file, std::string_view bytes, const std::string& why) {
    if (bytes.empty()) return file + ": not a safetensors file (the file is empty); download it again";
    return file + ": not a safetensors file (" + why + "; first bytes " + hex_prefix(bytes) + ")";
}

// The first 8 bytes as a little-endian integer; bytes.size() >= 8 or 0.
std::uint64_t read_u64_le(std::string_view bytes) {
    if (bytes.size() < 8) return 0;
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    return v;
}

std::string json_where(const io::JsonValue& v) {
    return v.line > 0
               ? " (header line " + std::to_string(v.line) + ", column " + std::to_string(v.column) + ")"
               : "";
}

// A non-negative JSON integer as uint64; false for anything else (negative, fractional, huge: the JSON
// parser stores integers >= 9e15 as doubles, far beyond any real file).
bool as_u64(const io::JsonValue& v, std::uint64_t& out) {
    if (!v.is_int() || v.as_int() < 0) return false;
    out = static_cast<std::uint64_t>(v.as_int());
    return true;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

}  // namespace

const SafetensorsTensor* SafetensorsHeader::find(std::string_view name) const {
    for (const SafetensorsTensor& t : tensors) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

int safetensors_dtype_bits(std::string_view dtype) {
    struct Entry {
        const char* name;
        int bits;
    };
    static constexpr Entry kDtypes[] = {
        {"BOOL", 8}, {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},
        {"I8", 8},   {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"I16", 16},
        {"U16", 16}, {"F16", 16},    {"BF16", 16},   {"I32", 32},    {"U32", 32},
        {"F32", 32}, {"F64", 64},    {"I64", 64},    {"U64", 64},    {"C64", 64},
    };
    for (const Entry& e : kDtypes) {
        if (dtype == e.name) return e.bits;
    }
    return 0;
}

bool is_supported_dtype(std::string_view dtype) {
    return dtype == "F32" || dtype == "F16" || dtype == "BF16";
}

std::string hex_prefix(std::string_view bytes, std::size_t n_bytes) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string s;
    const std::size_t n = std::min(n_bytes, bytes.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (i > 0) s += ' ';
        s += kHex[b >> 4];
        s += kHex[b & 15];
    }
    return n == 0 ? std::string("none: the file is empty") : s;
}

Expected<SafetensorsHeader> parse_safetensors(std::string_view bytes, const std::string& file_name) {
    const std::string& f = file_name;
    // M1: a file whose first 8 bytes cannot start a safetensors file is named for what it most likely is.
    // (A real file's length bytes can look like some magic numbers, so sniffing only explains a failure.)
    const bool plausible = bytes.size() > 8 && read_u64_le(bytes) <= kMaxSafetensorsHeaderBytes &&
                           read_u64_le(bytes) + 8 <= bytes.size() && bytes[8] == '{';
    if (!plausible) {
        if (const char* what = sniff_foreign_format(bytes)) {
            return Error{not_safetensors(f, bytes, std::string("it looks like ") + what)};
        }
    }
    if (bytes.size() < 8) {
        return Error{not_safetensors(f, bytes,
                                     "only " + std::to_string(bytes.size()) +
                                         " bytes; a safetensors file starts with an 8-byte header length")};
    }
    SafetensorsHeader h;
    h.header_size = read_u64_le(bytes);
    // M3, in the order of the safetensors crate's checks. N > 100 MB also covers N + 8 overflowing.
    if (h.header_size > kMaxSafetensorsHeaderBytes) {
        return Error{not_safetensors(f, bytes,
                                     "header length " + std::to_string(h.header_size) +
                                         " is larger than the 100 MB safetensors allows")};
    }
    std::uint64_t header_end = 0;
    if (__builtin_add_overflow(h.header_size, std::uint64_t{8}, &header_end)) {
        return Error{
            not_safetensors(f, bytes, "header length " + std::to_string(h.header_size) + " overflows")};
    }
    if (header_end > bytes.size()) {
        return Error{f + ": file truncated or not a safetensors file: the header length " +
                     std::to_string(h.header_size) + " needs " + std::to_string(header_end) +
                     " bytes, the file has " + std::to_string(bytes.size()) + " (first bytes " +
                     hex_prefix(bytes) + "); download it again"};
    }
    h.data_offset = header_end;
    h.data_size = bytes.size() - header_end;
    const std::string header_text(bytes.substr(8, static_cast<std::size_t>(h.header_size)));
    int n_invalid = 0;
    io::decode_utf8(header_text, &n_invalid);
    if (n_invalid > 0) {
        return Error{f + ": the safetensors header is not valid UTF-8 (" + std::to_string(n_invalid) +
                     " invalid bytes); the file is corrupted or not a safetensors file"};
    }
    if (header_text.empty() || header_text[0] != '{') {
        return Error{f + ": the safetensors header must start with '{' (it starts with " +
                     hex_prefix(header_text, 4) + "); the file is corrupted or not a safetensors file"};
    }
    Expected<io::JsonValue> parsed = io::parse_json(header_text, f + " header");
    if (!parsed) {
        const bool duplicate = parsed.error().find("duplicate key") != std::string::npos;
        return Error{parsed.error() + (duplicate
                                           ? " (each tensor name may appear once in a safetensors header)"
                                           : " (the safetensors header is not valid JSON)")};
    }
    const io::JsonValue& root = parsed.value();
    if (!root.is_object()) return Error{f + ": the safetensors header must be a JSON object"};

    h.tensors.reserve(root.members().size());
    for (const io::JsonValue::Member& m : root.members()) {
        const std::string& name = m.first;
        const io::JsonValue& v = m.second;
        if (name == "__metadata__") {
            if (!v.is_object())
                return Error{f + ": __metadata__ must be an object of strings" + json_where(v)};
            for (const io::JsonValue::Member& kv : v.members()) {
                if (!kv.second.is_string()) {
                    return Error{f + ": __metadata__ value \"" + kv.first + "\" must be a string" +
                                 json_where(kv.second)};
                }
                h.metadata.emplace_back(kv.first, kv.second.as_string());
            }
            continue;
        }
        const std::string where = f + ": tensor \"" + name + "\"";
        if (!v.is_object()) return Error{where + ": its entry must be an object" + json_where(v)};
        const io::JsonValue* dtype = v.find("dtype");
        const io::JsonValue* shape = v.find("shape");
        const io::JsonValue* offsets = v.find("data_offsets");
        if (dtype == nullptr || shape == nullptr || offsets == nullptr) {
            return Error{where + ": its entry needs \"dtype\", \"shape\" and \"data_offsets\"" +
                         json_where(v)};
        }
        SafetensorsTensor t;
        t.name = name;
        if (!dtype->is_string()) return Error{where + ": dtype must be a string" + json_where(*dtype)};
        t.dtype = dtype->as_string();
        const int bits = safetensors_dtype_bits(t.dtype);
        if (bits == 0) {
            return Error{where + " has dtype " + t.dtype +
                         ", which safetensors does not define; supported: F32, F16, BF16"};
        }
        if (!shape->is_array()) return Error{where + ": shape must be an array" + json_where(*shape)};
        std::uint64_t n_elements = 1;
        for (const io::JsonValue& d : shape->items()) {
            std::uint64_t dim = 0;
            if (!as_u64(d, dim))
                return Error{where + ": shape entries must be non-negative integers" + json_where(d)};
            if (__builtin_mul_overflow(n_elements, dim, &n_elements) ||
                n_elements > (std::uint64_t{1} << 60)) {
                return Error{where + ": the product of its shape overflows" + json_where(*shape)};
            }
            t.shape.push_back(static_cast<std::int64_t>(dim));
        }
        t.n_elements = static_cast<std::int64_t>(n_elements);
        if (!offsets->is_array() || offsets->items().size() != 2 || !as_u64(offsets->items()[0], t.begin) ||
            !as_u64(offsets->items()[1], t.end)) {
            return Error{where + ": data_offsets must be [begin, end] with non-negative integers" +
                         json_where(*offsets)};
        }
        if (t.end < t.begin) {
            return Error{where + ": data_offsets end " + std::to_string(t.end) + " is before begin " +
                         std::to_string(t.begin)};
        }
        // n_elements <= 2^60 and bits <= 64: the product cannot overflow 64 bits.
        const std::uint64_t n_bits = n_elements * static_cast<std::uint64_t>(bits);
        if (n_bits % 8 != 0 || t.end - t.begin != n_bits / 8) {
            return Error{where + ": " + t.dtype + " " + shape_text(t.shape) + " needs " +
                         (n_bits % 8 != 0 ? std::to_string(n_bits) + " bits (not whole bytes)"
                                          : std::to_string(n_bits / 8) + " bytes") +
                         " but data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                         "] hold " + std::to_string(t.end - t.begin)};
        }
        h.tensors.push_back(std::move(t));
    }

    // M4: after sorting by begin, the ranges must follow each other exactly from 0 to the data's end.
    std::sort(h.tensors.begin(), h.tensors.end(), [](const SafetensorsTensor& a, const SafetensorsTensor& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    const SafetensorsTensor* previous = nullptr;
    for (const SafetensorsTensor& t : h.tensors) {
        if (t.end > h.data_size) {
            return Error{f + ": file truncated: tensor \"" + t.name + "\" needs bytes " +
                         std::to_string(h.data_offset + t.begin) + ".." +
                         std::to_string(h.data_offset + t.end) + ", the file has " +
                         std::to_string(bytes.size()) + "; download it again"};
        }
        if (t.begin > expected) {
            return Error{f + ": a gap of " + std::to_string(t.begin - expected) + " bytes before tensor \"" +
                         t.name + "\" (data_offsets begin " + std::to_string(t.begin) +
                         ", previous tensor ends at " + std::to_string(expected) + ")"};
        }
        if (t.begin < expected) {
            return Error{f + ": tensor \"" + t.name + "\" (bytes " + std::to_string(t.begin) + ".." +
                         std::to_string(t.end) + ") overlaps tensor \"" + (previous ? previous->name : "") +
                         "\" (which ends at " + std::to_string(expected) + ")"};
        }
        expected = t.end;
        previous = &t;
    }
    if (expected != h.data_size) {
        return Error{f + ": " + std::to_string(h.data_size - expected) +
                     " bytes after the last tensor's data; the file is not what its header describes"};
    }
    return h;
}

}  // namespace attnviz::model
