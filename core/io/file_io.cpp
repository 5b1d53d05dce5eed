// File reading and atomic writing with readable, path-naming errors.
#include "core/io/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace attnviz {

Expected<std::string> read_file_bytes(const std::string& path, std::int64_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return Error{"cannot open " + path + ": " + std::strerror(errno)};
    }
    if (S_ISDIR(st.st_mode)) return Error{"cannot read " + path + ": it is a directory, not a file"};
    if (static_cast<std::int64_t>(st.st_size) > max_bytes) {
        return Error{"cannot read " + path + ": file is " + std::to_string(st.st_size) +
                     " bytes, more than the limit of " + std::to_string(max_bytes)};
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error{"cannot open " + path + ": " + std::strerror(errno)};
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (file.gcount() != static_cast<std::streamsize>(bytes.size())) {
        return Error{"cannot read " + path + ": the file changed size while being read"};
    }
    return bytes;
}

Status write_file_atomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) return "cannot write " + path + ": " + std::strerror(errno);
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const int write_errno = errno;
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) {
        std::remove(tmp.c_str());
        return "cannot write " + path + ": " + std::strerror(written ? errno : write_errno);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rename_errno = errno;
        std::remove(tmp.c_str());
        return "cannot write " + path + ": " + std::strerror(rename_errno);
    }
    return {};
}

}  // namespace attnviz
