// ups.status / ups.alarm composition: NUT 2.8.0's token order and precedence.
#include "drivers/usbhid/mapping/status.h"

#include <gtest/gtest.h>

namespace walnut::mapping {
namespace {

StatusBits bits_of(std::initializer_list<const char*> words) {
  StatusBits bits;
  for (const char* word : words) EXPECT_TRUE(bits.apply(word)) << word;
  return bits;
}

std::string status(std::initializer_list<const char*> words, StatusOptions options = {},
                   BatteryLevels levels = {}, bool alarm = false) {
  return compose_status(bits_of(words), options, levels, alarm);
}

TEST(Status, NoOnlineBitMeansOnBattery) { EXPECT_EQ(status({}), "OB"); }

TEST(Status, OnlineIsOl) { EXPECT_EQ(status({"online"}), "OL"); }

TEST(Status, ClearingWordsClearBits) { EXPECT_EQ(status({"online", "!online"}), "OB"); }

TEST(Status, WordsIgnoreCaseAndUnknownWordsAreRefused) {
  StatusBits bits;
  EXPECT_TRUE(bits.apply("ONLINE"));
  EXPECT_FALSE(bits.apply("sparkling"));
  EXPECT_TRUE(bits.test(kOnline));
}

TEST(Status, OnlineDischargingIsOlDischrgAndWarns) {
  bool warn = false;
  EXPECT_EQ(compose_status(bits_of({"online", "dischrg"}), {}, {}, false, &warn), "OL DISCHRG");
  EXPECT_TRUE(warn);
}

TEST(Status, OnlineDischargingWhileCalibratingDoesNotWarn) {
  bool warn = true;
  EXPECT_EQ(compose_status(bits_of({"online", "dischrg", "cal"}), {}, {}, false, &warn), "OL DISCHRG CAL");
  EXPECT_FALSE(warn);
}

TEST(Status, OnlinedischargeOptionMakesOnlineDischargingOnBattery) {
  StatusOptions options;
  options.onlinedischarge = true;
  EXPECT_EQ(status({"online", "dischrg"}, options), "OB DISCHRG");
}

TEST(Status, DepletedHidesDischrgAndFullyChargedHidesChrg) {
  EXPECT_EQ(status({"dischrg", "depleted"}), "OB");
  EXPECT_EQ(status({"online", "chrg", "fullycharged"}), "OL");
  EXPECT_EQ(status({"online", "chrg"}), "OL CHRG");
}

TEST(Status, LowBatteryFromAnyOfThreeBits) {
  EXPECT_EQ(status({"lowbatt"}), "OB LB");
  EXPECT_EQ(status({"timelimitexp"}), "OB LB");
  EXPECT_EQ(status({"shutdownimm"}), "OB LB");
}

TEST(Status, EveryTokenInNutOrder) {
  EXPECT_EQ(status({"cal", "off", "bypassman", "boost", "trim", "replacebatt", "overload", "lowbatt", "chrg",
                    "dischrg", "online"}),
            "OL DISCHRG CHRG LB OVER RB TRIM BOOST BYPASS OFF CAL");
}

// NUT 2.8.5 (commit c85e741f6, #415): a missing battery is RB as well as the alarm; 2.8.0 showed
// only the alarm.
TEST(Status, NoBatteryRaisesAnAlarmAndRb) {
  StatusBits bits = bits_of({"online", "nobattery"});
  EXPECT_EQ(compose_status(bits, {}, {}, false), "OL RB");
  EXPECT_EQ(compose_status(bits, {}, {}, true), "ALARM OL RB");
  EXPECT_EQ(status_alarms(bits), std::vector<std::string>{"No battery installed!"});
  EXPECT_EQ(status({"online", "nobattery", "replacebatt"}), "OL RB");  // once, not twice
}

TEST(Status, ActiveAlarmPrefixesAlarm) { EXPECT_EQ(status({"online"}, {}, {}, true), "ALARM OL"); }

TEST(Status, AlarmsInNutOrder) {
  StatusBits bits = bits_of({"bypassman", "replacebatt", "fanfail", "shutdownimm", "overheat"});
  EXPECT_EQ(status_alarms(bits), (std::vector<std::string>{"Replace battery!", "Shutdown imminent!", "Fan failure!",
                                                           "Temperature too high!", "Manual bypass mode!"}));
}

TEST(Status, IgnorelbDropsDeviceLbAndUsesCharge) {
  StatusOptions options;
  options.ignorelb = true;
  EXPECT_EQ(status({"online", "lowbatt"}, options), "OL");
  BatteryLevels low{"9", "10", std::nullopt, std::nullopt};
  EXPECT_EQ(status({"online"}, options, low), "OL LB");
  BatteryLevels fine{"10", "10", "100", "120"};
  EXPECT_EQ(status({"online"}, options, fine), "OL LB");  // runtime below its limit
  BatteryLevels plenty{"80", "10", "1000", "120"};
  EXPECT_EQ(status({"online"}, options, plenty), "OL");
}

// Firmware oddities (docs/field-failures.md #6). NUT's status_commit (dstate.c:1890) takes any
// runtime below the limit as LB under ignorelb, so a Smart-UPS reporting -1 (NUT #983, #784)
// is shut down at full charge; walnut does not.
TEST(Status, IgnorelbDoesNotTakeAnUnknownRuntimeForALowBattery) {
  StatusOptions options;
  options.ignorelb = true;
  EXPECT_EQ(status({"online"}, options, {"100", "10", "-1", "150"}), "OL");
  EXPECT_EQ(status({"online", "dischrg"}, options, {"100", "10", "-1", "150"}), "OL DISCHRG");
  EXPECT_EQ(status({}, options, {"100", "10", "-1", "150"}), "OB");
  EXPECT_EQ(status({}, options, {"5", "10", "-1", "150"}), "OB LB");  // the charge still counts
}

TEST(Status, IgnorelbBelievesARuntimeOfZeroOnlyOnBattery) {
  StatusOptions options;
  options.ignorelb = true;
  EXPECT_EQ(status({"online"}, options, {"100", "10", "0", "150"}), "OL");
  EXPECT_EQ(status({"online", "dischrg"}, options, {"100", "10", "0", "150"}), "OL DISCHRG LB");
  EXPECT_EQ(status({"dischrg"}, options, {"0", "3", "0", "5"}), "OB DISCHRG LB");  // NUT #1068
}

TEST(Status, ASaturatedRuntimeIsNotLow) {
  StatusOptions options;
  options.ignorelb = true;
  EXPECT_EQ(status({"online"}, options, {"100", "10", "65535", "180"}), "OL");  // NUT #731, #1740
  EXPECT_EQ(status({"online"}, options, {"100", "10", "1", "180"}), "OL LB");
}

TEST(Status, TransferReasonVoltageBeforeFrequency) {
  EXPECT_EQ(transfer_reason(bits_of({"vrange", "frange"})), "input voltage out of range");
  EXPECT_EQ(transfer_reason(bits_of({"frange"})), "input frequency out of range");
  EXPECT_EQ(transfer_reason(bits_of({})), std::nullopt);
}

// NUT 2.8.5's onlinedischarge_calibration (usbhid-ups.c:2727): OL+DISCHRG is a calibration.
TEST(Status, OnlinedischargeCalibrationMakesOnlineDischargingCal) {
  StatusOptions options;
  options.onlinedischarge_calibration = true;
  bool warn = true;
  EXPECT_EQ(compose_status(bits_of({"online", "dischrg"}), options, {}, false, &warn), "DISCHRG CAL");
  EXPECT_FALSE(warn);
  EXPECT_EQ(status({"online"}, options), "OL");
}

// The LB/RB debounce of NUT 2.8.5 (lbrb_log_delay_sec, PR #2565), in simulated time.
class LbRbDebounceTest : public ::testing::Test {
 protected:
  std::string at(int second, std::initializer_list<const char*> words, BatteryLevels levels = {}) {
    return compose_status(bits_of(words), options_, levels, false, nullptr, &debounce_,
                          start_ + std::chrono::seconds(second));
  }
  StatusOptions options_ = [] {
    StatusOptions o;
    o.lbrb_delay_sec = 3;
    return o;
  }();
  LbRbDebounce debounce_;
  std::chrono::steady_clock::time_point start_{};
};

TEST_F(LbRbDebounceTest, AGlitchWhileCalibratingNeverReachesTheStatus) {
  EXPECT_EQ(at(0, {"online", "cal", "lowbatt", "replacebatt"}), "OL CAL");
  EXPECT_EQ(at(2, {"online", "cal", "lowbatt", "replacebatt"}), "OL CAL");
  EXPECT_EQ(at(3, {"online", "cal"}), "OL CAL");
  EXPECT_EQ(at(5, {"online", "cal", "lowbatt"}), "OL CAL");  // a new episode waits again
}

TEST_F(LbRbDebounceTest, ALastingLbIsPublishedAfterTheDelay) {
  EXPECT_EQ(at(0, {"online", "cal", "lowbatt"}), "OL CAL");
  EXPECT_EQ(at(3, {"online", "cal", "lowbatt"}), "OL CAL");  // NUT: more than the delay
  EXPECT_EQ(at(4, {"online", "cal", "lowbatt"}), "OL LB CAL");
}

TEST_F(LbRbDebounceTest, OnlyWhileCalibratingUnlessToldOtherwise) {
  EXPECT_EQ(at(0, {"online", "lowbatt"}), "OL LB");
  options_.lbrb_delay_without_calibrating = true;
  EXPECT_EQ(at(1, {"online", "lowbatt"}), "OL");
}

TEST_F(LbRbDebounceTest, OnBatteryOrBelowTheLowThresholdLbIsNeverDelayed) {
  options_.lbrb_delay_without_calibrating = true;
  EXPECT_EQ(at(0, {"lowbatt"}), "OB LB");
  EXPECT_EQ(at(0, {"online", "lowbatt"}, {"5", "10", std::nullopt, std::nullopt}), "OL LB");
  EXPECT_EQ(at(0, {"online", "lowbatt"}, {std::nullopt, std::nullopt, "60", "120"}), "OL LB");
  EXPECT_EQ(at(0, {"online", "lowbatt"}, {"50", "10", std::nullopt, std::nullopt}), "OL");
}

TEST_F(LbRbDebounceTest, AnUnknownRuntimeNeitherDelaysNorForcesLb) {
  // -1 is no reading: the debounce still holds a calibration glitch, and a real runtime below
  // the limit still passes at once.
  EXPECT_EQ(at(0, {"online", "cal", "lowbatt"}, {"100", "10", "-1", "120"}), "OL CAL");
  EXPECT_EQ(at(1, {"online", "cal", "lowbatt"}, {"100", "10", "60", "120"}), "OL LB CAL");
}

TEST_F(LbRbDebounceTest, OffByDefault) {
  options_.lbrb_delay_sec = 0;
  EXPECT_EQ(at(0, {"online", "cal", "lowbatt", "replacebatt"}), "OL LB RB CAL");
}

TEST(Status, ApcModelsNut285DefaultsTheLbRbDelayFor) {
  EXPECT_TRUE(apc_defaults_lbrb_delay("American Power Conversion", "Back-UPS BX1600MI"));
  EXPECT_TRUE(apc_defaults_lbrb_delay("APC", "BX750MI"));
  EXPECT_TRUE(apc_defaults_lbrb_delay("APC", "Back-UPS BVK650M2"));
  EXPECT_TRUE(apc_defaults_lbrb_delay("APC", "Back-UPS BK650M2_CH"));
  EXPECT_FALSE(apc_defaults_lbrb_delay("APC", "Back-UPS ES 850G2"));
  EXPECT_FALSE(apc_defaults_lbrb_delay("CPS", "BX1600MI"));
}

// NUT 2.8.5's throttle of the OL+DISCHRG hint (onlinedischarge_log_throttle_*), simulated time.
TEST(OnlineDischargeLog, LogsWhenTheChargeDropsUnderTheHoverchargeAndNotAgainUntilItChanges) {
  OnlineDischargeLog log;
  const std::chrono::steady_clock::time_point t0{};
  EXPECT_FALSE(log_online_discharge(log, true, true, std::string("100"), t0));  // hovering full
  EXPECT_TRUE(log_online_discharge(log, true, true, std::string("97"), t0));
  EXPECT_FALSE(log_online_discharge(log, true, true, std::string("97"), t0 + std::chrono::hours(1)));
  EXPECT_TRUE(log_online_discharge(log, true, true, std::string("95"), t0 + std::chrono::hours(1)));
  EXPECT_FALSE(log_online_discharge(log, false, false, std::string("95"), t0));  // not discharging
  EXPECT_TRUE(log_online_discharge(log, true, true, std::string("95"), t0));     // a new episode
}

TEST(OnlineDischargeLog, ThrottleSecondsRepeatTheHint) {
  OnlineDischargeLog log;
  log.throttle_sec = 10;
  log.hovercharge = 90;
  const std::chrono::steady_clock::time_point t0{};
  EXPECT_TRUE(log_online_discharge(log, true, true, std::string("80"), t0));
  EXPECT_FALSE(log_online_discharge(log, true, true, std::string("80"), t0 + std::chrono::seconds(9)));
  EXPECT_TRUE(log_online_discharge(log, true, true, std::string("80"), t0 + std::chrono::seconds(10)));
  log.throttle_sec = -1;  // never by time
  EXPECT_FALSE(log_online_discharge(log, true, true, std::string("80"), t0 + std::chrono::hours(9)));
}

}  // namespace
}  // namespace walnut::mapping
