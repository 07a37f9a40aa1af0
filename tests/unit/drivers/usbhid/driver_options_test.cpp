// Tests of usbhid-ups's command line and settings (drivers/usbhid/driver_options.cpp).
#include "drivers/usbhid/driver_options.h"

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

TEST(CommandLine, ParsesNutStyleArguments) {
  auto line = parse_command_line(
      {"-a", "myups", "-D", "-D", "-x", "port=auto", "-x", "pollonly", "-d", "1", "-u", "nut"});
  ASSERT_TRUE(line.ok()) << line.error();
  EXPECT_EQ(line->ups_name, "myups");
  EXPECT_TRUE(line->from_ups_conf);
  EXPECT_EQ(line->debug_level, 2);
  EXPECT_EQ(line->dump_after, 1);
  ASSERT_EQ(line->settings.size(), 2u);
  EXPECT_EQ(line->settings[0].key, "port");
  EXPECT_EQ(line->settings[0].value, "auto");
  EXPECT_EQ(line->settings[1].key, "pollonly");
  EXPECT_FALSE(line->settings[1].value.has_value());
  EXPECT_EQ(line->user, "nut");
}

TEST(CommandLine, AcceptsClusteredFlagsAndAttachedValues) {
  auto line = parse_command_line({"-DDDFk", "-sups1", "-xport=sim:file", "-i5", "-d2"});
  ASSERT_TRUE(line.ok()) << line.error();
  EXPECT_EQ(line->debug_level, 3);
  EXPECT_TRUE(line->foreground);
  EXPECT_TRUE(line->kill_power);
  EXPECT_EQ(line->ups_name, "ups1");
  EXPECT_FALSE(line->from_ups_conf);
  EXPECT_EQ(line->settings.at(0).value, "sim:file");
  EXPECT_EQ(line->poll_interval, 5);
  EXPECT_EQ(line->dump_after, 2);
}

TEST(CommandLine, RequiresAnUpsNameUnlessHelpOrVersion) {
  auto missing = parse_command_line({"-x", "port=auto"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("'-a id' or '-s id' is now mandatory"), std::string::npos);
  EXPECT_TRUE(parse_command_line({"-h"}).ok());
  EXPECT_TRUE(parse_command_line({"-V"}).ok());
}

TEST(CommandLine, RejectsUnknownOptionsStrayWordsAndMissingValues) {
  EXPECT_FALSE(parse_command_line({"-s", "x", "-Z"}).ok());
  EXPECT_FALSE(parse_command_line({"-s", "x", "stray"}).ok());
  EXPECT_FALSE(parse_command_line({"-s"}).ok());
  EXPECT_FALSE(parse_command_line({"-s", "x", "-i", "0"}).ok());
  EXPECT_FALSE(parse_command_line({"-s", "x", "-d", "one"}).ok());
}

TEST(DriverOptions, UnknownVariableIsNutsFatalError) {
  auto options = make_driver_options({{"port", "auto"}, {"cable", "940-0095B"}});
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error(), "Fatal error: 'cable' is not a valid variable name for this driver.");
  auto flag = make_driver_options({{"port", "auto"}, {"pollfreq", std::nullopt}});
  ASSERT_FALSE(flag.ok());
  EXPECT_EQ(flag.error(), "Fatal error: 'pollfreq' is not a valid flag for this driver.");
}

TEST(DriverOptions, RequiresAPort) {
  auto options = make_driver_options({{"pollfreq", "10"}});
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().find("you must specify a port name"), std::string::npos);
}

TEST(DriverOptions, TypesEveryKnownSetting) {
  auto options = make_driver_options({{"port", "auto"},
                                      {"vendorid", "051d"},
                                      {"productid", "000[23]"},
                                      {"serial", "AB12"},
                                      {"bus", "001"},
                                      {"busport", "1.4"},
                                      {"pollinterval", "5"},
                                      {"pollfreq", "60"},
                                      {"interruptsize", "8"},
                                      {"pollonly", std::nullopt},
                                      {"ignorelb", std::nullopt},
                                      {"subdriver", "apc"},
                                      {"mapping", "/etc/m.yaml"},
                                      {"capture", "/tmp/c.txt"},
                                      {"offdelay", "60"}});
  ASSERT_TRUE(options.ok()) << options.error();
  EXPECT_EQ(options->port, "auto");
  EXPECT_EQ(options->match.vendor_id, "051d");
  EXPECT_EQ(options->match.product_id, "000[23]");
  EXPECT_EQ(options->match.serial, "AB12");
  EXPECT_EQ(options->match.bus, "001");
  EXPECT_EQ(options->match.bus_port, "1.4");
  EXPECT_FALSE(options->match.vendor.has_value());
  EXPECT_EQ(options->poll_interval, std::chrono::seconds(5));
  EXPECT_EQ(options->poll_freq, std::chrono::seconds(60));
  EXPECT_EQ(options->interrupt_size, 8u);
  EXPECT_TRUE(options->poll_only);
  EXPECT_TRUE(options->ignore_lb);
  EXPECT_EQ(options->subdriver, "apc");
  EXPECT_EQ(options->mapping_file, "/etc/m.yaml");
  EXPECT_EQ(options->capture_file, "/tmp/c.txt");
  EXPECT_EQ(options->values.at("offdelay"), "60");
}

TEST(DriverOptions, RejectsNonPositiveIntervals) {
  EXPECT_FALSE(make_driver_options({{"port", "auto"}, {"pollfreq", "0"}}).ok());
  EXPECT_FALSE(make_driver_options({{"port", "auto"}, {"pollinterval", "2s"}}).ok());
}

TEST(DriverOptions, OverrideAndDefaultAreKeptApartFromParameters) {
  auto options = make_driver_options(
      {{"port", "auto"}, {"override.battery.charge.low", "30"}, {"default.ups.delay.start", "5"}});
  ASSERT_TRUE(options.ok()) << options.error();
  ASSERT_EQ(options->overrides.size(), 1u);
  EXPECT_EQ(options->overrides[0].first, "battery.charge.low");
  EXPECT_EQ(options->overrides[0].second, "30");
  ASSERT_EQ(options->defaults.size(), 1u);
  EXPECT_EQ(options->defaults[0].first, "ups.delay.start");
}

TEST(DriverOptions, PublishesParametersAndFlagsLaterValuesWinning) {
  auto options = make_driver_options({{"port", "auto"},
                                      {"vendorid", "051d"},
                                      {"pollonly", std::nullopt},
                                      {"desc", "not published"},
                                      {"vendorid", "0764"}});
  ASSERT_TRUE(options.ok()) << options.error();
  std::vector<std::pair<std::string, std::string>> expected = {
      {"driver.parameter.port", "auto"},
      {"driver.parameter.vendorid", "0764"},
      {"driver.flag.pollonly", "enabled"}};
  EXPECT_EQ(options->published, expected);
  EXPECT_EQ(options->match.vendor_id, "0764");
}

TEST(DriverOptions, HelpListsTheDriverVariables) {
  const std::string help = help_text("usbhid-ups");
  EXPECT_NE(help.find("usage: usbhid-ups (-a <id>|-s <id>) [OPTIONS]"), std::string::npos);
  EXPECT_NE(help.find("-x vendorid=<value>"), std::string::npos);
  EXPECT_NE(help.find("-x pollonly\n"), std::string::npos);
}

}  // namespace
}  // namespace walnut::usbhid
