// Stable temperature softmax over the visible keys of one row, and its entropy.
#include "core/attention/softmax.h"

#include "core/base/eigen.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnviz::attention {

namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

bool is_real(const std::uint8_t* key_valid, int j) {
    return key_valid == nullptr || key_valid[j] != 0;
}

float visible_max(const float* scores, KeyRange r, const std::uint8_t* key_valid) {
    if (key_valid == nullptr) return ConstArrayMap(scores + r.begin, r.size()).maxCoeff();
    float m = -std::numeric_limits<float>::infinity();
    for (int j = r.begin; j < r.end; ++j) {
        if (key_valid[j] != 0) m = std::max(m, scores[j]);
    }
    return m;
}

}  // namespace

float exp_shifted_sum(const float* x, float* out, int n, float m, float t) {
    namespace ei = Eigen::internal;
    using Packet = ei::packet_traits<float>::type;
    constexpr int kLanes = ei::packet_traits<float>::size;
    const Packet pm = ei::pset1<Packet>(m);
    const Packet pt = ei::pset1<Packet>(t);
    Packet acc = ei::pset1<Packet>(0.0f);
    int j = 0;
    if (t == 1.0f) {
        for (; j + kLanes <= n; j += kLanes) {
            const Packet p = ei::pexp(ei::psub(ei::ploadu<Packet>(x + j), pm));
            ei::pstoreu(out + j, p);
            acc = ei::padd(acc, p);
        }
    } else {
        for (; j + kLanes <= n; j += kLanes) {
            const Packet p = ei::pexp(ei::pdiv(ei::psub(ei::ploadu<Packet>(x + j), pm), pt));
            ei::pstoreu(out + j, p);
            acc = ei::padd(acc, p);
        }
    }
    float sum = ei::predux(acc);
    for (; j < n; ++j) {
        out[j] = std::exp((x[j] - m) / t);
        sum += out[j];
    }
    return sum;
}

TemperatureRegime temperature_regime(double temperature) {
    // A T beyond float's range makes every (s - m) / T zero in float: the uniform limit, computed as
    // such (the flash path's log2(e) / T would otherwise round to 0 and turn -inf keys into NaN).
    if (std::isinf(temperature) || std::isinf(static_cast<float>(temperature)))
        return TemperatureRegime::kUniform;
    // A positive T that rounds to 0 in float would turn (s - m) / T into 0/0 at the max: its limit
    // is the argmax, so it is computed as such.
    if (temperature == 0.0 || static_cast<float>(temperature) == 0.0f) return TemperatureRegime::kArgmax;
    return TemperatureRegime::kFinite;
}

float softmax_numerator(float score, float row_max, double temperature) {
    switch (temperature_regime(temperature)) {
        case TemperatureRegime::kArgmax:
            return score == row_max ? 1.0f : 0.0f;
        case TemperatureRegime::kUniform:
            return 1.0f;
        case TemperatureRegime::kFinite:
            break;
    }
    return std::exp((score - row_max) / static_cast<float>(temperature));
}

SoftmaxRowStats softmax_row(const float* scores, int n_k, KeyRange range, const std::uint8_t* key_valid,
                            double temperature, float* weights) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    const TemperatureRegime regime = temperature_regime(temperature);
    // Keys outside the range are always 0; inside it every key is written below, except where padding
    // or the argmax leaves some untouched.
    std::fill(weights, weights + range.begin, 0.0f);
    std::fill(weights + range.end, weights + n_k, 0.0f);
    if (key_valid != nullptr || regime == TemperatureRegime::kArgmax) {
        std::fill(weights + range.begin, weights + range.end, 0.0f);
    }
    SoftmaxRowStats st;
    st.n_visible = range.size();
    if (key_valid != nullptr) {
        st.n_visible = 0;
        for (int j = range.begin; j < range.end; ++j) st.n_visible += key_valid[j] != 0 ? 1 : 0;
    }
    if (st.n_visible == 0) {
        st.max = -kInf;
        st.sum = 0.0f;
        st.lse = -kInf;
        return st;
    }

    // pass 1: the row max over visible keys only
    st.max = visible_max(scores, range, key_valid);
    const float m = st.max;

    // pass 2: unnormalised weights and their sum
    switch (regime) {
        case TemperatureRegime::kArgmax: {
            int ties = 0;
            for (int j = range.begin; j < range.end; ++j) {
                if (is_real(key_valid, j) && scores[j] == m) {
                    weights[j] = 1.0f;
                    ++ties;
                }
            }
            st.sum = static_cast<float>(ties);
            break;
        }
        case TemperatureRegime::kUniform: {
            for (int j = range.begin; j < range.end; ++j) weights[j] = is_real(key_valid, j) ? 1.0f : 0.0f;
            st.sum = static_cast<float>(st.n_visible);
            break;
        }
        case TemperatureRegime::kFinite: {
            const float t = static_cast<float>(temperature);
            if (key_valid == nullptr) {
                st.sum = exp_shifted_sum(scores + range.begin, weights + range.begin, range.size(), m, t);
            } else {
                double sum = 0.0;
                for (int j = range.begin; j < range.end; ++j) {
                    if (key_valid[j] == 0) continue;
                    weights[j] = std::exp((scores[j] - m) / t);
                    sum += static_cast<double>(weights[j]);
                }
                st.sum = static_cast<float>(sum);
            }
            break;
        }
    }

    // pass 3: normalise
    ArrayMap(weights + range.begin, range.size()) /= st.sum;

    const double log_sum = std::log(static_cast<double>(st.sum));
    if (regime == TemperatureRegime::kFinite) {
        st.lse = static_cast<float>(static_cast<double>(m) / temperature + log_sum);
    } else {
        st.lse = static_cast<float>(log_sum);
    }
    return st;
}

float softmax_row_entropy(const float* scores, const float* weights, KeyRange range,
                          const std::uint8_t* key_valid, const SoftmaxRowStats& stats, double temperature) {
    if (!stats.has_keys()) return 0.0f;
    const double log_sum = std::log(static_cast<double>(stats.sum));
    if (temperature_regime(temperature) != TemperatureRegime::kFinite) {
        // Argmax and uniform rows are uniform over S_i keys: H = ln S_i exactly.
        return static_cast<float>(log_sum);
    }
    double weighted_shift = 0.0;  // sum_j P_ij (s_ij - m)
    for (int j = range.begin; j < range.end; ++j) {
        if (!is_real(key_valid, j) || weights[j] == 0.0f) continue;
        weighted_shift += static_cast<double>(weights[j]) *
                          (static_cast<double>(scores[j]) - static_cast<double>(stats.max));
    }
    const double h = log_sum - weighted_shift / temperature;
    return static_cast<float>(std::max(0.0, h));
}

double entropy_nats(const float* p, int n) {
    double h = 0.0;
    for (int j = 0; j < n; ++j) {
        if (p[j] > 0.0f) h -= static_cast<double>(p[j]) * std::log(static_cast<double>(p[j]));
    }
    return h;
}

}  // namespace attnviz::attention
