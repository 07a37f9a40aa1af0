// Tests metrics/ups_metrics.cpp: the ups_* metric names, labels and values of issue 7.
#include "metrics/ups_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace walnut::metrics {
namespace {

UpsSnapshot sample_ups(std::string name, std::string status) {
  UpsSnapshot ups;
  ups.name = std::move(name);
  ups.fresh = true;
  ups.variables = {
      {"battery.charge", "87"},       {"battery.runtime", "1260"}, {"battery.voltage", "13.6"},
      {"input.voltage", "230.0"},     {"output.voltage", "229.5"}, {"ups.load", "23"},
      {"ups.status", std::move(status)}, {"ups.mfr", "APC"},      {"ups.vendorid", "0764"},
      {"ups.serial", "1234"},         {"driver.version", "2.8.0"}, {"device.uptime", "42"},
  };
  return ups;
}

std::string text_of(const std::vector<UpsSnapshot>& upses) { return render(ups_metric_families(upses)); }

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(UpsMetrics, ParsesPlainDecimalNumbersOnly) {
  EXPECT_EQ(parse_number("230.0"), 230.0);
  EXPECT_EQ(parse_number("-1"), -1.0);
  EXPECT_EQ(parse_number(" 12 "), 12.0);
  EXPECT_EQ(parse_number("+5"), 5.0);
  EXPECT_EQ(parse_number(".5"), 0.5);
  EXPECT_EQ(parse_number("1e3"), 1000.0);
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("OL"));
  EXPECT_FALSE(parse_number("051d"));
  EXPECT_FALSE(parse_number("0x10"));
  EXPECT_FALSE(parse_number("inf"));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number("1e"));
  EXPECT_FALSE(parse_number("."));
  EXPECT_FALSE(parse_number("2020/01/01"));
  EXPECT_FALSE(parse_number("1 2"));
}

TEST(UpsMetrics, NamesVariablesUnderTheUpsPrefixWithoutRepeatingIt) {
  EXPECT_EQ(metric_name_for_variable("battery.charge"), "ups_battery_charge");
  EXPECT_EQ(metric_name_for_variable("battery.runtime"), "ups_battery_runtime");
  EXPECT_EQ(metric_name_for_variable("input.voltage"), "ups_input_voltage");
  EXPECT_EQ(metric_name_for_variable("ups.load"), "ups_load");
  EXPECT_EQ(metric_name_for_variable("UPS.Realpower.Nominal"), "ups_realpower_nominal");
  EXPECT_EQ(metric_name_for_variable("outlet.1.delay-start"), "ups_outlet_1_delay_start");
}

TEST(UpsMetrics, SkipsIdentifiersThatOnlyLookNumeric) {
  EXPECT_FALSE(is_exported_variable("ups.vendorid"));
  EXPECT_FALSE(is_exported_variable("ups.productid"));
  EXPECT_FALSE(is_exported_variable("device.serial"));
  EXPECT_FALSE(is_exported_variable("driver.version.internal"));
  EXPECT_FALSE(is_exported_variable("ups.firmware.aux"));
  EXPECT_FALSE(is_exported_variable("driver.parameter.bus"));
  EXPECT_TRUE(is_exported_variable("device.uptime"));
  EXPECT_TRUE(is_exported_variable("driver.parameter.pollinterval"));
  EXPECT_TRUE(is_exported_variable("battery.charge"));
}

