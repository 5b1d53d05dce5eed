// List arguments and token JSON for attnviz-cli model and tokenize.
#include "app/cli/model_cli.h"

#include "core/io/utf8.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace attnviz::cli {

namespace {

/// Splits on commas; every item must be non-empty.
Expected<std::vector<std::string>> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = text.find(',', begin);
        const std::string item =
            text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
        if (item.empty())
            return Error{"empty item in \"" + text + "\" (write items separated by single commas)"};
        items.push_back(item);
        if (comma == std::string::npos) break;
        begin = comma + 1;
    }
    return items;
}

/// A whole number in [0, INT_MAX] written with digits only.
Expected<int> parse_index(const std::string& text, const std::string& what) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return Error{"\"" + text + "\" is not a " + what + " (a whole number >= 0)"};
    }
    errno = 0;
    const long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno != 0 || v > INT_MAX) return Error{"\"" + text + "\" is too large for a " + what};
    return static_cast<int>(v);
}

}  // namespace

Expected<std::vector<int>> parse_id_list(const std::string& text) {
    Expected<std::vector<std::string>> items = split_list(text);
    if (!items) return Error{items.error()};
    std::vector<int> ids;
    for (const std::string& item : *items) {
        Expected<int> id = parse_index(item, "token id");
        if (!id) return Error{id.error()};
        ids.push_back(*id);
    }
    return ids;
}

Expected<std::vector<model::HeadRef>> parse_head_list(const std::string& text) {
    Expected<std::vector<std::string>> items = split_list(text);
    if (!items) return Error{items.error()};
    std::vector<model::HeadRef> heads;
    for (const std::string& item : *items) {
        const std::size_t dot = item.find('.');
        if (dot == std::string::npos)
            return Error{"\"" + item + "\" is not layer.head (for example 0.3: layer 0, head 3)"};
        Expected<int> layer = parse_index(item.substr(0, dot), "layer");
        if (!layer) return Error{layer.error()};
        Expected<int> head = parse_index(item.substr(dot + 1), "head");
        if (!head) return Error{head.error()};
        heads.push_back({*layer, *head});
    }
    return heads;
}

std::string pad_label(const std::string& text, std::size_t width) {
    const std::size_t chars = io::decode_utf8(text).size();
    return chars >= width ? text : text + std::string(width - chars, ' ');
}

io::JsonValue tokens_json(const std::vector<model::Token>& tokens, bool with_spans) {
    io::JsonValue a = io::JsonValue::array();
    for (const model::Token& t : tokens) {
        io::JsonValue o = io::JsonValue::object();
        o.set("id", io::JsonValue::integer(t.id));
        o.set("text", io::JsonValue::string(t.display));
        o.set("start",
              with_spans ? io::JsonValue::integer(static_cast<std::int64_t>(t.start)) : io::JsonValue());
        o.set("end", with_spans ? io::JsonValue::integer(static_cast<std::int64_t>(t.end)) : io::JsonValue());
        if (t.special) o.set("special", io::JsonValue::boolean(true));
        a.push(std::move(o));
    }
    return a;
}

}  // namespace attnviz::cli
