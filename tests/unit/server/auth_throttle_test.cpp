// Tests server/auth_throttle.cpp: the login throttle's arithmetic, with an injected clock.
#include "server/auth_throttle.h"

#include <gtest/gtest.h>

namespace walnut::server {
namespace {

using namespace std::chrono_literals;
using Clock = AuthThrottle::Clock;

const Clock::time_point t0{};  // the injected clock's start

TEST(AuthThrottle, NothingWaitsBeforeAFailure) {
  AuthThrottle throttle;
  EXPECT_EQ(throttle.admit("127.0.0.1", "mon", t0), t0);
  EXPECT_EQ(throttle.admit("127.0.0.1", "mon", t0), t0);
}

TEST(AuthThrottle, TheDelayGrowsWithEachFailureUpToItsCap) {
  AuthThrottle throttle;
  EXPECT_EQ(throttle.delay_after(0), 0ms);
  EXPECT_EQ(throttle.delay_after(1), 100ms);
  EXPECT_EQ(throttle.delay_after(2), 200ms);
  EXPECT_EQ(throttle.delay_after(3), 400ms);
  EXPECT_EQ(throttle.delay_after(5), 1600ms);
  EXPECT_EQ(throttle.delay_after(6), 2s);
  EXPECT_EQ(throttle.delay_after(1000000), 2s);
  Clock::time_point now = t0;
  for (std::size_t failures = 1; failures <= 8; ++failures) {
    ASSERT_EQ(throttle.admit("192.0.2.1", "admin", now), now);
    throttle.failed("192.0.2.1", "admin", now);
    EXPECT_EQ(throttle.failures("192.0.2.1", "admin"), failures);
    // Just before the delay is over the next check waits for exactly its end.
    const auto ready = now + throttle.delay_after(failures);
    EXPECT_EQ(throttle.admit("192.0.2.1", "admin", ready - 1ms), ready);
    now = ready + throttle.delay_after(failures + 1);  // after the reserved slot, too
  }
}

TEST(AuthThrottle, ASuccessResetsTheCount) {
  AuthThrottle throttle;
  throttle.failed("192.0.2.1", "admin", t0);
  throttle.failed("192.0.2.1", "admin", t0);
  throttle.succeeded("192.0.2.1", "admin");
  EXPECT_EQ(throttle.failures("192.0.2.1", "admin"), 0u);
  EXPECT_EQ(throttle.admit("192.0.2.1", "admin", t0), t0);
}

// Another user (upsmon's own) or another address never waits for an attacker's failures.
TEST(AuthThrottle, OtherUsersAndAddressesNeverWait) {
  AuthThrottle throttle;
  for (int i = 0; i < 50; ++i) throttle.failed("127.0.0.1", "admin", t0);
  EXPECT_GT(throttle.admit("127.0.0.1", "admin", t0), t0);
  EXPECT_EQ(throttle.admit("127.0.0.1", "upsmon", t0), t0);
  EXPECT_EQ(throttle.admit("127.0.0.2", "admin", t0), t0);
  EXPECT_EQ(throttle.admit("::1", "admin", t0), t0);
}

TEST(AuthThrottle, Ipv6CountsPerSlash64) {
  AuthThrottle throttle;
  throttle.failed("2001:db8:1:2::1", "admin", t0);
  EXPECT_EQ(throttle.failures("2001:db8:1:2:ffff:ffff:ffff:ffff", "admin"), 1u);
  EXPECT_EQ(throttle.failures("2001:db8:1:3::1", "admin"), 0u);
  throttle.failed("::ffff:192.0.2.9", "admin", t0);
  EXPECT_EQ(throttle.failures("192.0.2.9", "admin"), 1u);
}

// Parallel connections gain nothing: each waiting check takes its own later slot, so the
// checks for one (address, user) run at most once per delay however many arrive together.
TEST(AuthThrottle, ParallelChecksTakeSuccessiveSlots) {
  AuthThrottle throttle;
  throttle.failed("192.0.2.1", "admin", t0);  // busy until 100 ms
  Clock::time_point previous = t0;
  for (int i = 0; i < 20; ++i) {
    const auto slot = throttle.admit("192.0.2.1", "admin", t0);
    ASSERT_TRUE(slot);
    EXPECT_GE(*slot - previous, 100ms) << i;
    previous = *slot;
  }
  // Past max_wait (10 s) a check is refused without being evaluated.
  for (int i = 0; i < 200; ++i) throttle.admit("192.0.2.1", "admin", t0);
  EXPECT_FALSE(throttle.admit("192.0.2.1", "admin", t0));
}

TEST(AuthThrottle, RemembersABoundedNumberOfPairs) {
  AuthThrottle::Limits limits;
  limits.max_pairs = 16;
  AuthThrottle throttle(limits);
  for (int i = 0; i < 1000; ++i) throttle.failed("192.0.2.1", "user" + std::to_string(i), t0);
  std::size_t remembered = 0;
  for (int i = 0; i < 1000; ++i) remembered += throttle.failures("192.0.2.1", "user" + std::to_string(i));
  EXPECT_LE(remembered, 16u);
  EXPECT_EQ(throttle.failures("192.0.2.1", "user999"), 1u);  // the newest is kept
}

}  // namespace
}  // namespace walnut::server
