// config.json -> ModelConfig: the keys of each supported architecture, Hugging Face's defaults for the
// keys a file leaves out, and the checks (robustness M9) that make every later index safe.
#include "core/model/model_config.h"

#include "core/io/json.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::model {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Reads typed keys of one JSON object and remembers the first problem, so parse_model_config can read
// every key in sequence and report once. A key that is absent or null takes the default (Hugging Face's
// configs write null for "not set"), any other wrong type is an error naming the key and its line.
class ConfigReader {
  public:
    ConfigReader(const io::JsonValue& object, std::string file_name, std::string path_prefix)
        : m_object(object), m_file(std::move(file_name)), m_prefix(std::move(path_prefix)) {}

    const std::string& error() const { return m_error; }
    const std::string& file() const { return m_file; }
    bool ok() const { return m_error.empty(); }

    bool has(const char* key) const {
        const io::JsonValue* v = m_object.find(key);
        return v != nullptr && !v->is_null();
    }
    const io::JsonValue* find(const char* key) const {
        const io::JsonValue* v = m_object.find(key);
        return (v != nullptr && !v->is_null()) ? v : nullptr;
    }

    std::int64_t get_int(const char* key, std::int64_t fallback) {
        const io::JsonValue* v = find(key);
        if (v == nullptr) return fallback;
        if (!v->is_int()) {
            wrong_type(key, *v, "an integer");
            return fallback;
        }
        return v->as_int();
    }
    double get_number(const char* key, double fallback) {
        const io::JsonValue* v = find(key);
        if (v == nullptr) return fallback;
        if (!v->is_number()) {
            wrong_type(key, *v, "a number");
            return fallback;
        }
        return v->as_number();
    }
    bool get_bool(const char* key, bool fallback) {
        const io::JsonValue* v = find(key);
        if (v == nullptr) return fallback;
        if (!v->is_bool()) {
            wrong_type(key, *v, "true or false");
            return fallback;
        }
        return v->as_bool();
    }
    std::string get_string(const char* key, const std::string& fallback) {
        const io::JsonValue* v = find(key);
        if (v == nullptr) return fallback;
        if (!v->is_string()) {
            wrong_type(key, *v, "a string");
            return fallback;
        }
        return v->as_string();
    }
    /// An integer or an array of integers (eos_token_id of Llama 3 lists several): the first one, or
    /// `fallback` for an empty array.
    std::int64_t get_int_or_first(const char* key, std::int64_t fallback) {
        const io::JsonValue* v = find(key);
        if (v == nullptr) return fallback;
        if (v->is_array()) {
            if (v->items().empty()) return fallback;
            const io::JsonValue& first = v->items().front();
            if (!first.is_int()) {
                wrong_type(key, first, "an integer or an array of integers");
                return fallback;
            }
            return first.as_int();
        }
        if (!v->is_int()) {
            wrong_type(key, *v, "an integer or an array of integers");
            return fallback;
        }
        return v->as_int();
    }

    void fail(const std::string& what) {
        if (m_error.empty()) m_error = m_file + ": " + what;
    }
    /// Takes over the first error of a reader of a nested object.
    void adopt(const ConfigReader& nested) {
        if (m_error.empty()) m_error = nested.m_error;
    }
    std::string where(const char* key) const {
        const io::JsonValue* v = m_object.find(key);
        if (v == nullptr || v->line == 0) return "";
        return " (line " + std::to_string(v->line) + ")";
    }
    std::string path(const char* key) const { return m_prefix + key; }

  private:
    void wrong_type(const char* key, const io::JsonValue& v, const char* expected) {
        fail(path(key) + " must be " + expected + ", found " + io::json_type_name(v) +
             (v.line > 0 ? " (line " + std::to_string(v.line) + ")" : ""));
    }

    const io::JsonValue& m_object;
    std::string m_file;
    std::string m_prefix;
    std::string m_error;
};

// A count from the config, checked against [1, cap] before it is narrowed to int.
int checked_count(ConfigReader& r, const char* key, std::int64_t value, std::int64_t cap) {
    if (!r.ok()) return 0;
    if (value < 1) {
        r.fail(r.path(key) + " is " + std::to_string(value) + r.where(key) + "; it must be at least 1");
        return 0;
    }
    if (value > cap) {
        r.fail(r.path(key) + " is " + std::to_string(value) + r.where(key) + "; attnviz accepts at most " +
               std::to_string(cap));
        return 0;
    }
    return static_cast<int>(value);
}

