// The device model's behaviour beyond a single reading: interrupts, full and quick walks,
// alarms, semi-static rows, driver options, composite commands and reconnects (NUT 2.8.0).
#include "drivers/usbhid/mapping/hid_ups.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;
using Bytes = std::vector<std::uint8_t>;

const char* kEs850 = "apc-back-ups-es-850g2.txt";
const char* kSmart1000 = "apc-smart-ups-1000.txt";

std::string value(const UpsState& state, const char* name) {
  const std::string* v = state.value(name);
  return v ? *v : "<absent>";
}

bool contains(const std::vector<std::uint8_t>& ids, std::uint8_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(HidUps, InterruptStatusBitsShowAtOnce) {
  auto ups = bring_up(kEs850);
  ASSERT_EQ(value(ups->state, "ups.status"), "OL");
  // PresentStatus: Discharging and BatteryPresent, ACPresent gone.
  ups->model->on_interrupt(Bytes{0x16, 0x0a, 0x00, 0x00, 0x00}, ups->state);
  ups->model->commit_status(ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OB DISCHRG");
}

TEST(HidUps, InterruptValuesGoToTheRowThatWonAtInit) {
  auto ups = bring_up(kEs850);
  ASSERT_EQ(value(ups->state, "battery.runtime"), "868");
  ups->model->on_interrupt(Bytes{0x0c, 0x32, 0x10, 0x0e}, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "50");
  // battery.runtime is read from UPS.Battery.RunTimeToEmpty (the first row): NUT drops the
  // PowerSummary row at init, so this Input item updates nothing.
  EXPECT_EQ(value(ups->state, "battery.runtime"), "868");
}

TEST(HidUps, InterruptOfUnknownReportIsIgnored) {
  auto ups = bring_up(kEs850);
  ups->model->on_interrupt(Bytes{0xee, 0x01}, ups->state);
  ups->model->on_interrupt(Bytes{}, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OL");
}

TEST(HidUps, FullWalkPublishesAlarmsAndQuickWalkKeepsThem) {
  auto ups = bring_up(kEs850);
  ups->model->on_report(0x16, Bytes{0x16, 0x0c, 0x01, 0x00, 0x00});  // + NeedReplacement
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OL");  // not a quick-poll row
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "ups.alarm"), "Replace battery!");
  EXPECT_EQ(value(ups->state, "ups.status"), "ALARM OL RB");
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "ALARM OL RB");
  ups->model->on_report(0x16, Bytes{0x16, 0x0c, 0x00, 0x00, 0x00});
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "ups.alarm"), "<absent>");
  EXPECT_EQ(value(ups->state, "ups.status"), "OL");
}

TEST(HidUps, FailedReportsAreSkippedNotCleared) {
  auto ups = bring_up(kEs850);
  ups->model->on_report_failed(0x0c);
  ups->model->on_report_failed(0x22);
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "100");
}

TEST(HidUps, SemiStaticRowsAreReadAgainOnlyAfterAWrite) {
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

TEST(HidUps, FailedWritesDoNotRequestAFullWalk) {
  auto ups = bring_up(kEs850);
  ups->model->instcmd("beeper.disable", std::nullopt, ups->state);
  ups->model->writes_done(false);
  EXPECT_FALSE(ups->model->full_walk_requested());
}

TEST(HidUps, LowbattOndelayOffdelayOptionsApplyAfterInit) {
  ModelOptions options;
  options.lowbatt = "25%";
  options.ondelay = "60";
  options.offdelay = "40";
  auto es = bring_up(kEs850, options);
  EXPECT_EQ(value(es->state, "battery.charge.low"), "25");
  EXPECT_EQ(value(es->state, "ups.delay.shutdown"), "40");
  EXPECT_EQ(value(es->state, "ups.delay.start"), "<absent>");  // no DelayBeforeStartup on this one
  auto smart = bring_up(kSmart1000, options);
  EXPECT_EQ(value(smart->state, "ups.delay.start"), "60");
}

TEST(HidUps, OverrideIsImmutableAndDefaultReplacesTheDeviceValue) {
  ModelOptions options;
  options.overrides = {{"battery.charge", "77"}, {"ups.mfr", "Acme"}};
  options.defaults = {{"ups.load", "5"}, {"ups.delay.shutdown", "90"}};
  auto ups = bring_up(kEs850, options);
  EXPECT_EQ(value(ups->state, "battery.charge"), "77");
  EXPECT_TRUE(ups->state.find("battery.charge")->is_immutable());
  EXPECT_EQ(value(ups->state, "ups.mfr"), "Acme");
  ups->walk(WalkMode::kFull);
  EXPECT_EQ(value(ups->state, "battery.charge"), "77");
  // NUT's init walk skips rows of variables that already exist: the default stays.
  EXPECT_EQ(value(ups->state, "ups.load"), "5");
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "90");
}

TEST(HidUps, IgnorelbTakesLowBatteryFromTheCharge) {
  auto ups = bring_up(kEs850);
  ups->state.set_info("driver.flag.ignorelb", "enabled");
  ups->model->on_report(0x0c, Bytes{0x0c, 0x05, 0x64, 0x03});  // 5 %, below charge.low 10
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OL LB");
}

