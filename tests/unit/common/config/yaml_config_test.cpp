// Tests for common/config/yaml_config: walnut.yaml into the same models as the NUT files.
#include "common/config/yaml_config.h"

#include <gtest/gtest.h>

#include "common/config/conf_file.h"

namespace walnut::config {
namespace {

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

Result<WalnutConfig> read_example() {
  auto text = read_text_file(WALNUT_SOURCE_DIR "/config/examples/walnut.yaml");
  if (!text.ok()) return Error{text.error()};
  return parse_yaml_config(*text, "walnut.yaml");
}

TEST(YamlConfig, ExampleMatchesTheNutExampleFiles) {
  auto yaml = read_example();
  ASSERT_TRUE(yaml.ok()) << yaml.error();
  auto upsd = parse_upsd_conf(*read_text_file(WALNUT_SOURCE_DIR "/config/examples/upsd.conf"), "u");
  auto users =
      parse_upsd_users(*read_text_file(WALNUT_SOURCE_DIR "/config/examples/upsd.users"), "u");
  auto ups = parse_ups_conf(*read_text_file(WALNUT_SOURCE_DIR "/config/examples/ups.conf"), "u");
  ASSERT_TRUE(upsd.ok() && users.ok() && ups.ok());

  ASSERT_EQ(yaml->upsd.listen.size(), upsd->listen.size());
  for (std::size_t i = 0; i < upsd->listen.size(); ++i) {
    EXPECT_EQ(yaml->upsd.listen[i].address, upsd->listen[i].address);
    EXPECT_EQ(yaml->upsd.listen[i].port, upsd->listen[i].port);
  }
  EXPECT_EQ(yaml->upsd.maxage, upsd->maxage);
  EXPECT_EQ(yaml->upsd.metrics_listen.size(), upsd->metrics_listen.size());
  EXPECT_TRUE(yaml->upsd.disable_weak_ssl);

  ASSERT_EQ(yaml->users.users.size(), users->users.size());
  for (const auto& user : users->users) {
    const UpsdUser* other = yaml->users.find(user.name);
    ASSERT_NE(other, nullptr) << user.name;
    EXPECT_EQ(other->password, user.password);
    EXPECT_EQ(other->password_file, user.password_file);
    EXPECT_EQ(other->actions, user.actions);
    EXPECT_EQ(other->instcmds, user.instcmds);
  }

  EXPECT_EQ(yaml->ups.global.get("maxretry"), ups->global.get("maxretry"));
  ASSERT_EQ(yaml->ups.ups.size(), ups->ups.size());
  for (std::size_t i = 0; i < ups->ups.size(); ++i) {
    const auto& mine = yaml->ups.ups[i];
    const auto& theirs = ups->ups[i];
    EXPECT_EQ(mine.name, theirs.name);
    for (const auto& setting : theirs.settings) {
      if (setting.is_flag) {
        EXPECT_TRUE(mine.has_flag(setting.key)) << setting.key;
      } else {
        EXPECT_EQ(mine.get(setting.key), theirs.get(setting.key)) << setting.key;
      }
    }
    EXPECT_EQ(mine.settings.size(), theirs.settings.size());
  }
}

TEST(YamlConfig, DocumentationExampleParses) {
  auto config = parse_yaml_config(R"(upsd:
  listen: [::1, {address: 127.0.0.1, port: 3493}]
  metrics_listen: [{address: 127.0.0.1, port: 13493}]
  certident: {name: n, password: p}
  maxage: 15
users:
  admin: {password: x, actions: [SET, FSD], instcmds: all}
  mon: {password_file: /etc/nut/mon.pw, upsmon: primary}
drivers:
  pollinterval: 2
ups:
  myups: {driver: usbhid-ups, port: auto, desc: Rack UPS, flags: [pollonly]}
)",
                                  "docs/config.md");
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_EQ(config->upsd.listen.size(), 2u);
  EXPECT_EQ(config->upsd.listen[0].address, "::1");
  EXPECT_EQ(config->upsd.listen[0].port, "3493");
  EXPECT_EQ(config->upsd.listen[1].line, 2);
  EXPECT_EQ(config->users.find("mon")->actions, (std::vector<std::string>{"login", "master", "fsd"}));
  EXPECT_EQ(config->users.find("mon")->password_file_line, 8);  // its errors name this line
  EXPECT_EQ(config->ups.global.get("pollinterval"), "2");
  EXPECT_TRUE(config->ups.ups[0].has_flag("pollonly"));
  EXPECT_EQ(config->ups.ups[0].desc(), "Rack UPS");
}

TEST(YamlConfig, ActionsAndInstcmdsScalarsSplitLikeUpsdUsers) {
  auto config = parse_yaml_config(
      "users:\n  a: {password: two words, actions: SET FSD, instcmds: load.off beeper.off}\n", "w");
  ASSERT_TRUE(config.ok()) << config.error();
  const UpsdUser* user = config->users.find("a");
  EXPECT_EQ(user->password, "two words");
  EXPECT_EQ(user->actions, (std::vector<std::string>{"set", "fsd"}));
  EXPECT_EQ(user->instcmds, (std::vector<std::string>{"load.off", "beeper.off"}));
}

TEST(YamlConfig, EmptyDocumentKeepsDefaults) {
  auto config = parse_yaml_config("", "w.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->upsd.maxage, 15);
  EXPECT_TRUE(config->ups.ups.empty());
}

TEST(YamlConfig, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c : {
           Case{"upsd:\n  maxage: 15\n  maxaeg: 3\n", 3},
           Case{"upsd:\n  maxage: soon\n", 2},
           Case{"upsd:\n  listen: 127.0.0.1\n", 2},
           Case{"bogus: 1\n", 1},
           Case{"users:\n  a:\n    pasword: x\n", 3},
           Case{"users:\n  a:\n    upsmon: boss\n", 3},
           Case{"ups:\n  a:\n    driver: x\n", 2},
           Case{"ups:\n  a:\n    driver: x\n    port: [1, 2]\n", 4},
           Case{"upsd:\n  maxage: 15\n bad indent: [\n", 3},
           Case{"- a\n- b\n", 1},
       }) {
    auto config = parse_yaml_config(c.text, "/etc/walnut.yaml");
    ASSERT_FALSE(config.ok()) << c.text;
    const std::string where = "/etc/walnut.yaml:" + std::to_string(c.line) + ": ";
    EXPECT_TRUE(starts_with(config.error(), where)) << c.text << " → " << config.error();
  }
}

TEST(YamlConfig, CertidentNeedsNameAndPassword) {
  auto ok = parse_yaml_config("upsd:\n  certident: {name: n, password: p}\n", "w");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->upsd.certident_name, "n");
  auto missing = parse_yaml_config("upsd:\n  certident: {name: n}\n", "w");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(starts_with(missing.error(), "w:2: ")) << missing.error();
}

}  // namespace
}  // namespace walnut::config
