// The walk of the device model (hid_ups_walk.cpp): interrupts, full and quick walks, alarms,
// driver options on status and init, enums and reconnects (NUT 2.8.0).
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

TEST(HidUpsWalk, InterruptStatusBitsShowAtOnce) {
  auto ups = bring_up(kEs850);
  ASSERT_EQ(value(ups->state, "ups.status"), "OL");
  // PresentStatus: Discharging and BatteryPresent, ACPresent gone.
  ups->model->on_interrupt(Bytes{0x16, 0x0a, 0x00, 0x00, 0x00}, ups->state);
  ups->model->commit_status(ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OB DISCHRG");
}

// With a trusted interrupt pipe a quick walk GETs only the reports whose quick items the pipe
// does not carry: on the ES 850G2, 0x06/0x13/0x14/0x16 (status bits, all with Input twins) come
// by interrupt; 0x15 (ups.timer.shutdown) and 0x40 have no Input item and are still polled.
TEST(HidUpsWalk, QuickWalkSkipsWhatTheInterruptPipeDelivers) {
  auto ups = bring_up(kEs850);
  const auto all = ups->model->reports_for_walk(WalkMode::kQuick);
  EXPECT_EQ(all, (std::vector<std::uint8_t>{0x06, 0x13, 0x14, 0x15, 0x16, 0x40}));
  EXPECT_EQ(ups->model->reports_for_walk(WalkMode::kQuick, true),
            (std::vector<std::uint8_t>{0x15, 0x40}));
  // The full walk, the cross-check of the interrupt-fed values, still GETs them all.
  EXPECT_EQ(ups->model->reports_for_walk(WalkMode::kFull, true),
            ups->model->reports_for_walk(WalkMode::kFull));
  // A skipped report's status bits come from its last interrupt report: the UPS sends every
  // report whose Input items changed (PresentStatus 0x16, ACPresent 0x13, Discharging 0x06).
  ups->model->on_interrupt(Bytes{0x16, 0x0a, 0x00, 0x00, 0x00}, ups->state);
  ups->model->on_interrupt(Bytes{0x13, 0x00}, ups->state);
  ups->model->on_interrupt(Bytes{0x06, 0x00, 0x01, 0x08}, ups->state);
  for (std::uint8_t id : ups->model->reports_for_walk(WalkMode::kQuick, true)) {
    auto bytes = hid::captured_report(ups->capture, ups->descriptor, hid::ReportType::kFeature, id);
    ASSERT_TRUE(bytes);
    ups->model->on_report(id, *bytes);
  }
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OB DISCHRG");
}

TEST(HidUpsWalk, InterruptValuesGoToTheRowThatWonAtInit) {
  auto ups = bring_up(kEs850);
  ASSERT_EQ(value(ups->state, "battery.runtime"), "868");
  ups->model->on_interrupt(Bytes{0x0c, 0x32, 0x10, 0x0e}, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "50");
  // battery.runtime is read from UPS.Battery.RunTimeToEmpty (the first row): NUT drops the
  // PowerSummary row at init, so this Input item updates nothing.
  EXPECT_EQ(value(ups->state, "battery.runtime"), "868");
}

TEST(HidUpsWalk, InterruptOfUnknownReportIsIgnored) {
  auto ups = bring_up(kEs850);
  ups->model->on_interrupt(Bytes{0xee, 0x01}, ups->state);
  ups->model->on_interrupt(Bytes{}, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OL");
}

TEST(HidUpsWalk, FullWalkPublishesAlarmsAndQuickWalkKeepsThem) {
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

TEST(HidUpsWalk, FailedReportsAreSkippedNotCleared) {
  auto ups = bring_up(kEs850);
  ups->model->on_report_failed(0x0c);
  ups->model->on_report_failed(0x22);
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "100");
}

TEST(HidUpsWalk, LowbattOndelayOffdelayOptionsApplyAfterInit) {
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

TEST(HidUpsWalk, IgnorelbTakesLowBatteryFromTheCharge) {
  auto ups = bring_up(kEs850);
  ups->state.set_info("driver.flag.ignorelb", "enabled");
  ups->model->on_report(0x0c, Bytes{0x0c, 0x05, 0x64, 0x03});  // 5 %, below charge.low 10
  ups->model->walk(WalkMode::kFull, ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OL LB");
}

TEST(HidUpsWalk, OnlinedischargeReportsOnBattery) {
  ModelOptions options;
  options.onlinedischarge = true;
  auto ups = bring_up(kEs850, options);
  ups->model->on_interrupt(Bytes{0x16, 0x0e, 0x00, 0x00, 0x00}, ups->state);  // AC + discharging
  ups->model->commit_status(ups->state);
  EXPECT_EQ(value(ups->state, "ups.status"), "OB DISCHRG");
}

TEST(HidUpsWalk, EnumRowsPublishTheirLookupTexts) {
  auto ups = bring_up(kEs850);
  auto model = model_with_rows(
      *ups,
      "  - {var: ups.beeper.status, path: UPS.PowerSummary.AudibleAlarmControl, lookup: beeper,\n"
      "     flags: [rw, string], length: 10, hid: [enum]}\n");
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

TEST(HidUpsWalk, ReconnectReReadsRowsAndResetsDriverSideVariables) {
  auto ups = bring_up(kEs850);
  ups->model->setvar("ups.delay.shutdown", "45", ups->state);
  ups->feed(WalkMode::kInit);
  ASSERT_TRUE(ups->model->init(ups->state).ok());
  // NUT's init walk on reconnect prints the absent row's default again.
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "20");
  EXPECT_EQ(value(ups->state, "battery.charge"), "100");
}

TEST(HidUpsWalk, MaxReportSizeAsksForNutsPointerSizedRead) {
  auto plain = bring_up(kEs850);
  EXPECT_EQ(plain->model->request_length(0x0c), 4u);
  ModelOptions options;
  options.max_report_size = true;
  auto tweaked = bring_up(kEs850, options);
  // libhid.c asks sizeof(rbuf->data[id]), and data[id] is an unsigned char *.
  EXPECT_EQ(tweaked->model->request_length(0x0c), sizeof(unsigned char*));
  EXPECT_EQ(tweaked->model->report_length(0x0c), 4u);
}

// powercom_hack_voltage's Report 0xa4 is outside the descriptor: the model asks for it (8 bytes)
// in every walk that reads battery.voltage, even when the rest comes from the interrupt pipe.
TEST(HidUpsWalk, ConvertersOwnReportIsReadWithItsRow) {
  auto ups = bring_up("powercom-synthetic.txt");
  ASSERT_EQ(ups->error, "");
  EXPECT_EQ(value(ups->state, "battery.voltage"), "13.7");
  auto init = ups->model->reports_for_walk(WalkMode::kInit);
  EXPECT_NE(std::find(init.begin(), init.end(), 0xa4), init.end());
  auto full = ups->model->reports_for_walk(WalkMode::kFull);
  EXPECT_NE(std::find(full.begin(), full.end(), 0xa4), full.end());
  auto quick = ups->model->reports_for_walk(WalkMode::kQuick);  // the row is not quick_poll
  EXPECT_EQ(std::find(quick.begin(), quick.end(), 0xa4), quick.end());
  EXPECT_EQ(ups->model->request_length(0xa4), 8u);
  ModelOptions options;
  options.interruptonly = true;
  auto interrupt_only = bring_up("powercom-synthetic.txt", options);
  EXPECT_EQ(interrupt_only->model->reports_for_walk(WalkMode::kFull), (std::vector<std::uint8_t>{0xa4}));
  auto unanswered = bring_up("powercom-synthetic.pattern-seed1.txt");  // no 0xa4 there
  EXPECT_EQ(value(unanswered->state, "battery.voltage"), "0.0");
}

// NUT 2.8.5's ECO switch on a walk (eaton-synthetic: every MGE path, zero reports): the words
// of each quick or full walk end in experimental.ups.mode.buzzwords, and go when none is left.
TEST(HidUpsWalk, EcoModeWordsFollowEachWalk) {
  auto ups = bring_up("eaton-synthetic.txt");
  ASSERT_EQ(ups->error, "");
  EXPECT_EQ(value(ups->state, "input.eco.switchable"), "normal");
  EXPECT_EQ(value(ups->state, "input.bypass.switch.on"), "disabled");
  EXPECT_EQ(value(ups->state, "experimental.ups.mode.buzzwords"), "<absent>");
  // ECO asked (Switchable 1): the published bypass 0.0 V / 0.0 Hz is within 0 V ± 5 %.
  ups->model->on_report(0x5f, Bytes{0x5f, 0x01, 0x00});
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "input.eco.switchable"), "ECO");
  EXPECT_EQ(value(ups->state, "experimental.ups.mode.buzzwords"), "vendor:mge-hid:ECO");
  ups->state.set_info("output.frequency.nominal", "60");  // a static row: the walk keeps it
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "input.eco.switchable"), "normal");  // set back by the range check
  EXPECT_EQ(value(ups->state, "experimental.ups.mode.buzzwords"), "vendor:mge-hid:normal");
  ups->model->on_report(0x5f, Bytes{0x5f, 0x00, 0x00});
  ups->model->walk(WalkMode::kQuick, ups->state);
  EXPECT_EQ(value(ups->state, "experimental.ups.mode.buzzwords"), "<absent>");
  // SET input.eco.switchable ESS writes 2; SET input.bypass.switch.on on writes 1.
  CommandPlan ess = ups->model->setvar("input.eco.switchable", "ESS", ups->state);
  ASSERT_EQ(ess.writes.size(), 1u);
  EXPECT_EQ(ess.writes[0].bytes, (Bytes{0x5f, 0x02, 0x00}));
  CommandPlan refused = ups->model->setvar("input.eco.switchable", "eco", ups->state);
  EXPECT_EQ(refused.status, CommandStatus::kConversionFailed);  // usbhid-ups.c:1214-1218 (2.8.5)
  EXPECT_TRUE(refused.writes.empty());
  CommandPlan on = ups->model->setvar("input.bypass.switch.on", "on", ups->state);
  ASSERT_EQ(on.writes.size(), 1u);
  EXPECT_EQ(on.writes[0].bytes, (Bytes{0x5d, 0x01, 0x00}));
}

