// Stage matrices copied from the engine's results, and the formula <-> stage correspondence.
#include "app/gui/compute/pipeline_stages.h"

#include "app/gui/widgets/widgets.h"
#include "core/attention/softmax.h"
#include "core/lesson/lesson_model.h"

#include <cmath>
#include <limits>

namespace attnviz::gui {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

unsigned bit(FormulaPart p) {
    return 1u << static_cast<unsigned>(p);
}

std::vector<std::string> query_names(const AppState& s, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(token_label(s, i));
    return out;
}

std::vector<std::string> key_names(const AppState& s, int n) {
    std::vector<std::string> out;
    for (int j = 0; j < n; ++j) out.push_back(key_label(s, j));
    return out;
}

std::vector<std::string> numbered(const char* prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}

}  // namespace

const char* stage_title(PipelineStage stage) {
    switch (stage) {
        case PipelineStage::kX:
            return "X";
        case PipelineStage::kWq:
            return "W_q";
        case PipelineStage::kWk:
            return "W_k";
        case PipelineStage::kWv:
            return "W_v";
        case PipelineStage::kQ:
            return "Q = X W_q";
        case PipelineStage::kK:
            return "K = X W_k";
        case PipelineStage::kV:
            return "V = X W_v";
        case PipelineStage::kRaw:
            return "Q K^T";
        case PipelineStage::kScaled:
            return "\xC3\x97 1/\xE2\x88\x9A"
                   "d";
        case PipelineStage::kMasked:
            return "mask";
        case PipelineStage::kTempered:
            return "/ T";
        case PipelineStage::kWeights:
            return "softmax = P";
        case PipelineStage::kOutput:
            return "P V = output";
        case PipelineStage::kNone:
        case PipelineStage::kCount:
            break;
    }
    return "";
}

const char* stage_caption(PipelineStage stage) {
    switch (stage) {
        case PipelineStage::kX:
            return "token embeddings";
        case PipelineStage::kWq:
            return "query projection";
        case PipelineStage::kWk:
            return "key projection";
        case PipelineStage::kWv:
            return "value projection";
        case PipelineStage::kQ:
            return "what each token looks for";
        case PipelineStage::kK:
            return "what each token offers";
        case PipelineStage::kV:
            return "what each token carries";
        case PipelineStage::kRaw:
            return "raw scores q\xC2\xB7k";
        case PipelineStage::kScaled:
            return "scaled scores";
        case PipelineStage::kMasked:
            return "hidden keys set to -\xE2\x88\x9E";
        case PipelineStage::kTempered:
            return "divided by the temperature";
        case PipelineStage::kWeights:
            return "weights, rows sum to 1";
        case PipelineStage::kOutput:
            return "weighted sum of values";
        case PipelineStage::kNone:
        case PipelineStage::kCount:
            break;
    }
    return "";
}

const char* formula_part_text(FormulaPart part) {
    switch (part) {
        case FormulaPart::kSoftmax:
            return "softmax(";
        case FormulaPart::kMask:
            return "mask(";
        case FormulaPart::kQ:
            return "Q";
        case FormulaPart::kKt:
            return "K^T";
        case FormulaPart::kScale:
            return "/ \xE2\x88\x9A"
                   "d_k )";
        case FormulaPart::kTemperature:
            return "/ T )";
        case FormulaPart::kV:
            return "V";
        case FormulaPart::kOutput:
            return "output =";
        case FormulaPart::kNone:
        case FormulaPart::kCount:
            break;
    }
    return "";
}

