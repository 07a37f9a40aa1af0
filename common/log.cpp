// Logging sinks: stderr (journald-aware) or syslog.
#include "common/log.h"

#include <syslog.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace walnut::log {
namespace {

std::atomic<int> g_debug_level{0};
std::atomic<bool> g_syslog{false};
std::mutex g_mutex;

// systemd sets JOURNAL_STREAM when stderr is connected to the journal; only then are the
// "<N>" priority prefixes understood rather than printed.
bool stderr_is_journald() {
  static const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  return journald;
}

}  // namespace

void set_debug_level(int level) { g_debug_level = level; }
int debug_level() { return g_debug_level; }

void use_syslog(const char* ident) {
  std::lock_guard lock(g_mutex);
  openlog(ident, LOG_PID, LOG_DAEMON);
  g_syslog = true;
}

std::string format_for_stderr(Priority priority, std::string_view message, bool journald) {
  std::string line;
  if (journald) {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(priority));
    line += '>';
  }
  line += message;
  line += '\n';
  return line;
}

void emit(Priority priority, std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (g_syslog) {
    syslog(static_cast<int>(priority), "%.*s", static_cast<int>(message.size()), message.data());
    return;
  }
  const std::string line = format_for_stderr(priority, message, stderr_is_journald());
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace walnut::log
