#include "core/lab/temperature_sweep.h"

#include "core/attention/softmax.h"

#include <cmath>
#include <limits>

namespace attnviz::lab {

std::vector<double> log_spaced_temperatures(double t_min, double t_max, int n_t) {
    std::vector<double> out;
    if (n_t < 2 || !(t_min > 0.0) || !(t_max > t_min)) return out;
    const double a = std::log(t_min);
    const double b = std::log(t_max);
    for (int i = 0; i < n_t; ++i) out.push_back(std::exp(a + (b - a) * static_cast<double>(i) / (n_t - 1)));
    return out;
}

TemperatureSweep sweep_temperature(const float* scores, int n_k, attention::KeyRange range,
                                   const std::uint8_t* key_valid, const std::vector<double>& temperatures) {
    TemperatureSweep sw;
    sw.temperatures = temperatures;
    const int n_t = static_cast<int>(temperatures.size());
    sw.weights = MatrixRM::Zero(n_t, n_k);
    sw.entropy.assign(static_cast<std::size_t>(n_t), 0.0f);
    for (int t = 0; t < n_t; ++t) {
        float* w = sw.weights.row(t).data();
        const attention::SoftmaxRowStats st = attention::softmax_row(
            scores, n_k, range, key_valid, temperatures[static_cast<std::size_t>(t)], w);
        sw.entropy[static_cast<std::size_t>(t)] = attention::softmax_row_entropy(
            scores, w, range, key_valid, st, temperatures[static_cast<std::size_t>(t)]);
    }
    sw.argmax_limit.assign(static_cast<std::size_t>(n_k), 0.0f);
    sw.uniform_limit.assign(static_cast<std::size_t>(n_k), 0.0f);
    attention::softmax_row(scores, n_k, range, key_valid, 0.0, sw.argmax_limit.data());
    attention::softmax_row(scores, n_k, range, key_valid, std::numeric_limits<double>::infinity(),
                           sw.uniform_limit.data());
    return sw;
}

}  // namespace attnviz::lab