TEST(HidUps, OnlinedischargeReportsOnBattery) {
  ModelOptions options;
  options.onlinedischarge = true;
  auto ups = bring_up(kEs850, options);
  ups->model->on_interrupt(Bytes{0x16, 0x0e, 0x00, 0x00, 0x00}, ups->state);  // AC + discharging
  ups->model->commit_status(ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OB DISCHRG");
}

TEST(HidUps, AbsentVariablesAreSetInTheStateWithoutWrites) {
  auto ups = bring_up(kEs850);
  CommandPlan plan = ups->model->setvar("ups.delay.shutdown", "45", ups->state);
  EXPECT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_TRUE(plan.writes.empty());
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "45");
}

TEST(HidUps, ShutdownReturnUsesTheDelaysAndPausesBetweenWrites) {
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

TEST(HidUps, CommandsAndSetvarOutcomes) {
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

TEST(HidUps, WritesKeepTheOtherBitsOfTheReport) {
  auto ups = bring_up(kEs850);
  // Report 0x14 holds BelowRemainingCapacityLimit then ShutdownImminent; APC maps neither as
  // writable, so a one-row mapping makes the second one writable.
  auto mapping = load_mapping(
      "subdriver: t\nversion: T\nusage_table: apc\ntable:\n"
      "  - {var: ups.test.x, path: UPS.PowerSummary.ShutdownImminent, format: \"%.0f\", flags: [rw]}\n",
      "t.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.error();
  DeviceIdentity identity{0x051d, 0x0002, std::nullopt, std::nullopt, std::nullopt};
  auto model = HidUps::create(ups->descriptor, *mapping, identity, {}, nullptr);
  ASSERT_TRUE(model.ok()) << model.error();
  UpsState state;
  (*model)->on_report(0x14, Bytes{0x14, 0x01, 0x00});
  ASSERT_TRUE((*model)->init(state).ok());
  CommandPlan plan = (*model)->setvar("ups.test.x", "1", state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_EQ(plan.writes.at(0).bytes, (Bytes{0x14, 0x01, 0x01}));
}

TEST(HidUps, EnumRowsPublishTheirLookupTexts) {
  auto ups = bring_up(kEs850);
  auto mapping = load_mapping(
      "subdriver: t\nversion: T\nusage_table: apc\ntable:\n"
      "  - {var: ups.beeper.status, path: UPS.PowerSummary.AudibleAlarmControl, lookup: beeper,\n"
      "     flags: [rw, string], length: 10, hid: [enum]}\n",
      "t.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.error();
  DeviceIdentity identity{0x051d, 0x0002, std::nullopt, std::nullopt, std::nullopt};
  auto model = HidUps::create(ups->descriptor, *mapping, identity, {}, nullptr);
  ASSERT_TRUE(model.ok()) << model.error();
  UpsState state;
  (*model)->on_report(0x18, Bytes{0x18, 0x02});
  ASSERT_TRUE((*model)->init(state).ok());
  const Variable* beeper = state.find("ups.beeper.status");
  ASSERT_NE(beeper, nullptr);
  EXPECT_EQ(beeper->value, "enabled");
  EXPECT_EQ(beeper->enums, (std::vector<std::string>{"disabled", "enabled", "muted"}));
  EXPECT_EQ(beeper->aux, 10);
  CommandPlan plan = (*model)->setvar("ups.beeper.status", "muted", state);
  ASSERT_EQ(plan.status, CommandStatus::kHandled);
  EXPECT_EQ(plan.writes.at(0).bytes, (Bytes{0x18, 0x03}));
}

TEST(HidUps, ReconnectReReadsRowsAndResetsDriverSideVariables) {
  auto ups = bring_up(kEs850);
  ups->model->setvar("ups.delay.shutdown", "45", ups->state);
  ups->feed(WalkMode::kInit);
  ASSERT_TRUE(ups->model->init(ups->state).ok());
  // NUT's init walk on reconnect prints the absent row's default again.
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "20");
  EXPECT_EQ(value(ups->state, "battery.charge"), "100");
}

TEST(HidUps, InterruptonlyResolvesInputItemsAndNeverPolls) {
  ModelOptions options;
  options.interruptonly = true;
  auto ups = bring_up(kEs850, options);
  EXPECT_TRUE(ups->model->reports_for_walk(WalkMode::kFull).empty());
  ups->model->on_interrupt(Bytes{0x0c, 0x2a, 0x10, 0x0e}, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "42");
}

TEST(HidUps, IdentityFollowsTheSubdriver) {
  auto ups = bring_up(kEs850);
  EXPECT_EQ(value(ups->state, "ups.mfr"), "APC");  // no manufacturer string: APC's default
  EXPECT_EQ(value(ups->state, "ups.model"), "Back-UPS ES 850G2");
  EXPECT_EQ(value(ups->state, "ups.firmware"), "938.a2 .I");
  EXPECT_EQ(value(ups->state, "ups.firmware.aux"), "a2");
  EXPECT_EQ(value(ups->state, "ups.serial"), "<absent>");
  EXPECT_EQ(value(ups->state, "driver.version.data"), "APC HID 0.98");
}

}  // namespace
}  // namespace walnut::mapping
