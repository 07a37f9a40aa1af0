// Tests server/tracking.cpp.
#include "server/tracking.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
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
    const std::string id = table.new_id().value();
    EXPECT_TRUE(is_uuid_v4(id)) << id;
  }
  EXPECT_FALSE(is_uuid_v4("0123456789ab-cdef"));
  EXPECT_NE(table.new_id().value(), table.new_id().value());
}

TEST(Tracking, NothingIsRecordedBeforeTrackingWasEnabled) {
  TrackingTable table;
  table.add("ID", 1, TrackingTable::Clock::now());
  EXPECT_EQ(table.get("ID", 1), "ERR UNKNOWN");
  table.enable();
  table.add("ID", 1, TrackingTable::Clock::now());
  EXPECT_EQ(table.get("id", 1), "PENDING");
}

TEST(Tracking, DriverStatusesMapToStockAnswers) {
  TrackingTable table;
  table.enable();
  const auto now = TrackingTable::Clock::now();
  const std::pair<int, std::string_view> cases[] = {
      {0, "SUCCESS"}, {1, "ERR UNKNOWN"}, {2, "ERR INVALID-ARGUMENT"}, {3, "ERR FAILED"},
      {4, "ERR UNKNOWN"}};
  for (const auto& [status, answer] : cases) {
    table.add("X", 1, now);
    table.set("X", status);
    EXPECT_EQ(table.get("X", 1), answer) << status;
  }
}

TEST(Tracking, EntriesExpireAfterTheDelay) {
  TrackingTable table;
  table.enable();
  const auto start = TrackingTable::Clock::now();
  table.add("OLD", 1, start);
  table.add("NEW", 1, start + std::chrono::seconds(50));
  table.expire(start + std::chrono::seconds(61), std::chrono::seconds(60));
  EXPECT_EQ(table.get("OLD", 1), "ERR UNKNOWN");
  EXPECT_EQ(table.get("NEW", 1), "PENDING");
}

TEST(Tracking, OnlyTheConnectionThatWasGivenAnIdMayAskAboutIt) {
  TrackingTable table;
  table.enable();
  const std::string id = table.new_id().value();
  table.add(id, 7, TrackingTable::Clock::now());
  table.set(id, 0);
  EXPECT_EQ(table.get(id, 7), "SUCCESS");
  // Another connection learns nothing, not even that the id exists.
  EXPECT_EQ(table.get(id, 8), "ERR UNKNOWN");
  EXPECT_EQ(table.get(id, 0), "ERR UNKNOWN");
}

TEST(Tracking, IdsDoNotRepeatAndUseEveryRandomDigit) {
  // mt19937_64 seeded with 32 bits could not be told apart by this; what it guards is that
  // every one of the 30 random hex digits varies (no constant or narrow source).
  TrackingTable table;
  std::set<std::string> seen;
  std::array<std::set<char>, 36> digits;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = table.new_id().value();
    EXPECT_TRUE(seen.insert(id).second) << id;
    for (std::size_t j = 0; j < id.size(); ++j) digits[j].insert(id[j]);
  }
  for (std::size_t j = 0; j < 36; ++j) {
    if (j == 8 || j == 13 || j == 18 || j == 23 || j == 14 || j == 19) continue;
    EXPECT_EQ(digits[j].size(), 16u) << "position " << j;
  }
}

}  // namespace
}  // namespace walnut::server
