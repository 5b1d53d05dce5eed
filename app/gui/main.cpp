// attnviz: the interactive attention explorer. Command line, platform start, and the frame loop
// (in the order of imgui v1.86's example_glfw_opengl3): events, new frame, update, draw, render.
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/export_actions.h"
#include "app/gui/gfx/heatmap_renderer.h"
#include "app/gui/gfx/offscreen.h"
#include "app/gui/gfx/platform_glfw.h"
#include "app/gui/gfx/screenshot.h"
#include "app/gui/gfx/stage_window.h"
#include "app/gui/gfx/view_textures.h"
#include "app/gui/gui_options.h"
#include "app/gui/presenter_actions.h"
#include "app/gui/session.h"
#include "app/gui/startup.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace {

using namespace attnviz::gui;

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(k, v.size() - 1)];
}

/// Font atlas and style follow the text size, the monitor's scale and the theme.
struct AppearanceTracker {
    float font_scale = -1.0f;
    float content_scale = -1.0f;
    Theme theme = Theme::kDark;
    bool themed = false;

    void apply(AppState& s, Platform& platform, FontLibrary& fonts) {
        const float cs = platform.content_scale();
        const std::string text = text_in_use(s);
        if (s.view.font_scale != font_scale || cs != content_scale || fonts.needs_rebuild(text)) {
            for (const std::string& w :
                 fonts.build(*ImGui::GetIO().Fonts, kBaseFontPixels * s.view.font_scale * cs, text)) {
                std::fprintf(stderr, "attnviz: %s\n", w.c_str());
            }
            platform.reload_font_texture();
            themed = false;
        }
        if (!themed || s.view.theme != theme || s.view.font_scale != font_scale || cs != content_scale) {
            apply_theme(s.view.theme, s.view.font_scale * cs);
            theme = s.view.theme;
            themed = true;
        }
        font_scale = s.view.font_scale;
        content_scale = cs;
    }
};

/// A PNG of the interface: the window's own pixels at 1x with the controls; else the interface drawn
/// again offscreen at `scale` times the window's pixels and cropped to the main view without controls.
/// For sharp text the font atlas is rasterized at the scale for those frames (ImGui's FontGlobalScale
/// keeps the layout in window units), so glyphs are drawn at their size, not magnified.
attnviz::Status write_interface_png(AppState& s, Platform& platform, HeatmapRenderer& renderer,
                                    FontLibrary& fonts, AppearanceTracker& appearance,
                                    const std::string& path, int scale, bool controls) {
    const int fw = platform.framebuffer_width();
    const int fh = platform.framebuffer_height();
    if (scale == 1 && controls) return write_png(path, read_framebuffer_rgba(fw, fh), fw, fh);
    const int max_side = max_offscreen_size();
    if (std::string why = png_scale_unavailable(fw, fh, scale, max_side); !why.empty())
        return "cannot write " + path + ": " + why;
    ImGuiIO& io = ImGui::GetIO();
    const auto k = static_cast<float>(scale);
    if (scale > 1) {
        fonts.build(*io.Fonts, kBaseFontPixels * s.view.font_scale * platform.content_scale() * k,
                    text_in_use(s), 1);
        if (io.Fonts->TexHeight > max_side || io.Fonts->TexWidth > max_side) {
            appearance.font_scale = -1.0f;  // the next frame rebuilds the window's own atlas
            return "cannot write " + path + ": the text at " + std::to_string(scale) +
                   "x needs a font texture larger than this graphics driver allows; choose 2x";
        }
        platform.reload_font_texture();
        io.FontGlobalScale = 1.0f / k;
    }
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    attnviz::Expected<RgbaPicture> pic = attnviz::Error{"not rendered"};
    // Two frames: views size their heatmap textures from the last frame's layout, so the first lays
    // out at the new scale and the second is the picture. No pointer: no hover highlight in it.
    for (int pass = 0; pass < 2; ++pass) {
        platform.new_frame(true, k);
        prepare_view_textures(s, renderer);
        draw(s);
        ImGui::Render();
        if (pass == 1) pic = render_offscreen(ImGui::GetDrawData(), bg.x, bg.y, bg.z);
    }
    io.FontGlobalScale = 1.0f;
    if (scale > 1) appearance.font_scale = -1.0f;  // the next frame rebuilds the window's own atlas
    if (!pic) return "cannot write " + path + ": " + pic.error();
    if (controls) return write_png(path, pic->rgba, pic->width, pic->height);
    // The main view's rectangle in the picture's pixels.
    const float px = static_cast<float>(pic->width) / io.DisplaySize.x;
    const float py = static_cast<float>(pic->height) / io.DisplaySize.y;
    const Rect& r = s.layout.main_area;
    const int x0 = std::clamp(static_cast<int>(std::lround(r.min.x * px)), 0, pic->width - 1);
    const int y0 = std::clamp(static_cast<int>(std::lround(r.min.y * py)), 0, pic->height - 1);
    const int x1 = std::clamp(static_cast<int>(std::lround(r.max.x * px)), x0 + 1, pic->width);
    const int y1 = std::clamp(static_cast<int>(std::lround(r.max.y * py)), y0 + 1, pic->height);
    std::vector<std::uint8_t> crop(static_cast<std::size_t>(x1 - x0) * static_cast<std::size_t>(y1 - y0) * 4);
    for (int y = y0; y < y1; ++y) {
        std::copy_n(&pic->rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(pic->width) +
                                static_cast<std::size_t>(x0)) *
                               4],
                    static_cast<std::size_t>(x1 - x0) * 4,
                    &crop[static_cast<std::size_t>(y - y0) * static_cast<std::size_t>(x1 - x0) * 4]);
    }
    return write_png(path, crop, x1 - x0, y1 - y0);
}

}  // namespace

