// Masks as visibility: causal (bottom-right aligned), sliding window and key padding, combined by AND.
#pragma once

#include "core/attention/attention_config.h"
#include "core/base/types.h"

#include <cstdint>
#include <vector>

namespace attnviz::attention {

/// A half-open range of key indices [begin, end); empty when begin >= end.
struct KeyRange {
    int begin = 0;
    int end = 0;
    int size() const { return end > begin ? end - begin : 0; }
    bool empty() const { return end <= begin; }
};

/// The visibility rule of one attention shape. Cheap to copy; holds a pointer to the padding vector
/// of the MaskConfig it was built from, which must outlive it.
class Mask {
  public:
    /// Preconditions: n_q >= 0, n_k >= 0, config.window >= 0, config.key_valid empty or of size n_k.
    Mask(const MaskConfig& config, int n_q, int n_k);

    int n_q() const { return m_n_q; }
    int n_k() const { return m_n_k; }
    bool has_padding() const { return m_key_valid != nullptr; }

    /// Absolute position of query row i among the keys: p_i = i + (n_k - n_q).
    int query_position(int i) const { return i + (m_n_k - m_n_q); }

    /// Keys that the position masks (causal, window) leave visible to query i, before padding.
    /// Every visible key of row i lies in this range; padded keys inside it are still invisible.
    KeyRange position_range(int i) const;

    /// Key j is a real key (not padding).
    bool key_is_real(int j) const { return m_key_valid == nullptr || m_key_valid[j] != 0; }

    /// Query i may attend to key j.
    bool visible(int i, int j) const {
        const KeyRange r = position_range(i);
        return j >= r.begin && j < r.end && key_is_real(j);
    }

    /// Number of keys query i may attend to.
    int count_visible(int i) const;

    /// The full visibility matrix, [n_q, n_k].
    MaskMatrix build_matrix() const;

    /// For each key j, [n_k]: 1 if at least one query can see it. Keys never seen cannot influence
    /// any output, so their K and V rows may hold anything (even NaN).
    std::vector<std::uint8_t> keys_seen_by_any_query() const;

  private:
    int m_n_q;
    int m_n_k;
    bool m_causal;
    int m_window;
    const std::uint8_t* m_key_valid;
};

}  // namespace attnviz::attention
