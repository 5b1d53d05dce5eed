// Compiling and linking GLSL programs from embedded sources, with the driver's info log on failure.
#pragma once

#include "app/gui/gfx/gl.h"
#include "core/base/expected.h"

#include <string>

namespace attnviz::gui {

/// GLSL version line for a GL context: "#version 330 core" for 3.3+, "#version 130" for 3.0-3.2.
std::string glsl_version_line(int gl_major, int gl_minor);

/// Looks up an embedded shader source by file name ("heatmap.frag").
Expected<std::string> embedded_shader(const std::string& name);

/// Compiles a vertex and a fragment shader (each given without its #version line) and links them.
/// Errors carry the file names and the driver's info log.
Expected<GLuint> build_program(const std::string& version_line, const std::string& vert_name,
                               const std::string& frag_name);

}  // namespace attnviz::gui
