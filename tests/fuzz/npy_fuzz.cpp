// Fuzz harness: core/io/npy.h parse_npy / parse_npy_mask: accepted arrays match their shape and survive
// write_npy -> read_npy.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_npy)
