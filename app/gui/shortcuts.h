// Keyboard shortcuts as pure functions: the key a layout makes of a physical key (AZERTY's Ctrl+Z is
// the key that types 'z'), and the action a key with Ctrl, or a typed letter, asks for. app.cpp applies
// the actions; platform_glfw.cpp translates the keys GLFW reports.
#pragma once

namespace attnviz::gui {

enum class Shortcut {
    kNone,
    kUndo,
    kRedo,
    kLargerText,
    kSmallerText,
    kResetText,
    kQuit,
    kScreenshot,
    kOpenModel,
    kExport,
    kToggleCausal,
    kGenerate,
    kNextHead,
    kPinCompare,  ///< P: pin the focused head as Compare's A
    kHotter,      ///< t: T x 1.5
    kColder,      ///< T: T / 1.5
};

/// The key code (GLFW's, which is ASCII for letters, digits and punctuation) of the character a key
/// types on the current layout. `key` is GLFW's code, which names the key's US position; `key_name` is
/// what glfwGetKeyName gives for it (the layout's character, UTF-8, or null). When that is one ASCII
/// character with a key code of its own, that code (AZERTY: the key at US 'W' names "z" -> 'Z'); one
/// ASCII character without (AZERTY's ')' on the US '-' key): kKeyUnknown, no shortcut's key; otherwise
/// `key` (keys with no name, keypad keys, and layouts whose letters are not Latin keep the US position,
/// so Ctrl+Z still undoes on a Cyrillic layout and Ctrl+0 resets on AZERTY, whose 0 key types 'à').
int layout_key(int key, const char* key_name);

/// What a key press asks for while Ctrl is held; `key` as layout_key gives it.
Shortcut ctrl_shortcut(int key, bool shift);

/// What a typed character asks for with no text field active and no Ctrl (M, G, H, P, t, T); the
/// platform's character callback already follows the layout.
Shortcut char_shortcut(unsigned int c);

}  // namespace attnviz::gui
