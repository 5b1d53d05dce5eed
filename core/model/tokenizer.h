// Hugging Face tokenizers for real models: byte-level BPE (GPT-2, Llama 3, Qwen, SmolLM, MiniMind) and
// SentencePiece-style BPE with byte fallback (Llama 2, TinyLlama, Mistral), ids equal to `tokenizers`.
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::model {

/// One token of an encoded text. [start, end) is the byte span in the input text that produced it
/// (empty for a token the post-processor added, such as <s>); spans of consecutive tokens never overlap
/// and, for text tokens, tile the text in order.
///
/// How spans are drawn: a token holding part of a UTF-8 character (byte-level BPE, byte fallback) spans
/// exactly its bytes; a character a normalizer made (the prepended "▁", NFC's composed "é") belongs to the
/// token that holds its last byte, so a token holding only a prepended mark has an empty span; text no
/// token holds (a Split with behavior Removed, a character dropped for want of an unk token) belongs to
/// the next token (or the last). Invalid UTF-8 is read as Rust's from_utf8_lossy reads it: each maximal
/// invalid subpart becomes one U+FFFD whose tokens span those bytes.
struct Token {
    int id = 0;
    std::size_t start = 0;
    std::size_t end = 0;
    /// A readable label: the token's text with a visible mark for a leading space ("·the" / "▁the" shown
    /// as "·the"), control characters as symbols, and a token holding part of a UTF-8 character as its
    /// bytes ("⟨E5 9C⟩"). Always valid UTF-8. Every space is shown as "·" (byte-level "Ġ" and
    /// SentencePiece "▁" alike), newline "↵", tab "⇥", other C0 controls as U+2400 + c ("␀"), DEL "␡".
    std::string display;
    bool special = false;  ///< an added / special token (<s>, <|endoftext|>, ...)
};

class Tokenizer {
  public:
    virtual ~Tokenizer() = default;
    /// Encodes UTF-8 text as Hugging Face's tokenizer.encode(text, add_special_tokens=...) does.
    /// Invalid UTF-8 bytes are handled as `tokenizers` handles them after lossy decoding (U+FFFD).
    virtual std::vector<Token> encode(const std::string& text, bool add_special_tokens = true) const = 0;
    /// The text of a sequence of ids, as tokenizer.decode(ids, skip_special_tokens=False) gives it.
    virtual std::string decode(const std::vector<int>& ids) const = 0;
    /// The display label of one id (see Token::display); "<id N?>" for an id outside the vocabulary.
    virtual std::string display(int id) const = 0;
    virtual int vocab_size() const = 0;
};

/// Largest tokenizer file accepted (checked with stat before reading).
constexpr std::int64_t kMaxTokenizerBytes = 256LL << 20;

/// Loads tokenizer.json: model BPE; normalizers Sequence, NFC/NFD/NFKC/NFKD (ICU), Prepend, Replace, Strip,
/// Lowercase; pre-tokenizers Sequence, ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit;
/// post-processors TemplateProcessing, ByteLevel, Sequence, Roberta/BertProcessing; decoders Sequence,
/// ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace. Anything else is refused by name.
/// Errors name the file and the JSON path ("tokenizer.json: model.merges[12]: ...").
Expected<std::shared_ptr<const Tokenizer>> load_tokenizer_json(const std::string& path);
/// Parses tokenizer.json text (the body of load_tokenizer_json); `name` is used in errors.
Expected<std::shared_ptr<const Tokenizer>> parse_tokenizer_json(const std::string& text,
                                                                const std::string& name);
/// GPT-2's older layout: vocab.json + merges.txt (byte-level BPE, no special tokens added).
Expected<std::shared_ptr<const Tokenizer>> load_gpt2_vocab_merges(const std::string& vocab_path,
                                                                  const std::string& merges_path);
/// The tokenizer of a model folder: tokenizer.json, else vocab.json + merges.txt (a Hugging Face cache
/// folder is resolved as load_checkpoint resolves it).
Expected<std::shared_ptr<const Tokenizer>> load_tokenizer_for_model(const std::string& model_dir);

}  // namespace attnviz::model
