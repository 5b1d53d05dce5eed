// attnviz-cli kv-cache: KV-cache bytes for a model shape, and the GQA saving against MHA.
#include "app/common/args.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/json.h"
#include "core/kv_cache.h"

#include <cstdio>
#include <string>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli kv-cache --layers L --kv-heads H --head-dim D --seq N\n"
    "           [--batch B] [--dtype fp32|fp16|bf16|fp8|int8] [--heads Q] [--json]\n"
    "\n"
    "bytes = 2 (K and V) x layers x kv_heads x head_dim x seq x batch x bytes per element.\n"
    "Counts accept a binary suffix: --seq 128k = 131072, --seq 1M = 1048576.";

Status read_count(const ArgParser& p, const char* name, std::int64_t& out, bool required) {
    const std::optional<std::string> text = p.get(name);
    if (!text) return required ? p.command() + ": --" + name + " is required (see --help)" : Status{};
    Expected<long long> v = parse_count(*text, std::string("--") + name, 1, 1LL << 40);
    if (!v) return p.command() + ": " + v.error();
    out = *v;
    return {};
}

}  // namespace

int run_kv_cache(int argc, char** argv) {
    ArgParser p("attnviz-cli kv-cache", kUsage);
    p.option("layers", "L", "number of layers with a KV cache");
    p.option("kv-heads", "H", "key/value heads per layer");
    p.option("head-dim", "D", "width of one head");
    p.option("seq", "N", "tokens in the cache (sequence length)");
    p.option("batch", "B", "sequences cached at once, default 1");
    p.option("dtype", "TYPE", "fp32, fp16 (default), bf16, fp8 or int8");
    p.option("heads", "Q", "query heads: also print the MHA size (Q KV heads) and the saving");
    p.flag("json", "print one JSON object instead of text");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;

    KvCacheShape shape;
    for (auto [name, field, required] : {std::tuple<const char*, std::int64_t*, bool>{"layers", &shape.n_layers, true},
                                         {"kv-heads", &shape.n_kv_heads, true},
                                         {"head-dim", &shape.head_dim, true},
                                         {"seq", &shape.seq_len, true},
                                         {"batch", &shape.batch, false}}) {
        if (Status s = read_count(p, name, *field, required); !s.empty()) return usage_error(s);
    }
    if (auto d = p.get("dtype")) {
        const std::optional<KvDtype> dtype = parse_kv_dtype(*d);
        if (!dtype) return usage_error(p.error("dtype", "'" + *d + "' is not one of fp32, fp16, bf16, fp8, int8"));
        shape.dtype = *dtype;
    }
    std::int64_t n_heads = 0;
    if (Status s = read_count(p, "heads", n_heads, false); !s.empty()) return usage_error(s);
    if (n_heads > 0 && (n_heads < shape.n_kv_heads || n_heads % shape.n_kv_heads != 0)) {
        return usage_error(p.error("heads", "number of query heads (" + std::to_string(n_heads) +
                                                ") must be a multiple of --kv-heads (" +
                                                std::to_string(shape.n_kv_heads) + ")"));
    }
    if (Status s = validate_kv_cache_shape(shape); !s.empty()) return usage_error(p.command() + ": " + s);
    KvCacheShape mha = shape;
    if (n_heads > 0) {
        mha.n_kv_heads = n_heads;
        if (Status s = validate_kv_cache_shape(mha); !s.empty()) return usage_error(p.command() + ": " + s);
    }

    const std::uint64_t bytes = kv_cache_bytes(shape);
    const std::uint64_t per_token = kv_cache_bytes_per_token(shape);
    const double ratio = n_heads > 0 ? static_cast<double>(n_heads) / static_cast<double>(shape.n_kv_heads) : 1.0;

    if (p.has("json")) {
        JsonValue j = JsonValue::object();
        j.set("bytes", JsonValue::integer(static_cast<std::int64_t>(bytes)));
        j.set("human", JsonValue::string(format_bytes(static_cast<double>(bytes))));
        j.set("bytes_per_token", JsonValue::integer(static_cast<std::int64_t>(per_token)));
        j.set("layers", JsonValue::integer(shape.n_layers));
        j.set("kv_heads", JsonValue::integer(shape.n_kv_heads));
        j.set("head_dim", JsonValue::integer(shape.head_dim));
        j.set("seq", JsonValue::integer(shape.seq_len));
        j.set("batch", JsonValue::integer(shape.batch));
        j.set("dtype", JsonValue::string(kv_dtype_name(shape.dtype)));
        j.set("bytes_per_element", JsonValue::integer(kv_dtype_bytes(shape.dtype)));
        if (n_heads > 0) {
            j.set("heads", JsonValue::integer(n_heads));
            j.set("mha_bytes", JsonValue::integer(static_cast<std::int64_t>(kv_cache_bytes(mha))));
            j.set("ratio", JsonValue::number(ratio));
        }
        std::printf("%s\n", j.dump(true).c_str());
        return kExitOk;
    }

    std::printf("KV cache: %llu bytes (%s)\n", static_cast<unsigned long long>(bytes),
                format_bytes(static_cast<double>(bytes)).c_str());
    std::printf("  = 2 (K and V) x %lld layers x %lld KV heads x %lld head dim x %lld tokens x %lld batch x %d bytes (%s)\n",
                static_cast<long long>(shape.n_layers), static_cast<long long>(shape.n_kv_heads),
                static_cast<long long>(shape.head_dim), static_cast<long long>(shape.seq_len),
                static_cast<long long>(shape.batch), kv_dtype_bytes(shape.dtype), kv_dtype_name(shape.dtype));
    std::printf("  per token: %llu bytes (%s)\n", static_cast<unsigned long long>(per_token),
                format_bytes(static_cast<double>(per_token)).c_str());
    if (n_heads > 0) {
        const std::uint64_t mha_bytes = kv_cache_bytes(mha);
        const char* kind = shape.n_kv_heads == n_heads ? "MHA" : (shape.n_kv_heads == 1 ? "MQA" : "GQA");
        std::printf("MHA with %lld KV heads: %llu bytes (%s); %s is %.4gx smaller\n", static_cast<long long>(n_heads),
                    static_cast<unsigned long long>(mha_bytes), format_bytes(static_cast<double>(mha_bytes)).c_str(),
                    kind, ratio);
    }
    return kExitOk;
}

}  // namespace attnviz::cli
