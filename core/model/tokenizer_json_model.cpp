// The BPE model of tokenizer.json (vocabulary and merges), its added tokens and the post-processor's
// templates, read and checked.
#include "core/model/tokenizer_json_reader.h"

namespace attnviz::model::detail {

bool ConfigReader::bpe_model(const io::JsonValue& v, const std::string& path, BpeModel& m) {
    if (!expect_object(v, path)) return false;
    std::string type;
    if (!get_string(v, path, "type", type, false)) return false;
    if (type.empty() && field(v, "merges") == nullptr) {
        return fail(path + ".type", "missing, and no merges: only BPE models are supported");
    }
    if (!type.empty() && type != "BPE") {
        return fail(path + ".type", "model " + quoted(type) + " is not supported (supported: BPE)");
    }
    const io::JsonValue* vocab = field(v, "vocab");
    if (vocab == nullptr) return fail(path + ".vocab", "missing (an object {token: id} is required)");
    if (!vocab_object(*vocab, path + ".vocab", m)) return false;

    std::string unk;
    if (!get_string(v, path, "unk_token", unk, false) || !get_bool(v, path, "fuse_unk", m.fuse_unk) ||
        !get_bool(v, path, "byte_fallback", m.byte_fallback) ||
        !get_bool(v, path, "ignore_merges", m.ignore_merges) ||
        !get_string(v, path, "continuing_subword_prefix", m.continuing_subword_prefix, false) ||
        !get_string(v, path, "end_of_word_suffix", m.end_of_word_suffix, false)) {
        return false;
    }
    if (!unk.empty()) {
        const auto it = m.vocab.find(unk);
        m.unk_id = it == m.vocab.end() ? -1 : it->second;
    }
    if (const io::JsonValue* dropout = field(v, "dropout")) {
        if (!dropout->is_number())
            return fail(path + ".dropout",
                        std::string("expected a number, found ") + io::json_type_name(*dropout));
    }
    const io::JsonValue* merges = field(v, "merges");
    if (merges == nullptr) return fail(path + ".merges", "missing (an array is required)");
    if (!merges->is_array())
        return fail(path + ".merges", std::string("expected an array, found ") + io::json_type_name(*merges));
    for (std::size_t k = 0; k < merges->items().size(); ++k) {
        const io::JsonValue& item = merges->items()[k];
        const std::string ipath = path + ".merges[" + std::to_string(k) + "]";
        std::string a;
        std::string b;
        if (item.is_string()) {
            const std::string& s = item.as_string();
            const std::size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
                return fail(ipath, quoted(s) + " is not two tokens separated by one space");
            }
            a = s.substr(0, space);
            b = s.substr(space + 1);
        } else if (item.is_array() && item.items().size() == 2 && item.items()[0].is_string() &&
                   item.items()[1].is_string()) {
            a = item.items()[0].as_string();
            b = item.items()[1].as_string();
        } else {
            return fail(ipath,
                        std::string("expected \"a b\" or [\"a\", \"b\"], found ") + io::json_type_name(item));
        }
        if (!add_merge(m, a, b, static_cast<int>(k), ipath)) return false;
    }
    return true;
}

bool ConfigReader::vocab_object(const io::JsonValue& vocab, const std::string& path, BpeModel& m) {
    if (!vocab.is_object())
        return fail(path, std::string("expected an object {token: id}, found ") + io::json_type_name(vocab));
    std::int64_t max_id = -1;
    m.vocab.reserve(vocab.members().size());
    for (const auto& [token, idv] : vocab.members()) {
        std::int64_t id = 0;
        if (!get_int_value(idv, path + "." + quoted(token), 0, kMaxTokenId, id)) return false;
        m.vocab.emplace(token, static_cast<int>(id));
        max_id = std::max(max_id, id);
    }
    if (max_id >= id_table_limit(vocab.members().size())) {
        return fail(path, "ids go up to " + std::to_string(max_id) + " for only " +
                              std::to_string(vocab.members().size()) +
                              " tokens; a vocabulary numbers its tokens about 0..n-1");
    }
    m.id_to_token.assign(static_cast<std::size_t>(max_id + 1), std::string());
    m.has_id.assign(static_cast<std::size_t>(max_id + 1), 0);
    for (const auto& [token, id] : m.vocab) {
        const auto i = static_cast<std::size_t>(id);
        // Two tokens with one id: the first in the file names it (the vocabulary is unusual, not unsafe).
        if (!m.has_id[i]) {
            m.id_to_token[i] = token;
            m.has_id[i] = 1;
        }
    }
    for (std::size_t b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", static_cast<unsigned>(b));
        const auto it = m.vocab.find(name);
        m.byte_ids[b] = it == m.vocab.end() ? -1 : it->second;
    }
    return true;
}