// experimental.bypass.ecomode.start/stop (mge-hid.c:1312-1360, 2348-2350): the conversion
// decides the value written to Input.[5].Switchable, and stop first SETs what it switches off.
TEST(HidUpsWalk, BypassEcoModeCommandsAreComposite) {
  auto ups = bring_up("eaton-synthetic.txt");
  ASSERT_EQ(ups->error, "");
  EXPECT_EQ(value(ups->state, "input.bypass.switch.off"), "disabled");
  CommandPlan start = ups->model->instcmd("experimental.bypass.ecomode.start", std::nullopt, ups->state);
  EXPECT_EQ(start.status, CommandStatus::kHandled);
  ASSERT_EQ(start.writes.size(), 1u);
  EXPECT_EQ(start.writes[0].bytes, (Bytes{0x5f, 0x01, 0x00}));
  // Stop with ECO not on: input.bypass.switch.off SET to "off" (1), then 1 (NUT's "not ECO").
  CommandPlan stop = ups->model->instcmd("experimental.bypass.ecomode.stop", std::nullopt, ups->state);
  ASSERT_EQ(stop.writes.size(), 2u);
  EXPECT_EQ(stop.writes[0].bytes, (Bytes{0x5b, 0x01, 0x00}));  // SwitchOffControl
  EXPECT_TRUE(stop.writes[0].ignore_failure);
  EXPECT_EQ(stop.writes[1].bytes, (Bytes{0x5f, 0x01, 0x00}));
  ups->state.set_info("input.eco.switchable", "ECO");
  stop = ups->model->instcmd("experimental.bypass.ecomode.stop", std::nullopt, ups->state);
  ASSERT_EQ(stop.writes.size(), 3u);
  EXPECT_EQ(stop.writes[1].bytes, (Bytes{0x5f, 0x00, 0x00}));  // SET input.eco.switchable normal
  EXPECT_EQ(stop.writes[2].bytes, (Bytes{0x5f, 0x00, 0x00}));
  // Start with the bypass switch not "disabled": 0 is written.
  ups->state.set_info("input.bypass.switch.on", "on");
  start = ups->model->instcmd("experimental.bypass.ecomode.start", std::nullopt, ups->state);
  ASSERT_EQ(start.writes.size(), 1u);
  EXPECT_EQ(start.writes[0].bytes, (Bytes{0x5f, 0x00, 0x00}));
}

