// Fuzz harness: core/io/json.h parse_json: an accepted document's dump parses to the same dump; a rejection
// has a message.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_json)
