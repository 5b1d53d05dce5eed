// attnviz-cli model: a real Hugging Face checkpoint on a text or token ids: tokens, the next-token top-k,
// each layer's strongest keys from the last token, optional .npy dumps; --info describes the model.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/model_cli.h"
#include "core/attention/attention_config.h"
#include "core/io/file_io.h"
#include "core/io/json.h"
#include "core/io/npy.h"
#include "core/lab/kv_cache.h"
#include "core/model/builtin_model.h"
#include "core/model/forward.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attnviz::cli {

namespace {

const char kUsage[] =
    "usage: attnviz-cli model --model DIR (--text TEXT | --token-ids 1,2,3)\n"
    "           [--temperature T] [--no-causal] [--window W] [--ablate L.H[,L.H...]] [--top-k K]\n"
    "           [--out-attention A.npy] [--out-logits L.npy] [--json]\n"
    "       attnviz-cli model --model DIR --info [--json]\n"
    "\n"
    "Runs a real model (GPT-2, Llama, Mistral, Qwen2, Qwen3 in the Hugging Face layout; DIR may also be a\n"
    "Hugging Face cache folder models--ORG--NAME, or stories260K for the model built into attnviz) and "
    "prints\n"
    "the tokens, the most probable next tokens, and for each layer the key each head attends to most from\n"
    "the last token. Interventions change the attention of every layer exactly: --temperature (0 = argmax,\n"
    "inf = uniform), --no-causal (every token sees the future), --window W (W most recent keys), --ablate\n"
    "(heads whose output is zeroed). --out-attention writes float32 [n_layers, n_heads, n, n], --out-logits\n"
    "float32 [n, vocab].";

int print_info(const model::Checkpoint& m, const std::string& source, bool json) {
    const model::ModelConfig& c = m.config;
    if (json) {
        io::JsonValue o = io::JsonValue::object();
        o.set("model", io::JsonValue::string(source));
        o.set("architecture", io::JsonValue::string(model::architecture_name(c.architecture)));
        o.set("model_type", io::JsonValue::string(c.model_type));
        o.set("n_layers", io::JsonValue::integer(c.n_layers));
        o.set("n_heads", io::JsonValue::integer(c.n_heads));
        o.set("n_kv_heads", io::JsonValue::integer(c.n_kv_heads));
        o.set("head_dim", io::JsonValue::integer(c.head_dim));
        o.set("d_model", io::JsonValue::integer(c.d_model));
        o.set("d_ff", io::JsonValue::integer(c.d_ff));
        o.set("vocab_size", io::JsonValue::integer(c.vocab_size));
        o.set("context", io::JsonValue::integer(c.n_ctx));
        o.set("parameters", io::JsonValue::integer(m.n_parameters));
        o.set("dtype", io::JsonValue::string(m.dtype));
        o.set("resident_bytes", io::JsonValue::integer(m.resident_bytes));
        o.set("mapped_bytes", io::JsonValue::integer(m.mapped_bytes));
        std::printf("%s\n", o.dump(true).c_str());
        return kExitOk;
    }
    std::printf("model:        %s\n", source.c_str());
    std::printf("architecture: %s (model_type %s)\n", model::architecture_name(c.architecture),
                c.model_type.c_str());
    std::printf("layers:       %d\n", c.n_layers);
    std::printf("heads:        %d query, %d KV (%s", c.n_heads, c.n_kv_heads,
                attention::attention_kind_name(c.n_heads, c.n_kv_heads));
    if (c.n_heads != c.n_kv_heads) std::printf(", %d query heads per KV head", c.n_heads / c.n_kv_heads);
    std::printf(")\n");
    std::printf("head dim:     %d   (model width %d, MLP %d)\n", c.head_dim, c.d_model, c.d_ff);
    std::printf("vocabulary:   %d   context: %d tokens\n", c.vocab_size, c.n_ctx);
    std::printf("parameters:   %lld (%.2f M)\n", static_cast<long long>(m.n_parameters),
                static_cast<double>(m.n_parameters) / 1e6);
    std::printf("dtype:        %s\n", m.dtype.c_str());
    std::printf("memory:       %s owned (float32 copies) + %s mapped from the files in place\n",
                lab::format_bytes(static_cast<double>(m.resident_bytes)).c_str(),
                lab::format_bytes(static_cast<double>(m.mapped_bytes)).c_str());
    return kExitOk;
}

/// For one layer: each head's strongest key from the last query row.
struct StrongestKey {
    int key = -1;
    float weight = 0.0f;
};

std::vector<StrongestKey> strongest_keys(const model::LayerAttention& layer) {
    std::vector<StrongestKey> out;
    const int n = layer.weights.n_rows();
    for (int h = 0; h < layer.weights.n_mats(); ++h) {
        StrongestKey best;
        for (int j = 0; j < layer.weights.n_cols(); ++j) {
            const float w = layer.weights.mat(h)(n - 1, j);
            if (best.key < 0 || w > best.weight) best = {j, w};
        }
        out.push_back(best);
    }
    return out;
}

}  // namespace

