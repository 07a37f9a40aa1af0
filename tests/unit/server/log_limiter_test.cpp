// Tests server/log_limiter.cpp: per-address and global budgets, summaries, with an injected
// clock.
#include "server/log_limiter.h"

#include <gtest/gtest.h>

namespace walnut::server {
namespace {

using namespace std::chrono_literals;
using Clock = LogLimiter::Clock;

const Clock::time_point t0{};

int allowed(LogLimiter& limiter, std::string_view address, int attempts, Clock::time_point now,
            std::string_view user = "admin") {
  int count = 0;
  for (int i = 0; i < attempts; ++i) count += limiter.allow(address, user, "failed LOGIN", now);
  return count;
}

TEST(LogLimiter, OneClientGetsItsBurstThenOneLinePerRefill) {
  LogLimiter limiter;
  EXPECT_EQ(allowed(limiter, "192.0.2.1", 100000, t0), 10);
  EXPECT_EQ(allowed(limiter, "192.0.2.1", 1000, t0 + 5s), 0);
  EXPECT_EQ(allowed(limiter, "192.0.2.1", 1000, t0 + 6s), 1);
  EXPECT_EQ(allowed(limiter, "192.0.2.1", 1000, t0 + 60s), 9);
  // Another client still has its own share.
  EXPECT_EQ(allowed(limiter, "192.0.2.2", 1000, t0 + 60s), 10);
}

TEST(LogLimiter, AllClientsTogetherAreBoundedToo) {
  LogLimiter limiter;
  int total = 0;
  for (int address = 0; address < 1000; ++address) {
    total += allowed(limiter, "10.0." + std::to_string(address / 250) + "." +
                                  std::to_string(address % 250), 20, t0);
  }
  EXPECT_EQ(total, 60);
  // Then one per second, whatever the number of clients (fresh ones every second).
  total = 0;
  for (int second = 1; second <= 10; ++second) {
    for (int address = 0; address < 100; ++address) {
      total += allowed(limiter, "10.1." + std::to_string(second) + "." + std::to_string(address), 5,
                       t0 + second * 1s);
    }
  }
  EXPECT_EQ(total, 10);
}

TEST(LogLimiter, Ipv6AddressesOfOneSlash64ShareABudget) {
  LogLimiter limiter;
  int total = 0;
  for (int host = 1; host <= 100; ++host) {
    total += allowed(limiter, "2001:db8:0:1::" + std::to_string(host), 5, t0);
  }
  EXPECT_EQ(total, 10);
}

TEST(LogLimiter, SummarisesWhatWasHeldBackOncePerInterval) {
  LogLimiter limiter;
  allowed(limiter, "192.0.2.1", 1010, t0, "admin");   // 1000 held
  allowed(limiter, "192.0.2.7", 15, t0, "upsmon");    // 5 held
  EXPECT_EQ(limiter.suppressed_total(), 1005u);
  EXPECT_FALSE(limiter.summary(t0 + 9s));
  const auto line = limiter.summary(t0 + 10s);
  ASSERT_TRUE(line);
  EXPECT_NE(line->find("1005 messages suppressed"), std::string::npos) << *line;
  EXPECT_NE(line->find("failed LOGIN from 192.0.2.1 as user admin x1000"), std::string::npos)
      << *line;
  EXPECT_NE(line->find("192.0.2.7 as user upsmon x5"), std::string::npos) << *line;
  EXPECT_FALSE(limiter.summary(t0 + 11s));  // nothing new held back
  EXPECT_EQ(limiter.suppressed_total(), 0u);
}

TEST(LogLimiter, ASummaryNamesOnlyTheLargestCounts) {
  LogLimiter limiter;
  for (int address = 0; address < 200; ++address) {
    allowed(limiter, "10.0.0." + std::to_string(address), 12, t0);
  }
  const auto line = limiter.summary(t0 + 10s);
  ASSERT_TRUE(line);
  EXPECT_LT(line->size(), 1000u) << *line;
  EXPECT_NE(line->find("more"), std::string::npos) << *line;
}

}  // namespace
}  // namespace walnut::server