int main(int argc, char** argv) {
    attnviz::Expected<GuiOptions> parsed = parse_gui_options(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "%s\n", parsed.error().c_str());
        return 2;
    }
    const GuiOptions& options = *parsed;
    if (options.show_help) {
        std::fputs(gui_usage().c_str(), stdout);
        return 0;
    }

    AppState state;
    if (attnviz::Status s = configure_from_options(state, options); !s.empty()) {
        std::fprintf(stderr, "%s\n", s.c_str());
        return 2;
    }
    // Text size and theme are remembered between interactive runs; timed runs (--frames, screenshots)
    // neither read nor write them, so their pictures do not depend on the last session.
    const bool remember = options.frames == 0;
    const std::string settings_path = remember ? SettingsFile::default_path() : std::string();
    SettingsFile settings = SettingsFile::load(settings_path);
    for (const std::string& w : settings.warnings()) std::fprintf(stderr, "attnviz: %s\n", w.c_str());
    apply_saved_appearance(state, settings, options);
    apply_saved_recent_models(state, settings);
    const ViewState appearance_at_start = state.view;
    const bool stage_on_at_start = state.stage_output.prefer_second_monitor;
    bool appearance_changed = false;
    // The last session comes back when the command line names nothing to open; timed runs never touch it.
    if (options.frames == 0) {
        state.session.autosave_path = last_session_path();
        if (!options.has_sentence && !options.has_scenario && options.session.empty() &&
            options.query.empty() && options.panel.empty() && options.model.empty()) {
            restore_last_session(state);
        }
    }

    Platform platform;
    PlatformOptions popts;
    popts.width = options.width;
    popts.height = options.height;
    popts.fullscreen = options.fullscreen;
    popts.vsync = options.frames == 0;  // timed runs measure the frame, not the display's refresh
    if (attnviz::Status s = platform.init(popts); !s.empty()) {
        std::fprintf(stderr, "attnviz: %s\n", s.c_str());
        return 1;
    }
    HeatmapRenderer renderer;
    if (attnviz::Status s = renderer.init(platform.glsl_version_line()); !s.empty()) {
        std::fprintf(stderr, "attnviz: heatmaps fall back to ImGui drawing: %s\n", s.c_str());
    }
    FontLibrary fonts;
    AppearanceTracker appearance;

    // The stage opens on a second monitor when there is one (or in its own window with --stage-window).
    StageWindow stage;
    state.stage_output.forced_window = options.stage_window;
    update_stage_output(state, stage_monitor(platform.monitor_rects(), platform.window_rect()) >= 0);
    if (options.present) enter_presenter(state, 0.0);
    std::vector<double> frame_ms;
    std::vector<double> compute_ms;
    int frame = 0;
    int settle_frames = 0;
    while (!platform.should_close() && !state.requests.quit) {
        const bool timed_run = options.frames > 0;
        // Wait for input when nothing is pending, and always while minimised (no busy spin).
        const FramePlan plan =
            plan_frame(platform.minimized(), platform.framebuffer_width(), platform.framebuffer_height(),
                       timed_run, state.recompute_pending() || state.animating);
        platform.poll_events(plan.wait_for_events, 0.5);
        if (!plan.draw) {
            // The main window minimised: a stage in its own window still shows and steps.
            stage.sync(state, platform);
            if (attnviz::Status s = stage.frame(state, platform, false); !s.empty())
                std::fprintf(stderr, "attnviz: %s\n", s.c_str());
            continue;
        }
        const auto start = std::chrono::steady_clock::now();

        stage.sync(state, platform);
        for (const std::string& path : platform.take_dropped_paths()) load_scenario_from_file(state, path);
        appearance.apply(state, platform, fonts);
        platform.set_fullscreen(state.view.fullscreen);
        platform.new_frame(timed_run);
        handle_shortcuts(state);
        if (options.recompute_every_frame) state.inputs_changed();
        const bool recomputing = state.recompute_pending();
        update(state);
        if (recomputing) compute_ms.push_back(state.derived.compute_ms);
        prepare_view_textures(state, renderer);
        draw(state);
        const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        platform.render(bg.x, bg.y, bg.z);

        if (!state.requests.screenshot.empty() && state.requests.screenshot_wait_frames > 0) {
            --state.requests.screenshot_wait_frames;  // the menu that asked is still in this frame
        } else if (!state.requests.screenshot.empty()) {
            const std::string path = state.requests.screenshot;
            state.requests.screenshot.clear();
            std::error_code ec;
            const std::filesystem::path folder = std::filesystem::path(path).parent_path();
            if (!folder.empty()) std::filesystem::create_directories(folder, ec);
            const attnviz::Status s =
                write_interface_png(state, platform, renderer, fonts, appearance, path,
                                    state.requests.screenshot_scale, state.requests.screenshot_controls);
            state.requests.screenshot_scale = 1;
            state.requests.screenshot_controls = true;
            set_status(state, s.empty() ? "saved " + path : s);
        }
        // Saved once a person changes them (not for what the command line set).
        appearance_changed = appearance_changed || state.view.theme != appearance_at_start.theme ||
                             state.view.font_scale != appearance_at_start.font_scale ||
                             state.stage_output.prefer_second_monitor != stage_on_at_start;
        // The recently opened models too, whenever the list changes.
        bool write = remember && store_recent_models(state, settings);
        // The stage's large text is not the person's text size: remembered once the stage is left.
        if (remember && appearance_changed && !state.presenter.active)
            write = store_appearance(state, settings) || write;
        if (write) {
            if (attnviz::Status s = settings.save(settings_path); !s.empty())
                set_status(state, "settings (text size, theme, recent models) not remembered: " + s);
        }
        // A timed run for a screenshot shows what it asked for: its last frame waits for a model that is
        // still loading or computing, and frames are drawn until the result is on screen (--stats runs
        // measure the frames as they come).
        const bool model_pending =
            state.model.job && (state.model.job->loading() || state.model.job->computing() ||
                                state.derived.model.submitted != 0 || state.recompute_pending());
        if (timed_run && !options.stats && frame + 1 >= options.frames && model_pending &&
            settle_frames < 50) {
            ++settle_frames;
            state.model.job->wait_until_idle();
            platform.swap();
            continue;
        }
        ++frame;
        const bool last = timed_run && frame >= options.frames;
        if (attnviz::Status s = stage.frame(state, platform, timed_run, last ? options.stage_screenshot : "");
            !s.empty()) {
            std::fprintf(stderr, "attnviz: %s\n", s.c_str());
            if (last) {
                stage.close(platform);
                renderer.shutdown();
                platform.shutdown();
                return 1;
            }
        }
        if (last && !options.screenshot.empty()) {
            if (attnviz::Status s =
                    write_interface_png(state, platform, renderer, fonts, appearance, options.screenshot,
                                        options.screenshot_scale, options.screenshot_controls);
                !s.empty()) {
                std::fprintf(stderr, "attnviz: %s\n", s.c_str());
                stage.close(platform);
                renderer.shutdown();
                platform.shutdown();
                return 1;
            }
        }
        platform.swap();
        frame_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (last) break;
    }
    leave_presenter(state);  // the session keeps what the stage had covered, not the stage
    if (attnviz::Status s = save_last_session(state); !s.empty())
        std::fprintf(stderr, "attnviz: %s\n", s.c_str());
    stage.close(platform);
    renderer.shutdown();
    platform.shutdown();
    if (options.stats) {
        std::printf("frames=%d frame_ms_median=%.2f frame_ms_p95=%.2f compute_ms_median=%.3f\n", frame,
                    percentile(frame_ms, 0.5), percentile(frame_ms, 0.95), percentile(compute_ms, 0.5));
    }
    return 0;
}
