// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace mpctl {

// What went wrong, in terms a caller can map to an exit code or an HTTP status.
enum class ErrorKind {
    invalid_input,  // the caller's input breaks a rule (400, exit 1)
    not_found,      // the thing does not exist or is not the caller's to see (404)
    forbidden,      // the caller may not do this (403)
    conflict,       // the thing exists already, or is deactivated (409)
    failure,        // the environment failed: I/O, store, crypto library (500)
    unavailable,    // a resource is short for now: disk full, store read-only (503);
                    // the same request may succeed later without a change
};

// The one exception type of mpctl. The message is complete and names the input.
class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const noexcept { return m_kind; }

  private:
    ErrorKind m_kind;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
    throw Error(kind, message);
}

}  // namespace mpctl
