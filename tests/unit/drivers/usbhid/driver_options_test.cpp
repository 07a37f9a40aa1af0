// Tests of usbhid-ups's command line and settings (drivers/usbhid/driver_options.cpp).
#include "drivers/usbhid/driver_options.h"

#include "drivers/usbhid/driver_vars.h"

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
  // NUT 2.8.5's layout: names right-aligned to the longest
  // (onlinedischarge_log_throttle_hovercharge, 40), then "=<value>" or 8 blanks, a tab.
  const std::string indent(2 + 40 - 8, ' ');
  EXPECT_NE(help.find("\n" + indent + "vendorid=<value>\tRegular expression to match UPS "
                      "Manufacturer numerical ID"),
            std::string::npos);
  EXPECT_NE(help.find("\n" + indent + "pollonly        \tDon't use interrupt pipe"),
            std::string::npos);
}

TEST(CommandLine, TakesNut285sNewOptions) {
  auto line = parse_command_line({"-s", "ups", "-L", "-qq", "-FF", "-r", "/srv/nut", "-g", "nut",
                                  "-c", "reload-or-exit", "-P", "1234"});
  ASSERT_TRUE(line.ok()) << line.error();
  EXPECT_TRUE(line->list_vars);
  EXPECT_EQ(line->quiet, 2);
  EXPECT_EQ(line->foreground_count, 2);
  EXPECT_EQ(line->chroot_dir, "/srv/nut");
  EXPECT_EQ(line->group, "nut");
  EXPECT_EQ(line->command, "reload-or-exit");
  EXPECT_EQ(line->command_pid, 1234);
  EXPECT_TRUE(parse_command_line({"-L"}).ok());  // NUT lists and exits before wanting a name
  EXPECT_FALSE(parse_command_line({"-s", "a", "-a", "b"}).ok());
  EXPECT_FALSE(parse_command_line({"-s", "a", "-c", "dump"}).ok());
  EXPECT_FALSE(parse_command_line({"-s", "a", "-c", "exit", "-c", "exit"}).ok());
}

TEST(CommandLine, DriverCommandsMatchByPrefixInNutsOrder) {
  // main.c:2377-2396 compares strlen(optarg) characters, reload-or-error first.
  EXPECT_EQ(match_driver_command("reload"), "reload-or-error");
  EXPECT_EQ(match_driver_command("reload-or-error"), "reload-or-error");
  EXPECT_EQ(match_driver_command("e"), "exit");
  EXPECT_EQ(match_driver_command("reload-or-ex"), "reload-or-exit");
  EXPECT_EQ(match_driver_command("exitnow"), std::nullopt);
}

TEST(DriverOptions, AcceptsEveryNutKeyAndWarnsOnlyAboutWhatItIgnores) {
  std::vector<Setting> settings = {{"port", "auto", "ups.conf:3", true}};
  for (const auto& var : driver_vars()) {
    std::optional<std::string> value;
    if (var.type == VarType::kValue) value = "1";
    settings.push_back({std::string(var.name), value, "ups.conf:9", true});
  }
  for (const auto& var : main_vars()) {
    if (var.name.find('*') != std::string_view::npos || var.name == "driver") continue;
    std::optional<std::string> value;
    if (var.type == VarType::kValue) value = var.name == "port" ? "auto" : "1";
    settings.push_back({std::string(var.name), value, "ups.conf:10", true});
  }
  auto options = make_driver_options(settings);
  ASSERT_TRUE(options.ok()) << options.error();
  std::size_t ignored = 0;
  for (const auto& var : driver_vars()) ignored += var.support == Support::kIgnored;
  for (const auto& var : main_vars()) ignored += var.support == Support::kIgnored;
  ASSERT_EQ(options->warnings.size(), ignored);
  EXPECT_NE(options->warnings[0].find("ups.conf:9: '"), std::string::npos) << options->warnings[0];
  EXPECT_NE(options->warnings[0].find("ignored by walnut: "), std::string::npos);
}

TEST(DriverOptions, DriverKeyMustNameThisProgramAsStockChecks) {
  auto wrong = make_driver_options({{"driver", "blazer_usb", "ups.conf:2", true}, {"port", "auto"}},
                                   "usbhid-ups", "myups");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), "Error: UPS [myups] is for driver 'blazer_usb', but I'm 'usbhid-ups'!");
  EXPECT_TRUE(make_driver_options({{"driver", "usbhid-ups", "ups.conf:2", true}, {"port", "auto"}})
                  .ok());
  // From -x it is no main.c key: the driver's table has no `driver`.
  EXPECT_FALSE(make_driver_options({{"driver", "usbhid-ups"}, {"port", "auto"}}).ok());
}

TEST(DriverOptions, DriverKeysAreCaseInsensitiveAsNutsStoreval) {
  auto options = make_driver_options({{"port", "auto"}, {"VendorID", "051d"}, {"PollOnly", std::nullopt}});
  ASSERT_TRUE(options.ok()) << options.error();
  EXPECT_EQ(options->match.vendor_id, "051d");
  EXPECT_TRUE(options->poll_only);
}

TEST(DriverOptions, UsbIndexesAreHexadecimalAsInLibusb1) {
  auto options = make_driver_options({{"port", "auto"},
                                      {"usb_hid_rep_index", "1"},
                                      {"usb_hid_ep_in", "0x2"},
                                      {"usb_hid_desc_index", "a"},
                                      {"usb_config_index", "0"},
                                      {"usb_set_altinterface", "1"},
                                      {"allow_duplicates", std::nullopt},
                                      {"waitbeforereconnect", "15"},
                                      {"interrupt_pipe_no_events_tolerance", "3"},
                                      {"maxreport", std::nullopt},
                                      {"disable_fix_report_desc", std::nullopt}});
  ASSERT_TRUE(options.ok()) << options.error();
  EXPECT_EQ(options->usb.interface, 1);
  EXPECT_EQ(options->usb.endpoint_in, 2);
  EXPECT_EQ(options->usb.desc_index, 10);
  EXPECT_EQ(options->usb.config_index, 0);
  EXPECT_EQ(options->usb.alt_setting, 1);
  EXPECT_TRUE(options->usb.allow_duplicates);
  EXPECT_EQ(options->wait_before_reconnect, std::chrono::seconds(15));
  EXPECT_EQ(options->interrupt_pipe_no_events_tolerance, 3);
  EXPECT_TRUE(options->max_report);
  EXPECT_TRUE(options->disable_fix_report_desc);
  auto bad = make_driver_options({{"port", "auto"}, {"usb_hid_ep_in", "x1"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "Fatal error: could not parse usb_hid_ep_in: 'x1'");
  auto tolerance = make_driver_options({{"port", "auto"}, {"interrupt_pipe_no_events_tolerance", "many"}});
  ASSERT_TRUE(tolerance.ok());
  EXPECT_EQ(tolerance->interrupt_pipe_no_events_tolerance, -1);
  EXPECT_EQ(tolerance->warnings.size(), 1u);
}

TEST(DriverOptions, ListIsNutsParseableFormatInRegistrationOrder) {
  const std::string list = list_vars_text();
  EXPECT_EQ(list.rfind("VALUE lowbatt \"Set low battery level, in % (default=30)\"\n", 0), 0u);
  EXPECT_NE(list.find("\nFLAG pollonly \"Don't use interrupt pipe"), std::string::npos);
  EXPECT_LT(list.find(" vendor "), list.find(" waitbeforereconnect "));
}

}  // namespace
}  // namespace walnut::usbhid
