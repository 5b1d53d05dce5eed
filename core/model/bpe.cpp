// The BPE model as `tokenizers` runs it: characters (or byte fallback / unk) as symbols, then merges
// applied lowest rank first (leftmost on ties) through a priority queue: O(n log n) per word, with a cache.
#include "core/model/tokenizer_pipeline.h"

#include <algorithm>

namespace attnviz::model::detail {

namespace {

constexpr std::size_t kCacheCapacity = 50000;
constexpr std::size_t kCacheMaxWordBytes = 256;

struct Symbol {
    int id;
    int prev;
    int next;
    std::size_t len;  ///< bytes of the word; 0 once merged into its left neighbour
};

struct Merge {
    int pos;
    int rank;
    int new_id;
};

/// (rank, pos) as one number: the lowest comes first, and on equal ranks the leftmost.
std::uint64_t merge_key(const Merge& m) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(m.rank)) << 32) |
           static_cast<std::uint32_t>(m.pos);
}

/// A min-heap with four children per node (fewer levels, so fewer cache misses on long words), ordered by
/// merge_key: the same pop order as `tokenizers`' quaternary heap.
class MergeQueue {
  public:
    bool empty() const { return m_items.empty(); }
    void push(const Merge& m) {
        std::size_t i = m_items.size();
        m_items.push_back({merge_key(m), m});
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (m_items[parent].key <= m_items[i].key) break;
            std::swap(m_items[parent], m_items[i]);
            i = parent;
        }
    }
    Merge pop() {
        const Merge top = m_items.front().merge;
        m_items.front() = m_items.back();
        m_items.pop_back();
        const std::size_t n = m_items.size();
        std::size_t i = 0;
        while (true) {
            const std::size_t first = 4 * i + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t last = std::min(first + 4, n);
            for (std::size_t c = first + 1; c < last; ++c) {
                if (m_items[c].key < m_items[best].key) best = c;
            }
            if (m_items[i].key <= m_items[best].key) break;
            std::swap(m_items[i], m_items[best]);
            i = best;
        }
        return top;
    }

  private:
    struct Item {
        std::uint64_t key;
        Merge merge;
    };
    std::vector<Item> m_items;
};

std::uint64_t pair_key(int a, int b) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

void add_symbol(std::vector<Symbol>& symbols, int id, std::size_t len) {
    const int n = static_cast<int>(symbols.size());
    if (n > 0) symbols.back().next = n;
    symbols.push_back({id, n - 1, -1, len});
}

}  // namespace

void BpeModel::merge_word(std::string_view word, std::vector<Piece>& out) const {
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    int unk = -1;  // pending unk id
    std::size_t unk_len = 0;
    // Bytes of dropped characters (no unk token, no byte fallback): `tokenizers` loses them from its
    // offsets; here they go to the next symbol (or the last), so every later offset stays exact.
    std::size_t dropped = 0;
    const auto add = [&](int id, std::size_t len) {
        add_symbol(symbols, id, len + dropped);
        dropped = 0;
    };
    std::size_t i = 0;
    while (i < word.size()) {
        const std::size_t len = utf8_char_at(word, i, nullptr, nullptr);
        const bool is_first = i == 0;
        const bool is_last = i + len >= word.size();
        std::string s(word.substr(i, len));
        if (!is_first && !continuing_subword_prefix.empty()) s = continuing_subword_prefix + s;
        if (is_last && !end_of_word_suffix.empty()) s += end_of_word_suffix;
        i += len;
        const auto it = vocab.find(s);
        if (it != vocab.end()) {
            if (unk >= 0) {
                add(unk, unk_len);
                unk = -1;
            }
            add(it->second, len);
            continue;
        }
        if (byte_fallback) {
            bool all = true;
            for (char c : s) all = all && byte_ids[static_cast<unsigned char>(c)] >= 0;
            if (all) {
                // `tokenizers` does not flush a pending unk here; the byte symbols come first.
                for (char c : s) add(byte_ids[static_cast<unsigned char>(c)], 1);
                continue;
            }
        }
        if (unk_id >= 0) {
            if (unk >= 0 && fuse_unk) {
                unk_len += len;
            } else {
                if (unk >= 0) add(unk, unk_len);
                unk = unk_id;
                unk_len = len;
            }
        }
        // Without an unk token the character is dropped, as in `tokenizers`.
        if (unk_id < 0) dropped += len;
    }
    if (unk >= 0) add(unk, unk_len);
    if (dropped > 0 && !symbols.empty()) symbols.back().len += dropped;

    MergeQueue queue;
    for (std::size_t k = 0; k + 1 < symbols.size(); ++k) {
        const auto m = merges.find(pair_key(symbols[k].id, symbols[k + 1].id));
        if (m != merges.end()) queue.push({static_cast<int>(k), m->second.first, m->second.second});
    }
    while (!queue.empty()) {
        const Merge top = queue.pop();
        Symbol& left = symbols[static_cast<std::size_t>(top.pos)];
        if (left.len == 0 || left.next == -1) continue;
        const Symbol right = symbols[static_cast<std::size_t>(left.next)];
        const auto m = merges.find(pair_key(left.id, right.id));
        if (m == merges.end() || m->second.second != top.new_id) continue;  // an expired entry
        const int right_pos = left.next;
        left.id = top.new_id;
        left.len += right.len;
        left.next = right.next;
        symbols[static_cast<std::size_t>(right_pos)].len = 0;
        if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
        if (left.prev >= 0) {
            const auto pm = merges.find(pair_key(symbols[static_cast<std::size_t>(left.prev)].id, left.id));
            if (pm != merges.end()) queue.push({left.prev, pm->second.first, pm->second.second});
        }
        if (left.next >= 0) {
            const auto nm = merges.find(pair_key(left.id, symbols[static_cast<std::size_t>(left.next)].id));
            if (nm != merges.end()) queue.push({top.pos, nm->second.first, nm->second.second});
        }
    }
    std::size_t pos = 0;
    for (const Symbol& s : symbols) {
        if (s.len == 0) continue;
        out.push_back({s.id, pos, pos + s.len});
        pos += s.len;
    }
}

