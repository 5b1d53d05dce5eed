// FontLibrary: reads font files itself (imgui 1.86 asserts on a missing file), merges CJK on demand.
#include "app/gui/style/fonts.h"

#include "core/io/file_io.h"
#include "core/io/utf8.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace attnviz::gui {

namespace {

constexpr std::int64_t kMaxFontBytes = 64LL << 20;

// Latin, Greek, Cyrillic, Hebrew and Arabic text; the symbols the lessons use (arrows, sqrt, infinity, dot
// operator); control pictures for invisible characters; the replacement character.
const ImWchar kMainRanges[] = {
    0x0020, 0x024F,  // Basic Latin, Latin-1, Latin Extended-A/B
    0x0300, 0x036F,  // combining diacritics
    0x0370, 0x03FF,  // Greek
    0x0400, 0x04FF,  // Cyrillic
    0x0590, 0x06FF,  // Hebrew, Arabic: drawn unshaped (robustness T6), but drawn
    0x2000, 0x206F,  // general punctuation
    0x2070, 0x209F,  // super- and subscripts
    0x2100, 0x214F,  // letterlike symbols
    0x2190, 0x21FF,  // arrows
    0x2200, 0x22FF,  // mathematical operators
    0x2300, 0x23FF,  // miscellaneous technical
    0x2400, 0x243F,  // control pictures
    0x2500, 0x25FF,  // box drawing, blocks, geometric shapes
    0xFFFD, 0xFFFD,  // replacement character
    0,
};

/// The first file that reads as a font (with the face asked for); one that is there but is no font gets a
/// warning. Returns its index in paths, or -1.
int first_font(const std::vector<std::pair<std::string, int>>& paths, std::string& bytes,
               std::vector<std::string>& warnings) {
    for (std::size_t i = 0; i < paths.size(); ++i) {
        Expected<std::string> read = io::read_file_bytes(paths[i].first, kMaxFontBytes);
        if (!read) continue;
        if (!looks_like_font_file(*read, paths[i].second)) {
            warnings.push_back(paths[i].first + " is not a font file (corrupt or cut short); skipped");
            continue;
        }
        bytes = std::move(read.value());
        return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

FontSources system_font_sources() {
    FontSources s;
    s.main = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
    s.cjk = {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
             {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2},
             {"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0}};
    return s;
}

bool looks_like_font_file(const std::string& bytes, int face) {
    if (bytes.size() < 12 || face < 0) return false;
    const std::string magic = bytes.substr(0, 4);
    if (magic == "ttcf") {  // a collection: the face must be one of its numFonts offsets
        std::uint64_t n_faces = 0;
        for (int i = 8; i < 12; ++i)
            n_faces = n_faces << 8 | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
        return static_cast<std::uint64_t>(face) < n_faces && bytes.size() >= 12 + 4 * n_faces;
    }
    return face == 0 && (magic == std::string("\x00\x01\x00\x00", 4) || magic == "OTTO" || magic == "true");
}

bool is_cjk_codepoint(char32_t cp) {
    return io::find_cjk_block(cp) != nullptr;
}

bool FontLibrary::needs_rebuild(const std::string& text_in_use) const {
    if (m_cjk_path.empty() && m_searched) return false;
    for (const char32_t cp : io::decode_utf8(text_in_use)) {
        if (cp > 0xFFFF || !is_cjk_codepoint(cp)) continue;  // 16-bit ImWchar: no astral glyphs
        if (!std::binary_search(m_cjk_codepoints.begin(), m_cjk_codepoints.end(), cp)) return true;
    }
    return false;
}

ImFont* display_font() {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    return atlas->Fonts.Size > 1 ? atlas->Fonts[1] : atlas->Fonts[0];
}

std::vector<std::string> FontLibrary::build(ImFontAtlas& atlas, float pixel_size,
                                            const std::string& text_in_use, int oversample_h) {
    std::vector<std::string> warnings;
    atlas.Clear();
    if (m_main_bytes.empty()) {
        std::vector<std::pair<std::string, int>> paths;
        for (const std::string& p : m_sources.main) paths.emplace_back(p, 0);
        first_font(paths, m_main_bytes, warnings);
    }
    if (m_main_bytes.empty()) {
        warnings.push_back(
            "DejaVu Sans not found (install fonts-dejavu-core); using the built-in font: "
            "Greek letters, arrows and math symbols show as '?'");
    }

    // CJK: only the characters in use, merged into each font.
    std::set<unsigned> wanted;
    for (const char32_t cp : io::decode_utf8(text_in_use)) {
        if (cp <= 0xFFFF && is_cjk_codepoint(cp)) wanted.insert(cp);
    }
    if (!m_searched) {
        m_searched = true;
        std::vector<std::pair<std::string, int>> paths;
        for (const FontSources::Cjk& c : m_sources.cjk) paths.emplace_back(c.path, c.face);
        const int found = first_font(paths, m_cjk_bytes, warnings);
        if (found >= 0) {
            m_cjk_path = paths[static_cast<std::size_t>(found)].first;
            m_cjk_face = paths[static_cast<std::size_t>(found)].second;
        }
    }
    m_cjk_codepoints.clear();
    const bool merge_cjk = !wanted.empty() && !m_cjk_path.empty();
    if (!wanted.empty() && m_cjk_path.empty()) {
        warnings.push_back(
            "Chinese/Japanese characters need a CJK font: install fonts-noto-cjk (or "
            "fonts-droid-fallback); they show as '?' until then");
    }
    if (merge_cjk) {
        ImFontGlyphRangesBuilder builder;
        for (unsigned cp : wanted) builder.AddChar(static_cast<ImWchar>(cp));
        m_cjk_ranges.clear();
        builder.BuildRanges(&m_cjk_ranges);
        m_cjk_codepoints.assign(wanted.begin(), wanted.end());
    }

    for (const float size : {pixel_size, pixel_size * kDisplayFontRatio}) {
        if (!m_main_bytes.empty()) {
            ImFontConfig cfg;
            cfg.FontDataOwnedByAtlas = false;
            cfg.OversampleH = oversample_h;
            atlas.AddFontFromMemoryTTF(m_main_bytes.data(), static_cast<int>(m_main_bytes.size()), size, &cfg,
                                       kMainRanges);
        } else {
            ImFontConfig cfg;
            cfg.SizePixels = size;
            atlas.AddFontDefault(&cfg);
        }
        if (merge_cjk) {
            ImFontConfig cfg;
            cfg.MergeMode = true;
            cfg.FontDataOwnedByAtlas = false;
            cfg.FontNo = m_cjk_face;
            // Noto CJK draws about 20% smaller than DejaVu at the same nominal size.
            atlas.AddFontFromMemoryTTF(m_cjk_bytes.data(), static_cast<int>(m_cjk_bytes.size()), size * 1.15f,
                                       &cfg, m_cjk_ranges.Data);
        }
    }
    if (!atlas.Build()) {
        // A font file stb_truetype cannot read after all: the built-in font, so the GUI still draws.
        warnings.push_back("the fonts could not be built; using the built-in font (Latin only)");
        atlas.Clear();
        for (const float size : {pixel_size, pixel_size * kDisplayFontRatio}) {
            ImFontConfig cfg;
            cfg.SizePixels = size;
            atlas.AddFontDefault(&cfg);
        }
        atlas.Build();
    }
    return warnings;
}

}  // namespace attnviz::gui
