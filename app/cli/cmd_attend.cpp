// attnviz-cli attend: attention over Q/K/V .npy files, weights / outputs / lse written as .npy.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/common/args.h"
#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"
#include "core/attention/mask.h"
#include "core/io/file_io.h"
#include "core/io/npy.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli attend --q Q.npy --k K.npy --v V.npy\n"
    "           [--causal] [--window W] [--key-padding PAD.npy]\n"
    "           [--temperature T] [--no-scale | --scale S]\n"
    "           [--impl reference|flash [--block-q N] [--block-k N]]\n"
    "           --out-weights W.npy --out-output O.npy [--out-lse L.npy]\n"
    "\n"
    "Shapes: Q [n_heads, n_q, d] (or [n_q, d] for one head), K [n_kv_heads, n_k, d],\n"
    "V [n_kv_heads, n_k, d_v], PAD [n_k] (bool/uint8/float, nonzero = real key).\n"
    "Writes weights [n_heads, n_q, n_k], output [n_heads, n_q, d_v], lse [n_heads, n_q]\n"
    "(float32). At least one --out-* is needed; omit --out-weights for long inputs.\n"
    "--impl flash computes the same attention tile by tile without the n_q x n_k matrix\n"
    "(its weights are rebuilt from the row max and sum when --out-weights asks for them).";

/// Outputs of either path, as the writers need them.
struct AttendOutputs {
    int n_q = 0;
    int n_k = 0;
    std::vector<float> weights;  // [n_heads, n_q, n_k] when asked for
    std::vector<float> output;   // [n_heads, n_q, d_v]
    std::vector<float> lse;      // [n_heads, n_q]
    std::size_t n_empty_rows = 0;
};

Expected<AttendOutputs> attend_reference(const attention::AttentionConfig& config,
                                         const attention::AttentionInputs& in, bool weights) {
    attention::AttentionOptions options;
    options.keep_raw_scores = false;
    options.keep_scores = false;
    options.keep_weights = weights;
    options.keep_entropy = false;
    Expected<attention::AttentionResult> r = attention::compute_attention(config, in, options);
    if (!r) return Error{r.error()};
    AttendOutputs o;
    o.n_q = r->n_q;
    o.n_k = r->n_k;
    for (const attention::HeadResult& h : r->heads) {
        if (weights) o.weights.insert(o.weights.end(), h.weights.data(), h.weights.data() + h.weights.size());
        o.output.insert(o.output.end(), h.output.data(), h.output.data() + h.output.size());
        o.lse.insert(o.lse.end(), h.rows.lse.begin(), h.rows.lse.end());
    }
    o.n_empty_rows = r->empty_rows.size();
    return o;
}

Expected<AttendOutputs> attend_flash(const attention::AttentionConfig& config,
                                     const attention::AttentionInputs& in, bool weights, int block_q,
                                     int block_k) {
    attention::FlashOptions options;
    options.block_q = block_q;
    options.block_k = block_k;
    options.rebuild_weights = weights;
    Expected<attention::FlashResult> r = attention::compute_flash_attention(config, in, options);
    if (!r) return Error{r.error()};
    AttendOutputs o;
    o.n_q = in.n_q();
    o.n_k = in.n_k();
    if (weights) o.weights.assign(r->weights->data(), r->weights->data() + r->weights->size());
    o.output.assign(r->output.data(), r->output.data() + r->output.size());
    o.lse.assign(r->lse.data(), r->lse.data() + r->lse.size());
    const attention::Mask mask(config.mask, o.n_q, o.n_k);
    for (int i = 0; i < o.n_q; ++i) o.n_empty_rows += mask.count_visible(i) == 0 ? 1 : 0;
    return o;
}

