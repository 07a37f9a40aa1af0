// Tests server/config_loader.cpp: NUT's files from NUT_CONFPATH, errors naming file and line.
#include "server/config_loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace walnut::server {
namespace {

class ConfigLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("walnut-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ::setenv("NUT_CONFPATH", dir_.c_str(), 1);
    ::unsetenv("NUT_STATEPATH");
    write("upsd.conf", "MAXAGE 20\n");
    write("ups.conf", "[ups1]\n driver = dummy-ups\n port = x.dev\n desc = \"One\"\n");
    write("upsd.users", "[admin]\n password = pw\n actions = SET\n", 0640);
  }
  void TearDown() override {
    ::unsetenv("NUT_CONFPATH");
    std::filesystem::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text, mode_t mode = 0644) {
    std::ofstream(dir_ / name) << text;
    ::chmod((dir_ / name).c_str(), mode);
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigLoader, ReadsTheThreeFiles) {
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->upsd.maxage, 20);
  ASSERT_EQ(config->ups.ups.size(), 1u);
  EXPECT_EQ(config->ups.ups[0].driver(), "dummy-ups");
  ASSERT_EQ(config->users.users.size(), 1u);
  EXPECT_TRUE(config->warnings.empty());
}

TEST_F(ConfigLoader, BadNumberIsAWarningNamingFileAndLine) {
  write("upsd.conf", "MAXAGE 20\n\nMAXCONN lots\n");
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_FALSE(config->upsd.maxconn);
  ASSERT_FALSE(config->warnings.empty());
  EXPECT_NE(config->warnings[0].find("upsd.conf:3"), std::string::npos) << config->warnings[0];
}

TEST_F(ConfigLoader, UnknownDirectiveIsAWarning) {
  write("upsd.conf", "MAXAGE 20\nLISTN 127.0.0.1\n");
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->upsd.maxage, 20);
  ASSERT_FALSE(config->warnings.empty());
  EXPECT_NE(config->warnings[0].find("upsd.conf:2"), std::string::npos) << config->warnings[0];
}

TEST_F(ConfigLoader, UpsWithoutDriverIsAnError) {
  write("ups.conf", "[ups1]\n port = x.dev\n");
  auto config = load_nut_config();
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("ups.conf"), std::string::npos) << config.error();
}

TEST_F(ConfigLoader, UnknownUserSettingIsAWarningNamingTheLine) {
  write("upsd.users", "[admin]\n password = pw\n pasword = typo\n", 0640);
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_FALSE(config->warnings.empty());
  EXPECT_NE(config->warnings[0].find("upsd.users:3"), std::string::npos) << config->warnings[0];
}

TEST_F(ConfigLoader, NoUpsNeedsAllowNoDevice) {
  write("ups.conf", "");
  EXPECT_FALSE(load_nut_config().ok());
  write("upsd.conf", "ALLOW_NO_DEVICE true\n");
  EXPECT_TRUE(load_nut_config().ok());
}

TEST_F(ConfigLoader, AllowEnvironmentVariablesWinOverUpsdConf) {
  write("ups.conf", "");
  ::setenv("ALLOW_NO_DEVICE", "yes", 1);
  auto config = load_nut_config();
  ::unsetenv("ALLOW_NO_DEVICE");
  ASSERT_TRUE(config.ok()) << config.error();
  write("upsd.conf", "ALLOW_NO_DEVICE true\nALLOW_NOT_ALL_LISTENERS true\n");
  ::setenv("ALLOW_NOT_ALL_LISTENERS", "off", 1);
  config = load_nut_config();
  ::unsetenv("ALLOW_NOT_ALL_LISTENERS");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_FALSE(config->upsd.allow_not_all_listeners);
  config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->upsd.allow_not_all_listeners);
}

TEST(NutEnvironmentBoolean, ReadsPrefixesAsNutDoes) {
  for (const char* yes : {"TRUE", "true", "Yes", "on", "1", "yessir", "10"}) {
    EXPECT_EQ(nut_environment_boolean(std::string(yes)), true) << yes;
  }
  for (const char* no : {"FALSE", "no", "Off", "0", "nope"}) {
    EXPECT_EQ(nut_environment_boolean(std::string(no)), false) << no;
  }
  EXPECT_EQ(nut_environment_boolean(std::string("maybe")), std::nullopt);
  EXPECT_EQ(nut_environment_boolean(std::string("")), std::nullopt);
  EXPECT_EQ(nut_environment_boolean(std::nullopt), std::nullopt);
}

