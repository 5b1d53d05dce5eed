// GPT-2's byte-to-unicode map: every byte stands for a printable character, so that byte-level BPE
// vocabularies are written in text (a space is "Ġ", a newline "Ċ").
#include "core/model/tokenizer_pipeline.h"

#include "core/io/utf8.h"

namespace attnviz::model::detail {

namespace {

struct ByteMap {
    std::array<std::string, 256> to_unicode;
    std::array<int, 512> to_byte{};  // code points used are all below 0x144

    ByteMap() {
        to_byte.fill(-1);
        std::array<char32_t, 256> cps{};
        std::array<bool, 256> direct{};
        for (int b = 0; b < 256; ++b) {
            direct[static_cast<std::size_t>(b)] =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        }
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const auto i = static_cast<std::size_t>(b);
            cps[i] = direct[i] ? static_cast<char32_t>(b) : next++;
        }
        for (std::size_t b = 0; b < 256; ++b) {
            io::append_utf8(to_unicode[b], cps[b]);
            to_byte[cps[b]] = static_cast<int>(b);
        }
    }
};

const ByteMap& byte_map() {
    static const ByteMap map;
    return map;
}

}  // namespace

const std::string& byte_to_unicode(std::uint8_t b) {
    return byte_map().to_unicode[b];
}

int unicode_to_byte(char32_t cp) {
    if (cp >= 512) return -1;
    return byte_map().to_byte[cp];
}

bool byte_level_decode(std::string_view token, std::string& out) {
    std::string bytes;
    bytes.reserve(token.size());
    std::size_t i = 0;
    while (i < token.size()) {
        char32_t cp = 0;
        bool valid = false;
        const std::size_t len = utf8_char_at(token, i, &cp, &valid);
        const int b = valid ? unicode_to_byte(cp) : -1;
        if (b < 0) return false;
        bytes += static_cast<char>(b);
        i += len;
    }
    out += bytes;
    return true;
}

}  // namespace attnviz::model::detail
