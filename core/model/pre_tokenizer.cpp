// Regular expressions through PCRE2 (UTF + UCP, JIT when available) and the pre-tokenizers built on them:
// Split with its five delimiter behaviors, ByteLevel (GPT-2's regex and byte map), Metaspace, Sequence.
#include "core/model/tokenizer_pipeline.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

namespace attnviz::model::detail {

// [SECTION] Regex

struct Regex::Impl {
    pcre2_code* code = nullptr;
    bool jit = false;
};

Regex::~Regex() {
    if (m_impl && m_impl->code != nullptr) pcre2_code_free(m_impl->code);
}

Expected<std::shared_ptr<const Regex>> Regex::compile(const std::string& pattern, bool literal) {
    const std::uint32_t options = literal ? (PCRE2_UTF | PCRE2_LITERAL) : (PCRE2_UTF | PCRE2_UCP);
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                                     &error_code, &error_offset, nullptr);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof(message));
        return Error{"the regular expression does not compile at byte " + std::to_string(error_offset) +
                     ": " + reinterpret_cast<const char*>(message)};
    }
    std::shared_ptr<Regex> re(new Regex());
    re->m_impl = std::make_unique<Impl>();
    re->m_impl->code = code;
    re->m_impl->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    return std::shared_ptr<const Regex>(std::move(re));
}

namespace {

/// Match data, a match context and (for JIT) a stack big enough for long runs of one class.
class MatchState {
  public:
    explicit MatchState(const pcre2_code* code, bool jit) {
        m_data = pcre2_match_data_create_from_pattern(code, nullptr);
        m_context = pcre2_match_context_create(nullptr);
        if (jit && m_context != nullptr) {
            m_stack = pcre2_jit_stack_create(32 * 1024, 64 * 1024 * 1024, nullptr);
            if (m_stack != nullptr) pcre2_jit_stack_assign(m_context, nullptr, m_stack);
        }
    }
    ~MatchState() {
        if (m_stack != nullptr) pcre2_jit_stack_free(m_stack);
        if (m_context != nullptr) pcre2_match_context_free(m_context);
        if (m_data != nullptr) pcre2_match_data_free(m_data);
    }
    MatchState(const MatchState&) = delete;
    MatchState& operator=(const MatchState&) = delete;
    pcre2_match_data* data() const { return m_data; }
    pcre2_match_context* context() const { return m_context; }

  private:
    pcre2_match_data* m_data = nullptr;
    pcre2_match_context* m_context = nullptr;
    pcre2_jit_stack* m_stack = nullptr;
};

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> Regex::find_all(std::string_view text) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    MatchState state(m_impl->code, m_impl->jit);
    if (state.data() == nullptr) return out;
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t pos = 0;
    bool have_last = false;
    std::size_t last_end = 0;
    while (pos <= text.size()) {
        const int rc = pcre2_match(m_impl->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, state.data(),
                                   state.context());
        // No match, or a resource limit on pathological input: the rest of the text is left unmatched.
        if (rc < 0) break;
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data());
        const std::size_t s = ovector[0];
        const std::size_t e = ovector[1];
        if (s > e || e > text.size()) break;
        if (s == e && have_last && last_end == e) {
            // onig's find_iter: an empty match right after the previous match is skipped by one character.
            if (pos >= text.size()) break;
            pos += utf8_char_at(text, pos, nullptr, nullptr);
            continue;
        }
        out.emplace_back(s, e);
        have_last = true;
        last_end = e;
        // After an empty match the next search starts at the same place and is skipped above.
        pos = e;
    }
    return out;
}

bool Regex::matches(std::string_view text) const {
    MatchState state(m_impl->code, m_impl->jit);
    if (state.data() == nullptr) return false;
    return pcre2_match(m_impl->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                       PCRE2_NO_UTF_CHECK, state.data(), state.context()) >= 0;
}

// [SECTION] Split

