// Key indices into io.KeysDown[] as the GLFW backend fills them: GLFW key codes, which equal ASCII
// for letters and digits. platform_glfw.cpp checks these against GLFW's own constants.
#pragma once

namespace attnviz::gui {

constexpr int kKeyUnknown = -1;  // GLFW_KEY_UNKNOWN
constexpr int kKeyE = 'E';
constexpr int kKeyH = 'H';
constexpr int kKeyM = 'M';
constexpr int kKeyT = 'T';
constexpr int kKeyO = 'O';
constexpr int kKeyQ = 'Q';
constexpr int kKeyS = 'S';
constexpr int kKeyY = 'Y';
constexpr int kKeyZ = 'Z';
constexpr int kKey0 = '0';
constexpr int kKeyEqual = 61;        // GLFW_KEY_EQUAL ('=' / '+')
constexpr int kKeyMinus = 45;        // GLFW_KEY_MINUS
constexpr int kKeyKpAdd = 334;       // GLFW_KEY_KP_ADD
constexpr int kKeyKpSubtract = 333;  // GLFW_KEY_KP_SUBTRACT
constexpr int kKeyF1 = 290;          // GLFW_KEY_F1
constexpr int kKeyF11 = 300;         // GLFW_KEY_F11
constexpr int kKeyF5 = 294;          // GLFW_KEY_F5
constexpr int kKeyEscape = 256;      // GLFW_KEY_ESCAPE
constexpr int kKeySpace = 32;        // GLFW_KEY_SPACE
constexpr int kKeyRight = 262;       // GLFW_KEY_RIGHT
constexpr int kKeyLeft = 263;        // GLFW_KEY_LEFT
constexpr int kKeyPageUp = 266;      // GLFW_KEY_PAGE_UP
constexpr int kKeyPageDown = 267;    // GLFW_KEY_PAGE_DOWN

}  // namespace attnviz::gui