TEST(UpsMetrics, ExportsTheIssueSevenGaugesForAFreshUps) {
  const std::string text = text_of({sample_ups("myups", "OL CHRG")});
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="myups"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_battery_charge{ups="myups"} 87)"));
  EXPECT_TRUE(has_line(text, R"(ups_battery_runtime{ups="myups"} 1260)"));
  EXPECT_TRUE(has_line(text, R"(ups_battery_voltage{ups="myups"} 13.6)"));
  EXPECT_TRUE(has_line(text, R"(ups_input_voltage{ups="myups"} 230)"));
  EXPECT_TRUE(has_line(text, R"(ups_output_voltage{ups="myups"} 229.5)"));
  EXPECT_TRUE(has_line(text, R"(ups_load{ups="myups"} 23)"));
  EXPECT_TRUE(has_line(text, R"(ups_device_uptime{ups="myups"} 42)"));
  EXPECT_EQ(text.find("ups_vendorid"), std::string::npos);
  EXPECT_EQ(text.find("ups_serial"), std::string::npos);
  EXPECT_EQ(text.find("ups_mfr"), std::string::npos);
}

TEST(UpsMetrics, UsesNutsDescriptionsAsHelp) {
  const std::string text = text_of({sample_ups("u", "OL")});
  EXPECT_TRUE(has_line(text,
                       "# HELP ups_battery_charge Battery charge (percent of full) "
                       "(NUT variable battery.charge)"));
  EXPECT_TRUE(has_line(text, "# TYPE ups_battery_charge gauge"));
}

TEST(UpsMetrics, TurnsStatusFlagsIntoOneAndZero) {
  const std::string text = text_of({sample_ups("u", "OB LB RB DISCHRG")});
  EXPECT_TRUE(has_line(text, R"(ups_status_online{ups="u"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_on_battery{ups="u"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_low_battery{ups="u"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_replace_battery{ups="u"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="DISCHRG"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="OL"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="CHRG"} 0)"));
}

TEST(UpsMetrics, GivesOneStatusInfoSeriesPerKnownFlag) {
  const std::string text = text_of({sample_ups("u", "OL")});
  std::size_t series = 0;
  for (std::size_t at = 0; (at = text.find("\nups_status_info{", at)) != std::string::npos; ++at) ++series;
  EXPECT_EQ(series, known_status_flags().size());
  EXPECT_EQ(known_status_flags().size(), 17u);
  for (std::string_view flag : known_status_flags()) {
    EXPECT_NE(text.find("status=\"" + std::string(flag) + "\""), std::string::npos) << flag;
  }
}

TEST(UpsMetrics, DoesNotMistakeAFlagForAPartOfAnother) {
  const std::string text = text_of({sample_ups("u", "NOCOMM DISCHRG")});
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="COMM"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="CHRG"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_status_info{ups="u",status="NOCOMM"} 1)"));
}

TEST(UpsMetrics, ExportsOnlyScrapeFailureForAStaleUps) {
  UpsSnapshot stale = sample_ups("old", "OL");
  stale.fresh = false;
  const std::string text = text_of({stale});
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="old"} 0)"));
  EXPECT_EQ(text.find("ups_battery_charge"), std::string::npos);
  EXPECT_EQ(text.find("ups_status_online"), std::string::npos);
}

TEST(UpsMetrics, TreatsWaitStatusAsNotFresh) {
  const std::string text = text_of({sample_ups("w", "WAIT")});
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="w"} 0)"));
  EXPECT_EQ(text.find("ups_load"), std::string::npos);
}

