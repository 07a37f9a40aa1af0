// Logging shared by upsd and the drivers: NUT-style debug levels (-D counts) and syslog
// priorities, to stderr (with sd-daemon "<N>" prefixes under journald) or to syslog.
#pragma once

#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace walnut::log {

// syslog(3) priorities, so the values match LOG_ERR etc. and sd-daemon prefixes.
enum class Priority { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

// The -D count: debug(N, ...) messages are emitted when N <= debug_level().
void set_debug_level(int level);
int debug_level();

// After this call messages go to syslog(3) under `ident` (for daemons that went to the
// background); before, they go to stderr.
void use_syslog(const char* ident);

// Emits one message (one line) at the given priority. Thread-safe.
void emit(Priority priority, std::string_view message);

template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  emit(Priority::kError, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> format, Args&&... args) {
  emit(Priority::kWarning, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void notice(fmt::format_string<Args...> format, Args&&... args) {
  emit(Priority::kNotice, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  emit(Priority::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(int level, fmt::format_string<Args...> format, Args&&... args) {
  if (level <= debug_level()) {
    emit(Priority::kDebug, fmt::format(format, std::forward<Args>(args)...));
  }
}

// Formats a message as it is written to stderr: "<3>text" under journald, "text" otherwise.
// Pure, for tests.
std::string format_for_stderr(Priority priority, std::string_view message, bool journald);

}  // namespace walnut::log
