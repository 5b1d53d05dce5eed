// The pipeline stages of tokenizer.json read and checked: normalizers, pre-tokenizers (with their split
// behaviours and prepend schemes) and decoders.
#include "core/model/tokenizer_json_reader.h"

namespace attnviz::model::detail {

bool ConfigReader::normalizer(const io::JsonValue& v, const std::string& path, Normalizer& n) {
    std::string type;
    if (!get_type(v, path, type)) return false;
    using K = Normalizer::Kind;
    if (type == "Sequence") {
        n.kind = K::kSequence;
        return array_of(v, path, "normalizers", n.children,
                        [this](const io::JsonValue& c, const std::string& p, Normalizer& out) {
                            return normalizer(c, p, out);
                        });
    }
    if (type == "NFC") {
        n.kind = K::kNfc;
        return true;
    }
    if (type == "NFD") {
        n.kind = K::kNfd;
        return true;
    }
    if (type == "NFKC") {
        n.kind = K::kNfkc;
        return true;
    }
    if (type == "NFKD") {
        n.kind = K::kNfkd;
        return true;
    }
    if (type == "Lowercase") {
        n.kind = K::kLowercase;
        return true;
    }
    if (type == "Prepend") {
        n.kind = K::kPrepend;
        return get_string(v, path, "prepend", n.content, true);
    }
    if (type == "Replace") {
        n.kind = K::kReplace;
        return pattern(v, path, n.pattern) && get_string(v, path, "content", n.content, true);
    }
    if (type == "Strip") {
        n.kind = K::kStrip;
        n.strip_left = true;
        n.strip_right = true;
        return get_bool(v, path, "strip_left", n.strip_left) &&
               get_bool(v, path, "strip_right", n.strip_right);
    }
    return fail(path + ".type",
                "normalizer " + quoted(type) +
                    " is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, "
                    "Replace, Strip)");
}

bool ConfigReader::behavior(const io::JsonValue& v, const std::string& path, SplitBehavior& out) {
    std::string b;
    if (!get_string(v, path, "behavior", b, true)) return false;
    if (b == "Removed")
        out = SplitBehavior::kRemoved;
    else if (b == "Isolated")
        out = SplitBehavior::kIsolated;
    else if (b == "MergedWithPrevious")
        out = SplitBehavior::kMergedWithPrevious;
    else if (b == "MergedWithNext")
        out = SplitBehavior::kMergedWithNext;
    else if (b == "Contiguous")
        out = SplitBehavior::kContiguous;
    else
        return fail(
            path + ".behavior",
            quoted(b) + " is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
    return true;
}

bool ConfigReader::prepend_scheme(const io::JsonValue& v, const std::string& path,
                                  PreTokenizer::PrependScheme& out) {
    using S = PreTokenizer::PrependScheme;
    std::string scheme;
    if (!get_string(v, path, "prepend_scheme", scheme, false)) return false;
    if (scheme.empty()) {
        bool add_prefix_space = true;
        if (!get_bool(v, path, "add_prefix_space", add_prefix_space)) return false;
        out = add_prefix_space ? S::kAlways : S::kNever;
        return true;
    }
    if (scheme == "always")
        out = S::kAlways;
    else if (scheme == "first")
        out = S::kFirst;
    else if (scheme == "never")
        out = S::kNever;
    else
        return fail(path + ".prepend_scheme", quoted(scheme) + " is not one of always, first, never");
    return true;
}

bool ConfigReader::pre_tokenizer(const io::JsonValue& v, const std::string& path, PreTokenizer& p) {
    std::string type;
    if (!get_type(v, path, type)) return false;
    using K = PreTokenizer::Kind;
    if (type == "Sequence") {
        p.kind = K::kSequence;
        return array_of(v, path, "pretokenizers", p.children,
                        [this](const io::JsonValue& c, const std::string& cp, PreTokenizer& out) {
                            return pre_tokenizer(c, cp, out);
                        });
    }
    if (type == "ByteLevel") {
        p.kind = K::kByteLevel;
        p.add_prefix_space = true;
        p.use_regex = true;
        if (!get_bool(v, path, "add_prefix_space", p.add_prefix_space) ||
            !get_bool(v, path, "use_regex", p.use_regex)) {
            return false;
        }
        return !p.use_regex || compile(kGpt2Pattern, false, path, p.pattern);
    }
    if (type == "Split") {
        p.kind = K::kSplit;
        return pattern(v, path, p.pattern) && behavior(v, path, p.behavior) &&
               get_bool(v, path, "invert", p.invert);
    }
    if (type == "Metaspace") {
        p.kind = K::kMetaspace;
        if (!get_string(v, path, "replacement", p.replacement, true) ||
            !prepend_scheme(v, path, p.prepend_scheme) || !get_bool(v, path, "split", p.split)) {
            return false;
        }
        if (p.replacement.empty()) return fail(path + ".replacement", "the replacement is empty");
        return true;
    }
    if (type == "Digits") {
        bool individual = false;
        if (!get_bool(v, path, "individual_digits", individual)) return false;
        p.kind = K::kSplit;
        p.behavior = SplitBehavior::kIsolated;
        return compile(individual ? "\\p{N}" : "\\p{N}+", false, path, p.pattern);
    }
    if (type == "WhitespaceSplit") {
        p.kind = K::kSplit;
        p.behavior = SplitBehavior::kRemoved;
        return compile("\\s+", false, path, p.pattern);
    }
    if (type == "Whitespace") {
        p.kind = K::kSplit;
        p.behavior = SplitBehavior::kRemoved;
        p.invert = true;
        return compile("\\w+|[^\\w\\s]+", false, path, p.pattern);
    }
    return fail(path + ".type",
                "pre-tokenizer " + quoted(type) +
                    " is not supported (supported: Sequence, ByteLevel, Split, Metaspace, Digits, "
                    "Whitespace, WhitespaceSplit)");
}

bool ConfigReader::decoder(const io::JsonValue& v, const std::string& path, Decoder& d) {
    std::string type;
    if (!get_type(v, path, type)) return false;
    using K = Decoder::Kind;
    if (type == "Sequence") {
        d.kind = K::kSequence;
        return array_of(v, path, "decoders", d.children,
                        [this](const io::JsonValue& c, const std::string& p, Decoder& out) {
                            return decoder(c, p, out);
                        });
    }
    if (type == "ByteLevel") {
        d.kind = K::kByteLevel;
        return true;
    }
    if (type == "ByteFallback") {
        d.kind = K::kByteFallback;
        return true;
    }
    if (type == "Fuse") {
        d.kind = K::kFuse;
        return true;
    }
    if (type == "Replace") {
        d.kind = K::kReplace;
        return pattern(v, path, d.pattern) && get_string(v, path, "content", d.content, true);
    }
    if (type == "Strip") {
        d.kind = K::kStrip;
        std::int64_t start = 0;
        std::int64_t stop = 0;
        if (!get_string(v, path, "content", d.content, true) ||
            !get_int(v, path, "start", 0, 1 << 20, start, false) ||
            !get_int(v, path, "stop", 0, 1 << 20, stop, false)) {
            return false;
        }
        d.strip_start = static_cast<int>(start);
        d.strip_stop = static_cast<int>(stop);
        return true;
    }
    if (type == "Metaspace") {
        d.kind = K::kMetaspace;
        PreTokenizer::PrependScheme scheme = PreTokenizer::PrependScheme::kAlways;
        if (!get_string(v, path, "replacement", d.content, true) || !prepend_scheme(v, path, scheme))
            return false;
        d.metaspace_prepend = scheme != PreTokenizer::PrependScheme::kNever;
        return true;
    }
    return fail(path + ".type",
                "decoder " + quoted(type) +
                    " is not supported (supported: Sequence, ByteLevel, ByteFallback, Fuse, Replace, "
                    "Strip, Metaspace)");
}

}  // namespace attnviz::model::detail
