#include "tests/bench/loopback_socket.h"

#include <gtest/gtest.h>

namespace walnut::bench {
namespace {

TEST(LoopbackEndpoint, AcceptsLoopbackAddressesOnly) {
  EXPECT_TRUE(loopback_endpoint("127.0.0.1", 3493).ok());
  EXPECT_TRUE(loopback_endpoint("127.5.6.7", 3493).ok());
  EXPECT_TRUE(loopback_endpoint("::1", 3493).ok());
  EXPECT_FALSE(loopback_endpoint("10.0.0.1", 3493).ok());
  EXPECT_FALSE(loopback_endpoint("::ffff:10.0.0.1", 3493).ok());
  EXPECT_FALSE(loopback_endpoint("2001:db8::1", 3493).ok());
  EXPECT_FALSE(loopback_endpoint("localhost", 3493).ok());
}

TEST(LoopbackEndpoint, NamesTheEndpoint) {
  EXPECT_EQ(loopback_endpoint("::1", 3493)->text, "[::1]:3493");
  EXPECT_EQ(loopback_endpoint("127.0.0.1", 80)->text, "127.0.0.1:80");
}

}  // namespace
}  // namespace walnut::bench
