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
  for (const Case& c : {Case{"[a]\n[b]\n[a]\n", 3}, Case{"[a\n", 1},
                        Case{"[a]\npassword = x\npassword_file = /p\n", 3}}) {
    auto users = parse_upsd_users(c.text, "/etc/nut/upsd.users");
    ASSERT_FALSE(users.ok()) << c.text;
    const std::string where = "/etc/nut/upsd.users:" + std::to_string(c.line) + ": ";
    EXPECT_TRUE(starts_with(users.error(), where)) << users.error();
  }
}

// What stock only logs (server/user.c) walnut ignores with a warning naming file and line,
// and the user lacks what the line meant to give.
TEST(UpsdUsers, LinesStockIgnoresAreWarningsNamingFileAndLine) {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c : {Case{"[a]\n pasword = x\n", 2}, Case{"password = x\n[a]\n", 1},
                        Case{"[a]\nupsmon boss\n", 2}, Case{"[a]\npassword\n", 2}}) {
    auto users = parse_upsd_users(c.text, "/etc/nut/upsd.users");
    ASSERT_TRUE(users.ok()) << c.text << users.error();
    ASSERT_EQ(users->warnings.size(), 1u) << c.text;
    const std::string where = "/etc/nut/upsd.users:" + std::to_string(c.line) + ": ";
    EXPECT_TRUE(starts_with(users->warnings[0], where)) << users->warnings[0];
    const UpsdUser* a = users->find("a");
    ASSERT_NE(a, nullptr) << c.text;
    EXPECT_FALSE(a->password) << c.text;
    EXPECT_TRUE(a->actions.empty()) << c.text;
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

SecretReader fixed_file(std::string contents, std::vector<std::string>* asked = nullptr,
                        bool world_readable = false) {
  return [=](const std::string& path) -> Result<SecretFile> {
    if (asked) asked->push_back(path);
    return SecretFile{contents, world_readable};
  };
}

TEST(UpsdUsers, PasswordFileIsReadByTheIoStep) {
  auto users = parse_upsd_users("[op]\npassword_file = /secrets/op\n[b]\npassword = x\n", "f");
  ASSERT_TRUE(users.ok()) << users.error();
  EXPECT_FALSE(users->users[0].password);
  EXPECT_EQ(users->users[0].password_file, "/secrets/op");
  EXPECT_EQ(users->users[0].password_file_line, 2);
  std::vector<std::string> asked;
  auto report = load_password_files(*users, "f", "/etc/nut", fixed_file("  spaced\tpw \n", &asked));
  EXPECT_TRUE(report.errors.empty());
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_EQ(asked, (Words{"/secrets/op"}));
  EXPECT_EQ(users->users[0].password, "  spaced\tpw ");
  EXPECT_EQ(users->users[1].password, "x");
}

TEST(UpsdUsers, RelativePasswordFileIsRelativeToTheConfigFolder) {
  auto users = parse_upsd_users("[op]\npassword_file = secrets/op.pw\n", "f");
  ASSERT_TRUE(users.ok());
  std::vector<std::string> asked;
  load_password_files(*users, "f", "/etc/nut", fixed_file("pw\n", &asked));
  EXPECT_EQ(asked, (Words{"/etc/nut/secrets/op.pw"}));
}

// The bug: an empty file became the empty password, and PASSWORD "" then passed FSD.
TEST(UpsdUsers, EmptyPasswordFileLocksOnlyThatUserOut) {
  auto users = parse_upsd_users(
      "[a]\npassword = x\n[op]\n actions = fsd\n password_file = /secrets/op\n", "upsd.users");
  ASSERT_TRUE(users.ok());
  for (const char* contents : {"", "\n", "\r\n", "\nsecond line\n"}) {
    auto report = load_password_files(*users, "upsd.users", "/etc/nut", fixed_file(contents));
    ASSERT_EQ(report.errors.size(), 1u) << contents;
    EXPECT_TRUE(starts_with(report.errors[0], "upsd.users:5: user [op]: password_file"))
        << report.errors[0];
    EXPECT_NE(report.errors[0].find("/secrets/op"), std::string::npos) << report.errors[0];
    EXPECT_FALSE(users->users[1].password) << "an empty file must not become the empty password";
    EXPECT_EQ(users->users[0].password, "x");
  }
}

TEST(UpsdUsers, UnreadablePasswordFileIsAnErrorForThatUserOnly) {
  auto users = parse_upsd_users("[op]\npassword_file = /nonexistent/walnut/pw\n[b]\npassword = x\n", "f");
  ASSERT_TRUE(users.ok());
  users->users[0].password = "stale";  // what an earlier load left: a reload must clear it
  auto report = load_password_files(*users, "f", "/etc/nut");
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_TRUE(starts_with(report.errors[0], "f:2: user [op]")) << report.errors[0];
  EXPECT_NE(report.errors[0].find("/nonexistent/walnut/pw"), std::string::npos);
  EXPECT_FALSE(users->users[0].password);
  EXPECT_EQ(users->users[1].password, "x");
}

// The bug: a directory read as empty and became the empty password.
TEST(UpsdUsers, DirectoryIsNotAPasswordFile) {
  auto secret = read_secret_file("/");
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.error().find("directory"), std::string::npos) << secret.error();
  auto users = parse_upsd_users("[op]\npassword_file = /\n", "f");
  ASSERT_TRUE(users.ok());
  auto report = load_password_files(*users, "f", "/etc/nut");
  EXPECT_EQ(report.errors.size(), 1u);
  EXPECT_FALSE(users->users[0].password);
}

TEST(UpsdUsers, WorldReadableOrMultiLinePasswordFileWarns) {
  auto users = parse_upsd_users("[op]\npassword_file = /secrets/op\n", "f");
  ASSERT_TRUE(users.ok());
  auto report = load_password_files(*users, "f", "", fixed_file("pw\n", nullptr, true));
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("world readable"), std::string::npos);
  report = load_password_files(*users, "f", "", fixed_file("pw\nmore\n"));
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("first line"), std::string::npos);
  EXPECT_EQ(users->users[0].password, "pw");
}

TEST(UpsdUsers, PasswordFileHoldsItsFirstLine) {
  EXPECT_EQ(password_from_file_contents("pw\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\r\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\n\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\nsecond\n"), "pw");
  EXPECT_EQ(password_from_file_contents("pw"), "pw");
  EXPECT_EQ(password_from_file_contents("pw\r"), "pw");
  EXPECT_EQ(password_from_file_contents(" two words\t\n"), " two words\t");
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
