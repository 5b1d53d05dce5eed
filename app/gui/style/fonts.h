// Font loading: DejaVu Sans with Greek, arrows and math symbols; Chinese/Japanese glyphs merged from a
// CJK font when one is installed, limited to the characters in use; ImGui's embedded font as the
// fallback. Builds the ImGui atlas only (no GL): the platform uploads it.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace attnviz::gui {

/// Size of the display font (token chips, big numbers) relative to the body font.
constexpr float kDisplayFontRatio = 1.45f;

class FontLibrary {
  public:
    /// Clears `atlas` and adds the body font at pixel_size (atlas font 0) and the display font at
    /// kDisplayFontRatio times that (atlas font 1), each with CJK glyphs for the CJK characters of
    /// text_in_use. Returns warnings for a person (missing font files, scripts without glyphs).
    /// oversample_h: glyphs rasterized that many times wider (2 sharpens small text; large needs 1).
    std::vector<std::string> build(ImFontAtlas& atlas, float pixel_size, const std::string& text_in_use,
                                   int oversample_h = 2);

    /// True when text_in_use holds CJK characters the current atlas lacks and a CJK font could add.
    bool needs_rebuild(const std::string& text_in_use) const;

    bool has_cjk_font() const { return !m_cjk_path.empty(); }

  private:
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
