// A small key=value settings file that survives between runs (text size, theme, recently opened
// models): $XDG_CONFIG_HOME/attnviz/settings.ini, else ~/.config/attnviz/settings.ini.
#pragma once

#include "core/base/expected.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::gui {

/// The settings as key -> value strings. The file is UTF-8 lines "key=value"; '#' starts a comment
/// line; blank lines are ignored. Keys are [A-Za-z0-9_.-]+ (use "recent_model.0", "recent_model.1" for
/// lists); a value is everything after the first '=', without surrounding spaces, with "\\n" and "\\\\"
/// escapes for newlines and backslashes. A malformed line is skipped with a warning, never an error: a
/// hand-edited file must not stop the program from starting.
class SettingsFile {
  public:
    /// Where the settings live: $XDG_CONFIG_HOME/attnviz/settings.ini when XDG_CONFIG_HOME is an absolute
    /// path, else $HOME/.config/attnviz/settings.ini; empty when neither is set (nothing is remembered).
    static std::string default_path();

    /// Parses a file's text; `name` is used in warnings ("settings.ini:3: ...").
    static SettingsFile parse(const std::string& text, const std::string& name);

    /// Reads the file at path (at most 1 MiB). A missing file gives empty settings and no warning; an
    /// unreadable one gives empty settings and a warning.
    static SettingsFile load(const std::string& path);

    /// Writes every key in sorted order, atomically, creating the folder when it is missing. Returns a
    /// readable error ("cannot create /x/attnviz: ...") or empty.
    Status save(const std::string& path) const;

    /// The text save() writes.
    std::string serialize() const;

    std::optional<std::string> get(const std::string& key) const;
    /// A finite number, or nullopt when the key is missing or its value is not one.
    std::optional<double> get_number(const std::string& key) const;
    /// Sets a value; keys outside [A-Za-z0-9_.-]+ are refused (returns false).
    bool set(const std::string& key, const std::string& value);
    void erase(const std::string& key);

    const std::map<std::string, std::string>& values() const { return m_values; }
    /// What was skipped while parsing or loading, one line each.
    const std::vector<std::string>& warnings() const { return m_warnings; }

  private:
    std::map<std::string, std::string> m_values;
    std::vector<std::string> m_warnings;
};

/// Whether key is a valid settings key: non-empty, [A-Za-z0-9_.-] only.
bool is_settings_key(const std::string& key);

}  // namespace attnviz::gui
