// KvCacheSession: prefill then decode, each append computing only the new positions against the cached
// K and V (after RoPE) of the earlier ones.
#include "core/model/forward.h"

#include "core/base/parallel.h"
#include "core/model/forward_pass.h"

#include <algorithm>
#include <new>
#include <string>

namespace attnviz::model {

struct KvCacheSession::State {
    std::vector<int> token_ids;           ///< every position so far
    std::vector<detail::LayerKv> layers;  ///< [n_layers] K/V [n_kv_heads, n_cached, head_dim]
};

KvCacheSession::KvCacheSession(std::shared_ptr<const Checkpoint> model, Interventions interventions)
    : m_model(std::move(model)),
      m_interventions(std::move(interventions)),
      m_state(std::make_shared<State>()) {}

int KvCacheSession::n_cached() const {
    return static_cast<int>(m_state->token_ids.size());
}

std::int64_t KvCacheSession::cache_bytes() const {
    std::int64_t bytes = 0;
    for (const detail::LayerKv& l : m_state->layers) {
        bytes += static_cast<std::int64_t>((l.k.size() + l.v.size()) * sizeof(float));
    }
    return bytes;
}

Expected<ForwardResult> KvCacheSession::append(const std::vector<int>& token_ids,
                                               const ForwardOptions& options) {
    if (!m_model) return Error{"the KV cache session has no model; open a model first"};
    const Checkpoint& model = *m_model;
    if (Status s = detail::check_model(model); !s.empty()) return Error{s};
    const int n_before = n_cached();
    if (Status s = detail::check_tokens(model, token_ids, n_before); !s.empty()) return Error{s};
    if (Status s = validate_interventions(m_interventions, model.config); !s.empty()) return Error{s};
    if (!m_interventions.causal) {
        // Without the causal mask an earlier position would see the new tokens, so its cached K and V
        // (and its outputs) would no longer be those of a full recompute.
        return Error{
            "a KV cache needs the causal mask: with the mask off, earlier positions see later tokens "
            "and must be recomputed; run the whole sequence with run_forward instead"};
    }
    if (options.n_threads < 0) return Error{"n_threads is negative; use 0 for the default or a count >= 1"};
    if (Status s = detail::check_memory(model.config, static_cast<int>(token_ids.size()), n_before, options);
        !s.empty()) {
        return Error{s};
    }
    try {
        const int n_threads = options.n_threads > 0 ? options.n_threads : default_thread_count();
        const detail::PassContext pass{model, m_interventions, options, n_threads};
        if (m_state->layers.empty()) m_state->layers.resize(static_cast<std::size_t>(model.config.n_layers));
        ForwardResult result;
        result.interventions = m_interventions;
        result.layers.resize(static_cast<std::size_t>(model.config.n_layers));
        MatrixRM h = detail::embed_tokens(model, token_ids, n_before);
        if (Status s = detail::run_layers(pass, h, 0, n_before, &m_state->layers, result.layers);
            !s.empty()) {
            return Error{s};
        }
        detail::compute_logits(pass, h, result.logits);
        m_state->token_ids.insert(m_state->token_ids.end(), token_ids.begin(), token_ids.end());
        result.token_ids = m_state->token_ids;
        return result;
    } catch (const std::bad_alloc&) {
        return Error{"not enough memory to append " + std::to_string(token_ids.size()) +
                     " tokens to a KV cache of " + std::to_string(n_before) + " positions"};
    }
}

}  // namespace attnviz::model

namespace attnviz::model {

namespace {

/// Rows of `top` [n_mats, n_a, cols] followed by the rows of `bottom` [n_mats, n_b, cols].
Tensor3 stack_rows(const Tensor3& top, const Tensor3& bottom) {
    Tensor3 out(top.n_mats(), top.n_rows() + bottom.n_rows(), top.n_cols());
    for (int m = 0; m < top.n_mats(); ++m) {
        out.mat(m).topRows(top.n_rows()) = top.mat(m);
        out.mat(m).bottomRows(bottom.n_rows()) = bottom.mat(m);
    }
    return out;
}

}  // namespace

Expected<ForwardResult> extend_with_decoded(const ForwardResult& prefix, const ForwardResult& decoded) {
    const std::size_t n_layers = prefix.layers.size();
    if (decoded.layers.size() != n_layers) {
        return Error{"the decoded run has " + std::to_string(decoded.layers.size()) + " layers, the prefix " +
                     std::to_string(n_layers)};
    }
    const int n_old = static_cast<int>(prefix.token_ids.size());
    const int n_total = static_cast<int>(decoded.token_ids.size());
    const int n_new = n_total - n_old;
    if (n_new < 1 ||
        !std::equal(prefix.token_ids.begin(), prefix.token_ids.end(), decoded.token_ids.begin())) {
        return Error{"the decoded run does not continue the prefix's tokens"};
    }
    ForwardResult out;
    out.token_ids = decoded.token_ids;
    out.interventions = decoded.interventions;
    out.layers.resize(n_layers);
    for (std::size_t l = 0; l < n_layers; ++l) {
        const LayerAttention& a = prefix.layers[l];
        const LayerAttention& b = decoded.layers[l];
        LayerAttention& o = out.layers[l];
        o.config = b.config;
        const std::string where = "layer " + std::to_string(l) + ": ";
        if (!a.weights.empty() && !b.weights.empty()) {
            if (a.weights.n_mats() != b.weights.n_mats() || a.weights.n_rows() != n_old ||
                a.weights.n_cols() != n_old || b.weights.n_rows() != n_new || b.weights.n_cols() != n_total) {
                return Error{where + "attention weights do not line up with the tokens"};
            }
            o.weights = Tensor3(b.weights.n_mats(), n_total, n_total);
            for (int h = 0; h < b.weights.n_mats(); ++h) {
                o.weights.mat(h).topLeftCorner(n_old, n_old) = a.weights.mat(h);
                o.weights.mat(h).bottomRows(n_new) = b.weights.mat(h);
            }
        }
        if (!a.q.empty() && !b.q.empty()) {
            if (a.q.n_mats() != b.q.n_mats() || a.q.n_cols() != b.q.n_cols() || a.q.n_rows() != n_old ||
                b.q.n_rows() != n_new || b.k.n_rows() != n_total || b.v.n_rows() != n_total) {
                return Error{where + "q, k, v do not line up with the tokens"};
            }
            o.q = stack_rows(a.q, b.q);
            o.k = b.k;
            o.v = b.v;
        }
        if (a.residual_in.rows() == n_old && b.residual_in.rows() == n_new &&
            a.residual_in.cols() == b.residual_in.cols()) {
            o.residual_in.resize(n_total, a.residual_in.cols());
            o.residual_in.topRows(n_old) = a.residual_in;
            o.residual_in.bottomRows(n_new) = b.residual_in;
        }
    }
    if (prefix.logits.rows() == n_old && decoded.logits.rows() == n_new &&
        prefix.logits.cols() == decoded.logits.cols()) {
        out.logits.resize(n_total, prefix.logits.cols());
        out.logits.topRows(n_old) = prefix.logits;
        out.logits.bottomRows(n_new) = decoded.logits;
    } else {
        out.logits = decoded.logits.bottomRows(1);
    }
    return out;
}

}  // namespace attnviz::model
