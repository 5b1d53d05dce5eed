// Shape and finiteness checks of AttentionInputs, and the zeroing of unseen non-finite rows.
#include "core/attention/attention_inputs.h"

#include <cmath>
#include <string>

namespace attnviz::attention {

namespace {

std::string shape_text(const Tensor3& t) {
    return "[" + std::to_string(t.n_mats()) + ", " + std::to_string(t.n_rows()) + ", " +
           std::to_string(t.n_cols()) + "]";
}

bool row_finite(const Tensor3& t, int mat, int row) {
    return all_finite(t.mat(mat).row(row).data(), static_cast<std::size_t>(t.n_cols()));
}

bool mat_finite(const Tensor3& t, int mat) {
    return all_finite(t.mat(mat).data(),
                      static_cast<std::size_t>(t.n_rows()) * static_cast<std::size_t>(t.n_cols()));
}

}  // namespace

bool all_finite(const float* data, std::size_t n) {
    // x * 0 is 0 for a finite x and NaN for inf or NaN, so the sum is NaN exactly when one value is.
    const Eigen::Map<const Eigen::ArrayXf> a(data, static_cast<Eigen::Index>(n));
    return !std::isnan((a * 0.0f).sum());
}

Status validate_inputs(const AttentionConfig& config, const AttentionInputs& in) {
    if (Status s = validate_config(config); !s.empty()) return s;
    const std::string expect_q = "Q must be [n_heads=" + std::to_string(config.n_heads) +
                                 ", n_q, head_dim=" + std::to_string(config.head_dim) + "]";
    if (in.q.n_mats() != config.n_heads || in.q.n_cols() != config.head_dim) {
        return expect_q + ", got " + shape_text(in.q);
    }
    if (in.k.n_mats() != config.n_kv_heads || in.k.n_cols() != config.head_dim) {
        return "K must be [n_kv_heads=" + std::to_string(config.n_kv_heads) +
               ", n_k, head_dim=" + std::to_string(config.head_dim) + "], got " + shape_text(in.k);
    }
    if (in.v.n_mats() != config.n_kv_heads || in.v.n_rows() != in.k.n_rows()) {
        return "V must be [n_kv_heads=" + std::to_string(config.n_kv_heads) +
               ", n_k=" + std::to_string(in.k.n_rows()) + ", d_v], got " + shape_text(in.v);
    }
    if (in.n_q() < 1) return "there are no queries (n_q = 0); attention needs at least one token";
    if (in.n_k() < 1) return "there are no keys (n_k = 0); attention needs at least one token";
    if (in.d_v() < 1) return "V has no columns (d_v = 0)";
    if (!config.mask.key_valid.empty() && static_cast<int>(config.mask.key_valid.size()) != in.n_k()) {
        return "key padding has " + std::to_string(config.mask.key_valid.size()) + " entries but there are " +
               std::to_string(in.n_k()) + " keys; give one per key";
    }

    const Mask mask(config.mask, in.n_q(), in.n_k());
    for (int h = 0; h < config.n_heads; ++h) {
        if (mat_finite(in.q, h)) continue;
        for (int i = 0; i < in.n_q(); ++i) {
            if (mask.count_visible(i) > 0 && !row_finite(in.q, h, i)) {
                return "Q has a non-finite value (NaN or inf) in head " + std::to_string(h) + ", query row " +
                       std::to_string(i) + "; attention needs finite numbers";
            }
        }
    }
    const std::vector<std::uint8_t> seen = mask.keys_seen_by_any_query();
    for (int g = 0; g < config.n_kv_heads; ++g) {
        const bool k_finite = mat_finite(in.k, g);
        const bool v_finite = mat_finite(in.v, g);
        if (k_finite && v_finite) continue;
        for (int j = 0; j < in.n_k(); ++j) {
            if (seen[static_cast<std::size_t>(j)] == 0) continue;
            const char* which = !row_finite(in.k, g, j) ? "K" : (!row_finite(in.v, g, j) ? "V" : nullptr);
            if (which != nullptr) {
                return std::string(which) + " has a non-finite value (NaN or inf) in KV head " +
                       std::to_string(g) + ", key row " + std::to_string(j) +
                       ", which a query can see; attention needs finite numbers";
            }
        }
    }
    return {};
}

Status score_overflow_error(int head, int row) {
    return "scores overflowed float32 in head " + std::to_string(head) + ", query row " +
           std::to_string(row) + "; the Q/K values are too large, scale them down";
}

std::optional<AttentionInputs> zero_non_finite_rows(const AttentionInputs& in) {
    const auto finite = [](const Tensor3& t) { return all_finite(t.data(), t.size()); };
    if (finite(in.q) && finite(in.k) && finite(in.v)) return std::nullopt;

    AttentionInputs clean = in;
    const auto zero_bad_rows = [](Tensor3& t) {
        for (int m = 0; m < t.n_mats(); ++m) {
            MapRM mat = t.mat(m);
            for (Eigen::Index r = 0; r < mat.rows(); ++r) {
                if (!all_finite(mat.row(r).data(), static_cast<std::size_t>(mat.cols())))
                    mat.row(r).setZero();
            }
        }
    };
    // After validate_inputs, every non-finite row is one nobody sees (an empty query row or an
    // unseen key), so zeroing them changes no output.
    zero_bad_rows(clean.q);
    zero_bad_rows(clean.k);
    zero_bad_rows(clean.v);
    return clean;
}

}  // namespace attnviz::attention
