// The key=value settings file: parse, serialize, load and save.
#include "app/gui/settings_file.h"

#include "core/io/file_io.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace attnviz::gui {

namespace {

constexpr std::int64_t kMaxSettingsBytes = 1 << 20;

std::string escape(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c != '\r') {
            out += c;
        }
    }
    return out;
}

std::string unescape(const std::string& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == 'n' || v[i + 1] == '\\')) {
            out += v[i + 1] == 'n' ? '\n' : '\\';
            ++i;
        } else {
            out += v[i];
        }
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

}  // namespace

bool is_settings_key(const std::string& key) {
    if (key.empty()) return false;
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string SettingsFile::default_path() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    if (config != nullptr && config[0] == '/')
        return (std::filesystem::path(config) / "attnviz" / "settings.ini").string();
    const char* home = std::getenv("HOME");
    if (home != nullptr && home[0] == '/')
        return (std::filesystem::path(home) / ".config" / "attnviz" / "settings.ini").string();
    return "";
}

SettingsFile SettingsFile::parse(const std::string& text, const std::string& name) {
    SettingsFile f;
    std::size_t start = 0;
    int line_no = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        ++line_no;
        start = end == std::string::npos ? text.size() + 1 : end + 1;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const std::size_t eq = t.find('=');
        const std::string key = eq == std::string::npos ? t : trim(t.substr(0, eq));
        if (eq == std::string::npos || !is_settings_key(key)) {
            f.m_warnings.push_back(name + ":" + std::to_string(line_no) +
                                   ": skipped; expected key=value with a key of letters, digits, _ . -");
            continue;
        }
        f.m_values[key] = unescape(trim(t.substr(eq + 1)));
    }
    return f;
}

SettingsFile SettingsFile::load(const std::string& path) {
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) return SettingsFile{};
    Expected<std::string> bytes = io::read_file_bytes(path, kMaxSettingsBytes);
    if (!bytes) {
        SettingsFile f;
        f.m_warnings.push_back("settings not read: " + bytes.error());
        return f;
    }
    return parse(*bytes, path);
}

std::string SettingsFile::serialize() const {
    std::string out = "# attnviz settings: key=value, written by attnviz (edits are kept)\n";
    for (const auto& [k, v] : m_values) out += k + "=" + escape(v) + "\n";
    return out;
}

Status SettingsFile::save(const std::string& path) const {
    if (path.empty()) return "no settings file: neither XDG_CONFIG_HOME nor HOME is set";
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    if (ec) return "cannot create " + folder.string() + ": " + ec.message();
    return io::write_file_atomically(path, serialize());
}

std::optional<std::string> SettingsFile::get(const std::string& key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::optional<double> SettingsFile::get_number(const std::string& key) const {
    const std::optional<std::string> v = get(key);
    if (!v || v->empty()) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (end != v->c_str() + v->size() || !std::isfinite(d)) return std::nullopt;
    return d;
}

bool SettingsFile::set(const std::string& key, const std::string& value) {
    if (!is_settings_key(key)) return false;
    m_values[key] = value;
    return true;
}

void SettingsFile::erase(const std::string& key) {
    m_values.erase(key);
}

}  // namespace attnviz::gui
