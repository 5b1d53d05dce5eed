// tokenizer.json (and GPT-2's vocab.json + merges.txt) read into a Hugging Face-exact BPE tokenizer
// (hf_tokenizer.h): the document's parts in order, each by ConfigReader (tokenizer_json_reader.h).
#include "core/io/file_io.h"
#include "core/io/json.h"
#include "core/model/hf_tokenizer.h"
#include "core/model/tokenizer.h"
#include "core/model/tokenizer_json_reader.h"

#include <cstdio>

namespace attnviz::model {

namespace detail {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace detail

using namespace detail;

Expected<std::shared_ptr<const Tokenizer>> parse_tokenizer_json(const std::string& text,
                                                                const std::string& name) {
    auto json = io::parse_json(text, name);
    if (!json) return Error{json.error()};
    const io::JsonValue& root = *json;
    ConfigReader r(name);
    auto t = std::make_shared<HfTokenizer>();
    const auto failed = [&]() { return Error{r.error() + " (fix or replace the tokenizer file)"}; };
    if (!root.is_object()) {
        r.fail("(top level)", std::string("expected an object, found ") + io::json_type_name(root));
        return failed();
    }
    const io::JsonValue* model = ConfigReader::field(root, "model");
    if (model == nullptr) {
        r.fail("model", "missing");
        return failed();
    }
    if (!r.bpe_model(*model, "model", t->model)) return failed();
    if (const io::JsonValue* n = ConfigReader::field(root, "normalizer")) {
        Normalizer normalizer;
        if (!r.normalizer(*n, "normalizer", normalizer)) return failed();
        t->normalizer = std::move(normalizer);
    }
    if (const io::JsonValue* p = ConfigReader::field(root, "pre_tokenizer")) {
        PreTokenizer pre;
        if (!r.pre_tokenizer(*p, "pre_tokenizer", pre)) return failed();
        t->pre_tokenizer = std::move(pre);
    }
    if (const io::JsonValue* p = ConfigReader::field(root, "post_processor")) {
        if (!r.post_processor(*p, "post_processor", t->templates)) return failed();
    }
    if (const io::JsonValue* d = ConfigReader::field(root, "decoder")) {
        Decoder decoder;
        if (!r.decoder(*d, "decoder", decoder)) return failed();
        t->decoder = std::move(decoder);
    }
    if (const io::JsonValue* a = ConfigReader::field(root, "added_tokens")) {
        if (!a->is_array()) {
            r.fail("added_tokens", std::string("expected an array, found ") + io::json_type_name(*a));
            return failed();
        }
        for (std::size_t k = 0; k < a->items().size(); ++k) {
            AddedToken token;
            if (!r.added_token(a->items()[k], "added_tokens[" + std::to_string(k) + "]", token))
                return failed();
            const std::size_t n_tokens = t->model.vocab.size() + a->items().size();
            if (token.id >= id_table_limit(n_tokens)) {
                r.fail("added_tokens[" + std::to_string(k) + "].id",
                       std::to_string(token.id) + " is far beyond the " + std::to_string(n_tokens) +
                           " tokens of the file");
                return failed();
            }
            if (!token.content.empty()) t->added.push_back(std::move(token));
        }
    }
    finish(*t);
    // Every id a template adds must name a token, or the model would be fed an id it has no row for.
    for (const auto& items : t->templates) {
        for (const TemplateItem& item : items) {
            for (int id : item.ids) {
                if (id >= t->n_vocab) {
                    r.fail("post_processor", "special token id " + std::to_string(id) +
                                                 " is outside the vocabulary of " +
                                                 std::to_string(t->n_vocab));
                    return failed();
                }
            }
        }
    }
    return std::shared_ptr<const Tokenizer>(std::move(t));
}

Expected<std::shared_ptr<const Tokenizer>> load_tokenizer_json(const std::string& path) {
    auto bytes = io::read_file_bytes(path, kMaxTokenizerBytes);
    if (!bytes) return Error{bytes.error()};
    return parse_tokenizer_json(*bytes, path);
}

Expected<std::shared_ptr<const Tokenizer>> load_gpt2_vocab_merges(const std::string& vocab_path,
                                                                  const std::string& merges_path) {
    auto vocab_bytes = io::read_file_bytes(vocab_path, kMaxTokenizerBytes);
    if (!vocab_bytes) return Error{vocab_bytes.error()};
    auto merges_bytes = io::read_file_bytes(merges_path, kMaxTokenizerBytes);
    if (!merges_bytes) return Error{merges_bytes.error()};
    auto json = io::parse_json(*vocab_bytes, vocab_path);
    if (!json) return Error{json.error()};
    auto t = std::make_shared<HfTokenizer>();
    ConfigReader r(vocab_path);
    if (!r.vocab_object(*json, "(top level)", t->model)) return Error{r.error()};

    ConfigReader mr(merges_path);
    const std::string& text = *merges_bytes;
    std::size_t pos = 0;
    int line_no = 0;
    int rank = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("#version", 0) == 0) continue;
        const std::string where = "line " + std::to_string(line_no);
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
            mr.fail(where, quoted(line) + " is not two tokens separated by one space");
            return Error{mr.error()};
        }
        if (!mr.add_merge(t->model, line.substr(0, space), line.substr(space + 1), rank++, where))
            return Error{mr.error()};
    }
    PreTokenizer pre;
    pre.kind = PreTokenizer::Kind::kByteLevel;
    pre.add_prefix_space = false;
    auto re = Regex::compile(kGpt2Pattern, false);
    if (!re) return Error{re.error()};
    pre.pattern = *re;
    t->pre_tokenizer = std::move(pre);
    Decoder decoder;
    decoder.kind = Decoder::Kind::kByteLevel;
    t->decoder = decoder;
    const auto eot = t->model.vocab.find("<|endoftext|>");
    if (eot != t->model.vocab.end()) {
        AddedToken token;
        token.id = eot->second;
        token.content = "<|endoftext|>";
        token.special = true;
        t->added.push_back(token);
    }
    finish(*t);
    return std::shared_ptr<const Tokenizer>(std::move(t));
}

}  // namespace attnviz::model
