// Fuzz harness: Fuzzed text through two fixed tokenizers (stories260K, tiny byte-level): spans tile the text,
// ids in range.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_tokenize_text)
