// The stages of a Hugging Face tokenizer (normalizers, pre-tokenizers, the BPE model, decoders) over text
// whose every byte remembers the span of the original input it came from. Private to core/model/.
#pragma once

#include "core/base/expected.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace attnviz::model::detail {

/// A byte span [start, end) of the original input text.
struct Span {
    std::size_t start = 0;
    std::size_t end = 0;
};

/// Valid UTF-8 text in which byte i came from original bytes align[i]. A character copied unchanged
/// from the input keeps one original byte per byte, so a token ending inside a character still gets
/// an exact byte span; a character made by a normalizer (▁ for a space, a composed é) points every one
/// of its bytes at the whole original span it replaced.
struct AlignedText {
    std::string text;
    std::vector<Span> align;  ///< align.size() == text.size()

    bool empty() const { return text.empty(); }
    /// Appends text[b, e) of `from` with its alignment.
    void append_copy(const AlignedText& from, std::size_t b, std::size_t e);
    /// Appends new bytes, all aligned to `span`.
    void append_new(std::string_view s, Span span);
    AlignedText slice(std::size_t b, std::size_t e) const;
    /// The original offset where the byte at p starts (p == size: where the last byte ends).
    std::size_t boundary(std::size_t p) const;
};

/// Decodes input bytes as UTF-8 the lossy way: each maximal invalid subpart (a stray byte, or the start of a
/// sequence cut short) becomes one U+FFFD aligned to those bytes, as Rust's String::from_utf8_lossy does.
AlignedText lossy_decode(const std::string& original);

/// Length of the UTF-8 character at s[i], or of the maximal invalid subpart there (`valid` false, at least
/// 1); `cp` receives the character (0xFFFD if invalid).
std::size_t utf8_char_at(std::string_view s, std::size_t i, char32_t* cp, bool* valid);

/// White_Space as Rust's char::is_whitespace defines it.
bool is_unicode_whitespace(char32_t cp);
/// A character of regex \w as the Rust regex crate defines it (Alphabetic, marks, Nd, Pc, Join_Control).
bool is_word_char(char32_t cp);

// [SECTION] regular expressions (PCRE2, UTF + UCP, JIT when available)

class Regex {
  public:
    /// Compiles `pattern` (a literal string when `literal`); errors give PCRE2's message and offset.
    static Expected<std::shared_ptr<const Regex>> compile(const std::string& pattern, bool literal);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    /// The non-overlapping matches [start, end) in `text` (valid UTF-8), left to right, as the
    /// `onig` find_iter that `tokenizers` uses yields them.
    std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const;
    /// True when the pattern matches somewhere in text.
    bool matches(std::string_view text) const;

  private:
    Regex() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// [SECTION] normalizers

struct Normalizer {
    enum class Kind { kSequence, kNfc, kNfd, kNfkc, kNfkd, kPrepend, kReplace, kStrip, kLowercase };
    Kind kind = Kind::kSequence;
    std::vector<Normalizer> children;      ///< kSequence
    std::string content;                   ///< kPrepend: the prefix; kReplace: the replacement
    std::shared_ptr<const Regex> pattern;  ///< kReplace
    bool strip_left = false;               ///< kStrip
    bool strip_right = false;              ///< kStrip
};

AlignedText apply_normalizer(const Normalizer& n, AlignedText in);

// [SECTION] pre-tokenizers

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

struct PreTokenizer {
    enum class Kind { kSequence, kByteLevel, kSplit, kMetaspace };
    enum class PrependScheme { kAlways, kFirst, kNever };
    Kind kind = Kind::kSequence;
    std::vector<PreTokenizer> children;                     ///< kSequence
    bool add_prefix_space = false;                          ///< kByteLevel
    bool use_regex = true;                                  ///< kByteLevel
    std::shared_ptr<const Regex> pattern;                   ///< kSplit (and kByteLevel's GPT-2 regex)
    SplitBehavior behavior = SplitBehavior::kIsolated;      ///< kSplit
    bool invert = false;                                    ///< kSplit
    std::string replacement = "\xE2\x96\x81";               ///< kMetaspace
    PrependScheme prepend_scheme = PrependScheme::kAlways;  ///< kMetaspace
    bool split = true;                                      ///< kMetaspace
};

/// Receives the pieces of a pre-tokenization in order, one at a time (so that a long text is never
/// held as hundreds of thousands of pieces at once).
using PieceSink = std::function<void(AlignedText&&)>;

/// Splits `piece` further (and maps bytes for ByteLevel), handing each resulting piece to `emit`.
void apply_pre_tokenizer(const PreTokenizer& p, AlignedText&& piece, const PieceSink& emit);

/// Splits `in` at the matches of `re` with the given behavior (empty pieces dropped).
void split_by_regex(const AlignedText& in, const Regex& re, SplitBehavior behavior, bool invert,
                    const PieceSink& emit);

// [SECTION] GPT-2's byte-to-unicode map

/// The UTF-8 of the printable character that stands for byte b.
const std::string& byte_to_unicode(std::uint8_t b);
/// The byte a character stands for, or -1 when the character is not one of the 256.
int unicode_to_byte(char32_t cp);
/// The bytes a byte-level token stands for; false when some character is not in the map.
bool byte_level_decode(std::string_view token, std::string& out);

// [SECTION] the BPE model

class BpeModel {
  public:
    struct Piece {
        int id;
        std::size_t begin;  ///< byte offsets in the word
        std::size_t end;
    };

    std::unordered_map<std::string, int> vocab;
    std::vector<std::string> id_to_token;  ///< "" where an id has no token
    std::vector<char> has_id;
    /// (left id << 32 | right id) -> (rank, merged id)
    std::unordered_map<std::uint64_t, std::pair<int, int>> merges;
    int unk_id = -1;
    bool fuse_unk = false;
    bool byte_fallback = false;
    bool ignore_merges = false;
    std::string continuing_subword_prefix;
    std::string end_of_word_suffix;
    std::array<int, 256> byte_ids{};  ///< id of "<0xXX>", -1 when absent
    /// True when no token has "▁" after another character (SentencePiece vocabularies): then no merge can
    /// cross the start of a "▁" that follows another character, and a long word is cut there first.
    bool split_before_marker = false;

    /// Sets split_before_marker from the vocabulary (call once it is complete).
    void detect_marker_splits();

    /// Appends the tokens of one pre-token (`tokenizers` BPE::tokenize, with a bounded cache).
    void tokenize(std::string_view word, std::vector<Piece>& out) const;

  private:
    void tokenize_word(std::string_view word, std::size_t offset, std::vector<Piece>& out) const;
    void tokenize_cached(std::string_view word, std::vector<Piece>& out) const;
    void merge_word(std::string_view word, std::vector<Piece>& out) const;
    mutable std::mutex m_cache_mutex;
    mutable std::unordered_map<std::string, std::vector<Piece>> m_cache;
};

// [SECTION] decoders

struct Decoder {
    enum class Kind { kNone, kSequence, kByteLevel, kReplace, kByteFallback, kFuse, kStrip, kMetaspace };
    Kind kind = Kind::kNone;
    std::vector<Decoder> children;         ///< kSequence
    std::shared_ptr<const Regex> pattern;  ///< kReplace
    std::string content;                   ///< kReplace: replacement; kStrip: the character; kMetaspace: ▁
    int strip_start = 0;
    int strip_stop = 0;
    bool metaspace_prepend = true;  ///< kMetaspace: prepend_scheme != never
};

std::vector<std::string> apply_decoder(const Decoder& d, std::vector<std::string> tokens);

}  // namespace attnviz::model::detail