// NUT 2.8.5's mge_model_names decides the model series before the init walk (mge_format_model
// runs at match time); stock 2.8.0 has no 9E rows, so these are 2.8.5's values worked by hand
// (the capture's header cites mge-hid.c's lines).
TEST(HidUpsWalk, MgeModelSeriesFrom285Table) {
  testing::ScopedTimeZone utc("UTC0");
  auto ups = bring_up("eaton-model-9e-synthetic.txt");
  ASSERT_EQ(ups->error, "");
  EXPECT_EQ(value(ups->state, "ups.model"), "9E1000i");                 // mge-hid.c:1861
  EXPECT_EQ(value(ups->state, "battery.voltage"), "27.0");              // EATON_9E, mge-hid.c:708
  EXPECT_EQ(value(ups->state, "battery.voltage.nominal"), "24");        // EATON_9E, mge-hid.c:681
  EXPECT_EQ(value(ups->state, "outlet.power"), "120");                  // not Pegasus: ApparentPower
  EXPECT_EQ(value(ups->state, "device.country"), "<absent>");           // read, never published
  EXPECT_EQ(ups->state.find("outlet.2.switchable")->flags & kFlagRw, 0u);
}

TEST(HidUpsWalk, PegasusRowsAreWritableAndDateTimeWritesBack) {
  testing::ScopedTimeZone utc("UTC0");
  auto ups = bring_up("eaton-model-protection-station-synthetic.txt");
  ASSERT_EQ(ups->error, "");
  EXPECT_EQ(value(ups->state, "ups.model"), "Protection Station 500");
  EXPECT_EQ(value(ups->state, "outlet.power"), "25");  // the threshold, mge-hid.c:2239
  EXPECT_EQ(value(ups->state, "battery.voltage"), "<absent>");
  const auto* threshold = ups->state.find("outlet.power");
  EXPECT_NE(threshold->flags & kFlagRw, 0u);
  EXPECT_EQ(threshold->enums, (std::vector<std::string>{"10", "25", "60"}));
  // pegasus_yes_no_info_nuf: "no" is 0 (report 0x0d, one bit).
  CommandPlan off = ups->model->setvar("outlet.2.switchable", "no", ups->state);
  ASSERT_EQ(off.writes.size(), 1u);
  EXPECT_EQ(off.writes[0].bytes, (Bytes{0x0d, 0x00}));
  // ups.date with the published ups.time, as local (here UTC) Unix time: 2024-12-06 03:34:56.
  CommandPlan date = ups->model->setvar("ups.date", "2024/12/06", ups->state);
  ASSERT_EQ(date.writes.size(), 1u);
  EXPECT_EQ(date.writes[0].bytes, (Bytes{0x06, 0xe0, 0x70, 0x52, 0x67}));
  // An offline model with a fixed name: nothing from the Pegasus or battery rows.
  auto ellipse = bring_up("eaton-model-ellipse-300-synthetic.txt");
  EXPECT_EQ(value(ellipse->state, "ups.model"), "ellipse 300");
  EXPECT_EQ(value(ellipse->state, "outlet.power"), "120");
  EXPECT_EQ(ellipse->state.find("outlet.2.switchable")->flags & kFlagRw, 0u);
}

}  // namespace
}  // namespace walnut::mapping