/// Loads a [n_heads, n_rows, n_cols] stack, or [n_rows, n_cols] as one head.
Expected<Tensor3> load_heads(const std::string& path, const std::string& what) {
    Expected<io::NpyArray> a = io::read_npy(path);
    if (!a) return Error{a.error()};
    const std::vector<std::int64_t>& s = a->shape;
    if (s.size() == 1) {
        return Error{path + ": " + what + " has shape (" + std::to_string(s[0]) +
                     ",); expected [heads, tokens, dim] or [tokens, dim]"};
    }
    const std::int64_t heads = s.size() == 3 ? s[0] : 1;
    const std::int64_t rows = s[s.size() - 2];
    const std::int64_t cols = s[s.size() - 1];
    if (heads > 4096 || rows > (1 << 24) || cols > (1 << 16)) {
        return Error{path + ": " + what + " is too large to attend over"};
    }
    Tensor3 t(static_cast<int>(heads), static_cast<int>(rows), static_cast<int>(cols));
    std::copy(a->data.begin(), a->data.end(), t.data());
    return t;
}

Expected<std::vector<std::uint8_t>> load_padding(const std::string& path) {
    Expected<io::NpyMask> m = io::read_npy_mask(path);
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> valid;
    if (m) {
        shape = m->shape;
        valid = std::move(m->data);
    } else {
        Expected<io::NpyArray> f = io::read_npy(path);  // a float array of 0/1 is accepted too
        if (!f) return Error{m.error()};
        shape = f->shape;
        for (float x : f->data) valid.push_back(x != 0.0f ? 1 : 0);
    }
    if (shape.size() != 1) return Error{path + ": key padding must be 1-dimensional [n_k]"};
    return valid;
}

}  // namespace

