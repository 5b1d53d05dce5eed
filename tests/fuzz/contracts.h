// What every parser promises for arbitrary bytes, as checks the libFuzzer harnesses (tests/fuzz/*_fuzz.cpp)
// and the normal test suite's replay of tests/fuzz/regressions/ (tests/model/fuzz_regression_test.cpp) share.
// Each check returns "" when the contract holds, else what was violated.
#pragma once

#include "app/common/session_file.h"
#include "core/attention/attention_config.h"
#include "core/io/json.h"
#include "core/io/npy.h"
#include "core/io/utf8.h"
#include "core/lesson/hand_model.h"
#include "core/lesson/lesson_heads.h"
#include "core/lesson/lesson_model.h"
#include "core/lesson/lexicon.h"
#include "core/lesson/scenario.h"
#include "core/lesson/tokenizer.h"
#include "core/model/builtin_model.h"
#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/model/model_folder.h"
#include "core/model/safetensors.h"
#include "core/model/tokenizer.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

namespace attnviz::fuzz {

/// A rejection must say something, and start with the name it was given (so a person knows which file).
inline std::string check_rejection(const std::string& error, const std::string& name) {
    if (error.empty()) return "rejected with an empty error message";
    if (error.rfind(name, 0) != 0)
        return "the error does not start with the file name \"" + name + "\": " + error;
    return "";
}

inline bool valid_utf8(std::string_view s) {
    int n_invalid = 0;
    io::decode_utf8(s, &n_invalid);
    return n_invalid == 0;
}

// ---- JSON: an accepted document's dump parses again to the same dump (compact and pretty).
inline std::string check_json(std::string_view bytes) {
    const std::string name = "fuzz.json";
    Expected<io::JsonValue> doc = io::parse_json(std::string(bytes), name);
    if (!doc) return check_rejection(doc.error(), name);
    for (bool pretty : {false, true}) {
        const std::string dump = doc->dump(pretty);
        if (!valid_utf8(dump)) return "the dump is not valid UTF-8: " + dump;
        Expected<io::JsonValue> again = io::parse_json(dump, "dump.json");
        if (!again)
            return "the dump of an accepted document is rejected: " + again.error() + "\ndump: " + dump;
        const std::string dump2 = again->dump(pretty);
        if (dump2 != dump) return "dump -> parse -> dump differs:\n" + dump + "\n" + dump2;
    }
    return "";
}

// ---- Scenario files: accepted ones hold every documented invariant.
inline std::string check_scenario(std::string_view bytes) {
    const std::string name = "fuzz.json";
    Expected<lesson::Scenario> sc = lesson::parse_scenario(std::string(bytes), name);
    if (!sc) return check_rejection(sc.error(), name);
    const lesson::Scenario& s = *sc;
    if (s.name != "fuzz") return "name is \"" + s.name + "\", not the file stem \"fuzz\"";
    if (s.sentence.find_first_not_of(" \t\r\n") == std::string::npos) return "accepted a blank sentence";
    const lesson::LessonRunSettings& rs = s.settings;
    if (rs.n_heads < 1 || rs.n_heads > lesson::kMaxHeads)
        return "heads out of range: " + std::to_string(rs.n_heads);
    if (rs.n_kv_heads < 1 || rs.n_heads % rs.n_kv_heads != 0) return "kv_heads does not divide heads";
    if (s.focus_head < 0 || s.focus_head >= rs.n_heads) return "focus_head out of range";
    if (Status bad = attention::validate_temperature(rs.temperature); !bad.empty())
        return "invalid temperature: " + bad;
    if (rs.window < 0) return "negative window";
    if (s.quiz && (s.quiz->question.empty() || s.quiz->answer.empty()))
        return "quiz without question or answer";
    if (s.hand_model) {
        if (Status bad = lesson::validate_hand_model(*s.hand_model); !bad.empty())
            return "invalid hand model: " + bad;
        if (static_cast<std::size_t>(s.hand_model->x.rows()) != lesson::tokenize(s.sentence).tokens.size())
            return "hand model rows != tokens of the sentence";
        Expected<lesson::LessonForward> fwd = lesson::hand_forward(*s.hand_model);
        if (!fwd) return "an accepted hand model does not run: " + fwd.error();
    }
    for (const std::string& w : s.warnings) {
        if (w.empty()) return "an empty warning";
    }
    return "";
}

// ---- Lexicon files: accepted ones list every word once, findable, sorted, valid UTF-8.
inline std::string check_lexicon(std::string_view bytes) {
    const std::string name = "fuzz.tsv";
    Expected<lesson::Lexicon> lex = lesson::Lexicon::parse(bytes, name);
    if (!lex) return check_rejection(lex.error(), name);
    const auto entries = lex->entries();
    if (entries.size() != lex->size()) return "entries() and size() disagree";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string& word = entries[i].first;
        if (i > 0 && !(entries[i - 1].first < word)) return "entries not sorted or repeated";
        if (word.empty()) return "an empty word";
        if (word.find(' ') != std::string::npos || word.find('\t') != std::string::npos)
            return "a word with a space";
        if (!valid_utf8(word)) return "a word that is not valid UTF-8";
        if (static_cast<int>(io::decode_utf8(word).size()) > lex->longest_word())
            return "longest_word too small";
        if (lex->find(word) == nullptr) return "find() misses \"" + word + "\"";
        if (lesson::describe(entries[i].second).empty()) return "empty description";
    }
    return "";
}

