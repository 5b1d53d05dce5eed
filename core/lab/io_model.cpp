#include "core/lab/io_model.h"

#include <algorithm>
#include <cmath>

namespace attnviz::lab {

IoEstimate estimate_attention_io(std::int64_t n, int d, const IoHardware& hw) {
    IoEstimate e;
    const double N = static_cast<double>(std::max<std::int64_t>(1, n));
    const double D = static_cast<double>(std::max(1, d));
    const double elem = static_cast<double>(std::max(1, hw.bytes_per_element));
    e.standard_hbm_bytes = elem * (4.0 * N * D + 4.0 * N * N);
    const double m_elements = std::max(1.0, hw.sram_bytes / elem);
    e.flash_block_k = static_cast<int>(std::max(1.0, std::ceil(m_elements / (4.0 * D))));
    e.flash_block_q = std::min(e.flash_block_k, static_cast<int>(D));
    e.flash_passes = static_cast<std::int64_t>(std::ceil(N / e.flash_block_k));
    e.flash_hbm_bytes = elem * (2.0 * N * D + 3.0 * N * D * static_cast<double>(e.flash_passes));
    e.standard_seconds = e.standard_hbm_bytes / hw.hbm_bytes_per_s;
    e.flash_seconds = e.flash_hbm_bytes / hw.hbm_bytes_per_s;
    return e;
}

}  // namespace attnviz::lab