int run_attend(int argc, char** argv) {
    ArgParser p("attnviz-cli attend", kUsage);
    p.option("q", "Q.npy", "queries, [n_heads, n_q, d] or [n_q, d]");
    p.option("k", "K.npy", "keys, [n_kv_heads, n_k, d] or [n_k, d]");
    p.option("v", "V.npy", "values, [n_kv_heads, n_k, d_v] or [n_k, d_v]");
    p.flag("causal", "causal mask, bottom-right aligned (query i sits at i + n_k - n_q)");
    p.option("window", "W", "sliding window of W keys, itself included (0 = none)");
    p.option("key-padding", "PAD.npy", "[n_k]; 0 marks a padding key nobody sees");
    p.option("temperature", "T", "softmax temperature, default 1; 0 = argmax, inf = uniform");
    p.flag("no-scale", "do not scale scores (s = 1)");
    p.option("scale", "S", "scale scores by S instead of 1/sqrt(d)");
    p.option("impl", "NAME", "reference (default) or flash (tiled, O(n) memory)");
    p.option("block-q", "N",
             "flash: queries per tile, 1.." + std::to_string(attention::kMaxFlashBlock) + " (default " +
                 std::to_string(attention::kDefaultFlashBlockQ) + ")");
    p.option("block-k", "N",
             "flash: keys per tile, 1.." + std::to_string(attention::kMaxFlashBlock) + " (default " +
                 std::to_string(attention::kDefaultFlashBlockK) + ")");
    p.option("out-weights", "W.npy", "write weights [n_heads, n_q, n_k]");
    p.option("out-output", "O.npy", "write outputs [n_heads, n_q, d_v]");
    p.option("out-lse", "L.npy", "write log-sum-exp [n_heads, n_q] (-inf for rows with no key)");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;

    for (const char* required : {"q", "k", "v"}) {
        if (!p.has(required))
            return usage_error(p.command() + ": --" + required + " is required (see --help)");
    }
    if (!p.has("out-weights") && !p.has("out-output") && !p.has("out-lse")) {
        return usage_error(p.command() + ": nothing to write; give --out-weights, --out-output or --out-lse");
    }
    if (p.has("no-scale") && p.has("scale")) {
        return usage_error(p.command() + ": --no-scale and --scale contradict each other; give one");
    }
    const std::string impl = p.get("impl").value_or("reference");
    if (impl != "reference" && impl != "flash") {
        return usage_error(
            p.error("impl", "'" + impl + "' is not an implementation; use reference or flash"));
    }
    int block_q = attention::kDefaultFlashBlockQ;
    int block_k = attention::kDefaultFlashBlockK;
    for (auto [name, target] : {std::pair{"block-q", &block_q}, std::pair{"block-k", &block_k}}) {
        auto text = p.get(name);
        if (!text) continue;
        if (impl != "flash") return usage_error(p.error(name, "applies to --impl flash only"));
        Expected<long long> v = parse_count(*text, std::string("--") + name, 1, attention::kMaxFlashBlock);
        if (!v) return usage_error(p.command() + ": " + v.error());
        *target = static_cast<int>(*v);
    }

    attention::AttentionConfig config;
    if (auto t = p.get("temperature")) {
        Expected<double> v = parse_number(*t, "--temperature");
        if (!v) return usage_error(p.command() + ": " + v.error());
        if (Status s = attention::validate_temperature(*v); !s.empty())
            return usage_error(p.error("temperature", s));
        config.temperature = *v;
    }
    if (p.has("no-scale")) config.scale_mode = attention::ScaleMode::kNone;
    if (auto s = p.get("scale")) {
        Expected<double> v = parse_number(*s, "--scale");
        if (!v) return usage_error(p.command() + ": " + v.error());
        if (!std::isfinite(*v) || *v <= 0.0)
            return usage_error(p.error("scale", "must be a finite number > 0"));
        config.scale_mode = attention::ScaleMode::kCustom;
        config.custom_scale = *v;
    }
    config.mask.causal = p.has("causal");
    if (auto w = p.get("window")) {
        Expected<long long> v = parse_count(*w, "--window", 0, 1LL << 30);
        if (!v) return usage_error(p.command() + ": " + v.error());
        config.mask.window = static_cast<int>(*v);
    }

    attention::AttentionInputs in;
    const struct {
        const char* option;
        const char* name;
        Tensor3* target;
    } loads[] = {{"q", "Q", &in.q}, {"k", "K", &in.k}, {"v", "V", &in.v}};
    for (const auto& [opt, name, target] : loads) {
        Expected<Tensor3> t = load_heads(*p.get(opt), name);
        if (!t) return usage_error(p.command() + ": " + t.error());
        *target = std::move(t.value());
    }
    if (auto pad = p.get("key-padding")) {
        Expected<std::vector<std::uint8_t>> v = load_padding(*pad);
        if (!v) return usage_error(p.command() + ": " + v.error());
        config.mask.key_valid = std::move(v.value());
    }
    config.n_heads = in.q.n_mats();
    config.n_kv_heads = in.k.n_mats();
    config.head_dim = in.q.n_cols();
    if (in.k.n_cols() != in.q.n_cols()) {
        return usage_error(p.command() + ": Q rows have " + std::to_string(in.q.n_cols()) +
                           " numbers but K rows have " + std::to_string(in.k.n_cols()) +
                           "; Q and K must share head_dim");
    }

    const bool want_weights = p.has("out-weights");
    Expected<AttendOutputs> r = impl == "flash" ? attend_flash(config, in, want_weights, block_q, block_k)
                                                : attend_reference(config, in, want_weights);
    if (!r) return usage_error(p.command() + ": " + r.error());

    const auto n_heads = static_cast<std::int64_t>(config.n_heads);
    const auto n_q = static_cast<std::int64_t>(r->n_q);
    const auto n_k = static_cast<std::int64_t>(r->n_k);
    const auto d_v = static_cast<std::int64_t>(in.d_v());
    // All outputs or none: a file that cannot be written leaves the others untouched too.
    std::vector<io::FileToWrite> outputs;
    if (auto path = p.get("out-weights"))
        outputs.push_back({*path, io::npy_bytes({n_heads, n_q, n_k}, r->weights.data())});
    if (auto path = p.get("out-output"))
        outputs.push_back({*path, io::npy_bytes({n_heads, n_q, d_v}, r->output.data())});
    if (auto path = p.get("out-lse"))
        outputs.push_back({*path, io::npy_bytes({n_heads, n_q}, r->lse.data())});
    if (Status s = io::write_files_atomically(outputs); !s.empty())
        return usage_error(p.command() + ": " + s);
    std::printf(
        "attended %lld query heads over %lld KV heads (%s), n_q=%lld n_k=%lld d=%d d_v=%lld, %zu empty rows "
        "(%s)\n",
        static_cast<long long>(n_heads), static_cast<long long>(config.n_kv_heads),
        attention::attention_kind_name(config.n_heads, config.n_kv_heads), static_cast<long long>(n_q),
        static_cast<long long>(n_k), config.head_dim, static_cast<long long>(d_v), r->n_empty_rows,
        impl.c_str());
    return kExitOk;
}

}  // namespace attnviz::cli
