// The settings' JSON fields in one table (key, kind, range, member, one line of doc) and the reader, writer
// and comparison built from it: scenario files, session files, exports and attnviz-cli --json all use these.
#pragma once

#include "core/io/json.h"
#include "core/lesson/lesson_run.h"

#include <optional>
#include <string>
#include <vector>

namespace attnviz::lesson {

struct IntRange {
    int lo = 0;
    int hi = 0;
};

/// The ranges that depend on which model the settings are for: the lesson model's 8 heads (scenario and
/// session files) or any model's (an export, which may come from a real model with its own window).
struct SettingsLimits {
    IntRange heads;   ///< heads and kv_heads
    IntRange window;  ///< 0 = no window
};

/// The lesson model's limits: 1..lesson::kMaxHeads heads, windows 0..2^30.
SettingsLimits lesson_settings_limits();

enum class SettingKind {
    kCount,        ///< a whole number in a range of SettingsLimits
    kFlag,         ///< true or false
    kTemperature,  ///< a number >= 0, or the string "inf" (+infinity)
};

/// One setting as it is written in JSON. Exactly one member pointer is set, the one of its kind.
struct SettingField {
    const char* key = "";  ///< the JSON key: "kv_heads"
    SettingKind kind = SettingKind::kFlag;
    const char* doc = "";  ///< one line for people
    int LessonRunSettings::*count = nullptr;
    IntRange SettingsLimits::*range = nullptr;  ///< kCount: where its range comes from
    /// kCount: when set, the value must divide this member's, and takes its value when absent (kv_heads
    /// divides heads: grouped-query attention).
    int LessonRunSettings::*divides = nullptr;
    bool LessonRunSettings::*flag = nullptr;
    double LessonRunSettings::*real = nullptr;
};

/// Every setting written to JSON, in the order files list them. max_tokens is not one (a run's cap, not
/// part of what a file describes). A new setting is one line of this table (plus its GUI control and
/// CLI flag).
const std::vector<SettingField>& setting_fields();

/// True when `key` is a setting of the table.
bool is_setting_key(const std::string& key);
/// "heads, kv_heads, temperature, ...": the table's keys, for messages about unknown members.
std::string setting_keys_text();

/// A settings member that cannot be read: where it stands, its key and what to do about it. Each file
/// format words the place its own way ("$.settings.heads" in scenarios, "settings.heads" in sessions).
struct SettingsProblem {
    const io::JsonValue* at = nullptr;  ///< the value (its line and column), or the settings object
    std::string key;                    ///< "heads"
    std::string what;                   ///< "must be a whole number from 1 to 8, found 99"
};

/// Reads the table's members of a "settings" object into `out`; absent members keep their value (an
/// absent kv_heads takes heads'). Members not in the table are the caller's (is_setting_key). Returns the
/// first problem: a wrong type, a value outside `limits`, kv_heads not dividing heads.
std::optional<SettingsProblem> read_settings_json(const io::JsonValue& settings, const SettingsLimits& limits,
                                                  LessonRunSettings& out);

/// The "settings" object: every field of the table in its order; temperatures with every digit the double
/// needs, +infinity as "inf". read_settings_json reads it back equal (same_settings).
io::JsonValue settings_json(const LessonRunSettings& s);

/// A temperature as settings are written: a number with every digit the double needs, +infinity as "inf".
io::JsonValue temperature_json(double t);
/// Reads what temperature_json writes (a number >= 0 or "inf"); false, `out` untouched, for anything else.
bool read_temperature_json(const io::JsonValue& v, double& out);

/// Equal in every field of the table (max_tokens is not compared).
bool same_settings(const LessonRunSettings& a, const LessonRunSettings& b);

}  // namespace attnviz::lesson
