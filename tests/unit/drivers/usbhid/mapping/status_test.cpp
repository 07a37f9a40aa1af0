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

TEST(Status, NoBatteryRaisesAnAlarmButNoStatusToken) {
  StatusBits bits = bits_of({"online", "nobattery"});
  EXPECT_EQ(compose_status(bits, {}, {}, false), "OL");
  EXPECT_EQ(status_alarms(bits), std::vector<std::string>{"No battery installed!"});
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

TEST(Status, TransferReasonVoltageBeforeFrequency) {
  EXPECT_EQ(transfer_reason(bits_of({"vrange", "frange"})), "input voltage out of range");
  EXPECT_EQ(transfer_reason(bits_of({"frange"})), "input frequency out of range");
  EXPECT_EQ(transfer_reason(bits_of({})), std::nullopt);
}

}  // namespace
}  // namespace walnut::mapping