TEST(EffectiveDebugLevel, DebugMinRaisesAtStartAndRulesOnReload) {
  EXPECT_EQ(effective_debug_level(0, std::nullopt, false), 0);
  EXPECT_EQ(effective_debug_level(0, 2, false), 2);
  EXPECT_EQ(effective_debug_level(3, 2, false), 3);  // -DDD stays above DEBUG_MIN 2
  EXPECT_EQ(effective_debug_level(3, 1, true), 1);   // reload: DEBUG_MIN as written
  EXPECT_EQ(effective_debug_level(3, std::nullopt, true), 3);  // removed: back to -D
}

TEST_F(ConfigLoader, MissingUpsdConfIsAnError) {
  std::filesystem::remove(dir_ / "upsd.conf");
  auto config = load_nut_config();
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("upsd.conf"), std::string::npos);
}

TEST_F(ConfigLoader, WorldReadableUsersFileIsAWarning) {
  write("upsd.users", "[admin]\n password = pw\n", 0644);
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_NE(config->warnings[0].find("world readable"), std::string::npos);
}

// The bug: a relative password_file was resolved against the working directory.
TEST_F(ConfigLoader, RelativePasswordFileIsReadFromTheConfigFolder) {
  write("admin.pw", "from the folder\n", 0640);
  write("upsd.users", "[admin]\n password_file = admin.pw\n actions = SET\n", 0640);
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path("/");
  auto config = load_nut_config();
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->errors.empty());
  EXPECT_EQ(config->users.users.at(0).password, "from the folder");
}

// The bug: an unreadable password file threw the whole (re)load away.
TEST_F(ConfigLoader, UnusablePasswordFileLocksThatUserOutButLoads) {
  write("empty.pw", "", 0640);
  write("upsd.users",
        "[admin]\n password = pw\n actions = SET\n[op]\n password_file = empty.pw\n"
        " actions = FSD\n[gone]\n password_file = missing.pw\n",
        0640);
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_EQ(config->errors.size(), 2u);
  EXPECT_NE(config->errors[0].find("upsd.users:5: user [op]"), std::string::npos)
      << config->errors[0];
  EXPECT_NE(config->errors[1].find("upsd.users:8: user [gone]"), std::string::npos)
      << config->errors[1];
  EXPECT_FALSE(config->users.find("op")->password);
  EXPECT_FALSE(config->users.find("gone")->password);
  EXPECT_EQ(config->users.find("admin")->password, "pw");
}

TEST_F(ConfigLoader, WorldReadablePasswordFileOrYamlIsAWarning) {
  write("op.pw", "pw\n", 0644);
  write("upsd.users", "[op]\n password_file = op.pw\n", 0640);
  auto config = load_nut_config();
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_NE(config->warnings[0].find("op.pw is world readable"), std::string::npos);
  write("walnut.yaml", "ups:\n  u:\n    driver: d\n    port: p\nusers:\n  a: {password: x}\n",
        0644);
  config = load_yaml_config((dir_ / "walnut.yaml").string());
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_NE(config->warnings[0].find("walnut.yaml is world readable"), std::string::npos);
}

TEST_F(ConfigLoader, StatepathPrecedenceIsEnvironmentThenUpsConfThenUpsdConf) {
  write("upsd.conf", "STATEPATH /from/upsd\n");
  EXPECT_EQ(load_nut_config()->statepath, "/from/upsd");
  write("ups.conf", "statepath = /from/ups\n[ups1]\n driver = d\n port = p\n");
  EXPECT_EQ(load_nut_config()->statepath, "/from/ups");
  ::setenv("NUT_STATEPATH", "/from/env", 1);
  EXPECT_EQ(load_nut_config()->statepath, "/from/env");
  ::unsetenv("NUT_STATEPATH");
}

TEST_F(ConfigLoader, YamlFileGivesTheSameModels) {
  write("walnut.yaml",
        "upsd:\n  maxage: 30\nups:\n  ups1:\n    driver: dummy-ups\n    port: x.dev\n"
        "users:\n  admin:\n    password: pw\n    actions: [SET]\n");
  auto config = load_yaml_config((dir_ / "walnut.yaml").string());
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->upsd.maxage, 30);
  EXPECT_EQ(config->ups.ups.at(0).name, "ups1");
}

TEST_F(ConfigLoader, YamlErrorsNameTheFile) {
  write("walnut.yaml", "upsd:\n  maxage: [\n");
  auto config = load_yaml_config((dir_ / "walnut.yaml").string());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("walnut.yaml"), std::string::npos);
}

}  // namespace
}  // namespace walnut::server