// Token ids outside the vocabulary (some tiny test configs carry GPT-2's 50256) are treated as absent (-1),
// so no caller can index the embedding with them.
int token_id(std::int64_t id, int vocab_size) {
    return (id >= 0 && id < vocab_size) ? static_cast<int>(id) : -1;
}

// The first of several spellings of a key that the file has, or the first spelling when it has none.
const char* first_present(const ConfigReader& r, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        if (r.has(k)) return k;
    }
    return *keys.begin();
}

void parse_gpt2(ConfigReader& r, ModelConfig& c) {
    // GPT2Config's defaults; hidden_size & co. are its attribute_map aliases.
    const char* k_layers = first_present(r, {"n_layer", "num_hidden_layers"});
    const char* k_width = first_present(r, {"n_embd", "hidden_size"});
    const char* k_heads = first_present(r, {"n_head", "num_attention_heads"});
    const char* k_ctx = first_present(r, {"n_positions", "max_position_embeddings"});
    c.n_layers = checked_count(r, k_layers, r.get_int(k_layers, 12), kMaxLayers);
    c.d_model = checked_count(r, k_width, r.get_int(k_width, 768), kMaxModelWidth);
    c.n_heads = checked_count(r, k_heads, r.get_int(k_heads, 12), kMaxHeads);
    c.n_kv_heads = c.n_heads;
    c.n_ctx = checked_count(r, k_ctx, r.get_int(k_ctx, 1024), kMaxContext);
    c.vocab_size = checked_count(r, "vocab_size", r.get_int("vocab_size", 50257), kMaxVocab);
    if (!r.ok()) return;
    c.d_ff =
        checked_count(r, "n_inner", r.get_int("n_inner", std::int64_t{4} * c.d_model), kMaxModelWidth * 4);
    c.norm_eps = r.get_number("layer_norm_epsilon", 1e-5);
    const std::string act = r.get_string("activation_function", "gelu_new");
    if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast") {
        c.activation = Activation::kGeluTanh;
    } else if (act == "gelu") {
        c.activation = Activation::kGeluExact;
    } else if (r.ok()) {
        r.fail("activation_function \"" + act + "\"" + r.where("activation_function") +
               " is not supported for GPT-2; supported: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu");
    }
    // The forward pass scales scores by 1/sqrt(head_dim) like every other model; GPT-2 variants that
    // switch this off or add a per-layer factor would be computed wrongly, so they are refused.
    if (!r.get_bool("scale_attn_weights", true) && r.ok()) {
        r.fail("scale_attn_weights: false" + r.where("scale_attn_weights") +
               " is not supported (attnviz scales scores by 1/sqrt(head_dim))");
    }
    if (r.get_bool("scale_attn_by_inverse_layer_idx", false) && r.ok()) {
        r.fail("scale_attn_by_inverse_layer_idx: true" + r.where("scale_attn_by_inverse_layer_idx") +
               " is not supported");
    }
    c.layer_norm = true;
    c.qkv_bias = c.o_bias = c.mlp_bias = true;
    c.tie_word_embeddings = r.get_bool("tie_word_embeddings", true);
    c.bos_token_id = token_id(r.get_int_or_first("bos_token_id", 50256), c.vocab_size);
    c.eos_token_id = token_id(r.get_int_or_first("eos_token_id", 50256), c.vocab_size);
    if (!r.ok()) return;
    if (c.d_model % c.n_heads != 0) {
        r.fail(r.path(k_width) + " (" + std::to_string(c.d_model) + ") must be a multiple of " + k_heads +
               " (" + std::to_string(c.n_heads) + ")");
        return;
    }
    c.head_dim = c.d_model / c.n_heads;
}

