// attnviz-cli kv-cache: KV-cache bytes for a model shape, and the GQA saving against MHA.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/common/args.h"
#include "core/io/json.h"
#include "core/lab/kv_cache.h"
#include "core/lab/model_presets.h"

#include <cstdio>
#include <string>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli kv-cache --layers L --kv-heads H --head-dim D --seq N\n"
    "           [--batch B] [--dtype fp32|fp16|bf16|fp8|int8] [--heads Q] [--window W] [--json]\n"
    "       attnviz-cli kv-cache --preset NAME --seq N [options that override the preset]\n"
    "       attnviz-cli kv-cache --preset list\n"
    "\n"
    "bytes = 2 (K and V) x layers x kv_heads x head_dim x seq x batch x bytes per element.\n"
    "Counts accept a binary suffix: --seq 128k = 131072, --seq 1M = 1048576.\n"
    "A preset fills --layers (the layers with a KV cache), --heads, --kv-heads, --head-dim and --window.";

void print_presets() {
    std::printf("presets (--preset NAME):\n");
    for (const lab::ModelPreset& m : lab::model_presets()) {
        std::printf("  %-12s %s: %lld of %lld layers cached, %lld query heads, %lld KV heads, head dim %lld",
                    m.name.c_str(), m.title.c_str(), static_cast<long long>(m.n_attention_layers),
                    static_cast<long long>(m.n_layers), static_cast<long long>(m.n_heads),
                    static_cast<long long>(m.n_kv_heads), static_cast<long long>(m.head_dim));
        if (m.window > 0) std::printf(", window %lld", static_cast<long long>(m.window));
        std::printf("\n               source: %s\n", m.source.c_str());
    }
}

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
    p.option("window", "W", "sliding window: the cache keeps at most W tokens (default: none)");
    p.option("preset", "NAME", "a model's shape (" + lab::model_preset_names() + "); 'list' shows them");
    p.flag("json", "print one JSON object instead of text");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) {
        if (code == kExitOk) print_presets();  // --help: the usage, then the presets it can name
        return code;
    }

    lab::KvCacheShape shape;
    std::int64_t n_heads = 0;
    const lab::ModelPreset* preset = nullptr;
    if (auto name = p.get("preset")) {
        if (*name == "list") {
            print_presets();
            return kExitOk;
        }
        preset = lab::find_model_preset(*name);
        if (preset == nullptr) {
            return usage_error(
                p.error("preset", "'" + *name + "' is not a preset; presets: " + lab::model_preset_names()));
        }
        shape.n_layers = preset->n_attention_layers;
        shape.n_kv_heads = preset->n_kv_heads;
        shape.head_dim = preset->head_dim;
        shape.window = preset->window;
        n_heads = preset->n_heads;
    }
    const bool from_preset = preset != nullptr;
    for (auto [name, field, required] :
         {std::tuple<const char*, std::int64_t*, bool>{"layers", &shape.n_layers, !from_preset},
          {"kv-heads", &shape.n_kv_heads, !from_preset},
          {"head-dim", &shape.head_dim, !from_preset},
          {"seq", &shape.seq_len, true},
          {"batch", &shape.batch, false},
          {"window", &shape.window, false}}) {
        if (Status s = read_count(p, name, *field, required); !s.empty()) return usage_error(s);
    }
    if (auto d = p.get("dtype")) {
        const std::optional<lab::KvDtype> dtype = lab::parse_kv_dtype(*d);
        if (!dtype)
            return usage_error(p.error("dtype", "'" + *d + "' is not one of fp32, fp16, bf16, fp8, int8"));
        shape.dtype = *dtype;
    }
    if (Status s = read_count(p, "heads", n_heads, false); !s.empty()) return usage_error(s);
    if (from_preset && !p.has("heads") && p.has("kv-heads") && n_heads % shape.n_kv_heads != 0) {
        return usage_error(
            p.error("kv-heads", "must divide the preset's " + std::to_string(n_heads) + " query heads"));
    }
    if (n_heads > 0 && (n_heads < shape.n_kv_heads || n_heads % shape.n_kv_heads != 0)) {
        return usage_error(p.error("heads", "number of query heads (" + std::to_string(n_heads) +
                                                ") must be a multiple of --kv-heads (" +
                                                std::to_string(shape.n_kv_heads) + ")"));
    }
    if (Status s = lab::validate_kv_cache_shape(shape); !s.empty())
        return usage_error(p.command() + ": " + s);
    // The same arithmetic as the GUI calculator: one function, two clients.
    Expected<lab::KvCacheComparison> cmp =
        lab::compare_kv_cache(shape, n_heads > 0 ? n_heads : shape.n_kv_heads);
    if (!cmp) return usage_error(p.command() + ": " + cmp.error());

    const std::uint64_t bytes = cmp->bytes;
    const std::uint64_t per_token = cmp->bytes_per_token;
    const double ratio = cmp->saving;

    if (p.has("json")) {
        io::JsonValue j = io::JsonValue::object();
        j.set("bytes", io::JsonValue::integer(static_cast<std::int64_t>(bytes)));
        j.set("human", io::JsonValue::string(lab::format_bytes(static_cast<double>(bytes))));
        j.set("bytes_per_token", io::JsonValue::integer(static_cast<std::int64_t>(per_token)));
        j.set("layers", io::JsonValue::integer(shape.n_layers));
        j.set("kv_heads", io::JsonValue::integer(shape.n_kv_heads));
        j.set("head_dim", io::JsonValue::integer(shape.head_dim));
        j.set("seq", io::JsonValue::integer(shape.seq_len));
        j.set("batch", io::JsonValue::integer(shape.batch));
        j.set("cached_tokens", io::JsonValue::integer(lab::kv_cached_tokens(shape)));
        if (shape.window > 0) j.set("window", io::JsonValue::integer(shape.window));
        if (preset != nullptr) {
            j.set("preset", io::JsonValue::string(preset->name));
            j.set("source", io::JsonValue::string(preset->source));
        }
        j.set("dtype", io::JsonValue::string(lab::kv_dtype_name(shape.dtype)));
        j.set("bytes_per_element", io::JsonValue::integer(lab::kv_dtype_bytes(shape.dtype)));
        if (n_heads > 0) {
            j.set("heads", io::JsonValue::integer(n_heads));
            j.set("mha_bytes", io::JsonValue::integer(static_cast<std::int64_t>(cmp->mha_bytes)));
            j.set("mqa_bytes", io::JsonValue::integer(static_cast<std::int64_t>(cmp->mqa_bytes)));
            j.set("mha_bytes_per_token",
                  io::JsonValue::integer(static_cast<std::int64_t>(cmp->mha_bytes_per_token)));
            j.set("mqa_bytes_per_token",
                  io::JsonValue::integer(static_cast<std::int64_t>(cmp->mqa_bytes_per_token)));
            j.set("ratio", io::JsonValue::number(ratio));
        }
        std::printf("%s\n", j.dump(true).c_str());
        return kExitOk;
    }

    if (preset != nullptr)
        std::printf("preset %s: %s\n  source: %s\n", preset->name.c_str(), preset->title.c_str(),
                    preset->source.c_str());
    std::printf("KV cache: %llu bytes (%s)\n", static_cast<unsigned long long>(bytes),
                lab::format_bytes(static_cast<double>(bytes)).c_str());
    std::printf(
        "  = 2 (K and V) x %lld layers x %lld KV heads x %lld head dim x %lld tokens x %lld batch x %d bytes "
        "(%s)\n",
        static_cast<long long>(shape.n_layers), static_cast<long long>(shape.n_kv_heads),
        static_cast<long long>(shape.head_dim), static_cast<long long>(lab::kv_cached_tokens(shape)),
        static_cast<long long>(shape.batch), lab::kv_dtype_bytes(shape.dtype),
        lab::kv_dtype_name(shape.dtype));
    std::printf("  per token: %llu bytes (%s)\n", static_cast<unsigned long long>(per_token),
                lab::format_bytes(static_cast<double>(per_token)).c_str());
    if (lab::kv_cached_tokens(shape) < shape.seq_len) {
        std::printf("  sliding window: the cache keeps the last %lld of %lld tokens\n",
                    static_cast<long long>(shape.window), static_cast<long long>(shape.seq_len));
    }
    if (n_heads > 0) {
        const char* kind = lab::kv_layout_name(shape.n_kv_heads, n_heads);
        std::printf("MHA with %lld KV heads: %llu bytes (%s); %s is %s smaller\n",
                    static_cast<long long>(n_heads), static_cast<unsigned long long>(cmp->mha_bytes),
                    lab::format_bytes(static_cast<double>(cmp->mha_bytes)).c_str(), kind,
                    lab::format_saving(ratio).c_str());
        std::printf("MQA with 1 KV head: %llu bytes (%s)\n", static_cast<unsigned long long>(cmp->mqa_bytes),
                    lab::format_bytes(static_cast<double>(cmp->mqa_bytes)).c_str());
    }
    return kExitOk;
}

}  // namespace attnviz::cli
