// KvCacheSession: prefill then decode, each append computing only the new positions against the cached
// K and V (after RoPE) of the earlier ones.
#include "core/model/forward.h"

#include "core/base/parallel.h"
#include "core/model/forward_pass.h"

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