void split_by_regex(const AlignedText& in, const Regex& re, SplitBehavior behavior, bool invert,
                    const PieceSink& emit) {
    struct Part {
        std::size_t b, e;
        bool match;
    };
    std::vector<Part> parts;
    if (in.text.empty()) return;
    std::size_t prev = 0;
    for (const auto& [s, e] : re.find_all(in.text)) {
        if (prev != s) parts.push_back({prev, s, invert});
        parts.push_back({s, e, !invert});
        prev = e;
    }
    if (prev != in.text.size()) parts.push_back({prev, in.text.size(), invert});

    struct Cut {
        std::size_t b, e;
        bool remove;
    };
    std::vector<Cut> cuts;
    switch (behavior) {
        case SplitBehavior::kIsolated:
            for (const Part& p : parts) cuts.push_back({p.b, p.e, false});
            break;
        case SplitBehavior::kRemoved:
            for (const Part& p : parts) cuts.push_back({p.b, p.e, p.match});
            break;
        case SplitBehavior::kContiguous: {
            bool previous_match = false;
            for (const Part& p : parts) {
                if (p.match == previous_match && !cuts.empty()) {
                    cuts.back().e = p.e;
                } else {
                    cuts.push_back({p.b, p.e, false});
                }
                previous_match = p.match;
            }
            break;
        }
        case SplitBehavior::kMergedWithPrevious: {
            bool previous_match = false;
            for (const Part& p : parts) {
                if (p.match && !previous_match && !cuts.empty()) {
                    cuts.back().e = p.e;
                } else {
                    cuts.push_back({p.b, p.e, false});
                }
                previous_match = p.match;
            }
            break;
        }
        case SplitBehavior::kMergedWithNext: {
            bool previous_match = false;
            for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
                if (it->match && !previous_match && !cuts.empty()) {
                    cuts.back().b = it->b;
                } else {
                    cuts.push_back({it->b, it->e, false});
                }
                previous_match = it->match;
            }
            std::reverse(cuts.begin(), cuts.end());
            break;
        }
    }
    for (const Cut& c : cuts) {
        if (!c.remove && c.e > c.b) emit(in.slice(c.b, c.e));
    }
}

// [SECTION] pre-tokenizers

namespace {

AlignedText prepend(const AlignedText& in, std::string_view prefix) {
    AlignedText out;
    const std::size_t at = in.align.empty() ? 0 : in.align.front().start;
    out.append_new(prefix, {at, at});
    out.append_copy(in, 0, in.text.size());
    return out;
}

AlignedText to_byte_level(const AlignedText& in) {
    AlignedText out;
    out.text.reserve(in.text.size() * 2);
    out.align.reserve(in.text.size() * 2);
    for (std::size_t i = 0; i < in.text.size(); ++i) {
        const std::string& mapped = byte_to_unicode(static_cast<std::uint8_t>(in.text[i]));
        out.text += mapped;
        for (std::size_t k = 0; k < mapped.size(); ++k) out.align.push_back(in.align[i]);
    }
    return out;
}

void run_sequence(const std::vector<PreTokenizer>& steps, std::size_t index, AlignedText&& piece,
                  const PieceSink& emit) {
    if (index == steps.size()) {
        emit(std::move(piece));
        return;
    }
    apply_pre_tokenizer(steps[index], std::move(piece),
                        [&](AlignedText&& t) { run_sequence(steps, index + 1, std::move(t), emit); });
}

}  // namespace

void apply_pre_tokenizer(const PreTokenizer& p, AlignedText&& piece, const PieceSink& emit) {
    switch (p.kind) {
        case PreTokenizer::Kind::kSequence:
            run_sequence(p.children, 0, std::move(piece), emit);
            return;
        case PreTokenizer::Kind::kSplit:
            split_by_regex(piece, *p.pattern, p.behavior, p.invert, emit);
            return;
        case PreTokenizer::Kind::kByteLevel: {
            if (p.add_prefix_space && (piece.text.empty() || piece.text.front() != ' ')) {
                piece = prepend(piece, " ");
            }
            if (p.use_regex) {
                split_by_regex(piece, *p.pattern, SplitBehavior::kIsolated, false,
                               [&](AlignedText&& t) { emit(to_byte_level(t)); });
            } else if (!piece.text.empty()) {
                emit(to_byte_level(piece));
            }
            return;
        }
        case PreTokenizer::Kind::kMetaspace: {
            AlignedText replaced;
            for (std::size_t i = 0; i < piece.text.size(); ++i) {
                if (piece.text[i] == ' ') {
                    replaced.append_new(p.replacement, piece.align[i]);
                } else {
                    replaced.append_copy(piece, i, i + 1);
                }
            }
            const bool starts = replaced.text.compare(0, p.replacement.size(), p.replacement) == 0;
            bool add = false;
            if (!starts && !replaced.text.empty()) {
                if (p.prepend_scheme == PreTokenizer::PrependScheme::kAlways) add = true;
                if (p.prepend_scheme == PreTokenizer::PrependScheme::kFirst)
                    add = replaced.align.front().start == 0;
            }
            if (add) replaced = prepend(replaced, p.replacement);
            if (!p.split || p.replacement.empty()) {
                if (!replaced.text.empty()) emit(std::move(replaced));
                return;
            }
            // MergedWithNext on the replacement: a piece starts at every replacement character.
            std::size_t start = 0;
            std::size_t at = replaced.text.find(p.replacement, 1);
            while (at != std::string::npos) {
                emit(replaced.slice(start, at));
                start = at;
                at = replaced.text.find(p.replacement, at + p.replacement.size());
            }
            if (start < replaced.text.size()) emit(replaced.slice(start, replaced.text.size()));
            return;
        }
    }
}

}  // namespace attnviz::model::detail
