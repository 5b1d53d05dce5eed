#include "core/lesson/hand_model.h"

#include <cmath>

namespace attnviz::lesson {

namespace {

Status check_entries(const MatrixRM& m, const char* name) {
    for (int i = 0; i < m.rows(); ++i) {
        for (int j = 0; j < m.cols(); ++j) {
            const float v = m(i, j);
            if (!std::isfinite(v) || std::fabs(v) > kHandModelMaxAbs) {
                return std::string(name) + "[" + std::to_string(i) + "][" + std::to_string(j) +
                       "] must be a finite number within +-" +
                       std::to_string(static_cast<int>(kHandModelMaxAbs));
            }
        }
    }
    return {};
}

Tensor3 one_matrix(const MatrixRM& m) {
    Tensor3 t(1, static_cast<int>(m.rows()), static_cast<int>(m.cols()));
    t.mat(0) = m;
    return t;
}

}  // namespace

Status validate_hand_model(const HandModel& m) {
    if (m.x.rows() < 1 || m.x.cols() < 1) return "the hand model needs at least one token with one dimension";
    const Eigen::Index d = m.x.cols();
    const std::pair<const MatrixRM*, const char*> ws[] = {{&m.w_q, "w_q"}, {&m.w_k, "w_k"}, {&m.w_v, "w_v"}};
    for (const auto& [w, name] : ws) {
        if (w->rows() != d || w->cols() < 1) {
            return std::string(name) + " must have " + std::to_string(d) +
                   " rows (the embedding width) and at least one column";
        }
    }
    if (m.w_q.cols() != m.w_k.cols())
        return "w_q and w_k must have the same number of columns (q.k needs equal widths)";
    for (const auto& [w, name] : ws) {
        if (Status s = check_entries(*w, name); !s.empty()) return s;
    }
    return check_entries(m.x, "x");
}

Expected<LessonForward> hand_forward(const HandModel& m) {
    if (Status s = validate_hand_model(m); !s.empty()) return Error{s};
    LessonForward f;
    f.x_query = m.x;
    f.x_key = m.x;
    f.w_q = one_matrix(m.w_q);
    f.w_k = one_matrix(m.w_k);
    f.w_v = one_matrix(m.w_v);
    // Pass 1: project the embeddings, q = x W_q, k = x W_k, v = x W_v (one head).
    f.inputs.q = one_matrix(m.x * m.w_q);
    f.inputs.k = one_matrix(m.x * m.w_k);
    f.inputs.v = one_matrix(m.x * m.w_v);
    f.head_names = {"hand example"};
    f.query_features.resize(static_cast<std::size_t>(m.x.rows()));
    f.key_features.resize(static_cast<std::size_t>(m.x.rows()));
    return f;
}

std::vector<std::string> hand_dim_names(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("d" + std::to_string(i));
    return out;
}

}  // namespace attnviz::lesson
