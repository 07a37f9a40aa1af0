// Commands of the device model (hid_ups_commands.cpp): instcmd/setvar plans, composite
// commands, driver-side variables, and what a write tells the next walk (NUT 2.8.0).
#include "drivers/usbhid/mapping/hid_ups.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;
using testing::kEs850;
using testing::kSmart1000;
using testing::value;
using Bytes = std::vector<std::uint8_t>;

bool contains(const std::vector<std::uint8_t>& ids, std::uint8_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(HidUpsCommands, SemiStaticRowsAreReadAgainOnlyAfterAWrite) {
  auto ups = bring_up(kEs850);
  EXPECT_FALSE(contains(ups->model->reports_for_walk(WalkMode::kFull), 0x11));  // battery.charge.low
  EXPECT_TRUE(contains(ups->model->reports_for_walk(WalkMode::kFull), 0x0c));
  EXPECT_TRUE(contains(ups->model->reports_for_walk(WalkMode::kQuick), 0x16));
  EXPECT_FALSE(contains(ups->model->reports_for_walk(WalkMode::kQuick), 0x0c));
  CommandPlan plan = ups->model->setvar("battery.charge.low", "15", ups->state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  ups->model->writes_done(true);
  EXPECT_TRUE(ups->model->full_walk_requested());
  EXPECT_TRUE(contains(ups->model->reports_for_walk(WalkMode::kFull), 0x11));
  ups->feed(WalkMode::kFull);
  ups->model->on_report(0x11, plan.writes.at(0).bytes);  // the device took it
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge.low"), "15");
  EXPECT_FALSE(ups->model->full_walk_requested());
  EXPECT_FALSE(contains(ups->model->reports_for_walk(WalkMode::kFull), 0x11));
}

TEST(HidUpsCommands, FailedWritesDoNotRequestAFullWalk) {
  auto ups = bring_up(kEs850);
  ups->model->instcmd("beeper.disable", std::nullopt, ups->state);
  ups->model->writes_done(false);
  EXPECT_FALSE(ups->model->full_walk_requested());
}

TEST(HidUpsCommands, AbsentVariablesAreSetInTheStateWithoutWrites) {
  auto ups = bring_up(kEs850);
  CommandPlan plan = ups->model->setvar("ups.delay.shutdown", "45", ups->state);
  EXPECT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_TRUE(plan.writes.empty());
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "45");
}

TEST(HidUpsCommands, ShutdownReturnUsesTheDelaysAndPausesBetweenWrites) {
  auto ups = bring_up(kSmart1000);
  ups->model->setvar("ups.delay.start", "60", ups->state);
  CommandPlan plan = ups->model->instcmd("shutdown.return", std::nullopt, ups->state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  ASSERT_EQ(plan.writes.size(), 2u);
  EXPECT_EQ(plan.writes[0].bytes, (Bytes{0x28, 0x3c, 0x00}));
  EXPECT_EQ(plan.writes[0].delay_before.count(), 0);
  EXPECT_EQ(plan.writes[1].bytes, (Bytes{0x12, 0x14, 0x00}));
  EXPECT_EQ(plan.writes[1].delay_before.count(), 125);
}

TEST(HidUpsCommands, CommandsAndSetvarOutcomes) {
  auto ups = bring_up(kEs850);
  EXPECT_EQ(ups->model->instcmd("shutdown.return", std::nullopt, ups->state).status, CommandStatus::kInvalid);
  EXPECT_EQ(ups->model->instcmd("battery.charge", std::nullopt, ups->state).status, CommandStatus::kInvalid);
  EXPECT_EQ(ups->model->setvar("battery.charge", "5", ups->state).status, CommandStatus::kUnknown);
  EXPECT_EQ(ups->model->setvar("beeper.mute", "5", ups->state).status, CommandStatus::kUnknown);
  CommandPlan plan = ups->model->instcmd("LOAD.OFF", std::nullopt, ups->state);  // names ignore case
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_EQ(plan.writes.at(0).bytes, (Bytes{0x15, 0x00, 0x00}));
  EXPECT_EQ(ups->model->setvar("input.transfer.low", "170", ups->state).on_write_failure, CommandStatus::kUnknown);
}

// A text no lookup entry has: NUT 2.8.5 answers CONVERSION-FAILED and writes nothing (NUT commit
// d3671c992, #3017); 2.8.0 wrote -1 (0x35 ff here) to the device.
TEST(HidUpsCommands, ATextNoLookupHasWritesNothing) {
  auto ups = bring_up(kEs850);
  CommandPlan bogus = ups->model->setvar("input.sensitivity", "bogus", ups->state);
  EXPECT_EQ(bogus.status, CommandStatus::kConversionFailed);
  EXPECT_TRUE(bogus.writes.empty());
  CommandPlan known = ups->model->setvar("input.sensitivity", "low", ups->state);
  ASSERT_EQ(known.status, CommandStatus::kHandled);
  EXPECT_EQ(known.writes.size(), 1u);
}

TEST(HidUpsCommands, WritesKeepTheOtherBitsOfTheReport) {
  auto ups = bring_up(kEs850);
  // Report 0x14 holds BelowRemainingCapacityLimit then ShutdownImminent; APC maps neither as
  // writable, so a one-row mapping makes the second one writable.
  auto model = model_with_rows(
      *ups,
      "  - {var: ups.test.x, path: UPS.PowerSummary.ShutdownImminent, format: \"%.0f\", flags: [rw]}\n");
  ASSERT_TRUE(model.ok()) << model.error();
  UpsState state;
  (*model)->on_report(0x14, Bytes{0x14, 0x01, 0x00});
  ASSERT_TRUE((*model)->init(state).ok());
  CommandPlan plan = (*model)->setvar("ups.test.x", "1", state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_EQ(plan.writes.at(0).bytes, (Bytes{0x14, 0x01, 0x01}));
}

// NUT 2.8.5 makes CyberPower's battery.mfr.date writable from UPS.Battery.ManufacturerDate
// (cps-hid.c:367, date_conversion, commit 9127e41b7), worked by hand: 2025/01/02 is
// (2025 - 1980) << 9 | 1 << 5 | 2 = 23074 = 0x5a22, little-endian in report 0x19.
TEST(HidUpsCommands, CyberPowerBatteryDateIsWrittenAsAPackedDate) {
  auto ups = bring_up("cyberpower-synthetic.txt");
  ASSERT_TRUE(ups->error.empty()) << ups->error;
  EXPECT_EQ(value(ups->state, "battery.mfr.date"), "2024/03/15");
  CommandPlan plan = ups->model->setvar("battery.mfr.date", "2025/01/02", ups->state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  ASSERT_EQ(plan.writes.size(), 1u);
  EXPECT_EQ(plan.writes.at(0).bytes, (Bytes{0x19, 0x22, 0x5a}));
}

}  // namespace
}  // namespace walnut::mapping
