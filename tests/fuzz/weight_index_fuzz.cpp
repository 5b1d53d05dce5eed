// Fuzz harness: core/model/model_folder.h parse_weight_index: accepted weight maps name plain shard files
// only.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_weight_index)
