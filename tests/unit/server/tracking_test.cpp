// Tests server/tracking.cpp.
#include "server/tracking.h"

#include <gtest/gtest.h>

#include <string>

namespace walnut::server {
namespace {

// 8-4-4-4-12 upper-case hex digits, version 4, variant 10xx (std::regex trips g++ 12's
// -Wmaybe-uninitialized under the sanitizers, so the shape is checked by hand).
bool is_uuid_v4(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = id[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  }
  return id[14] == '4' && std::string("89AB").find(id[19]) != std::string::npos;
}

TEST(Tracking, IdsAreUpperCaseVersion4Uuids) {
  TrackingTable table;
  for (int i = 0; i < 100; ++i) {
    const std::string id = table.new_id();
    EXPECT_TRUE(is_uuid_v4(id)) << id;
  }
  EXPECT_FALSE(is_uuid_v4("0123456789ab-cdef"));
  EXPECT_NE(table.new_id(), table.new_id());
}

TEST(Tracking, NothingIsRecordedBeforeTrackingWasEnabled) {
  TrackingTable table;
  table.add("ID", TrackingTable::Clock::now());
  EXPECT_EQ(table.get("ID"), "ERR UNKNOWN");
  table.enable();
  table.add("ID", TrackingTable::Clock::now());
  EXPECT_EQ(table.get("id"), "PENDING");
}

TEST(Tracking, DriverStatusesMapToStockAnswers) {
  TrackingTable table;
  table.enable();
  const auto now = TrackingTable::Clock::now();
  const std::pair<int, std::string_view> cases[] = {
      {0, "SUCCESS"}, {1, "ERR UNKNOWN"}, {2, "ERR INVALID-ARGUMENT"}, {3, "ERR FAILED"},
      {4, "ERR UNKNOWN"}};
  for (const auto& [status, answer] : cases) {
    table.add("X", now);
    table.set("X", status);
    EXPECT_EQ(table.get("X"), answer) << status;
  }
}

TEST(Tracking, EntriesExpireAfterTheDelay) {
  TrackingTable table;
  table.enable();
  const auto start = TrackingTable::Clock::now();
  table.add("OLD", start);
  table.add("NEW", start + std::chrono::seconds(50));
  table.expire(start + std::chrono::seconds(61), std::chrono::seconds(60));
  EXPECT_EQ(table.get("OLD"), "ERR UNKNOWN");
  EXPECT_EQ(table.get("NEW"), "PENDING");
}

}  // namespace
}  // namespace walnut::server
