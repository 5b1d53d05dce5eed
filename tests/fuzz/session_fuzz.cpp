// Fuzz harness: app/common/session_file.h parse_session_file: accepted sessions hold their ranges and
// round-trip through session_file_json.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_session)
