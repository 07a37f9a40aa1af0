// Result<T>: a value or an error message, returned from every fallible call.
// Errors are values at module boundaries (see STYLE.md); no exceptions cross them.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace walnut {

// An error: what went wrong and where ("upsd.users:12: unknown directive").
struct Error {
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const std::string& error() const { return std::get<Error>(state_).message; }

 private:
  std::variant<T, Error> state_;
};

// For calls that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace walnut