// ---- .npy: accepted arrays hold product(shape) values; written back and read again they are identical.
inline std::string temp_path(const char* tag) {
    return (std::filesystem::temp_directory_path() /
            ("attnviz_fuzz_" + std::string(tag) + "_" + std::to_string(::getpid()) + ".npy"))
        .string();
}

inline std::string check_npy(std::string_view bytes) {
    const std::string name = "fuzz.npy";
    const std::string text(bytes);
    std::string problem;
    Expected<io::NpyArray> a = io::parse_npy(text, name);
    if (!a) {
        problem = check_rejection(a.error(), name);
    } else {
        std::int64_t n = 1;
        for (std::int64_t d : a->shape) {
            if (d < 0) return "a negative dimension";
            n *= d;
        }
        if (a->shape.empty() || a->shape.size() > 3)
            return "accepted " + std::to_string(a->shape.size()) + " dims";
        if (static_cast<std::int64_t>(a->data.size()) != n) return "data.size() != product of shape";
        const std::string path = temp_path("npy");
        if (Status s = io::write_npy(path, a->shape, a->data.data()); !s.empty())
            return "write_npy failed: " + s;
        Expected<io::NpyArray> back = io::read_npy(path);
        std::remove(path.c_str());
        if (!back) return "a written array is not read back: " + back.error();
        if (back->shape != a->shape) return "shape changed on write -> read";
        if (!a->data.empty() &&
            std::memcmp(back->data.data(), a->data.data(), a->data.size() * sizeof(float)) != 0)
            return "values changed on write -> read";
    }
    if (!problem.empty()) return problem;
    Expected<io::NpyMask> m = io::parse_npy_mask(text, name);
    if (!m) return check_rejection(m.error(), name);
    std::int64_t n = 1;
    for (std::int64_t d : m->shape) n *= d;
    if (m->shape.empty() || m->shape.size() > 3)
        return "mask accepted with " + std::to_string(m->shape.size()) + " dims";
    if (static_cast<std::int64_t>(m->data.size()) != n) return "mask data.size() != product of shape";
    return "";
}

// ---- safetensors: an accepted header's tensors tile the data buffer exactly, sorted, sizes from dtype x
// shape.
inline std::string check_safetensors(std::string_view bytes) {
    const std::string name = "fuzz.safetensors";
    Expected<model::SafetensorsHeader> h = model::parse_safetensors(bytes, name);
    if (!h) return check_rejection(h.error(), name);
    if (h->data_offset != 8 + h->header_size) return "data_offset != 8 + header_size";
    if (h->data_offset > bytes.size() || h->data_offset + h->data_size != bytes.size())
        return "data_offset + data_size != file size";
    std::uint64_t at = 0;
    for (const model::SafetensorsTensor& t : h->tensors) {
        if (t.begin != at) return "tensor " + t.name + " does not start where the previous one ends";
        if (t.end < t.begin) return "tensor " + t.name + " ends before it begins";
        at = t.end;
        std::int64_t n = 1;
        for (std::int64_t d : t.shape) {
            if (d < 0) return "tensor " + t.name + " has a negative dimension";
            n *= d;
        }
        if (n != t.n_elements) return "tensor " + t.name + " n_elements != product of shape";
        const int bits = model::safetensors_dtype_bits(t.dtype);
        if (bits <= 0) return "tensor " + t.name + " has an unknown dtype " + t.dtype;
        if (static_cast<std::uint64_t>(t.n_elements) * static_cast<std::uint64_t>(bits) != t.n_bytes() * 8)
            return "tensor " + t.name + " byte size != elements x dtype size";
        if (h->find(t.name) != &t) return "find(\"" + t.name + "\") does not return it";
    }
    if (at != h->data_size) return "tensors do not reach the end of the data buffer";
    return "";
}

