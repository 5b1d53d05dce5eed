// The dependency direction made visible: nothing in core/ may include UI, GL or app headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <string>

namespace {

/// Calls check(where, line) for every line of the .h and .cpp files below dir ("file:line" in where);
/// returns how many files it read.
int for_each_source_line(
    const std::filesystem::path& dir,
    const std::function<void(const std::string& where, const std::string& line)>& check) {
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".h" && ext != ".cpp") continue;
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        int line_no = 0;
        while (std::getline(in, line)) check(entry.path().string() + ":" + std::to_string(++line_no), line);
    }
    return files;
}

TEST(Layering, CoreIncludesNoUiGlOrAppHeaders) {
    const std::filesystem::path core = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "core";
    ASSERT_TRUE(std::filesystem::is_directory(core)) << core;
    const std::regex forbidden(R"(^\s*#\s*include\s*[<"](imgui|GLFW|glad|GL/|backends/|app/|stb_image))",
                               std::regex::icase);
    const int files = for_each_source_line(core, [&](const std::string& where, const std::string& line) {
        EXPECT_FALSE(std::regex_search(line, forbidden)) << where << ": " << line;
    });
    EXPECT_GT(files, 5);
}

// Eigen comes in through core/base/eigen.h only, which silences GCC 12's false uninitialized warnings
// in the AVX-512 headers for those headers' lines (a direct include would let them through again).
TEST(Layering, EigenIsIncludedThroughOneHeader) {
    const std::filesystem::path root(ATTNVIZ_SOURCE_DIR);
    const std::regex eigen_include(R"(^\s*#\s*include\s*<(Eigen/|[a-z0-9]*intrin\.h))");
    int files = 0;
    for (const char* dir : {"core", "app", "tests"}) {
        files += for_each_source_line(root / dir, [&](const std::string& where, const std::string& line) {
            if (where.find("core/base/eigen.h:") != std::string::npos) return;
            if (where.find("app/cli/bench_peak.cpp:") != std::string::npos) return;  // raw FMA, no Eigen
            EXPECT_FALSE(std::regex_search(line, eigen_include)) << where << ": " << line;
        });
    }
    EXPECT_GT(files, 100);
}

// The engine is the bottom layer: core/attention/ includes only itself, core/base/ and the standard
// library and Eigen, never the lesson model, the file formats, the lab or real models.
TEST(Layering, AttentionIncludesOnlyBaseAndItself) {
    const std::filesystem::path dir = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "core" / "attention";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    const std::regex project_include(R"re(^\s*#\s*include\s*"([^"]+)")re");
    const std::regex allowed(R"(^core/(attention|base)/)");
    int includes = 0;
    for_each_source_line(dir, [&](const std::string& where, const std::string& line) {
        std::smatch m;
        if (!std::regex_search(line, m, project_include)) return;
        ++includes;
        EXPECT_TRUE(std::regex_search(m[1].str(), allowed)) << where << ": " << line;
    });
    EXPECT_GT(includes, 10);
}

// Panels (app/gui/chrome, views, widgets) draw and call actions: no GL or GLFW (gfx/ holds every GL
// call) and no engine call (update() makes those once per frame).
TEST(Layering, GuiPanelsCallNoGlAndNoEngine) {
    const std::filesystem::path gui = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "app" / "gui";
    const std::regex gl_include(R"(^\s*#\s*include\s*[<"](app/gui/gfx/|glad|GLFW|GL/))");
    const std::regex engine_call(
        R"(\b(compute_attention|compute_flash_attention|run_lesson|run_hand_example|run_attention_source|hand_forward|)"
        R"(sweep_temperature|scaling_stats|scaling_curve|compare_kv_cache|estimate_attention_io|tokenize)\s*\(|\bforward\((?!\)))");
    int files = 0;
    for (const char* folder : {"chrome", "views", "widgets"}) {
        ASSERT_TRUE(std::filesystem::is_directory(gui / folder)) << (gui / folder);
        files += for_each_source_line(gui / folder, [&](const std::string& where, const std::string& line) {
            EXPECT_FALSE(std::regex_search(line, gl_include)) << where << ": " << line;
            EXPECT_FALSE(std::regex_search(line, engine_call)) << where << ": " << line;
        });
    }
    EXPECT_GT(files, 15);
}

// The widget registry (app/gui/widgets/widget_registry.h) is where tests find widgets: production code
// only notes into it. A rectangle that production code reads back belongs in FrameLayout.
TEST(Layering, ProductionCodeNeverReadsTheWidgetRegistry) {
    const std::filesystem::path app = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "app";
    const std::regex read(R"(\b(widgets\.|WidgetRegistry\b.*)(find|all|records)\s*\()");
    const int files = for_each_source_line(app, [&](const std::string& where, const std::string& line) {
        if (where.find("widget_registry.") != std::string::npos) return;
        EXPECT_FALSE(std::regex_search(line, read)) << where << ": " << line;
    });
    EXPECT_GT(files, 50);
}

// The namespace follows the folder: core/<folder>/ opens attnviz::<folder> (core/base/, the vocabulary
// types every file uses, is the root attnviz), so a name says where it lives.
TEST(Layering, CoreFoldersOpenTheirNamespace) {
    const std::filesystem::path core = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "core";
    const std::regex opening(R"(^\s*namespace\s+(attnviz(::\w+)*)\s*\{)");
    int folders = 0;
    for (const auto& folder : std::filesystem::directory_iterator(core)) {
        if (!folder.is_directory()) continue;
        ++folders;
        const std::string name = folder.path().filename().string();
        const std::string expected = name == "base" ? "attnviz" : "attnviz::" + name;
        std::map<std::string, int> opens_own;  // file -> namespaces of its folder it opens
        const int files =
            for_each_source_line(folder.path(), [&](const std::string& where, const std::string& line) {
                const std::string file = where.substr(0, where.rfind(':'));
                opens_own.try_emplace(file, 0);
                std::smatch m;
                if (!std::regex_search(line, m, opening)) return;
                const std::string ns = m[1].str();
                // its own namespace or one nested in it; base/ opens exactly attnviz
                const bool own = ns == expected || (name != "base" && ns.rfind(expected + "::", 0) == 0);
                EXPECT_TRUE(own) << where << " opens " << ns << ", expected " << expected;
                if (own) ++opens_own[file];
            });
        // base/eigen.h only includes Eigen; every other folder's file declares something
        for (const auto& [file, n] : opens_own) {
            if (name != "base") {
                EXPECT_GT(n, 0) << file << " opens no namespace " << expected;
            }
        }
        EXPECT_GT(files, 0) << folder.path();
    }
    EXPECT_GE(folders, 7);
}

}  // namespace