TEST(UpsMetrics, DescribesEachFreshUpsInOneDeviceInfoSeries) {
  UpsSnapshot ups = sample_ups("rack1", "OL");
  ups.variables["device.mfr"] = "American Power Conversion";
  ups.variables["ups.model"] = "Back-UPS ES 850G2";
  ups.variables["ups.firmware"] = "938.a2 .I";
  ups.variables["driver.name"] = "usbhid-ups";
  const std::string text = text_of({ups});
  // device.mfr wins over ups.mfr; ups.serial stands in for a missing device.serial.
  EXPECT_TRUE(has_line(text,
                       R"(ups_device_info{ups="rack1",mfr="American Power Conversion",)"
                       R"(model="Back-UPS ES 850G2",firmware="938.a2 .I",serial="1234",driver="usbhid-ups"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, "# TYPE ups_device_info gauge"));
}

TEST(UpsMetrics, EscapesDeviceInfoLabelValuesAndLeavesMissingOnesEmpty) {
  UpsSnapshot ups;
  ups.name = "u";
  ups.fresh = true;
  ups.variables = {{"ups.status", "OL"}, {"ups.mfr", "Quote \"Maker\"\\"}, {"device.model", "two\nlines"}};
  const std::string text = text_of({ups});
  EXPECT_TRUE(has_line(text, R"(ups_device_info{ups="u",mfr="Quote \"Maker\"\\",model="two\nlines",)"
                             R"(firmware="",serial="",driver=""} 1)"))
      << text;
}

TEST(UpsMetrics, HasNoDeviceInfoForAUpsWithoutCurrentData) {
  UpsSnapshot stale = sample_ups("old", "OL");
  stale.fresh = false;
  stale.data_stale = true;
  EXPECT_EQ(text_of({stale}).find("ups_device_info{"), std::string::npos);
}

TEST(UpsMetrics, TellsStaleDataFromAServerThatCouldNotBeAsked) {
  UpsSnapshot stale{"stale", false, {}, true};
  UpsSnapshot unasked{"unasked", false, {}, false};
  const std::string text = text_of({sample_ups("ok", "OL"), stale, unasked, sample_ups("waiting", "WAIT")});
  EXPECT_TRUE(has_line(text, R"(ups_data_stale{ups="ok"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_data_stale{ups="stale"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ups_data_stale{ups="waiting"} 1)"));
  EXPECT_EQ(text.find(R"(ups_data_stale{ups="unasked"})"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="stale"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="unasked"} 0)"));
}

TEST(UpsMetrics, GroupsSamplesOfSeveralUpsesUnderOneFamily) {
  UpsSnapshot stale = sample_ups("c", "OL");
  stale.fresh = false;
  const std::string text = text_of({sample_ups("a", "OL"), sample_ups("b", "OB"), stale});
  EXPECT_NE(text.find("ups_load{ups=\"a\"} 23\nups_load{ups=\"b\"} 23\n"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '#'), 2 * static_cast<long>(ups_metric_families(
                                                                 {sample_ups("a", "OL")}).size()));
}

TEST(UpsMetrics, NeverLetsAVariableTakeAReservedName) {
  UpsSnapshot ups = sample_ups("u", "OL");
  ups.variables["scrape.success"] = "5";
  ups.variables["status.online"] = "7";
  ups.variables["data.stale"] = "9";
  ups.variables["device.info"] = "3";
  const std::string text = text_of({ups});
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="u"} 1)"));
  EXPECT_FALSE(has_line(text, R"(ups_scrape_success{ups="u"} 5)"));
  EXPECT_FALSE(has_line(text, R"(ups_status_online{ups="u"} 7)"));
  EXPECT_TRUE(has_line(text, R"(ups_data_stale{ups="u"} 0)"));
  EXPECT_EQ(text.find(R"(ups_device_info{ups="u"} 3)"), std::string::npos);
}

TEST(UpsMetrics, KeepsOneSeriesWhenTwoVariablesSanitizeToOneName) {
  UpsSnapshot ups = sample_ups("u", "OL");
  ups.variables["x.y"] = "1";
  ups.variables["x_y"] = "2";
  const std::string text = text_of({ups});
  EXPECT_TRUE(has_line(text, R"(ups_x_y{ups="u"} 1)"));
  EXPECT_FALSE(has_line(text, R"(ups_x_y{ups="u"} 2)"));
}

TEST(UpsMetrics, EscapesUpsNamesInLabels) {
  const std::string text = text_of({sample_ups("we\"ird\\", "OL")});
  EXPECT_TRUE(has_line(text, R"(ups_scrape_success{ups="we\"ird\\"} 1)"));
}

}  // namespace
}  // namespace walnut::metrics
