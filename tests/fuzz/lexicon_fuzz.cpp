// Fuzz harness: core/lesson/lexicon.h Lexicon::parse: accepted tables list each valid UTF-8 word once,
// findable.
#include "tests/fuzz/harness.h"

ATTNVIZ_FUZZ_HARNESS(attnviz::fuzz::check_lexicon)