unsigned stage_formula_parts(PipelineStage stage) {
    switch (stage) {
        case PipelineStage::kWq:
        case PipelineStage::kQ:
            return bit(FormulaPart::kQ);
        case PipelineStage::kWk:
        case PipelineStage::kK:
            return bit(FormulaPart::kKt);
        case PipelineStage::kWv:
        case PipelineStage::kV:
            return bit(FormulaPart::kV);
        case PipelineStage::kRaw:
            return bit(FormulaPart::kQ) | bit(FormulaPart::kKt);
        case PipelineStage::kScaled:
            return bit(FormulaPart::kScale);
        case PipelineStage::kMasked:
            return bit(FormulaPart::kMask);
        case PipelineStage::kTempered:
            return bit(FormulaPart::kTemperature);
        case PipelineStage::kWeights:
            return bit(FormulaPart::kSoftmax);
        case PipelineStage::kOutput:
            return bit(FormulaPart::kOutput);
        case PipelineStage::kX:
        case PipelineStage::kNone:
        case PipelineStage::kCount:
            break;
    }
    return 0u;
}

PipelineStage formula_stage(FormulaPart part) {
    switch (part) {
        case FormulaPart::kSoftmax:
            return PipelineStage::kWeights;
        case FormulaPart::kMask:
            return PipelineStage::kMasked;
        case FormulaPart::kQ:
            return PipelineStage::kQ;
        case FormulaPart::kKt:
            return PipelineStage::kK;
        case FormulaPart::kScale:
            return PipelineStage::kScaled;
        case FormulaPart::kTemperature:
            return PipelineStage::kTempered;
        case FormulaPart::kV:
            return PipelineStage::kV;
        case FormulaPart::kOutput:
            return PipelineStage::kOutput;
        case FormulaPart::kNone:
        case FormulaPart::kCount:
            break;
    }
    return PipelineStage::kNone;
}

bool stage_highlighted(const PipelineViewState& v, PipelineStage stage) {
    if (stage == PipelineStage::kNone) return false;
    if (v.hover_stage == stage) return true;
    return v.hover_formula != FormulaPart::kNone && formula_stage(v.hover_formula) == stage;
}

bool formula_part_highlighted(const PipelineViewState& v, FormulaPart part) {
    if (part == FormulaPart::kNone) return false;
    if (v.hover_formula == part) return true;
    return v.hover_stage != PipelineStage::kNone && (stage_formula_parts(v.hover_stage) & bit(part)) != 0u;
}

std::vector<std::string> embedding_dim_labels(const AppState& s) {
    if (s.hand_model) return lesson::hand_dim_names(static_cast<int>(s.hand_model->x.cols()));
    return lesson::LessonModel::instance().embedding_dim_names();
}

std::vector<std::string> value_dim_labels(const AppState& s) {
    if (s.hand_model) return lesson::hand_dim_names(static_cast<int>(s.hand_model->w_v.cols()));
    if (s.derived.run && s.derived.run->real_model() && s.derived.forward())
        return numbered("v", s.derived.forward()->inputs.v.n_cols());  // a trained model's dims have no names
    return lesson::LessonModel::instance().value_dim_names();
}

