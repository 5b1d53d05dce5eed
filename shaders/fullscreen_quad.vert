// A quad over the whole render target from gl_VertexID alone (draw 4 vertices as a triangle strip, no
// vertex buffer). v_uv runs 0..1 with v_uv.y = 0 on framebuffer row 0.
// The #version line is prepended at run time (330 core, or 130 on older GL).
out vec2 v_uv;

void main() {
    vec2 corner = vec2((gl_VertexID & 1) != 0 ? 1.0 : 0.0, (gl_VertexID & 2) != 0 ? 1.0 : 0.0);
    v_uv = corner;
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
