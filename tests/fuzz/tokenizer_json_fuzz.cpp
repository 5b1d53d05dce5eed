// Fuzz harness: core/model/tokenizer.h parse_tokenizer_json: an accepted tokenizer encodes a fixed text with
// tiling spans.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_tokenizer_json)
