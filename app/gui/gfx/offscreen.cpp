// A framebuffer object with an RGBA8 renderbuffer, ImGui's OpenGL backend drawing into it, and read-back.
#include "app/gui/gfx/offscreen.h"

#include "app/gui/gfx/gl.h"
#include "app/gui/gfx/screenshot.h"

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <string>

namespace attnviz::gui {

int max_offscreen_size() {
    GLint renderbuffer = 0, texture = 0, viewport[2] = {0, 0};
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &renderbuffer);
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &texture);
    glGetIntegerv(GL_MAX_VIEWPORT_DIMS, viewport);
    return std::min({renderbuffer, texture, viewport[0], viewport[1]});
}

Expected<RgbaPicture> render_offscreen(ImDrawData* data, float clear_r, float clear_g, float clear_b) {
    if (data == nullptr) return Error{"nothing was drawn to render offscreen"};
    RgbaPicture pic;
    pic.width = static_cast<int>(data->DisplaySize.x * data->FramebufferScale.x);
    pic.height = static_cast<int>(data->DisplaySize.y * data->FramebufferScale.y);
    const int limit = max_offscreen_size();
    if (pic.width < 1 || pic.height < 1 || pic.width > limit || pic.height > limit) {
        return Error{"cannot render " + std::to_string(pic.width) + " x " + std::to_string(pic.height) +
                     " pixels offscreen: this OpenGL allows at most " + std::to_string(limit) +
                     " on a side; choose a smaller scale or make the window smaller"};
    }
    GLuint fbo = 0, color = 0;
    glGenFramebuffers(1, &fbo);
    glGenRenderbuffers(1, &color);
    glBindRenderbuffer(GL_RENDERBUFFER, color);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, pic.width, pic.height);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
    const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    Expected<RgbaPicture> out = Error{"the offscreen framebuffer of " + std::to_string(pic.width) + " x " +
                                      std::to_string(pic.height) + " pixels is incomplete (GL status " +
                                      std::to_string(status) + "): out of video memory?"};
    if (status == GL_FRAMEBUFFER_COMPLETE) {
        glViewport(0, 0, pic.width, pic.height);
        glClearColor(clear_r, clear_g, clear_b, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(data);
        glReadBuffer(GL_COLOR_ATTACHMENT0);
        pic.rgba = read_framebuffer_rgba(pic.width, pic.height);
        out = std::move(pic);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glDeleteRenderbuffers(1, &color);
    glDeleteFramebuffers(1, &fbo);
    return out;
}

}  // namespace attnviz::gui
