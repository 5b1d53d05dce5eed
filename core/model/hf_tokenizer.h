// The Hugging Face-exact BPE tokenizer that tokenizer.json (or vocab.json + merges.txt) is read into: added
// tokens matched before the model, the post-processor's templates, decoding. Private to core/model/.
#pragma once

#include "core/model/tokenizer.h"
#include "core/model/tokenizer_pipeline.h"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace attnviz::model::detail {

struct AddedToken {
    int id = 0;
    std::string content;
    bool single_word = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
    std::string pattern;  ///< what is searched for: content, or its normalized form when `normalized`
};

struct TemplateItem {
    bool sequence = false;
    std::vector<int> ids;  ///< a special-token item's ids
};

class HfTokenizer final : public Tokenizer {
  public:
    std::optional<Normalizer> normalizer;
    std::optional<PreTokenizer> pre_tokenizer;
    BpeModel model;
    std::vector<AddedToken> added;
    std::unordered_map<int, std::size_t> added_by_id;
    std::vector<std::vector<TemplateItem>> templates;  ///< applied in order when adding special tokens
    std::optional<Decoder> decoder;
    bool byte_level = false;
    int n_vocab = 0;

    /// Builds the added-token search tables (call once, after `added` and `normalizer` are set).
    void index_added_tokens() {
        for (std::size_t k = 0; k < added.size(); ++k) {
            AddedToken& t = added[k];
            t.pattern = t.content;
            if (t.normalized && normalizer) {
                AlignedText a;
                a.append_new(t.content, {0, 0});
                t.pattern = apply_normalizer(*normalizer, a).text;
            }
            if (t.pattern.empty()) continue;
            auto& index = t.normalized ? m_normalized_first : m_raw_first;
            index[static_cast<unsigned char>(t.pattern[0])].push_back(k);
            added_by_id[t.id] = k;
        }
        for (const AddedToken& t : added) n_vocab = std::max(n_vocab, t.id + 1);
        m_display.resize(static_cast<std::size_t>(n_vocab));
        for (int id = 0; id < n_vocab; ++id) m_display[static_cast<std::size_t>(id)] = display(id);
    }

    std::vector<Token> encode(const std::string& text, bool add_special_tokens) const override;
    std::string decode(const std::vector<int>& ids) const override;
    std::string display(int id) const override;
    int vocab_size() const override { return n_vocab; }

  private:
    struct Match {
        std::size_t begin, end;
        std::size_t added_index;
    };
    std::vector<Match> find_added(const std::string& s, bool normalized_set) const;
    void encode_text(AlignedText&& piece, std::vector<Token>& out) const;
    void encode_normalized(AlignedText&& piece, std::vector<Token>& out) const;
    std::string token_bytes(int id) const;

    std::vector<std::string> m_display;  ///< display(id) for every id below n_vocab
    std::array<std::vector<std::size_t>, 256> m_raw_first;
    std::array<std::vector<std::size_t>, 256> m_normalized_first;
};

/// Sets what follows from the parts read (marker splits, byte level, vocabulary size) and indexes the
/// added tokens: call once, when every part is set.
void finish(HfTokenizer& t);

}  // namespace attnviz::model::detail
