// Tests for common/config/ups_conf: sections, settings, flags and errors with file:line.
#include "common/config/ups_conf.h"

#include <gtest/gtest.h>

#include "common/config/conf_file.h"

namespace walnut::config {
namespace {

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(UpsConf, ReadsGlobalsSectionsSettingsAndFlags) {
  auto conf = parse_ups_conf(
      "maxretry = 3\nSTATEPATH=/tmp/s\n[a]\n driver = usbhid-ups\n port = auto\n"
      " desc = \"Rack UPS\"\n override.battery.charge.low = 20\n pollonly\n"
      "[b]\n driver=dummy-ups\n port=b.dev\n port = c.dev\n",
      "ups.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  EXPECT_EQ(conf->global.get("maxretry"), "3");
  EXPECT_EQ(conf->statepath(), "/tmp/s");
  ASSERT_EQ(conf->ups.size(), 2u);
  const auto& a = conf->ups[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.line, 3);
  EXPECT_EQ(a.driver(), "usbhid-ups");
  EXPECT_EQ(a.port(), "auto");
  EXPECT_EQ(a.desc(), "Rack UPS");
  EXPECT_EQ(a.get("override.battery.charge.low"), "20");
  EXPECT_TRUE(a.has_flag("pollonly"));
  EXPECT_FALSE(a.has_flag("driver"));
  EXPECT_EQ(conf->ups[1].port(), "c.dev");  // the last value wins
  EXPECT_EQ(conf->find("B"), &conf->ups[1]);
  EXPECT_EQ(conf->find("zz"), nullptr);
  EXPECT_TRUE(conf->warnings.empty());
}

TEST(UpsConf, KeysAreCaseSensitiveLikeDrivers) {
  auto conf = parse_ups_conf("[a]\ndriver = x\nport = y\nVendorID = 051d\n", "ups.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_FALSE(conf->ups[0].get("vendorid"));
  EXPECT_EQ(conf->ups[0].get("VendorID"), "051d");
}

TEST(UpsConf, SectionWithoutDriverOrPortIsAnErrorAtItsHeader) {
  auto no_port = parse_ups_conf("[ok]\ndriver=a\nport=b\n\n[bad]\ndriver = x\n", "/etc/nut/ups.conf");
  ASSERT_FALSE(no_port.ok());
  EXPECT_TRUE(starts_with(no_port.error(), "/etc/nut/ups.conf:5: ")) << no_port.error();
  EXPECT_NE(no_port.error().find("port"), std::string::npos);
  auto no_driver = parse_ups_conf("[bad]\nport = x\n[next]\ndriver=a\nport=b\n", "ups.conf");
  ASSERT_FALSE(no_driver.ok());
  EXPECT_TRUE(starts_with(no_driver.error(), "ups.conf:1: ")) << no_driver.error();
}

TEST(UpsConf, BadHeadersAndDuplicateNamesAreErrors) {
  for (const char* text : {"[open\n", "[]\n", "[default]\ndriver=a\nport=b\n",
                           "[two words]\n"}) {
    auto conf = parse_ups_conf(text, "ups.conf");
    ASSERT_FALSE(conf.ok()) << text;
    EXPECT_TRUE(starts_with(conf.error(), "ups.conf:1: ")) << conf.error();
  }
  auto dup = parse_ups_conf("[a]\ndriver=x\nport=y\n[A]\ndriver=x\nport=y\n", "ups.conf");
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(starts_with(dup.error(), "ups.conf:4: ")) << dup.error();
}

TEST(UpsConf, WarnsAboutUnknownGlobalsAndIgnoredLines) {
  auto conf = parse_ups_conf("maxretyr = 3\nfoo bar\n[a]\ndriver=x\nport=y\n", "ups.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  ASSERT_EQ(conf->warnings.size(), 2u);
  EXPECT_TRUE(starts_with(conf->warnings[0], "ups.conf:1: ")) << conf->warnings[0];
  EXPECT_NE(conf->warnings[0].find("maxretyr"), std::string::npos);
  EXPECT_TRUE(starts_with(conf->warnings[1], "ups.conf:2: ")) << conf->warnings[1];
}

TEST(UpsConf, TokenizerErrorsNameFileAndLine) {
  auto conf = parse_ups_conf("[a]\ndriver=x\nport=y\ndesc = \"#1\"\n", "ups.conf");
  ASSERT_FALSE(conf.ok());
  EXPECT_TRUE(starts_with(conf.error(), "ups.conf:4: ")) << conf.error();
}

TEST(UpsConf, ExampleFileParses) {
  auto text = read_text_file(WALNUT_SOURCE_DIR "/config/examples/ups.conf");
  ASSERT_TRUE(text.ok()) << text.error();
  auto conf = parse_ups_conf(*text, "ups.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  EXPECT_TRUE(conf->warnings.empty()) << conf->warnings.front();
  ASSERT_EQ(conf->ups.size(), 2u);
  EXPECT_EQ(conf->ups[0].get("vendorid"), "051d");
  EXPECT_TRUE(conf->ups[0].has_flag("pollonly"));
  EXPECT_EQ(conf->ups[1].port(), "sim:tests/data/hid-corpus/apc-back-ups-es-850g2.txt");
}

}  // namespace
}  // namespace walnut::config
