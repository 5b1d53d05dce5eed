// attnviz's command line, parsed with the shared strict parser.
#include "app/gui/gui_options.h"

#include "app/common/args.h"
#include "app/gui/compare_actions.h"
#include "app/gui/views/views.h"

#include <cmath>
#include <string>
#include <vector>

namespace attnviz::gui {

namespace {

const char kUsage[] =
    "usage: attnviz [FILE.attnviz] [--sentence TEXT] [--scenario NAME|FILE] [--query TOKEN|INDEX]\n"
    "               [--font-scale F] [--theme dark|light] [--fullscreen]\n"
    "               [--frames N] [--screenshot PATH.png [--scale 1|2|4] [--no-controls]]\n"
    "               [--stats] [--size WxH] [--present [--stage-window] [--stage-screenshot PATH.png]]\n"
    "               [--panel VIEW] [--model DIR|stories260K] [--compare LESSON]\n"
    "\n"
    "Opens the attention explorer on a lesson (default: the scenario \"pod\", query \"it\"),\n"
    "or with --model on a trained model (a Hugging Face folder; it never downloads one).\n"
    "--frames N renders N frames and exits 0; --screenshot writes the last frame as PNG;\n"
    "--stats prints frame and compute timings at exit.";

cmdline::ArgParser make_parser() {
    cmdline::ArgParser p("attnviz", kUsage);
    p.option("sentence", "TEXT", "start with this sentence instead of a lesson");
    p.option("scenario", "NAME|FILE",
             "a built-in lesson (see attnviz-cli scenarios) or a scenario .json file");
    p.option("query", "TOKEN|INDEX", "the query token to select (its text or its index)");
    p.option("font-scale", "F", "interface size, 0.6 to 3 (default 1); Ctrl +/- change it live");
    p.option("theme", "NAME", "dark (default) or light");
    p.flag("fullscreen", "start in full screen (F11 toggles)");
    p.option("frames", "N", "render N frames, then exit 0");
    p.option("screenshot", "PATH.png", "write the last frame to a PNG file");
    p.option("scale", "1|2|4",
             "--screenshot at 2 or 4 times the window's pixels, rendered offscreen with sharp text");
    p.flag("no-controls", "--screenshot of the main view alone, without menus, controls and sentence bar");
    p.flag("present", "start in presenter mode (F5 toggles; PageDown / PageUp step; Esc leaves)");
    p.flag("stage-window",
           "presenter mode's stage in a window of its own even on one monitor (move it to a projector, or "
           "share only it in a video call); the controls stay in the main window. With two monitors the "
           "stage opens on the second by itself (View > Stage on)");
    p.option("stage-screenshot", "PATH.png",
             "with --frames: write the stage window's last frame to a PNG file");
    p.flag("stats", "print frames=N frame_ms_median=X frame_ms_p95=Y compute_ms_median=Z at exit");
    p.flag("recompute-every-frame", "benchmark: recompute every frame, as while dragging a slider");
    p.option("size", "WxH", "window size in pixels (default 1280x800)");
    p.option("panel", "VIEW", "open this view first: " + view_names());
    p.option("model", "DIR",
             "open a model folder (config.json, model.safetensors, tokenizer.json), a Hugging Face cache "
             "folder, or the built-in stories260K");
    p.option("compare", "LESSON",
             "open a Compare (A/B) lesson: mask, temperature, head or plural (A pinned, B changed once)");
    p.option("session", "FILE.attnviz",
             "open a saved session (File > Save session); also: attnviz FILE.attnviz");
    return p;
}

}  // namespace

std::string gui_usage() {
    return make_parser().help_text();
}

Expected<GuiOptions> parse_gui_options(int argc, char** argv) {
    cmdline::ArgParser p = make_parser();
    // `attnviz FILE.attnviz`: a session named without an option (as a file manager opens it).
    std::vector<char*> args(argv, argv + argc);
    std::string positional_session;
    if (args.size() > 1 && std::string(args[1]).size() > 8 &&
        std::string(args[1]).compare(std::string(args[1]).size() - 8, 8, ".attnviz") == 0) {
        positional_session = args[1];
        args.erase(args.begin() + 1);
    }
    if (Status s = p.parse(static_cast<int>(args.size()), args.data(), 1); !s.empty()) return Error{s};
    GuiOptions o;
    o.session = positional_session;
    if (auto v = p.get("session")) {
        if (!positional_session.empty()) return Error{p.error("session", "give the session once")};
        o.session = *v;
    }
    o.show_help = p.help_requested();
    if (auto v = p.get("sentence")) {
        o.sentence = *v;
        o.has_sentence = true;
    }
    if (auto v = p.get("scenario")) {
        o.scenario = *v;
        o.has_scenario = true;
    }
    if (auto v = p.get("query")) o.query = *v;
    if (auto v = p.get("font-scale")) {
        Expected<double> f = cmdline::parse_number(*v, "--font-scale");
        if (!f) return Error{"attnviz: " + f.error()};
        if (!std::isfinite(*f) || *f < 0.6 || *f > 3.0)
            return Error{p.error("font-scale", "must be between 0.6 and 3")};
        o.font_scale = static_cast<float>(*f);
        o.has_font_scale = true;
    }
    if (auto v = p.get("theme")) {
        if (*v != "dark" && *v != "light")
            return Error{p.error("theme", "'" + *v + "' is not dark or light")};
        o.theme = *v;
        o.has_theme = true;
    }
    o.fullscreen = p.has("fullscreen");
    if (auto v = p.get("frames")) {
        Expected<long long> n = cmdline::parse_count(*v, "--frames", 1, 1000000);
        if (!n) return Error{"attnviz: " + n.error()};
        o.frames = static_cast<int>(*n);
    }
    if (auto v = p.get("screenshot")) o.screenshot = *v;
    if (auto v = p.get("scale")) {
        if (*v != "1" && *v != "2" && *v != "4")
            return Error{p.error("scale", "'" + *v + "' is not 1, 2 or 4")};
        o.screenshot_scale = std::stoi(*v);
    }
    o.screenshot_controls = !p.has("no-controls");
    if ((o.screenshot_scale != 1 || !o.screenshot_controls) && o.screenshot.empty())
        return Error{"attnviz: --scale and --no-controls apply to --screenshot PATH.png; give one"};
    o.present = p.has("present");
    o.stage_window = p.has("stage-window");
    if (auto v = p.get("stage-screenshot")) o.stage_screenshot = *v;
    if (!o.stage_screenshot.empty() && (o.frames == 0 || !o.present))
        return Error{"attnviz: --stage-screenshot needs --present and --frames N (it writes the last frame)"};
    if (auto v = p.get("panel")) o.panel = *v;
    if (auto v = p.get("model")) {
        if (v->empty()) return Error{p.error("model", "is empty; give a model folder or stories260K")};
        o.model = *v;
    }
    if (auto v = p.get("compare")) {
        if (compare_demo_from_name(*v) == CompareDemo::kNone)
            return Error{
                p.error("compare", "'" + *v + "' is not a Compare lesson: mask, temperature, head, plural")};
        o.compare = *v;
    }
    o.stats = p.has("stats");
    o.recompute_every_frame = p.has("recompute-every-frame");
    if (auto v = p.get("size")) {
        const std::size_t x = v->find('x');
        Expected<long long> w =
            cmdline::parse_count(x == std::string::npos ? *v : v->substr(0, x), "--size width", 200, 16384);
        Expected<long long> h =
            cmdline::parse_count(x == std::string::npos ? "" : v->substr(x + 1), "--size height", 150, 16384);
        if (x == std::string::npos) return Error{p.error("size", "'" + *v + "' is not WxH, e.g. 1280x800")};
        // Say which number is wrong and why ("--size width: 10 is outside 200..16384").
        if (!w) return Error{"attnviz: " + w.error() + " (e.g. --size 1280x800)"};
        if (!h) return Error{"attnviz: " + h.error() + " (e.g. --size 1280x800)"};
        o.width = static_cast<int>(*w);
        o.height = static_cast<int>(*h);
    }
    return o;
}

}  // namespace attnviz::gui
