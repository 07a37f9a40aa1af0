// Tests for common/config/upsd_conf: stock directives and defaults, walnut's additions, errors.
#include "common/config/upsd_conf.h"

#include <gtest/gtest.h>

#include "common/config/conf_file.h"

namespace walnut::config {
namespace {

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

// A line upsd cannot use is ignored with a warning naming file and line, as stock ignores it.
bool ignored_with_warning(const Result<UpsdConf>& conf) {
  return conf.ok() && !conf->warnings.empty() &&
         conf->warnings.back().find(": line ignored") != std::string::npos;
}

TEST(UpsdConf, DefaultsAreStocks) {
  auto conf = parse_upsd_conf("", "upsd.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(conf->maxage, 15);
  EXPECT_EQ(conf->tracking_delay, 3600);
  EXPECT_FALSE(conf->maxconn);
  EXPECT_FALSE(conf->allow_no_device);
  EXPECT_EQ(conf->certrequest, CertRequest::kNo);
  EXPECT_FALSE(conf->force_ssl);
  EXPECT_TRUE(conf->listen.empty());
  auto listen = conf->effective_listen();
  ASSERT_EQ(listen.size(), 2u);
  EXPECT_EQ(listen[0].address, "::1");
  EXPECT_EQ(listen[1].address, "127.0.0.1");
  EXPECT_EQ(listen[1].port, "3493");
}

TEST(UpsdConf, AllowWeakSslIsAnExplicitWalnutSetting) {
  auto plain = parse_upsd_conf("DISABLE_WEAK_SSL 0\n", "upsd.conf");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain->allow_weak_ssl);  // stock's "0" does not ask for weak suites
  auto weak = parse_upsd_conf("ALLOW_WEAK_SSL yes\n", "upsd.conf");
  ASSERT_TRUE(weak.ok()) << weak.error();
  EXPECT_TRUE(weak->allow_weak_ssl);
  EXPECT_TRUE(ignored_with_warning(parse_upsd_conf("ALLOW_WEAK_SSL maybe\n", "upsd.conf")));
}

TEST(UpsdConf, ReadsEveryDirective) {
  auto conf = parse_upsd_conf(
      "LISTEN 0.0.0.0\nLISTEN ::1 3494\nMAXAGE 30\nTRACKINGDELAY 60\nMAXCONN 2048\n"
      "STATEPATH /tmp/st\nDATAPATH /usr/share/nut\nALLOW_NO_DEVICE yes\n"
      "ALLOW_NOT_ALL_LISTENERS 2\nCERTFILE /c.pem\nCERTPATH /ca\nCERTIDENT name pass\n"
      "CERTREQUEST REQUIRE\nDISABLE_WEAK_SSL on\ndebug_min 3\n"
      "METRICS_LISTEN 127.0.0.1 13493\nMETRICS_LISTEN ::1 13494\nRUN_AS_USER nut\n"
      "CACERTFILE /clients.pem\nFORCESSL true\n",
      "upsd.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  ASSERT_EQ(conf->listen.size(), 2u);
  EXPECT_EQ(conf->listen[0].address, "0.0.0.0");
  EXPECT_EQ(conf->listen[0].port, "3493");
  EXPECT_EQ(conf->listen[1].port, "3494");
  EXPECT_EQ(conf->listen[1].line, 2);
  EXPECT_EQ(conf->maxage, 30);
  EXPECT_EQ(conf->tracking_delay, 60);
  EXPECT_EQ(conf->maxconn, 2048);
  EXPECT_EQ(conf->statepath, "/tmp/st");
  EXPECT_EQ(conf->datapath, "/usr/share/nut");
  EXPECT_TRUE(conf->allow_no_device);
  EXPECT_TRUE(conf->allow_not_all_listeners);
  EXPECT_EQ(conf->certfile, "/c.pem");
  EXPECT_EQ(conf->certpath, "/ca");
  EXPECT_EQ(conf->certident_name, "name");
  EXPECT_EQ(conf->certident_password, "pass");
  EXPECT_EQ(conf->certrequest, CertRequest::kRequire);
  EXPECT_TRUE(conf->disable_weak_ssl);
  EXPECT_EQ(conf->debug_min, 3);
  ASSERT_EQ(conf->metrics_listen.size(), 2u);
  EXPECT_EQ(conf->metrics_listen[1].address, "::1");
  EXPECT_EQ(conf->metrics_listen[1].port, "13494");
  EXPECT_EQ(conf->run_as_user, "nut");
  EXPECT_EQ(conf->cacertfile, "/clients.pem");
  EXPECT_TRUE(conf->force_ssl);
}

TEST(UpsdConf, CertRequestTakesNumbersOrNames) {
  EXPECT_EQ(parse_upsd_conf("CERTREQUEST 1", "f")->certrequest, CertRequest::kRequest);
  EXPECT_EQ(parse_upsd_conf("CERTREQUEST no", "f")->certrequest, CertRequest::kNo);
  EXPECT_EQ(parse_upsd_conf("CERTREQUEST 2", "f")->certrequest, CertRequest::kRequire);
  EXPECT_TRUE(ignored_with_warning(parse_upsd_conf("CERTREQUEST 3", "f")));
}

TEST(UpsdConf, UnknownDirectiveIsAWarningNamingFileAndLine) {
  auto conf = parse_upsd_conf("MAXAGE 15\n\nMAXAEG 20\n", "/etc/nut/upsd.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  EXPECT_EQ(conf->maxage, 15);
  ASSERT_EQ(conf->warnings.size(), 1u);
  EXPECT_TRUE(starts_with(conf->warnings[0], "/etc/nut/upsd.conf:3: ")) << conf->warnings[0];
  EXPECT_NE(conf->warnings[0].find("MAXAEG"), std::string::npos);
}

TEST(UpsdConf, DirectivesAreCaseSensitiveExceptDebugMin) {
  EXPECT_TRUE(ignored_with_warning(parse_upsd_conf("maxage 15\n", "f")));
  EXPECT_TRUE(parse_upsd_conf("Debug_Min 2\n", "f").ok());
}

TEST(UpsdConf, BadValuesAndArgumentCountsAreIgnoredWithAWarning) {
  for (const char* text : {"MAXAGE x", "MAXAGE -1", "MAXAGE", "TRACKINGDELAY 1h", "MAXCONN",
                           "LISTEN", "LISTEN a b c", "DISABLE_WEAK_SSL maybe", "FORCESSL",
                           "METRICS_LISTEN 127.0.0.1", "CERTIDENT onlyname", "DEBUG_MIN -2",
                           "ALLOW_NO_DEVICE perhaps", "MAXAGE 99999999999999"}) {
    auto conf = parse_upsd_conf(text, "upsd.conf");
    ASSERT_TRUE(ignored_with_warning(conf)) << text;
    EXPECT_TRUE(starts_with(conf->warnings[0], "upsd.conf:1: ")) << conf->warnings[0];
    EXPECT_EQ(conf->maxage, 15) << text;  // the default stays
  }
}

TEST(UpsdConf, ObsoleteAclDirectivesOnlyWarn) {
  auto conf = parse_upsd_conf("ACL all 0.0.0.0/0\nACCEPT all\nREJECT all\n", "upsd.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  ASSERT_EQ(conf->warnings.size(), 3u);
  EXPECT_TRUE(starts_with(conf->warnings[2], "upsd.conf:3: ")) << conf->warnings[2];
}

TEST(UpsdConf, CertIdentIsAcceptedWithAWarning) {
  auto conf = parse_upsd_conf("MAXAGE 15\nCERTIDENT \"my server\" secret\n", "upsd.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  ASSERT_EQ(conf->warnings.size(), 1u);
  EXPECT_TRUE(starts_with(conf->warnings[0], "upsd.conf:2: CERTIDENT")) << conf->warnings[0];
}

TEST(UpsdConf, ExampleFileParses) {
  auto text = read_text_file(WALNUT_SOURCE_DIR "/config/examples/upsd.conf");
  ASSERT_TRUE(text.ok()) << text.error();
  auto conf = parse_upsd_conf(*text, "upsd.conf");
  ASSERT_TRUE(conf.ok()) << conf.error();
  EXPECT_EQ(conf->listen.size(), 2u);
  EXPECT_EQ(conf->metrics_listen.size(), 1u);
}

}  // namespace
}  // namespace walnut::config
