// The shortcut tables (shortcuts.h): layout-aware key codes, Ctrl combinations and letter keys.
#include "app/gui/shortcuts.h"

#include "app/gui/keys.h"

#include <cstring>

namespace attnviz::gui {

namespace {

// GLFW's printable keys: space, ' , - . / 0-9 ; = A-Z [ \ ] ` (their codes are their ASCII values).
constexpr const char kPrintableKeys[] = " ',-./0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]`";
constexpr int kFirstNonPrintableKey = 256;  // GLFW_KEY_ESCAPE; the keypad comes after it

}  // namespace

int layout_key(int key, const char* key_name) {
    if (key < 0 || key >= kFirstNonPrintableKey || key_name == nullptr) return key;
    if (key_name[0] == '\0' || key_name[1] != '\0') return key;  // none, or not one ASCII byte
    char c = key_name[0];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return key;
    // An ASCII character with no key of its own (AZERTY's ')' on the US '-' key) is no shortcut key.
    if (std::strchr(kPrintableKeys, c) == nullptr) return kKeyUnknown;
    return static_cast<unsigned char>(c);
}

Shortcut ctrl_shortcut(int key, bool shift) {
    switch (key) {
        case kKeyZ:
            return shift ? Shortcut::kRedo : Shortcut::kUndo;
        case kKeyY:
            return Shortcut::kRedo;
        case kKeyEqual:
        case kKeyKpAdd:
            return Shortcut::kLargerText;
        case kKeyMinus:
        case kKeyKpSubtract:
            return Shortcut::kSmallerText;
        case kKey0:
            return Shortcut::kResetText;
        case kKeyQ:
            return Shortcut::kQuit;
        case kKeyS:
            return Shortcut::kScreenshot;
        case kKeyO:
            return Shortcut::kOpenModel;
        case kKeyE:
            return Shortcut::kExport;
        default:
            return Shortcut::kNone;
    }
}

Shortcut char_shortcut(unsigned int c) {
    switch (c) {
        case 'm':
        case 'M':
            return Shortcut::kToggleCausal;
        case 'g':
        case 'G':
            return Shortcut::kGenerate;
        case 'h':
        case 'H':
            return Shortcut::kNextHead;
        case 'p':
        case 'P':
            return Shortcut::kPinCompare;
        case 't':
            return Shortcut::kHotter;
        case 'T':
            return Shortcut::kColder;
        default:
            return Shortcut::kNone;
    }
}

}  // namespace attnviz::gui
