// The table of the settings' JSON fields, and the one reader, writer and comparison that walk it.
#include "core/lesson/settings_fields.h"

#include "core/attention/attention_config.h"
#include "core/lesson/lesson_heads.h"

#include <cmath>
#include <limits>

namespace attnviz::lesson {

namespace {

using S = LessonRunSettings;

SettingField field(const char* key, SettingKind kind, const char* doc) {
    SettingField f;
    f.key = key;
    f.kind = kind;
    f.doc = doc;
    return f;
}

SettingField count_field(const char* key, int S::*member, IntRange SettingsLimits::*range, const char* doc,
                         int S::*divides = nullptr) {
    SettingField f = field(key, SettingKind::kCount, doc);
    f.count = member;
    f.range = range;
    f.divides = divides;
    return f;
}

SettingField flag_field(const char* key, bool S::*member, const char* doc) {
    SettingField f = field(key, SettingKind::kFlag, doc);
    f.flag = member;
    return f;
}

SettingField temperature_field(const char* key, double S::*member, const char* doc) {
    SettingField f = field(key, SettingKind::kTemperature, doc);
    f.real = member;
    return f;
}

/// "found 99" / "found a string": what stood where the setting was expected.
std::string found(const io::JsonValue& v) {
    return std::string(", found ") + (v.is_number() ? v.dump(false) : io::json_type_name(v));
}

std::optional<SettingsProblem> read_field(const SettingField& f, const io::JsonValue& v,
                                          const SettingsLimits& limits, S& out) {
    switch (f.kind) {
        case SettingKind::kCount: {
            const IntRange r = limits.*f.range;
            if (!v.is_int() || v.as_int() < r.lo || v.as_int() > r.hi) {
                return SettingsProblem{&v, f.key,
                                       "must be a whole number from " + std::to_string(r.lo) + " to " +
                                           std::to_string(r.hi) + found(v)};
            }
            out.*f.count = static_cast<int>(v.as_int());
            return std::nullopt;
        }
        case SettingKind::kFlag:
            if (!v.is_bool()) return SettingsProblem{&v, f.key, "must be true or false" + found(v)};
            out.*f.flag = v.as_bool();
            return std::nullopt;
        case SettingKind::kTemperature:
            if (!read_temperature_json(v, out.*f.real))
                return SettingsProblem{&v, f.key, "must be a number from 0 up, or \"inf\"" + found(v)};
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

SettingsLimits lesson_settings_limits() {
    return SettingsLimits{{1, lesson::kMaxHeads}, {0, 1 << 30}};
}

const std::vector<SettingField>& setting_fields() {
    static const std::vector<SettingField> fields = {
        count_field("heads", &S::n_heads, &SettingsLimits::heads, "query heads: the first n designed heads"),
        count_field(
            "kv_heads", &S::n_kv_heads, &SettingsLimits::heads,
            "K and V heads, dividing heads (fewer: grouped-query attention); absent: as many as heads",
            &S::n_heads),
        temperature_field("temperature", &S::temperature,
                          "softmax temperature: 0 = argmax, \"inf\" = uniform"),
        flag_field("causal", &S::causal, "causal mask: a query sees no later key (not in cross-attention)"),
        count_field("window", &S::window, &SettingsLimits::window, "sliding window in tokens; 0 = none"),
        flag_field("scale", &S::scale, "scores multiplied by 1/sqrt(head_dim)"),
        flag_field("use_positions", &S::use_positions,
                   "positional encodings added (off: order is invisible)"),
    };
    return fields;
}

bool is_setting_key(const std::string& key) {
    for (const SettingField& f : setting_fields()) {
        if (key == f.key) return true;
    }
    return false;
}

std::string setting_keys_text() {
    std::string out;
    for (const SettingField& f : setting_fields()) out += (out.empty() ? "" : ", ") + std::string(f.key);
    return out;
}

std::optional<SettingsProblem> read_settings_json(const io::JsonValue& settings, const SettingsLimits& limits,
                                                  LessonRunSettings& out) {
    for (const SettingField& f : setting_fields()) {
        const io::JsonValue* v = settings.find(f.key);
        if (v == nullptr) {
            if (f.divides != nullptr) out.*f.count = out.*f.divides;
            continue;
        }
        if (std::optional<SettingsProblem> p = read_field(f, *v, limits, out)) return p;
    }
    for (const SettingField& f : setting_fields()) {
        if (f.divides == nullptr || out.*f.divides % out.*f.count == 0) continue;
        const char* divided = "";
        for (const SettingField& g : setting_fields()) {
            if (g.count == f.divides) divided = g.key;
        }
        const io::JsonValue* v = settings.find(f.key);
        return SettingsProblem{v != nullptr ? v : &settings, f.key,
                               std::string("must divide ") + divided + " (" + std::to_string(out.*f.divides) +
                                   "), found " + std::to_string(out.*f.count)};
    }
    return std::nullopt;
}

io::JsonValue settings_json(const LessonRunSettings& s) {
    io::JsonValue o = io::JsonValue::object();
    for (const SettingField& f : setting_fields()) {
        switch (f.kind) {
            case SettingKind::kCount:
                o.set(f.key, io::JsonValue::integer(s.*f.count));
                break;
            case SettingKind::kFlag:
                o.set(f.key, io::JsonValue::boolean(s.*f.flag));
                break;
            case SettingKind::kTemperature:
                o.set(f.key, temperature_json(s.*f.real));
                break;
        }
    }
    return o;
}

io::JsonValue temperature_json(double t) {
    // Every digit the double needs: a temperature typed into a file reads back the same.
    return std::isinf(t) ? io::JsonValue::string("inf") : io::JsonValue::exact_number(t);
}

bool read_temperature_json(const io::JsonValue& v, double& out) {
    if (v.is_string() && v.as_string() == "inf") {
        out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (v.is_number() && attention::validate_temperature(v.as_number()).empty()) {
        out = v.as_number();
        return true;
    }
    return false;
}

bool same_settings(const LessonRunSettings& a, const LessonRunSettings& b) {
    for (const SettingField& f : setting_fields()) {
        const bool same = f.kind == SettingKind::kCount  ? a.*f.count == b.*f.count
                          : f.kind == SettingKind::kFlag ? a.*f.flag == b.*f.flag
                                                         : a.*f.real == b.*f.real;
        if (!same) return false;
    }
    return true;
}

}  // namespace attnviz::lesson
