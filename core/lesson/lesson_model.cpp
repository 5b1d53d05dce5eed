#include "core/lesson/lesson_model.h"

#include "core/lesson/lesson_embedding.h"
#include "core/lesson/lesson_heads.h"

namespace attnviz::lesson {

namespace {

/// [n_tokens, d_model] x [d_model, dim] for every matrix of w: [n_mats, n_tokens, dim].
Tensor3 project(const MatrixRM& x, const Tensor3& w) {
    Tensor3 out(w.n_mats(), static_cast<int>(x.rows()), w.n_cols());
    for (int h = 0; h < w.n_mats(); ++h) out.mat(h).noalias() = x * w.mat(h);
    return out;
}

/// Stacks the first n_heads designed heads' matrices, mean-pooled over groups of n_heads / n_groups.
Tensor3 pooled(const std::vector<lesson::HeadDesign>& designs, int n_heads, int n_groups,
               MatrixRM lesson::HeadDesign::*member) {
    const MatrixRM& first = designs.front().*member;
    Tensor3 out(n_groups, static_cast<int>(first.rows()), static_cast<int>(first.cols()));
    const int group = n_heads / n_groups;
    for (int g = 0; g < n_groups; ++g) {
        auto m = out.mat(g);
        for (int h = g * group; h < (g + 1) * group; ++h) m += designs[static_cast<std::size_t>(h)].*member;
        m /= static_cast<float>(group);
    }
    return out;
}

}  // namespace

const LessonModel& LessonModel::instance() {
    static const LessonModel model;
    return model;
}

int LessonModel::d_model() const {
    return lesson::kDModel;
}
int LessonModel::head_dim() const {
    return lesson::kHeadDim;
}
int LessonModel::d_v() const {
    return lesson::kValueDim;
}
int LessonModel::max_heads() const {
    return lesson::kMaxHeads;
}

std::vector<LessonHeadInfo> LessonModel::heads() const {
    std::vector<LessonHeadInfo> out;
    for (const lesson::HeadDesign& h : lesson::head_designs())
        out.push_back({h.info.name, h.info.short_name, h.info.role});
    return out;
}

const std::vector<std::string>& LessonModel::embedding_dim_names() const {
    return lesson::dimension_names();
}
const std::vector<std::string>& LessonModel::value_dim_names() const {
    return lesson::value_dimension_names();
}

std::string LessonModel::describe_token(const std::string& token_text) const {
    const Tokenization t = tokenize(token_text, 1);
    if (t.tokens.empty()) return "";
    return describe(LexiconSet::builtin().features(t.tokens.front()));
}

Status validate_lesson_settings(const LessonSettings& s) {
    if (s.n_heads < 1 || s.n_heads > lesson::kMaxHeads) {
        return "the lesson model has " + std::to_string(lesson::kMaxHeads) + " heads; choose 1 to " +
               std::to_string(lesson::kMaxHeads) + " (got " + std::to_string(s.n_heads) + ")";
    }
    if (s.n_kv_heads < 1 || s.n_heads % s.n_kv_heads != 0) {
        return "KV heads must divide the " + std::to_string(s.n_heads) + " query heads (got " +
               std::to_string(s.n_kv_heads) + ")";
    }
    return {};
}

Expected<LessonForward> LessonModel::forward(const Tokenization& tokens,
                                             const LessonSettings& settings) const {
    return forward(tokens, tokens, settings);
}

Expected<LessonForward> LessonModel::forward(const Tokenization& query_tokens, const Tokenization& key_tokens,
                                             const LessonSettings& settings) const {
    if (Status s = validate_lesson_settings(settings); !s.empty()) return Error{s};
    if (query_tokens.tokens.empty() || key_tokens.tokens.empty())
        return Error{"there are no tokens: type a sentence"};
    const LexiconSet& lexicons = LexiconSet::builtin();
    LessonForward f;
    f.query_features = lexicons.analyse(query_tokens.tokens);
    f.key_features = &query_tokens == &key_tokens ? f.query_features : lexicons.analyse(key_tokens.tokens);
    f.x_query = lesson::embed(query_tokens.tokens, f.query_features, settings.use_positions);
    f.x_key = &query_tokens == &key_tokens
                  ? f.x_query
                  : lesson::embed(key_tokens.tokens, f.key_features, settings.use_positions);
    // Cross-attention aligns two sentences by meaning, not by position: the translation head takes the
    // local-window head's place (positions of two different sentences do not correspond).
    std::vector<lesson::HeadDesign> designs = lesson::head_designs();
    if (&query_tokens != &key_tokens && static_cast<int>(designs.size()) > lesson::kTranslationHead)
        designs[static_cast<std::size_t>(lesson::kTranslationHead)] = lesson::translation_head_design();
    f.w_q = pooled(designs, settings.n_heads, settings.n_heads, &lesson::HeadDesign::w_q);
    f.w_k = pooled(designs, settings.n_heads, settings.n_kv_heads, &lesson::HeadDesign::w_k);
    f.w_v = pooled(designs, settings.n_heads, settings.n_kv_heads, &lesson::HeadDesign::w_v);
    f.inputs.q = project(f.x_query, f.w_q);
    f.inputs.k = project(f.x_key, f.w_k);
    f.inputs.v = project(f.x_key, f.w_v);
    for (int h = 0; h < settings.n_heads; ++h)
        f.head_names.push_back(designs[static_cast<std::size_t>(h)].info.name);
    return f;
}

}  // namespace attnviz::lesson