int run_model_command(int argc, char** argv) {
    ArgParser p("attnviz-cli model", kUsage);
    p.option("model", "DIR", "a model folder, a Hugging Face cache folder, or stories260K (built in)");
    p.option("text", "TEXT", "the text to run (tokenized with the model's tokenizer, special tokens added)");
    p.option("token-ids", "1,2,3", "token ids to run instead of a text");
    p.flag("info", "describe the model: architecture, layers, heads, KV heads, head dim, parameters, memory");
    p.option("temperature", "T",
             "attention temperature of every head, 0 (argmax) to inf (uniform), default 1");
    p.flag("no-causal", "let every token attend to later tokens too");
    p.option("window", "W", "sliding window: each token sees its W most recent keys (0 = none)");
    p.option("ablate", "L.H,...", "heads switched off (output zeroed), as layer.head");
    p.option("top-k", "K", "next-token candidates to print (default 10)");
    p.option("out-attention", "A.npy", "write every attention matrix, float32 [n_layers, n_heads, n, n]");
    p.option("out-logits", "L.npy", "write the logits of every position, float32 [n, vocab]");
    p.flag("json", "print one JSON object");
    if (const int code = parse_or_exit(p, argc, argv); code >= 0) return code;

    const std::optional<std::string> dir = p.get("model");
    if (!dir) return usage_error(p.command() + ": --model DIR is required (see --help)");
    if (!p.has("info") && p.has("text") == p.has("token-ids")) {
        return usage_error(p.command() +
                           ": give exactly one of --text or --token-ids (or --info; see --help)");
    }

    // Every argument is checked before the model is read, so a typo costs nothing.
    model::Interventions interventions;
    if (auto t = p.get("temperature")) {
        Expected<double> v = parse_number(*t, "--temperature");
        if (!v) return usage_error(p.command() + ": " + v.error());
        if (Status s = attention::validate_temperature(*v); !s.empty())
            return usage_error(p.error("temperature", s));
        interventions.temperature = *v;
    }
    if (p.has("no-causal")) interventions.causal = false;
    if (auto w = p.get("window")) {
        Expected<long long> v = parse_count(*w, "--window", 0, 1LL << 30);
        if (!v) return usage_error(p.command() + ": " + v.error());
        interventions.window = static_cast<int>(*v);
    }
    if (auto a = p.get("ablate")) {
        Expected<std::vector<model::HeadRef>> heads = parse_head_list(*a);
        if (!heads) return usage_error(p.error("ablate", heads.error()));
        interventions.ablated = std::move(heads).value();
    }
    int top_k = 10;
    if (auto k = p.get("top-k")) {
        Expected<long long> v = parse_count(*k, "--top-k", 1, 1000);
        if (!v) return usage_error(p.command() + ": " + v.error());
        top_k = static_cast<int>(*v);
    }
    std::vector<int> ids;
    if (auto list = p.get("token-ids")) {
        Expected<std::vector<int>> v = parse_id_list(*list);
        if (!v) return usage_error(p.error("token-ids", v.error()));
        ids = std::move(v).value();
    }

    Expected<std::shared_ptr<const model::Checkpoint>> loaded = model::open_model(*dir);
    if (!loaded) return usage_error(p.command() + ": " + loaded.error());
    const model::Checkpoint& m = **loaded;
    if (p.has("info")) return print_info(m, *dir, p.has("json"));

    // The tokenizer gives the labels; it is required for --text and optional for --token-ids.
    Expected<std::shared_ptr<const model::Tokenizer>> tokenizer = model::open_tokenizer(*dir);
    std::vector<model::Token> tokens;
    if (auto text = p.get("text")) {
        if (!tokenizer) return usage_error(p.command() + ": " + tokenizer.error());
        tokens = (*tokenizer)->encode(*text, true);
        if (tokens.empty()) return usage_error(p.error("text", "the text gives no tokens; type some words"));
        for (const model::Token& t : tokens) ids.push_back(t.id);
    } else {
        for (int id : ids) {
            model::Token t;
            t.id = id;
            t.display = tokenizer ? (*tokenizer)->display(id) : "#" + std::to_string(id);
            tokens.push_back(t);
        }
    }
    if (static_cast<int>(ids.size()) > m.config.n_ctx) {
        return usage_error(p.command() + ": " + std::to_string(ids.size()) + " tokens, but " + *dir +
                           " has a context of " + std::to_string(m.config.n_ctx) +
                           " tokens; shorten the text");
    }
    if (Status s = model::validate_interventions(interventions, m.config); !s.empty())
        return usage_error(p.command() + ": " + s);

    model::ForwardOptions options;
    options.keep_attention = true;
    options.keep_residual = false;
    options.all_logits = p.has("out-logits");
    Expected<model::ForwardResult> run = model::run_forward(m, ids, interventions, options);
    if (!run) return usage_error(p.command() + ": " + run.error());

    // Outputs are written only once everything has been computed, and all or none: a failure writes nothing.
    const std::int64_t n = static_cast<std::int64_t>(ids.size());
    std::vector<io::FileToWrite> outputs;
    if (auto path = p.get("out-attention")) {
        std::vector<float> all;
        all.reserve(static_cast<std::size_t>(m.config.n_layers) * static_cast<std::size_t>(m.config.n_heads) *
                    static_cast<std::size_t>(n * n));
        for (const model::LayerAttention& layer : run->layers)
            all.insert(all.end(), layer.weights.data(), layer.weights.data() + layer.weights.size());
        outputs.push_back({*path, io::npy_bytes({m.config.n_layers, m.config.n_heads, n, n}, all.data())});
    }
    if (auto path = p.get("out-logits")) {
        outputs.push_back({*path, io::npy_bytes({n, m.config.vocab_size}, run->logits.data())});
    }
    if (Status s = io::write_files_atomically(outputs); !s.empty())
        return usage_error(p.command() + ": " + s);

    const float* last_logits =
        run->logits.data() + static_cast<std::ptrdiff_t>(run->logits.rows() - 1) * run->logits.cols();
    const std::vector<model::TokenProbability> next = model::top_k(last_logits, m.config.vocab_size, top_k);
    const auto label = [&](int id) {
        return tokenizer ? (*tokenizer)->display(id) : "#" + std::to_string(id);
    };

    if (p.has("json")) {
        io::JsonValue root = io::JsonValue::object();
        root.set("model", io::JsonValue::string(*dir));
        root.set("architecture", io::JsonValue::string(model::architecture_name(m.config.architecture)));
        root.set("n_layers", io::JsonValue::integer(m.config.n_layers));
        root.set("n_heads", io::JsonValue::integer(m.config.n_heads));
        root.set("n_kv_heads", io::JsonValue::integer(m.config.n_kv_heads));
        root.set("tokens", tokens_json(tokens, p.has("text")));
        io::JsonValue top = io::JsonValue::array();
        for (const model::TokenProbability& c : next) {
            io::JsonValue o = io::JsonValue::object();
            o.set("id", io::JsonValue::integer(c.id));
            o.set("text", io::JsonValue::string(label(c.id)));
            o.set("p", io::JsonValue::number(static_cast<double>(c.probability)));
            top.push(std::move(o));
        }
        root.set("top_k", std::move(top));
        io::JsonValue layers = io::JsonValue::array();
        for (const model::LayerAttention& layer : run->layers) {
            io::JsonValue heads = io::JsonValue::array();
            for (const StrongestKey& s : strongest_keys(layer)) {
                io::JsonValue o = io::JsonValue::object();
                o.set("key", io::JsonValue::integer(s.key));
                o.set("weight", io::JsonValue::number(static_cast<double>(s.weight)));
                heads.push(std::move(o));
            }
            layers.push(std::move(heads));
        }
        root.set("strongest_key_from_last_token", std::move(layers));
        std::printf("%s\n", root.dump(true).c_str());
        return kExitOk;
    }

    const model::ModelConfig& c = m.config;
    std::printf("%s  |  %s, %d layers, %d heads / %d KV heads  |  T = %s  |  %s%s%s\n", dir->c_str(),
                model::architecture_name(c.architecture), c.n_layers, c.n_heads, c.n_kv_heads,
                format_number(interventions.temperature).c_str(),
                interventions.causal ? "causal" : "no causal mask",
                interventions.window > 0 ? (", window " + std::to_string(interventions.window)).c_str() : "",
                interventions.ablated.empty()
                    ? ""
                    : (", " + std::to_string(interventions.ablated.size()) + " head(s) off").c_str());
    std::printf("tokens (%zu):\n", tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::printf("  %4zu  %s id %d\n", i, pad_label(tokens[i].display, 16).c_str(), tokens[i].id);
    }
    std::printf("\nnext token after \"%s\":\n", tokens.back().display.c_str());
    for (std::size_t r = 0; r < next.size(); ++r) {
        std::printf("  %2zu. %s p = %.4f   (id %d)\n", r + 1, pad_label(label(next[r].id), 16).c_str(),
                    static_cast<double>(next[r].probability), next[r].id);
    }
    std::printf("\nthe key each head attends to most from the last token (\"%s\"):\n",
                tokens.back().display.c_str());
    for (std::size_t l = 0; l < run->layers.size(); ++l) {
        std::printf("  layer %2zu:", l);
        const std::vector<StrongestKey> keys = strongest_keys(run->layers[l]);
        for (std::size_t h = 0; h < keys.size(); ++h) {
            std::printf("  h%zu %s %.2f", h, tokens[static_cast<std::size_t>(keys[h].key)].display.c_str(),
                        static_cast<double>(keys[h].weight));
        }
        std::printf("\n");
    }
    return kExitOk;
}

}  // namespace attnviz::cli
