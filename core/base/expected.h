// A value or a readable error message: how the engine reports bad input without exceptions or asserts.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace attnviz {

/// An error for a person: what went wrong, where, and what to do.
struct Error {
    std::string message;
};

template <class T>
class Expected {
  public:
    Expected(T value) : m_state(std::move(value)) {}      // NOLINT: implicit on purpose, like std::expected
    Expected(Error error) : m_state(std::move(error)) {}  // NOLINT

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const std::string& error() const { return std::get<Error>(m_state).message; }

  private:
    std::variant<T, Error> m_state;
};

/// Success, or an error message. Empty means success.
using Status = std::string;

}  // namespace attnviz
