// Fuzz harness: core/model/model_config.h parse_model_config: accepted configs hold ModelConfig's invariants.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_model_config)
