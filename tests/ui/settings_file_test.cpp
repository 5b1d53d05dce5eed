// The settings file: round trips, hand edits and damage, where it lives, and the remembered appearance.
#include "app/gui/settings_file.h"
#include "app/gui/startup.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace attnviz::gui {
namespace {

std::filesystem::path fresh_dir(const char* name) {
    const std::filesystem::path d = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(d);
    return d;
}

TEST(SettingsFile, SaveThenLoadGivesTheSameValues) {
    const std::filesystem::path dir = fresh_dir("attnviz_settings_roundtrip");
    const std::string path = (dir / "attnviz" / "settings.ini").string();  // the folder does not exist yet
    SettingsFile f;
    ASSERT_TRUE(f.set("theme", "light"));
    ASSERT_TRUE(f.set("font_scale", "1.5"));
    ASSERT_TRUE(f.set("recent_model.0", "/models/gpt2 = small\\nx"));  // '=' and backslash in a value
    ASSERT_TRUE(f.set("note", "two\nlines"));
    ASSERT_EQ(f.save(path), "");
    const SettingsFile back = SettingsFile::load(path);
    EXPECT_TRUE(back.warnings().empty());
    EXPECT_EQ(back.values(), f.values());
    EXPECT_EQ(back.get_number("font_scale"), 1.5);
    std::filesystem::remove_all(dir);
}

TEST(SettingsFile, HandEditsAreReadAndDamageIsSkippedWithAWarning) {
    const SettingsFile f = SettingsFile::parse(
        "# comment\n\n  theme = light  \nno equals sign\nbad key!=1\nfont_scale=abc\nempty=\n", "s.ini");
    EXPECT_EQ(f.get("theme"), "light");
    EXPECT_EQ(f.get("empty"), "");
    EXPECT_EQ(f.get_number("font_scale"), std::nullopt) << "not a number";
    EXPECT_EQ(f.get("missing"), std::nullopt);
    ASSERT_EQ(f.warnings().size(), 2u);
    EXPECT_EQ(f.warnings()[0].rfind("s.ini:4:", 0), 0u) << f.warnings()[0];
    EXPECT_EQ(f.warnings()[1].rfind("s.ini:5:", 0), 0u) << f.warnings()[1];
    SettingsFile g;
    EXPECT_FALSE(g.set("has space", "x"));
    EXPECT_FALSE(g.set("", "x"));
    EXPECT_TRUE(g.values().empty());
}

TEST(SettingsFile, AMissingFileIsEmptyWithoutWarning) {
    const SettingsFile f = SettingsFile::load("/nonexistent/attnviz/settings.ini");
    EXPECT_TRUE(f.values().empty());
    EXPECT_TRUE(f.warnings().empty());
}

TEST(SettingsFile, LivesUnderXdgConfigHomeElseHomeDotConfig) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    const std::string old_xdg = xdg ? xdg : "", old_home = home ? home : "";
    setenv("XDG_CONFIG_HOME", "/tmp/cfg", 1);
    EXPECT_EQ(SettingsFile::default_path(), "/tmp/cfg/attnviz/settings.ini");
    setenv("XDG_CONFIG_HOME", "relative", 1);  // the spec: a relative path is ignored
    setenv("HOME", "/home/teacher", 1);
    EXPECT_EQ(SettingsFile::default_path(), "/home/teacher/.config/attnviz/settings.ini");
    if (xdg)
        setenv("XDG_CONFIG_HOME", old_xdg.c_str(), 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    if (home) setenv("HOME", old_home.c_str(), 1);
}

TEST(RememberedAppearance, TextSizeAndThemeComeBackUnlessTheCommandLineSetsThem) {
    AppState first;
    first.view.theme = Theme::kLight;
    first.view.font_scale = 1.75f;
    SettingsFile settings;
    EXPECT_TRUE(store_appearance(first, settings));
    EXPECT_FALSE(store_appearance(first, settings)) << "unchanged: nothing to write";
    const SettingsFile reread = SettingsFile::parse(settings.serialize(), "settings.ini");

    AppState next;
    apply_saved_appearance(next, reread, GuiOptions{});
    EXPECT_EQ(next.view.theme, Theme::kLight);
    EXPECT_FLOAT_EQ(next.view.font_scale, 1.75f);

    GuiOptions cli;
    cli.has_theme = true;
    cli.theme = "dark";
    cli.has_font_scale = true;
    AppState told;
    apply_saved_appearance(told, reread, cli);
    EXPECT_EQ(told.view.theme, Theme::kDark) << "the command line wins";
    EXPECT_FLOAT_EQ(told.view.font_scale, 1.0f);

    AppState damaged;
    apply_saved_appearance(damaged, SettingsFile::parse("theme=purple\nfont_scale=40\n", "s"), GuiOptions{});
    EXPECT_EQ(damaged.view.theme, Theme::kDark);
    EXPECT_FLOAT_EQ(damaged.view.font_scale, 1.0f);
}

}  // namespace
}  // namespace attnviz::gui