namespace {
constexpr std::string_view kMarker = "\xE2\x96\x81";  // ▁
}  // namespace

void BpeModel::detect_marker_splits() {
    split_before_marker = false;
    if (ignore_merges || !continuing_subword_prefix.empty() || !end_of_word_suffix.empty()) return;
    if (vocab.find(std::string(kMarker)) == vocab.end()) return;
    for (const auto& entry : vocab) {
        const std::string& token = entry.first;
        std::size_t at = token.find(kMarker);
        while (at != std::string::npos) {
            // A marker preceded by anything but another marker: a merge could cross such a cut.
            if (at > 0 &&
                (at < kMarker.size() || token.compare(at - kMarker.size(), kMarker.size(), kMarker) != 0)) {
                return;
            }
            at = token.find(kMarker, at + kMarker.size());
        }
    }
    split_before_marker = true;
}

void BpeModel::tokenize(std::string_view word, std::vector<Piece>& out) const {
    if (!split_before_marker) {
        tokenize_word(word, 0, out);
        return;
    }
    // Exact: every vocabulary token keeps its markers at its start, so no merge result (each one is in
    // the vocabulary) can hold a character followed by a marker.
    std::size_t start = 0;
    std::size_t at = word.find(kMarker, 1);
    while (at != std::string_view::npos) {
        const bool after_marker =
            at >= kMarker.size() && word.compare(at - kMarker.size(), kMarker.size(), kMarker) == 0;
        if (!after_marker) {
            tokenize_word(word.substr(start, at - start), start, out);
            start = at;
        }
        at = word.find(kMarker, at + kMarker.size());
    }
    tokenize_word(word.substr(start), start, out);
}

void BpeModel::tokenize_word(std::string_view word, std::size_t offset, std::vector<Piece>& out) const {
    if (word.empty()) return;
    const std::size_t first = out.size();
    tokenize_cached(word, out);
    for (std::size_t k = first; k < out.size(); ++k) {
        out[k].begin += offset;
        out[k].end += offset;
    }
}

void BpeModel::tokenize_cached(std::string_view word, std::vector<Piece>& out) const {
    if (ignore_merges) {
        const auto it = vocab.find(std::string(word));
        if (it != vocab.end()) {
            out.push_back({it->second, 0, word.size()});
            return;
        }
    }
    const bool cacheable = word.size() < kCacheMaxWordBytes;
    std::string key;
    if (cacheable) {
        key.assign(word);
        std::lock_guard<std::mutex> lock(m_cache_mutex);
        const auto hit = m_cache.find(key);
        if (hit != m_cache.end()) {
            out.insert(out.end(), hit->second.begin(), hit->second.end());
            return;
        }
    }
    std::vector<Piece> pieces;
    merge_word(word, pieces);
    out.insert(out.end(), pieces.begin(), pieces.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cache_mutex);
        if (m_cache.size() < kCacheCapacity) m_cache.emplace(std::move(key), std::move(pieces));
    }
}

}  // namespace attnviz::model::detail
