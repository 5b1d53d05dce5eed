// Fuzz harness: core/model/safetensors.h parse_safetensors: accepted tensors tile the data buffer exactly.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_safetensors)