// ---- model.safetensors.index.json: accepted maps are non-empty, every shard a plain file name.
inline std::string check_weight_index(std::string_view bytes) {
    const std::string name = "fuzz.index.json";
    auto map = model::parse_weight_index(std::string(bytes), name);
    if (!map) return check_rejection(map.error(), name);
    if (map->empty()) return "an empty weight_map accepted";
    std::map<std::string, int> tensors;
    for (const auto& [tensor, shard] : *map) {
        if (++tensors[tensor] > 1) return "tensor " + tensor + " listed twice";
        if (shard.empty() || shard == "." || shard == "..") return "shard name \"" + shard + "\" accepted";
        if (shard.find_first_of(std::string("/\\\0", 3)) != std::string::npos)
            return "shard name with a separator or NUL accepted: " + shard;
    }
    return "";
}

// ---- config.json: accepted configs hold ModelConfig's documented invariants and limits.
inline std::string check_model_config(std::string_view bytes) {
    const std::string name = "config.json";
    Expected<model::ModelConfig> c = model::parse_model_config(std::string(bytes), name);
    if (!c) return check_rejection(c.error(), name);
    const model::ModelConfig& m = *c;
    if (m.n_layers < 1 || m.n_layers > model::kMaxLayers) return "n_layers out of range";
    if (m.n_heads < 1 || m.n_heads > model::kMaxHeads) return "n_heads out of range";
    if (m.n_kv_heads < 1 || m.n_heads % m.n_kv_heads != 0) return "n_kv_heads does not divide n_heads";
    if (m.d_model < 1 || m.d_model > model::kMaxModelWidth) return "d_model out of range";
    if (m.head_dim < 1 || m.head_dim > model::kMaxModelWidth) return "head_dim out of range";
    if (m.d_ff < 1 || m.d_ff > model::kMaxModelWidth * 16) return "d_ff out of range";
    if (m.vocab_size < 1 || m.vocab_size > model::kMaxVocab) return "vocab_size out of range";
    if (m.n_ctx < 1 || m.n_ctx > model::kMaxContext) return "n_ctx out of range";
    if (!(m.norm_eps > 0.0) || !std::isfinite(m.norm_eps)) return "norm_eps not finite and positive";
    if (m.architecture == model::Architecture::kGpt2 && m.d_model != m.n_heads * m.head_dim)
        return "GPT-2 with d_model != n_heads * head_dim";
    if (m.architecture != model::Architecture::kGpt2 && !(m.rope_theta > 0.0 && std::isfinite(m.rope_theta)))
        return "rope_theta not finite and positive";
    if (m.sliding_window < 0) return "negative sliding_window";
    if (m.model_type.empty()) return "empty model_type";
    return "";
}

// ---- Tokenizers: token byte spans tile the text in order, ids in range, labels valid UTF-8, decode total.
/// `must_cover`: the text may not vanish (no normalizer or Removed split can drop it all).
inline std::string check_encoding(const model::Tokenizer& tok, const std::string& text, bool add_special,
                                  bool must_cover) {
    const std::vector<model::Token> tokens = tok.encode(text, add_special);
    std::size_t at = 0;
    bool any_text_token = false;
    std::vector<int> ids;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const model::Token& t = tokens[i];
        const std::string where = "token " + std::to_string(i) + " (id " + std::to_string(t.id) + ")";
        if (t.id < 0 || t.id >= tok.vocab_size())
            return where + " outside the vocabulary of " + std::to_string(tok.vocab_size());
        if (t.end < t.start) return where + " ends before it starts";
        if (t.start != t.end) {
            if (t.start != at)
                return where + " starts at byte " + std::to_string(t.start) + ", expected " +
                       std::to_string(at);
            at = t.end;
            any_text_token = true;
        } else if (!t.special && !text.empty() && t.start != at) {
            // an empty span still sits where the text is
            return where + " has an empty span away from the text position";
        }
        if (t.end > text.size()) return where + " ends past the text";
        if (!valid_utf8(t.display)) return where + " has a display label that is not valid UTF-8";
        ids.push_back(t.id);
    }
    // A normalizer or a Removed split may drop all of a text (no text tokens); otherwise the spans reach its
    // end.
    if ((any_text_token || must_cover) && at != text.size())
        return "token spans cover " + std::to_string(at) + " of " + std::to_string(text.size()) + " bytes";
    if (!valid_utf8(tok.decode(ids))) return "decode gives invalid UTF-8";
    for (int id : {-1, tok.vocab_size(), tok.vocab_size() + 1000}) {
        if (!valid_utf8(tok.display(id))) return "display of an out-of-range id is not valid UTF-8";
    }
    return "";
}

