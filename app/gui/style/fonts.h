// Font loading: DejaVu Sans with Greek, arrows and math symbols; Chinese/Japanese glyphs merged from a
// CJK font when one is installed, limited to the characters in use; ImGui's embedded font as the
// fallback. Builds the ImGui atlas only (no GL): the platform uploads it.
#pragma once

#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

namespace attnviz::gui {

/// Size of the display font (token chips, big numbers) relative to the body font.
constexpr float kDisplayFontRatio = 1.45f;

/// Where FontLibrary looks for fonts, in order (the first readable font file wins). Tests pass their own.
struct FontSources {
    struct Cjk {
        std::string path;
        int face = 0;  ///< a .ttc collection holds several faces; Noto's face 2 is Simplified Chinese
    };
    std::vector<std::string> main;  ///< DejaVu Sans (Latin, Greek, Cyrillic, symbols)
    std::vector<Cjk> cjk;
};

/// Debian's DejaVu Sans and the Noto / Droid CJK fonts.
FontSources system_font_sources();

/// True when bytes start like a TrueType / OpenType font (00 01 00 00, "OTTO", "true"; face 0) or a
/// collection
/// ("ttcf") that holds face: anything else (an HTML page, an empty or cut file, a missing face) is never
/// handed to ImGui's font loader, which asserts on such data.
bool looks_like_font_file(const std::string& bytes, int face = 0);

class FontLibrary {
  public:
    explicit FontLibrary(FontSources sources = system_font_sources()) : m_sources(std::move(sources)) {}

    /// Clears `atlas` and adds the body font at pixel_size (atlas font 0) and the display font at
    /// kDisplayFontRatio times that (atlas font 1), each with CJK glyphs for the CJK characters of
    /// text_in_use. Returns warnings for a person (missing or corrupt font files, scripts without glyphs),
    /// each once: a missing font file falls back to ImGui's built-in font.
    /// oversample_h: glyphs rasterized that many times wider (2 sharpens small text; large needs 1).
    std::vector<std::string> build(ImFontAtlas& atlas, float pixel_size, const std::string& text_in_use,
                                   int oversample_h = 2);

    /// True when text_in_use holds CJK characters the current atlas lacks and a CJK font could add.
    bool needs_rebuild(const std::string& text_in_use) const;

    bool has_cjk_font() const { return !m_cjk_path.empty(); }

  private:
    FontSources m_sources;
    std::string m_main_bytes;  ///< the main font file, kept alive for the atlas
    std::string m_cjk_bytes;
    std::string m_cjk_path;
    int m_cjk_face = 0;
    bool m_searched = false;
    ImVector<ImWchar> m_cjk_ranges;
    std::vector<unsigned> m_cjk_codepoints;  ///< sorted, those in the atlas
};

/// The display font when the atlas has one (font 1), else the body font.
ImFont* display_font();

/// Han, kana, hangul and CJK punctuation (core/io/utf8.h's kCjkBlocks): characters that need a CJK font.
bool is_cjk_codepoint(char32_t cp);

}  // namespace attnviz::gui
