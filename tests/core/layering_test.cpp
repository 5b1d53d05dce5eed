// The dependency direction made visible: nothing in core/ may include UI, GL or app headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

TEST(Layering, CoreIncludesNoUiGlOrAppHeaders) {
    const std::filesystem::path core = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "core";
    ASSERT_TRUE(std::filesystem::is_directory(core)) << core;
    const std::regex forbidden(R"(^\s*#\s*include\s*[<"](imgui|GLFW|glad|GL/|backends/|app/|stb_image))",
                               std::regex::icase);
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(core)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".h" && ext != ".cpp") continue;
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        int line_no = 0;
        while (std::getline(in, line)) {
            ++line_no;
            EXPECT_FALSE(std::regex_search(line, forbidden)) << entry.path().string() << ":" << line_no << ": " << line;
        }
    }
    EXPECT_GT(files, 5);
}

// The engine is the bottom layer: core/attention/ includes only itself, core/base/ and the standard
// library and Eigen, never the lesson model, the file formats, the lab or real models.
TEST(Layering, AttentionIncludesOnlyBaseAndItself) {
    const std::filesystem::path dir = std::filesystem::path(ATTNVIZ_SOURCE_DIR) / "core" / "attention";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    const std::regex project_include(R"re(^\s*#\s*include\s*"([^"]+)")re");
    const std::regex allowed(R"(^core/(attention|base)/)");
    int includes = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        std::ifstream in(entry.path());
        std::string line;
        int line_no = 0;
        while (std::getline(in, line)) {
            ++line_no;
            std::smatch m;
            if (!std::regex_search(line, m, project_include)) continue;
            ++includes;
            EXPECT_TRUE(std::regex_search(m[1].str(), allowed)) << entry.path().string() << ":" << line_no << ": " << line;
        }
    }
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
        for (const auto& entry : std::filesystem::recursive_directory_iterator(gui / folder)) {
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            int line_no = 0;
            while (std::getline(in, line)) {
                ++line_no;
                EXPECT_FALSE(std::regex_search(line, gl_include)) << entry.path().string() << ":" << line_no << ": " << line;
                EXPECT_FALSE(std::regex_search(line, engine_call)) << entry.path().string() << ":" << line_no << ": " << line;
            }
        }
    }
    EXPECT_GT(files, 15);
}

}  // namespace