inline const std::string& sample_text() {
    static const std::string text =
        "Once upon a time, Lily saw a big dog.  It was 2024!\n\tÉté, 小明 <s></s> <|endoftext|> "
        "\xF0\x9F\x98\x80 \xE5\x9C";
    return text;
}

/// tokenizer.json: an accepted tokenizer encodes a fixed text (and its display/decode stay total).
inline std::string check_tokenizer_json(std::string_view bytes) {
    const std::string name = "tokenizer.json";
    auto tok = model::parse_tokenizer_json(std::string(bytes), name);
    if (!tok) return check_rejection(tok.error(), name);
    if ((*tok)->vocab_size() < 1) return "a tokenizer with an empty vocabulary accepted";
    for (bool special : {true, false}) {
        if (std::string p = check_encoding(**tok, sample_text(), special, false); !p.empty()) return p;
    }
    std::vector<int> all;
    for (int id = 0; id < (*tok)->vocab_size() && id < 4096; ++id) {
        all.push_back(id);
        if (!valid_utf8((*tok)->display(id))) return "display(" + std::to_string(id) + ") not valid UTF-8";
    }
    (void)(*tok)->decode(all);
    return "";
}

/// A tiny GPT-2-style byte-level BPE tokenizer.json (every byte a token, a few merges, <|endoftext|>).
inline std::string tiny_byte_level_tokenizer_json() {
    std::string vocab;
    int id = 0;
    int n = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
        std::string s;
        io::append_utf8(s, cp);
        if (s == "\"" || s == "\\") s = "\\" + s;
        vocab += (id ? "," : "") + std::string("\"") + s + "\":" + std::to_string(id);
        ++id;
    }
    const char* merges[][2] = {{"\xC4\xA0", "t"}, {"h", "e"}, {"\xC4\xA0t", "he"}, {"a", "t"}, {"i", "n"}};
    std::string merge_list;
    for (const auto& m : merges) {
        vocab += ",\"" + std::string(m[0]) + m[1] + "\":" + std::to_string(id++);
        merge_list += (merge_list.empty() ? "" : ",") + std::string("\"") + m[0] + " " + m[1] + "\"";
    }
    const int eot = id++;
    vocab += ",\"<|endoftext|>\":" + std::to_string(eot);
    return "{\"version\":\"1.0\",\"added_tokens\":[{\"id\":" + std::to_string(eot) +
           ",\"content\":\"<|endoftext|>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
           "\"normalized\":false,\"special\":true}],\"normalizer\":null,"
           "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,"
           "\"use_regex\":true},\"post_processor\":null,\"decoder\":{\"type\":\"ByteLevel\"},"
           "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"fuse_unk\":false,"
           "\"byte_fallback\":false,\"vocab\":{" +
           vocab + "},\"merges\":[" + merge_list + "]}}";
}

/// The fixed tokenizers the fuzzed text is encoded with: stories260K (SentencePiece BPE with byte fallback)
/// and the tiny byte-level one. Empty pointers if they fail to load (the harness then reports it).
inline const std::vector<std::shared_ptr<const model::Tokenizer>>& fixed_tokenizers() {
    static const std::vector<std::shared_ptr<const model::Tokenizer>> all = [] {
        std::vector<std::shared_ptr<const model::Tokenizer>> v;
        auto sp = model::load_builtin_tokenizer();
        v.push_back(sp ? *sp : nullptr);
        auto bl = model::parse_tokenizer_json(tiny_byte_level_tokenizer_json(), "tiny-byte-level");
        if (!bl) std::fprintf(stderr, "tiny byte-level tokenizer: %s\n", bl.error().c_str());
        v.push_back(bl ? *bl : nullptr);
        return v;
    }();
    return all;
}

