// Fuzz harness: core/model/checkpoint.h load_checkpoint_from_memory, fuzzed safetensors + tiny config: views
// in bounds.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_checkpoint)
