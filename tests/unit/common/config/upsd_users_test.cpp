// Tests for common/config/upsd_users: users, rights as server/user.c grants them, errors and
// password_file.
#include "common/config/upsd_users.h"

#include <gtest/gtest.h>

#include "common/config/conf_file.h"

namespace walnut::config {
namespace {

using Words = std::vector<std::string>;

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(UpsdUsers, ReadsPasswordsActionsInstcmdsAndRoles) {
  auto users = parse_upsd_users(
      "[admin]\n password = s3cret\n password = ignored\n actions = SET fsd\n"
      " ACTIONS=set\n instcmds = all\n"
      "[mon]\n password=pw\n upsmon primary\n"
      "[sec]\n password=pw\n upsmon = slave\n instcmds = beeper.off load.off\n",
      "upsd.users");
  ASSERT_TRUE(users.ok()) << users.error();
  ASSERT_EQ(users->users.size(), 3u);
  const UpsdUser* admin = users->find("admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->password, "s3cret");  // the first password wins
  EXPECT_EQ(admin->actions, (Words{"set", "fsd"}));
  EXPECT_TRUE(admin->has_action("SET"));
  EXPECT_FALSE(admin->has_action("login"));
  EXPECT_TRUE(admin->may_run_instcmd("anything"));
  const UpsdUser* mon = users->find("mon");
  EXPECT_EQ(mon->actions, (Words{"login", "master", "fsd"}));
  const UpsdUser* sec = users->find("sec");
  EXPECT_EQ(sec->actions, (Words{"login"}));
  EXPECT_TRUE(sec->may_run_instcmd("LOAD.OFF"));
  EXPECT_FALSE(sec->may_run_instcmd("load.on"));
  EXPECT_EQ(users->find("ADMIN"), nullptr);  // user names are case-sensitive
}

TEST(UpsdUsers, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c : {Case{"[a]\n pasword = x\n", 2}, Case{"password = x\n[a]\n", 1},
                        Case{"[a]\nupsmon boss\n", 2}, Case{"[a]\n[b]\n[a]\n", 3},
                        Case{"[a\n", 1}, Case{"[a]\npassword\n", 2},
                        Case{"[a]\npassword = x\npassword_file = /p\n", 3}}) {
    auto users = parse_upsd_users(c.text, "/etc/nut/upsd.users");
    ASSERT_FALSE(users.ok()) << c.text;
    const std::string where = "/etc/nut/upsd.users:" + std::to_string(c.line) + ": ";
    EXPECT_TRUE(starts_with(users.error(), where)) << users.error();
  }
}

TEST(UpsdUsers, ObsoleteLinesOnlyWarn) {
  auto users = parse_upsd_users("user old\n[a]\nallowfrom = localhost\n", "upsd.users");
  ASSERT_TRUE(users.ok()) << users.error();
  EXPECT_EQ(users->warnings.size(), 2u);
}

TEST(UpsdUsers, UnquotedMultiWordPasswordWarnsNamingFileAndLine) {
  auto users = parse_upsd_users("[a]\n password = correct horse\n[b]\n password = \"two words\"\n",
                                "upsd.users");
  ASSERT_TRUE(users.ok()) << users.error();
  EXPECT_EQ(users->find("a")->password, "correct");  // as stock: the first word
  EXPECT_EQ(users->find("b")->password, "two words");
  ASSERT_EQ(users->warnings.size(), 1u);
  EXPECT_TRUE(starts_with(users->warnings[0], "upsd.users:2: password of [a] has 2 words"))
      << users->warnings[0];
}

TEST(UpsdUsers, PasswordFileIsReadByTheIoStep) {
  auto users = parse_upsd_users("[op]\npassword_file = /secrets/op\n[b]\npassword = x\n", "f");
  ASSERT_TRUE(users.ok()) << users.error();
  EXPECT_FALSE(users->users[0].password);
  EXPECT_EQ(users->users[0].password_file, "/secrets/op");
  std::vector<std::string> asked;
  auto status = load_password_files(*users, [&](const std::string& path) -> Result<std::string> {
    asked.push_back(path);
    return std::string("  spaced pw \n");
  });
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(asked, (Words{"/secrets/op"}));
  EXPECT_EQ(users->users[0].password, "  spaced pw ");
  EXPECT_EQ(users->users[1].password, "x");
}

TEST(UpsdUsers, MissingPasswordFileNamesUserAndFile) {
  auto users = parse_upsd_users("[op]\npassword_file = /nonexistent/walnut/pw\n", "f");
  ASSERT_TRUE(users.ok());
  auto status = load_password_files(*users);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("[op]"), std::string::npos) << status.error();
  EXPECT_NE(status.error().find("/nonexistent/walnut/pw"), std::string::npos) << status.error();
}

TEST(UpsdUsers, PasswordFileContentsLoseOneFinalNewline) {
  EXPECT_EQ(password_from_file_contents("pw\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\r\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\n\n"), "pw\n");
  EXPECT_EQ(password_from_file_contents("pw"), "pw");
}

TEST(UpsdUsers, ExampleFileParses) {
  auto text = read_text_file(WALNUT_SOURCE_DIR "/config/examples/upsd.users");
  ASSERT_TRUE(text.ok()) << text.error();
  auto users = parse_upsd_users(*text, "upsd.users");
  ASSERT_TRUE(users.ok()) << users.error();
  ASSERT_EQ(users->users.size(), 4u);
  EXPECT_EQ(users->find("admin")->password, "change me");
  EXPECT_TRUE(users->find("operator")->may_run_instcmd("beeper.toggle"));
  EXPECT_TRUE(users->find("monuser")->has_action("fsd"));
}

}  // namespace
}  // namespace walnut::config