/// Fuzzed text through both fixed tokenizers, with and without special tokens. The byte-level one (no
/// normalizer) also decodes its ids back to the exact text when the text is valid UTF-8 (robustness T8).
inline std::string check_tokenize_text(std::string_view bytes) {
    const std::string text(bytes);
    const auto& tokenizers = fixed_tokenizers();
    for (const auto& tok : tokenizers) {
        if (!tok) return "a fixed tokenizer did not load";
        for (bool special : {true, false}) {
            if (std::string p = check_encoding(*tok, text, special, true); !p.empty()) return p;
        }
    }
    if (valid_utf8(text)) {
        std::vector<int> ids;
        for (const model::Token& t : tokenizers.back()->encode(text, false)) ids.push_back(t.id);
        const std::string decoded = tokenizers.back()->decode(ids);
        if (decoded != text)
            return "byte-level decode(encode(text)) differs from the text: \"" + decoded + "\"";
    }
    return "";
}

// ---- A checkpoint from a fuzzed safetensors image and a fixed tiny Llama config: accepted => every view has
// the config's shape, lies inside the image (F32 used in place) or wholly outside it (a converted copy), and
// every value is finite.
inline const char* tiny_checkpoint_config() {
    return "{\"model_type\": \"llama\", \"num_hidden_layers\": 2, \"hidden_size\": 8, "
           "\"num_attention_heads\": 2, "
           "\"num_key_value_heads\": 1, \"head_dim\": 4, \"intermediate_size\": 12, \"vocab_size\": 16, "
           "\"max_position_embeddings\": 32, \"tie_word_embeddings\": true}";
}

inline std::string check_view(const model::WeightView& v, const char* what, int rows, int cols,
                              std::string_view image) {
    if (v.empty()) return std::string(what) + " is empty";
    if (v.rows != rows || v.cols != cols)
        return std::string(what) + " is [" + std::to_string(v.rows) + ", " + std::to_string(v.cols) +
               "], expected [" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
    if (v.row_stride < v.cols) return std::string(what) + " has row_stride < cols";
    const std::size_t n_floats =
        static_cast<std::size_t>(v.rows - 1) * static_cast<std::size_t>(v.row_stride) +
        static_cast<std::size_t>(v.cols);
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data);
    const auto end = begin + n_floats * sizeof(float);
    const auto image_begin = reinterpret_cast<std::uintptr_t>(image.data());
    const auto image_end = image_begin + image.size();
    const bool inside = begin >= image_begin && end <= image_end;
    const bool outside = end <= image_begin || begin >= image_end;
    if (!inside && !outside) return std::string(what) + " straddles the end of the file's bytes";
    for (int r = 0; r < v.rows; ++r) {
        for (int c = 0; c < v.cols; ++c) {
            float x = 0.0f;
            std::memcpy(&x,
                        v.data + static_cast<std::size_t>(r) * static_cast<std::size_t>(v.row_stride) +
                            static_cast<std::size_t>(c),
                        sizeof x);
            if (!std::isfinite(x)) return std::string(what) + " holds a non-finite value";
        }
    }
    return "";
}

inline std::string check_checkpoint(std::string_view bytes) {
    // The image is copied to its own heap block so that ASan sees any read past its end.
    const std::unique_ptr<char[]> copy(new char[bytes.size() + 1]);
    if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
    const std::string_view image(copy.get(), bytes.size());
    model::InMemoryModel m;
    m.name = "fuzz";
    m.config_json = tiny_checkpoint_config();
    m.weight_files = {{"model.safetensors", image}};
    auto ck = model::load_checkpoint_from_memory(m);
    if (!ck) return check_rejection(ck.error(), "fuzz");
    const model::Checkpoint& c = **ck;
    const model::ModelConfig& cfg = c.config;
    const model::ModelWeights& w = c.weights;
    const int d = cfg.d_model, q = cfg.n_heads * cfg.head_dim, kv = cfg.n_kv_heads * cfg.head_dim;
    if (static_cast<int>(w.layers.size()) != cfg.n_layers) return "wrong number of layers";
    std::string p = check_view(w.token_embedding, "token_embedding", cfg.vocab_size, d, image);
    if (p.empty()) p = check_view(w.final_norm.weight, "final_norm", 1, d, image);
    if (p.empty()) p = check_view(w.lm_head.weight, "lm_head", cfg.vocab_size, d, image);
    for (std::size_t l = 0; l < w.layers.size() && p.empty(); ++l) {
        const model::LayerWeights& L = w.layers[l];
        if (p.empty()) p = check_view(L.attn_norm.weight, "attn_norm", 1, d, image);
        if (p.empty()) p = check_view(L.q.weight, "q", q, d, image);
        if (p.empty()) p = check_view(L.k.weight, "k", kv, d, image);
        if (p.empty()) p = check_view(L.v.weight, "v", kv, d, image);
        if (p.empty()) p = check_view(L.o.weight, "o", d, q, image);
        if (p.empty()) p = check_view(L.mlp_norm.weight, "mlp_norm", 1, d, image);
        if (p.empty()) p = check_view(L.gate.weight, "gate", cfg.d_ff, d, image);
        if (p.empty()) p = check_view(L.up.weight, "up", cfg.d_ff, d, image);
        if (p.empty()) p = check_view(L.down.weight, "down", d, cfg.d_ff, image);
    }
    return p;
}