// Llama 3's rope_scaling (or transformers 5's rope_parameters): "default" / absent means none; "llama3" is
// read; any other type (linear, dynamic, yarn, longrope) changes the positions and is refused by name.
void parse_rope(ConfigReader& r, ModelConfig& c, double default_theta) {
    c.rope_theta = default_theta;
    const io::JsonValue* params = r.find("rope_parameters");
    const io::JsonValue* scaling = r.find("rope_scaling");
    const char* scaling_key = "rope_scaling";
    if (scaling == nullptr && params != nullptr) {
        scaling = params;
        scaling_key = "rope_parameters";
    }
    if (params != nullptr && params->is_object() && params->find("rope_theta") != nullptr) {
        ConfigReader p(*params, r.file(), "rope_parameters.");
        c.rope_theta = p.get_number("rope_theta", default_theta);
        r.adopt(p);
    }
    if (r.has("rope_theta")) c.rope_theta = r.get_number("rope_theta", default_theta);
    if (scaling == nullptr || !r.ok()) return;
    if (!scaling->is_object()) {
        r.fail(std::string(scaling_key) + " must be an object or null, found " +
               io::json_type_name(*scaling) + r.where(scaling_key));
        return;
    }
    ConfigReader s(*scaling, r.file(), std::string(scaling_key) + ".");
    const char* type_key = s.has("rope_type") ? "rope_type" : "type";
    const std::string type = s.get_string(type_key, "default");
    if (type == "llama3") {
        c.rope_scaling.llama3 = true;
        c.rope_scaling.factor = s.get_number("factor", 8.0);
        c.rope_scaling.low_freq_factor = s.get_number("low_freq_factor", 1.0);
        c.rope_scaling.high_freq_factor = s.get_number("high_freq_factor", 4.0);
        const std::int64_t orig = s.get_int("original_max_position_embeddings", 8192);
        if (s.ok()) {
            c.rope_scaling.original_max_position_embeddings =
                checked_count(s, "original_max_position_embeddings", orig, kMaxContext);
        }
        const RopeScaling& rs = c.rope_scaling;
        if (s.ok() && !(std::isfinite(rs.factor) && rs.factor > 0.0)) {
            s.fail(s.path("factor") + " must be a positive number");
        }
        if (s.ok() && !(std::isfinite(rs.low_freq_factor) && std::isfinite(rs.high_freq_factor) &&
                        rs.low_freq_factor > 0.0 && rs.high_freq_factor > rs.low_freq_factor)) {
            s.fail(s.path("high_freq_factor") + " must be greater than " + s.path("low_freq_factor") +
                   " and both positive");
        }
    } else if (type != "default" && s.ok()) {
        s.fail(s.path(type_key) + " \"" + type + "\"" + r.where(scaling_key) +
               " is not supported; attnviz runs RoPE unscaled or with Llama 3's \"llama3\" scaling");
    }
    r.adopt(s);
}

// Hugging Face's sliding-window keys of Qwen2 / Qwen3: the window applies only when use_sliding_window is
// true, and then only to layers >= max_window_layers. attnviz has one window for the whole model, so a
// model whose layers differ is refused rather than computed wrongly.
void parse_qwen_window(ConfigReader& r, ModelConfig& c) {
    const bool use = r.get_bool("use_sliding_window", false);
    const std::int64_t window = r.get_int("sliding_window", 4096);
    const std::int64_t first_sliding = r.get_int("max_window_layers", 28);
    if (!use || !r.ok()) return;
    if (first_sliding >= c.n_layers) return;  // no layer slides
    if (first_sliding > 0) {
        r.fail("use_sliding_window with max_window_layers " + std::to_string(first_sliding) + " below " +
               std::to_string(c.n_layers) + " layers (a window on some layers only) is not supported");
        return;
    }
    c.sliding_window = checked_count(r, "sliding_window", window, kMaxContext);
}

struct LlamaDefaults {
    std::int64_t vocab, hidden, intermediate, layers, heads, kv_heads, ctx;
    double eps, theta;
    bool tie;
    std::int64_t bos, eos;
    std::int64_t head_dim;  ///< 0: hidden_size / num_attention_heads
};

