// Whole-file reading with a size cap and atomic whole-file writing (temp file, then rename).
#pragma once

#include "core/base/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::io {

/// Reads a whole file. Refuses directories and files larger than max_bytes (checked with stat
/// before reading). Errors show the path and the OS error text.
Expected<std::string> read_file_bytes(const std::string& path, std::int64_t max_bytes);

/// Writes bytes to `path` through `path.tmp-<pid>` and rename(2): the target is either the old file or
/// the complete new one, never a torn mix. Errors show the path and the OS error text.
Status write_file_atomically(const std::string& path, const std::string& bytes);

/// One file of a write_files_atomically batch.
struct FileToWrite {
    std::string path;
    std::string bytes;
};

/// Writes several files all or nothing, for commands with several outputs: every file goes to its
/// `path.tmp-<pid>` first; if any of those fails (a missing directory, a full disk), every temporary file
/// is removed and no target is touched. Only then is each renamed into place. Errors name the path.
Status write_files_atomically(const std::vector<FileToWrite>& files);

}  // namespace attnviz::io