/// Every contract by harness name (the folder names under tests/fuzz/corpus/ and tests/fuzz/regressions/).
// ---- Session files (.attnviz): an accepted file holds the documented ranges and round-trips through the
// writer: parse(write(parse(x))) == parse(x), compact and pretty, and the written text is a fixed point.
inline std::string check_session(std::string_view bytes) {
    const std::string name = "fuzz.attnviz";
    Expected<SessionFile> f = parse_session_file(std::string(bytes), name);
    if (!f) return check_rejection(f.error(), name);
    const lesson::LessonRunSettings& rs = f->settings;
    if (rs.n_heads < 1 || rs.n_heads > lesson::LessonModel::instance().max_heads())
        return "heads out of range: " + std::to_string(rs.n_heads);
    if (rs.n_kv_heads < 1 || rs.n_heads % rs.n_kv_heads != 0) return "kv_heads does not divide heads";
    if (Status bad = attention::validate_temperature(rs.temperature); !bad.empty())
        return "invalid temperature: " + bad;
    if (rs.window < 0) return "negative window";
    if (f->selection.query < -1 || f->selection.layer < 0 || f->selection.focus_head < 0 ||
        f->selection.cell_row < -1 || f->selection.cell_col < -1)
        return "a selection index below its range";
    if (f->model && f->model->empty()) return "an empty model name accepted";
    if (f->hand_model) {
        if (Status bad = lesson::validate_hand_model(*f->hand_model); !bad.empty())
            return "invalid hand model: " + bad;
    }
    if (f->view) {
        const SessionView& v = *f->view;
        if (!(v.font_scale >= 0.6f && v.font_scale <= 3.0f)) return "font_scale outside 0.6..3";
        if (!(v.zoom >= 1.0f && v.zoom <= 1e6f)) return "zoom outside 1..1e6";
        if (!(v.pan_x >= 0.0f && v.pan_x <= 1.0f && v.pan_y >= 0.0f && v.pan_y <= 1.0f))
            return "pan outside 0..1";
    }
    for (const std::string& w : f->warnings) {
        if (w.empty()) return "an empty warning";
    }
    const std::string written = session_file_json(*f).dump(true);
    if (!valid_utf8(written)) return "the written session is not valid UTF-8";
    for (bool pretty : {false, true}) {
        const std::string text = pretty ? written : session_file_json(*f).dump(false);
        Expected<SessionFile> again = parse_session_file(text, "written.attnviz");
        if (!again) return "the written session is rejected: " + again.error() + "\nwritten: " + text;
        if (!again->warnings.empty()) return "the written session has a warning: " + again->warnings.front();
        if (*again != *f) return "parse(write(parse(x))) != parse(x); written: " + text;
        if (session_file_json(*again).dump(pretty) != text) return "write(parse(write(s))) != write(s)";
    }
    return "";
}

inline const std::map<std::string, std::function<std::string(std::string_view)>>& contracts() {
    static const std::map<std::string, std::function<std::string(std::string_view)>> all = {
        {"json", check_json},
        {"scenario", check_scenario},
        {"lexicon", check_lexicon},
        {"npy", check_npy},
        {"safetensors", check_safetensors},
        {"weight_index", check_weight_index},
        {"model_config", check_model_config},
        {"tokenizer_json", check_tokenizer_json},
        {"tokenize", check_tokenize_text},
        {"checkpoint", check_checkpoint},
        {"session", check_session},
    };
    return all;
}

}  // namespace attnviz::fuzz
