// Heatmap colouring: each matrix cell holds t in [0, 1] and a state; visible cells take their colour from
// a 256-entry colormap table (index round(t * 255), exactly as app/gui/colormap.cpp computes it), masked
// cells are hatched, rows with no visible key are filled with their own colour. Thin grid lines appear
// once cells are large enough to tell apart.
uniform sampler2D u_cells;      // RG32F, [n_rows, n_cols]: r = t, g = state (0 value, 1 masked, 2 empty row)
uniform sampler2D u_lut;        // RGBA8, 256 x 1 colormap table
uniform vec4 u_window;          // visible part of the matrix in [0,1]^2: (x0, y0, x1, y1), row 0 at y0
uniform vec2 u_target_px;       // size of the render target in pixels
uniform vec3 u_masked_rgb;
uniform vec3 u_masked_line_rgb;
uniform vec3 u_empty_rgb;
uniform vec3 u_grid_rgb;

in vec2 v_uv;
out vec4 frag_color;

void main() {
    ivec2 size = textureSize(u_cells, 0);  // (n_cols, n_rows)
    vec2 m = mix(u_window.xy, u_window.zw, v_uv);
    vec2 cellf = m * vec2(size);
    ivec2 cell = clamp(ivec2(floor(cellf)), ivec2(0), size - ivec2(1));
    vec2 c = texelFetch(u_cells, cell, 0).rg;

    vec3 rgb;
    if (c.g > 1.5) {
        rgb = u_empty_rgb;
    } else if (c.g > 0.5) {
        float stripe = mod(gl_FragCoord.x + gl_FragCoord.y, 7.0);
        rgb = stripe < 1.6 ? u_masked_line_rgb : u_masked_rgb;
    } else {
        int index = clamp(int(c.r * 255.0 + 0.5), 0, 255);
        rgb = texelFetch(u_lut, ivec2(index, 0), 0).rgb;
    }

    vec2 cell_px = u_target_px / (vec2(size) * (u_window.zw - u_window.xy));
    if (min(cell_px.x, cell_px.y) >= 12.0) {
        vec2 inside = fract(cellf) * cell_px;
        if (inside.x < 1.0 || inside.y < 1.0) rgb = mix(rgb, u_grid_rgb, 0.55);
    }
    frag_color = vec4(rgb, 1.0);
}
