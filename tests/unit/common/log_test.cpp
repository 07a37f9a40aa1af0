// Tests common/log.cpp: stderr formatting and the debug-level gate.
#include "common/log.h"

#include <gtest/gtest.h>

namespace walnut::log {
namespace {

TEST(Log, JournaldGetsPriorityPrefix) {
  EXPECT_EQ(format_for_stderr(Priority::kError, "boom", true), "<3>boom\n");
  EXPECT_EQ(format_for_stderr(Priority::kDebug, "x", true), "<7>x\n");
}

TEST(Log, TerminalGetsPlainLine) {
  EXPECT_EQ(format_for_stderr(Priority::kWarning, "careful", false), "careful\n");
}

TEST(Log, DebugLevelGatesDebugMessages) {
  set_debug_level(0);
  testing::internal::CaptureStderr();
  debug(1, "hidden {}", 1);
  set_debug_level(2);
  debug(2, "shown {}", 2);
  debug(3, "hidden {}", 3);
  const std::string err = testing::internal::GetCapturedStderr();
  set_debug_level(0);
  EXPECT_EQ(err.find("hidden"), std::string::npos);
  EXPECT_NE(err.find("shown 2"), std::string::npos);
}

}  // namespace
}  // namespace walnut::log
