// The end-to-end tests' helpers: run the real attnviz binary (ATTNVIZ_GUI_BINARY) as a process, with its
// exit code and output, and read the screenshot it wrote as RGB pixels to count colours in.
#pragma once

#ifndef ATTNVIZ_GUI_BINARY
#error "gui_e2e.h needs ATTNVIZ_GUI_BINARY, the path of the attnviz binary (tests/gl/CMakeLists.txt)"
#endif

#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace attnviz::testing {

struct ProcessRun {
    int code = -1;       ///< the exit code, -1 when the process did not exit normally
    std::string output;  ///< stdout and stderr together
};

/// Runs a shell command to its end.
inline ProcessRun run_process(const std::string& command) {
    ProcessRun r;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
    std::array<char, 512> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) r.output += buf.data();
    const int status = pclose(pipe.release());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

/// The attnviz binary under test.
inline std::string gui_binary() {
    return ATTNVIZ_GUI_BINARY;
}

/// A scratch path in the temp directory, unique to this test process: "attnviz_e2e_<pid><name>".
inline std::string temp_png(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("attnviz_e2e_" + std::to_string(::getpid()) + name))
        .string();
}

/// A screenshot as 8-bit RGB; empty (w = h = 0) when the file could not be read.
struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;

    std::size_t distinct_colors() const {
        std::set<unsigned> colors;
        for (std::size_t i = 0; i + 2 < rgb.size(); i += 3)
            colors.insert(rgb[i] << 16 | rgb[i + 1] << 8 | rgb[i + 2]);
        return colors.size();
    }
    /// Pixels within `tol` of a colour in each channel.
    int count_near(int r, int g, int b, int tol) const {
        int n = 0;
        for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
            n += (std::abs(rgb[i] - r) <= tol && std::abs(rgb[i + 1] - g) <= tol &&
                  std::abs(rgb[i + 2] - b) <= tol)
                     ? 1
                     : 0;
        }
        return n;
    }
};

inline Image load_png(const std::string& path) {
    Image img;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &channels, 3);
    if (data != nullptr) {
        img.rgb.assign(data, data + static_cast<std::size_t>(img.w) * static_cast<std::size_t>(img.h) * 3);
        stbi_image_free(data);
    }
    return img;
}

/// attnviz run with `args` for `frames` frames, its screenshot read back and the file removed.
struct Shot {
    ProcessRun run;
    Image image;
};
inline Shot screenshot_of(const std::string& args, const std::string& name, int frames = 8) {
    const std::string png = temp_png(name);
    Shot s;
    s.run = run_process(gui_binary() + " " + args + " --frames " + std::to_string(frames) + " --screenshot " +
                        png);
    s.image = load_png(png);
    std::filesystem::remove(png);
    return s;
}

}  // namespace attnviz::testing