StageMatrix stage_matrix(const AppState& s, PipelineStage stage) {
    StageMatrix m;
    const Derived& d = s.derived;
    if (!d.result() || !d.forward()) return m;
    const attention::AttentionResult& r = *d.result();
    const lesson::LessonForward& f = *d.forward();
    const int h = s.selection.focus_head;
    if (h < 0 || h >= static_cast<int>(r.heads.size())) return m;
    const attention::HeadResult& head = r.heads[static_cast<std::size_t>(h)];
    const int g = head.kv_head;
    const int head_dim = f.inputs.q.n_cols();
    const auto attention_axes = [&] {
        m.row_names = query_names(s, r.n_q);
        m.col_names = key_names(s, r.n_k);
        m.row_axis = "query";
        m.col_axis = "key";
        m.rows_are_queries = true;
        m.cols_are_keys = true;
    };
    switch (stage) {
        case PipelineStage::kX:
            m.values = f.x_query;
            m.row_names = query_names(s, r.n_q);
            m.col_names = embedding_dim_labels(s);
            m.row_axis = "token";
            m.col_axis = "embedding dim";
            m.rows_are_queries = true;
            if (s.hand_model) m.editable = HandMatrix::kX;
            break;
        case PipelineStage::kWq:
        case PipelineStage::kWk:
        case PipelineStage::kWv: {
            const bool is_v = stage == PipelineStage::kWv;
            m.values = stage == PipelineStage::kWq ? MatrixRM(f.w_q.mat(h))
                       : is_v                      ? MatrixRM(f.w_v.mat(g))
                                                   : MatrixRM(f.w_k.mat(g));
            m.row_names = embedding_dim_labels(s);
            m.col_names = is_v ? value_dim_labels(s) : numbered("h", head_dim);
            m.row_axis = "embedding dim";
            m.col_axis = is_v ? "value dim" : "head dim";
            if (s.hand_model) {
                m.editable = stage == PipelineStage::kWq ? HandMatrix::kWq
                             : is_v                      ? HandMatrix::kWv
                                                         : HandMatrix::kWk;
            }
            break;
        }
        case PipelineStage::kQ:
            m.values = f.inputs.q.mat(h);
            m.row_names = query_names(s, r.n_q);
            m.col_names = numbered("h", head_dim);
            m.row_axis = "query";
            m.col_axis = "head dim";
            m.rows_are_queries = true;
            break;
        case PipelineStage::kK:
        case PipelineStage::kV: {
            const bool is_v = stage == PipelineStage::kV;
            m.values = is_v ? MatrixRM(f.inputs.v.mat(g)) : MatrixRM(f.inputs.k.mat(g));
            m.row_names = key_names(s, r.n_k);
            m.col_names = is_v ? value_dim_labels(s) : numbered("h", head_dim);
            m.row_axis = "key";
            m.col_axis = is_v ? "value dim" : "head dim";
            m.rows_are_keys = true;
            break;
        }
        case PipelineStage::kRaw:
            m.values = head.raw_scores;
            attention_axes();
            break;
        case PipelineStage::kScaled:
            m.values = head.scores;
            attention_axes();
            m.note =
                "s = " + std::to_string(r.scale).substr(0, 6) + (s.settings.scale ? "" : " (scaling off)");
            break;
        case PipelineStage::kMasked:
        case PipelineStage::kTempered: {
            attention_axes();
            m.masked = true;
            m.values = head.scores;
            const attention::TemperatureRegime regime = attention::temperature_regime(r.temperature);
            const bool divide =
                stage == PipelineStage::kTempered && regime == attention::TemperatureRegime::kFinite;
            for (int i = 0; i < r.n_q; ++i) {
                for (int j = 0; j < r.n_k; ++j) {
                    if (r.visible(i, j) == 0) {
                        m.values(i, j) = kNegInf;
                    } else if (divide) {
                        m.values(i, j) = head.scores(i, j) / static_cast<float>(r.temperature);
                    }
                }
            }
            if (stage == PipelineStage::kTempered && regime == attention::TemperatureRegime::kArgmax) {
                m.note = "T = 0: no division; the max of each row takes all the weight";
            } else if (stage == PipelineStage::kTempered &&
                       regime == attention::TemperatureRegime::kUniform) {
                m.note = "T = \xE2\x88\x9E: no division; every visible key gets the same weight";
            } else if (stage == PipelineStage::kTempered) {
                m.note = "T = " + std::to_string(r.temperature).substr(0, 5);
            }
            break;
        }
        case PipelineStage::kWeights:
            m.values = head.weights;
            attention_axes();
            m.masked = true;
            break;
        case PipelineStage::kOutput:
            m.values = head.output;
            m.row_names = query_names(s, r.n_q);
            m.col_names = value_dim_labels(s);
            m.row_axis = "query";
            m.col_axis = "value dim";
            m.rows_are_queries = true;
            break;
        case PipelineStage::kNone:
        case PipelineStage::kCount:
            break;
    }
    if (static_cast<int>(m.col_names.size()) != m.values.cols())
        m.col_names = numbered("c", static_cast<int>(m.values.cols()));
    if (static_cast<int>(m.row_names.size()) != m.values.rows())
        m.row_names = numbered("r", static_cast<int>(m.values.rows()));
    return m;
}

}  // namespace attnviz::gui