void parse_llama_family(ConfigReader& r, ModelConfig& c, const LlamaDefaults& d, bool minimind) {
    c.n_layers = checked_count(r, "num_hidden_layers", r.get_int("num_hidden_layers", d.layers), kMaxLayers);
    c.d_model = checked_count(r, "hidden_size", r.get_int("hidden_size", d.hidden), kMaxModelWidth);
    c.n_heads = checked_count(r, "num_attention_heads", r.get_int("num_attention_heads", d.heads), kMaxHeads);
    if (!r.ok()) return;
    const std::int64_t kv_default = d.kv_heads > 0 ? d.kv_heads : c.n_heads;
    c.n_kv_heads =
        checked_count(r, "num_key_value_heads", r.get_int("num_key_value_heads", kv_default), kMaxHeads);
    c.vocab_size = checked_count(r, "vocab_size", r.get_int("vocab_size", d.vocab), kMaxVocab);
    c.n_ctx =
        checked_count(r, "max_position_embeddings", r.get_int("max_position_embeddings", d.ctx), kMaxContext);
    std::int64_t ff_default = d.intermediate;
    if (minimind) ff_default = static_cast<std::int64_t>(std::ceil(c.d_model * kPi / 64.0)) * 64;
    c.d_ff =
        checked_count(r, "intermediate_size", r.get_int("intermediate_size", ff_default), kMaxModelWidth * 4);
    if (!r.ok()) return;
    if (r.has("head_dim") || d.head_dim > 0) {
        c.head_dim = checked_count(r, "head_dim", r.get_int("head_dim", d.head_dim), kMaxModelWidth);
    } else if (c.d_model % c.n_heads != 0) {
        r.fail("hidden_size (" + std::to_string(c.d_model) + ") must be a multiple of num_attention_heads (" +
               std::to_string(c.n_heads) + ") when head_dim is not given");
        return;
    } else {
        c.head_dim = c.d_model / c.n_heads;
    }
    c.norm_eps = r.get_number("rms_norm_eps", d.eps);
    parse_rope(r, c, d.theta);
    const std::string act = r.get_string("hidden_act", "silu");
    if (act != "silu" && act != "swish" && r.ok()) {
        r.fail("hidden_act \"" + act + "\"" + r.where("hidden_act") +
               " is not supported; the Llama family's gated MLP runs with silu");
    }
    c.activation = Activation::kSilu;
    c.layer_norm = false;
    c.tie_word_embeddings = r.get_bool("tie_word_embeddings", d.tie);
    c.bos_token_id = token_id(r.get_int_or_first("bos_token_id", d.bos), c.vocab_size);
    c.eos_token_id = token_id(r.get_int_or_first("eos_token_id", d.eos), c.vocab_size);
    if (minimind && r.get_bool("use_moe", false) && r.ok()) {
        r.fail("use_moe: true" + r.where("use_moe") + " (MiniMind's mixture of experts) is not supported");
    }
}

}  // namespace

const char* supported_model_types() {
    return "gpt2, llama, mistral, qwen2, qwen3, minimind";
}

const char* architecture_name(Architecture architecture) {
    switch (architecture) {
        case Architecture::kGpt2:
            return "GPT-2";
        case Architecture::kLlama:
            return "Llama";
        case Architecture::kMistral:
            return "Mistral";
        case Architecture::kQwen2:
            return "Qwen2";
        case Architecture::kQwen3:
            return "Qwen3";
    }
    return "unknown";
}

