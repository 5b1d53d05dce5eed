// Fuzz harness: core/lesson/scenario.h parse_scenario: accepted scenarios hold their invariants (heads, quiz,
// hand model runs).
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_scenario)
