// The HBM-traffic model: hand-worked numbers and the paper's asymptotics.
#include "core/lab/io_model.h"

#include <gtest/gtest.h>

namespace attnviz {
namespace {

TEST(IoModel, HandWorkedSmallCase) {
    lab::IoHardware hw;
    hw.sram_bytes = 4.0 * 64 * 2 * 128;  // room for B_c = 128 rows at d = 64 in fp16
    const lab::IoEstimate e = lab::estimate_attention_io(1024, 64, hw);
    EXPECT_DOUBLE_EQ(e.standard_hbm_bytes, 2.0 * (4.0 * 1024 * 64 + 4.0 * 1024 * 1024));
    EXPECT_EQ(e.flash_block_k, 128);
    EXPECT_EQ(e.flash_block_q, 64);
    EXPECT_EQ(e.flash_passes, 8);
    EXPECT_DOUBLE_EQ(e.flash_hbm_bytes, 2.0 * (2.0 * 1024 * 64 + 3.0 * 1024 * 64 * 8));
    EXPECT_DOUBLE_EQ(e.standard_seconds, e.standard_hbm_bytes / 2.0e12);
}

TEST(IoModel, FlashMovesFarLessForLongSequencesOnAnA100) {
    const lab::IoEstimate e = lab::estimate_attention_io(16384, 128);  // A100 defaults
    EXPECT_GT(e.standard_hbm_bytes / e.flash_hbm_bytes, 10.0);
    // Quadratic against quadratic-over-M: once N is far beyond one SRAM block (B_c = 19532 here),
    // doubling N quadruples both.
    const lab::IoEstimate big = lab::estimate_attention_io(1 << 20, 128);
    const lab::IoEstimate big2 = lab::estimate_attention_io(1 << 21, 128);
    EXPECT_NEAR(big2.standard_hbm_bytes / big.standard_hbm_bytes, 4.0, 0.01);
    EXPECT_NEAR(big2.flash_hbm_bytes / big.flash_hbm_bytes, 4.0, 0.05);
}

TEST(IoModel, DegenerateInputsStayFinite) {
    const lab::IoEstimate e = lab::estimate_attention_io(0, 0);
    EXPECT_GT(e.standard_hbm_bytes, 0.0);
    EXPECT_GE(e.flash_passes, 1);
}

}  // namespace
}  // namespace attnviz
