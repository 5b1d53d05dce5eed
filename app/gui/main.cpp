// attnviz: the interactive attention explorer. Command line, platform start, and the frame loop
// (in the order of imgui v1.86's example_glfw_opengl3): events, new frame, update, draw, render.
#include "app/gui/app.h"
#include "app/gui/app_actions.h"
#include "app/gui/gfx/heatmap_renderer.h"
#include "app/gui/gfx/platform_glfw.h"
#include "app/gui/gfx/screenshot.h"
#include "app/gui/gfx/view_textures.h"
#include "app/gui/gui_options.h"
#include "app/gui/session.h"
#include "app/gui/startup.h"
#include "app/gui/style/fonts.h"
#include "app/gui/style/theme.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
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
        if (!plan.draw) continue;
        const auto start = std::chrono::steady_clock::now();

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
            const int w = platform.framebuffer_width();
            const int h = platform.framebuffer_height();
            const attnviz::Status s = write_png(path, read_framebuffer_rgba(w, h), w, h);
            set_status(state, s.empty() ? "saved " + path : s);
        }
        // Saved once a person changes them (not for what the command line set).
        appearance_changed = appearance_changed || state.view.theme != appearance_at_start.theme ||
                             state.view.font_scale != appearance_at_start.font_scale;
        // The recently opened models too, whenever the list changes.
        bool write = remember && store_recent_models(state, settings);
        if (remember && appearance_changed) write = store_appearance(state, settings) || write;
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
        if (last && !options.screenshot.empty()) {
            const int w = platform.framebuffer_width();
            const int h = platform.framebuffer_height();
            if (attnviz::Status s = write_png(options.screenshot, read_framebuffer_rgba(w, h), w, h);
                !s.empty()) {
                std::fprintf(stderr, "attnviz: %s\n", s.c_str());
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
    if (attnviz::Status s = save_last_session(state); !s.empty())
        std::fprintf(stderr, "attnviz: %s\n", s.c_str());
    renderer.shutdown();
    platform.shutdown();
    if (options.stats) {
        std::printf("frames=%d frame_ms_median=%.2f frame_ms_p95=%.2f compute_ms_median=%.3f\n", frame,
                    percentile(frame_ms, 0.5), percentile(frame_ms, 0.95), percentile(compute_ms, 0.5));
    }
    return 0;
}
