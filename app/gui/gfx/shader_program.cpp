// GLSL compile and link with captured info logs; sources come from the binary (shaders/ embedded).
#include "app/gui/gfx/shader_program.h"

#include "core/io/embedded_file.h"

#include <vector>

namespace attnviz::gui {

io::EmbeddedTable embedded_shaders();  // generated from shaders/ by assets/embed.cmake

namespace {

std::string info_log(GLuint object, bool is_program) {
    GLint length = 0;
    if (is_program) {
        glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length);
    } else {
        glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
    }
    std::vector<char> log(static_cast<std::size_t>(std::max(1, length)), '\0');
    if (is_program) {
        glGetProgramInfoLog(object, length, nullptr, log.data());
    } else {
        glGetShaderInfoLog(object, length, nullptr, log.data());
    }
    return std::string(log.data());
}

Expected<GLuint> compile(GLenum type, const std::string& version_line, const std::string& name) {
    Expected<std::string> body = embedded_shader(name);
    if (!body) return Error{body.error()};
    const std::string source = version_line + "\n" + *body;
    const char* text = source.c_str();
    const GLuint shader = glCreateShader(type);
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) {
        const std::string log = info_log(shader, false);
        glDeleteShader(shader);
        return Error{"shader " + name + " failed to compile (" + version_line + "): " + log};
    }
    return shader;
}

}  // namespace

std::string glsl_version_line(int gl_major, int gl_minor) {
    if (gl_major > 3 || (gl_major == 3 && gl_minor >= 3)) return "#version 330 core";
    return "#version 130";
}

Expected<std::string> embedded_shader(const std::string& name) {
    const io::EmbeddedFile* f = embedded_shaders().find(name);
    if (f == nullptr) return Error{"missing embedded shader " + name};
    return std::string(f->text());
}

Expected<GLuint> build_program(const std::string& version_line, const std::string& vert_name,
                               const std::string& frag_name) {
    Expected<GLuint> vs = compile(GL_VERTEX_SHADER, version_line, vert_name);
    if (!vs) return vs;
    Expected<GLuint> fs = compile(GL_FRAGMENT_SHADER, version_line, frag_name);
    if (!fs) {
        glDeleteShader(*vs);
        return fs;
    }
    const GLuint program = glCreateProgram();
    glAttachShader(program, *vs);
    glAttachShader(program, *fs);
    glBindFragDataLocation(program, 0, "frag_color");
    glLinkProgram(program);
    glDeleteShader(*vs);
    glDeleteShader(*fs);
    GLint ok = GL_FALSE;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (ok != GL_TRUE) {
        const std::string log = info_log(program, true);
        glDeleteProgram(program);
        return Error{"program " + vert_name + " + " + frag_name + " failed to link: " + log};
    }
    return program;
}

}  // namespace attnviz::gui
