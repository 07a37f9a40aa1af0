// Tests server/tracking.cpp.
#include "server/tracking.h"

#include <gtest/gtest.h>

#include <regex>

namespace walnut::server {
namespace {

TEST(Tracking, IdsAreUpperCaseVersion4Uuids) {
  TrackingTable table;
  const std::regex uuid("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
  const std::string first = table.new_id();
  EXPECT_TRUE(std::regex_match(first, uuid)) << first;
  EXPECT_NE(first, table.new_id());
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