Expected<ModelConfig> parse_model_config(const std::string& json_text, const std::string& file_name) {
    Expected<io::JsonValue> parsed = io::parse_json(json_text, file_name);
    if (!parsed) return Error{parsed.error() + " (config.json must be valid JSON)"};
    const io::JsonValue& root = parsed.value();
    if (!root.is_object()) {
        return Error{file_name + ": the top level must be a JSON object, found " + io::json_type_name(root)};
    }
    ConfigReader r(root, file_name, "");
    ModelConfig c;
    if (!r.has("model_type")) {
        return Error{file_name +
                     ": no \"model_type\"; attnviz needs it to know the architecture (supported: " +
                     supported_model_types() + ")"};
    }
    c.model_type = r.get_string("model_type", "");
    if (!r.ok()) return Error{r.error()};

    if (c.model_type == "gpt2") {
        c.architecture = Architecture::kGpt2;
        parse_gpt2(r, c);
    } else if (c.model_type == "llama") {
        c.architecture = Architecture::kLlama;
        parse_llama_family(r, c, {32000, 4096, 11008, 32, 32, 0, 2048, 1e-6, 10000.0, false, 1, 2, 0}, false);
        c.qkv_bias = c.o_bias = r.get_bool("attention_bias", false);
        c.mlp_bias = r.get_bool("mlp_bias", false);
    } else if (c.model_type == "minimind") {
        // MiniMind's own config class (its checkpoints also come converted to model_type "llama"); its
        // defaults are those of MiniMindConfig. q_norm / k_norm, and the MLP width (its versions computed a
        // missing intermediate_size differently), are taken from the weights at load.
        c.architecture = Architecture::kLlama;
        if (r.has("dim") && !r.has("hidden_size")) {
            return Error{file_name +
                         ": this is MiniMind's first format (dim, n_layers, n_heads), whose tensors are "
                         "named like llama2.c's; attnviz reads MiniMind checkpoints saved by its "
                         "current code or converted to Llama by its scripts/convert_model.py"};
        }
        parse_llama_family(r, c, {6400, 768, 0, 8, 8, 4, 32768, 1e-6, 1e6, true, 1, 2, 0}, true);
    } else if (c.model_type == "mistral") {
        c.architecture = Architecture::kMistral;
        parse_llama_family(r, c, {32000, 4096, 14336, 32, 32, 8, 4096 * 32, 1e-6, 10000.0, false, 1, 2, 0},
                           false);
        // MistralConfig's sliding_window defaults to 4096; null (later Mistral models) means none.
        const io::JsonValue* w = root.find("sliding_window");
        if (w == nullptr) {
            c.sliding_window = 4096;
        } else if (!w->is_null()) {
            c.sliding_window =
                checked_count(r, "sliding_window", r.get_int("sliding_window", 0), kMaxContext);
        }
    } else if (c.model_type == "qwen2") {
        c.architecture = Architecture::kQwen2;
        parse_llama_family(r, c, {151936, 4096, 22016, 32, 32, 32, 32768, 1e-6, 10000.0, false, -1, -1, 0},
                           false);
        c.qkv_bias = true;
        c.o_bias = false;
        parse_qwen_window(r, c);
    } else if (c.model_type == "qwen3") {
        c.architecture = Architecture::kQwen3;
        // Qwen3Config's head_dim defaults to 128, not hidden_size / num_attention_heads.
        parse_llama_family(r, c, {151936, 4096, 22016, 32, 32, 32, 32768, 1e-6, 10000.0, false, -1, -1, 128},
                           false);
        c.qkv_bias = c.o_bias = r.get_bool("attention_bias", false);
        c.qk_norm = true;
        parse_qwen_window(r, c);
    } else {
        return Error{file_name + ": model_type \"" + c.model_type + "\"" + r.where("model_type") +
                     " is not supported; supported: " + supported_model_types()};
    }
    if (!r.ok()) return Error{r.error()};

    if (c.n_heads % c.n_kv_heads != 0) {
        const char* kv = c.architecture == Architecture::kGpt2 ? "n_head" : "num_key_value_heads";
        return Error{file_name + ": " + kv + " (" + std::to_string(c.n_kv_heads) +
                     ") must divide num_attention_heads (" + std::to_string(c.n_heads) + ")"};
    }
    if (!(std::isfinite(c.norm_eps) && c.norm_eps > 0.0)) {
        const char* key = c.layer_norm ? "layer_norm_epsilon" : "rms_norm_eps";
        return Error{file_name + ": " + key + " must be a positive finite number" + r.where(key)};
    }
    if (!c.layer_norm && !(std::isfinite(c.rope_theta) && c.rope_theta > 0.0)) {
        return Error{file_name + ": rope_theta must be a positive finite number" + r.where("rope_theta")};
    }
    if (static_cast<std::int64_t>(c.n_heads) * c.head_dim > kMaxModelWidth * std::int64_t{4}) {
        return Error{file_name + ": num_attention_heads x head_dim (" + std::to_string(c.n_heads) + " x " +
                     std::to_string(c.head_dim) + ") is larger than attnviz accepts"};
    }
    return c;
}

}  // namespace attnviz::model