bool ConfigReader::add_merge(BpeModel& m, const std::string& a, const std::string& b, int rank,
                             const std::string& path) {
    const auto ia = m.vocab.find(a);
    if (ia == m.vocab.end()) return fail(path, "merge token " + quoted(a) + " is not in the vocabulary");
    const auto ib = m.vocab.find(b);
    if (ib == m.vocab.end()) return fail(path, "merge token " + quoted(b) + " is not in the vocabulary");
    const std::size_t prefix = m.continuing_subword_prefix.size();
    const std::string merged = a + (b.size() >= prefix ? b.substr(prefix) : b);
    const auto im = m.vocab.find(merged);
    if (im == m.vocab.end())
        return fail(path, "the merged token " + quoted(merged) + " is not in the vocabulary");
    const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(ia->second)) << 32) |
                              static_cast<std::uint32_t>(ib->second);
    m.merges[key] = {rank, im->second};  // a repeated pair: the later rank wins, as in `tokenizers`
    return true;
}

bool ConfigReader::added_token(const io::JsonValue& v, const std::string& path, AddedToken& t) {
    if (!expect_object(v, path)) return false;
    std::int64_t id = 0;
    if (!get_int(v, path, "id", 0, kMaxTokenId, id, true) ||
        !get_string(v, path, "content", t.content, true) ||
        !get_bool(v, path, "single_word", t.single_word) || !get_bool(v, path, "lstrip", t.lstrip) ||
        !get_bool(v, path, "rstrip", t.rstrip) || !get_bool(v, path, "normalized", t.normalized) ||
        !get_bool(v, path, "special", t.special)) {
        return false;
    }
    t.id = static_cast<int>(id);
    return true;
}

bool ConfigReader::post_processor(const io::JsonValue& v, const std::string& path,
                                  std::vector<std::vector<TemplateItem>>& out) {
    std::string type;
    if (!get_type(v, path, type)) return false;
    if (type == "ByteLevel") return true;  // it trims offsets only; attnviz's spans tile the text instead
    if (type == "Sequence") {
        const io::JsonValue* a = field(v, "processors");
        if (a == nullptr || !a->is_array())
            return fail(path + ".processors", "expected an array of post-processors");
        for (std::size_t k = 0; k < a->items().size(); ++k) {
            if (!post_processor(a->items()[k], path + ".processors[" + std::to_string(k) + "]", out))
                return false;
        }
        return true;
    }
    if (type == "TemplateProcessing") return template_processing(v, path, out);
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        std::vector<TemplateItem> items(3);
        items[1].sequence = true;
        for (int k : {0, 2}) {
            const char* key = k == 0 ? "cls" : "sep";
            const io::JsonValue* pair = field(v, key);
            const std::string ppath = path + "." + key;
            if (pair == nullptr || !pair->is_array() || pair->items().size() != 2)
                return fail(ppath, "expected [token, id]");
            std::int64_t id = 0;
            if (!get_int_value(pair->items()[1], ppath + "[1]", 0, kMaxTokenId, id)) return false;
            items[static_cast<std::size_t>(k)].ids.push_back(static_cast<int>(id));
        }
        out.push_back(std::move(items));
        return true;
    }
    return fail(path + ".type", "post-processor " + quoted(type) +
                                    " is not supported (supported: TemplateProcessing, ByteLevel, Sequence, "
                                    "RobertaProcessing, BertProcessing)");
}

bool ConfigReader::template_processing(const io::JsonValue& v, const std::string& path,
                                       std::vector<std::vector<TemplateItem>>& out) {
    const io::JsonValue* specials = field(v, "special_tokens");
    if (specials != nullptr && !expect_object(*specials, path + ".special_tokens")) return false;
    const io::JsonValue* single = field(v, "single");
    const std::string spath = path + ".single";
    if (single == nullptr || !single->is_array()) return fail(spath, "expected an array of template pieces");
    std::vector<TemplateItem> items;
    for (std::size_t k = 0; k < single->items().size(); ++k) {
        const io::JsonValue& piece = single->items()[k];
        const std::string ipath = spath + "[" + std::to_string(k) + "]";
        if (!expect_object(piece, ipath)) return false;
        TemplateItem item;
        if (field(piece, "Sequence") != nullptr) {
            item.sequence = true;
        } else if (const io::JsonValue* sp = field(piece, "SpecialToken")) {
            std::string name;
            if (!expect_object(*sp, ipath + ".SpecialToken") ||
                !get_string(*sp, ipath + ".SpecialToken", "id", name, true)) {
                return false;
            }
            const io::JsonValue* entry = specials == nullptr ? nullptr : field(*specials, name.c_str());
            const std::string epath = path + ".special_tokens." + quoted(name);
            if (entry == nullptr)
                return fail(ipath, "special token " + quoted(name) + " is not in special_tokens");
            if (!expect_object(*entry, epath)) return false;
            const io::JsonValue* ids = field(*entry, "ids");
            if (ids == nullptr || !ids->is_array()) return fail(epath + ".ids", "expected an array of ids");
            for (std::size_t j = 0; j < ids->items().size(); ++j) {
                std::int64_t id = 0;
                if (!get_int_value(ids->items()[j], epath + ".ids[" + std::to_string(j) + "]", 0, kMaxTokenId,
                                   id))
                    return false;
                item.ids.push_back(static_cast<int>(id));
            }
        } else {
            return fail(ipath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
        }
        items.push_back(std::move(item));
    }
    out.push_back(std::move(items));
    return true;
}

}  // namespace attnviz::model::detail
