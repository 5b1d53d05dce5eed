// File reading and atomic writing with readable, path-naming errors.
#include "core/io/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace attnviz::io {

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

namespace {

std::string temporary_path(const std::string& path) {
    return path + ".tmp-" + std::to_string(::getpid());
}

/// Writes bytes to the temporary file beside `path`; on failure removes it and says why.
Status write_temporary(const std::string& path, const std::string& bytes) {
    // A directory in the way would only fail at the rename (after the other files of a batch were renamed).
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return "cannot write " + path + ": it is a directory; give a file name";
    }
    const std::string tmp = temporary_path(path);
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) {
        const int open_errno = errno;
        return "cannot write " + path + ": " + std::strerror(open_errno) +
               (open_errno == ENOENT ? " (its folder does not exist; create it or choose another)" : "");
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const int write_errno = errno;
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) {
        std::remove(tmp.c_str());
        return "cannot write " + path + ": " + std::strerror(written ? errno : write_errno);
    }
    return {};
}

}  // namespace

Status write_files_atomically(const std::vector<FileToWrite>& files) {
    for (std::size_t i = 0; i < files.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (files[i].path == files[j].path) {
                return "cannot write " + files[i].path +
                       " twice in one go; give each output its own file name";
            }
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (Status s = write_temporary(files[i].path, files[i].bytes); !s.empty()) {
            for (std::size_t j = 0; j < i; ++j) std::remove(temporary_path(files[j].path).c_str());
            return s + "; nothing was written";
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (std::rename(temporary_path(files[i].path).c_str(), files[i].path.c_str()) != 0) {
            const int rename_errno = errno;
            for (std::size_t j = i; j < files.size(); ++j) std::remove(temporary_path(files[j].path).c_str());
            return "cannot write " + files[i].path + ": " + std::strerror(rename_errno);
        }
    }
    return {};
}

Status write_file_atomically(const std::string& path, const std::string& bytes) {
    if (Status s = write_temporary(path, bytes); !s.empty()) return s;
    const std::string tmp = temporary_path(path);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rename_errno = errno;
        std::remove(tmp.c_str());
        return "cannot write " + path + ": " + std::strerror(rename_errno);
    }
    return {};
}

}  // namespace attnviz::io
