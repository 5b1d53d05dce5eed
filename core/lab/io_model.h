// The memory-traffic model of the FlashAttention paper (Dao et al. 2022, Theorem 2): how many bytes
// standard attention and FlashAttention move between HBM and the chip for one head, and what that costs
// at given bandwidths. Used by the flash lesson to compare the two side by side.
#pragma once

#include <cstdint>

namespace attnviz::lab {

struct IoHardware {
    double hbm_bytes_per_s = 2.0e12;    ///< A100: HBM about 2 TB/s (80 GB)
    double sram_bytes_per_s = 19.0e12;  ///< A100: on-chip SRAM about 19 TB/s
    double sram_bytes = 20.0e6;         ///< M: about 20 MB of SRAM across the chip
    int bytes_per_element = 2;          ///< fp16
};

struct IoEstimate {
    double standard_hbm_bytes = 0.0;  ///< Theta(N d + N^2): S and P written to and read back from HBM
    double flash_hbm_bytes = 0.0;     ///< Theta(N^2 d^2 / M): Q, O re-read once per K/V block
    double standard_seconds = 0.0;    ///< standard_hbm_bytes / HBM bandwidth
    double flash_seconds = 0.0;       ///< flash_hbm_bytes / HBM bandwidth
    int flash_block_k = 0;            ///< B_c = ceil(M / (4 d)) elements: K/V rows per block
    int flash_block_q = 0;            ///< B_r = min(B_c, d)
    std::int64_t flash_passes = 0;    ///< T_c = ceil(N / B_c): how often Q and O are streamed
};

/// HBM traffic of one attention head with n tokens and head dimension d (both >= 1).
///   standard: read Q, K (2 N d), write S (N^2), read S, write P (2 N^2), read P and V (N^2 + N d),
///             write O (N d): 4 N d + 4 N^2 elements
///   flash:    read K, V once (2 N d); read Q and read+write O once per K/V block: 2 N d + 3 N d T_c
IoEstimate estimate_attention_io(std::int64_t n, int d, const IoHardware& hw = {});

}  // namespace attnviz::lab
