// Visibility rules of numerics.md: bottom-right causal alignment, inclusive window, padding, by AND.
#include "core/attention/mask.h"

#include <algorithm>

namespace attnviz::attention {

Mask::Mask(const MaskConfig& config, int n_q, int n_k)
    : m_n_q(n_q),
      m_n_k(n_k),
      m_causal(config.causal),
      m_window(config.window),
      m_key_valid(config.key_valid.empty() ? nullptr : config.key_valid.data()) {}

KeyRange Mask::position_range(int i) const {
    const int p = query_position(i);
    KeyRange r{0, m_n_k};
    if (m_causal) {
        r.end = std::min(m_n_k, p + 1);
        if (m_window > 0) r.begin = std::max(0, p - m_window + 1);
    } else if (m_window > 0) {
        r.begin = std::max(0, p - m_window + 1);
        r.end = std::min(m_n_k, p + m_window);
    }
    if (r.end < r.begin) r.end = r.begin;
    return r;
}

int Mask::count_visible(int i) const {
    const KeyRange r = position_range(i);
    if (m_key_valid == nullptr) return r.size();
    int n = 0;
    for (int j = r.begin; j < r.end; ++j) n += m_key_valid[j] != 0 ? 1 : 0;
    return n;
}

MaskMatrix Mask::build_matrix() const {
    MaskMatrix m = MaskMatrix::Zero(m_n_q, m_n_k);
    for (int i = 0; i < m_n_q; ++i) {
        const KeyRange r = position_range(i);
        for (int j = r.begin; j < r.end; ++j) m(i, j) = key_is_real(j) ? 1 : 0;
    }
    return m;
}

std::vector<std::uint8_t> Mask::keys_seen_by_any_query() const {
    // Row ranges marked with a difference array: O(n_q + n_k) instead of O(n_q * n_k).
    std::vector<int> delta(static_cast<std::size_t>(m_n_k) + 1, 0);
    for (int i = 0; i < m_n_q; ++i) {
        const KeyRange r = position_range(i);
        if (r.empty()) continue;
        ++delta[static_cast<std::size_t>(r.begin)];
        --delta[static_cast<std::size_t>(r.end)];
    }
    std::vector<std::uint8_t> seen(static_cast<std::size_t>(m_n_k), 0);
    int depth = 0;
    for (int j = 0; j < m_n_k; ++j) {
        depth += delta[static_cast<std::size_t>(j)];
        seen[static_cast<std::size_t>(j)] = (depth > 0 && key_is_real(j)) ? 1 : 0;
    }
    return seen;
}

}  // namespace attnviz::attention
