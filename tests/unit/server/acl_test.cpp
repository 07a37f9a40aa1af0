// Tests server/acl.cpp through the dispatcher: every privileged command against every
// rights level (anonymous, logged-in without rights, SET-allowed, upsmon primary/secondary),
// and the credential checks themselves.
#include "server/acl.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/unit/server/net_fixture.h"

namespace walnut::server {
namespace {

using testing::NetFixture;

struct Row {
  std::string command;
  // Reply per rights level: anonymous, nobody, setter, primary, secondary.
  std::map<std::string, std::string> replies;
};

const std::vector<Row>& matrix() {
  static const std::vector<Row> rows = {
      {"GET VAR ups1 ups.status",
       {{"anonymous", "VAR ups1 ups.status \"OL\"\n"}, {"nobody", "VAR ups1 ups.status \"OL\"\n"},
        {"setter", "VAR ups1 ups.status \"OL\"\n"}, {"primary", "VAR ups1 ups.status \"OL\"\n"},
        {"secondary", "VAR ups1 ups.status \"OL\"\n"}}},
      {"LIST CMD ups1",
       {{"anonymous", "BEGIN LIST CMD ups1\nCMD ups1 beeper.disable\nCMD ups1 load.off\nEND LIST CMD ups1\n"},
        {"nobody", "BEGIN LIST CMD ups1\nCMD ups1 beeper.disable\nCMD ups1 load.off\nEND LIST CMD ups1\n"},
        {"setter", "BEGIN LIST CMD ups1\nCMD ups1 beeper.disable\nCMD ups1 load.off\nEND LIST CMD ups1\n"},
        {"primary", "BEGIN LIST CMD ups1\nCMD ups1 beeper.disable\nCMD ups1 load.off\nEND LIST CMD ups1\n"},
        {"secondary", "BEGIN LIST CMD ups1\nCMD ups1 beeper.disable\nCMD ups1 load.off\nEND LIST CMD ups1\n"}}},
      {"SET VAR ups1 ups.id xyz",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "OK\n"}, {"primary", "ERR ACCESS-DENIED\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"INSTCMD ups1 load.off",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "OK\n"}, {"primary", "ERR ACCESS-DENIED\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"INSTCMD ups1 beeper.disable",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "ERR ACCESS-DENIED\n"}, {"primary", "ERR ACCESS-DENIED\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"LOGIN ups1",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "ERR ACCESS-DENIED\n"}, {"primary", "OK\n"}, {"secondary", "OK\n"}}},
      {"PRIMARY ups1",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "ERR ACCESS-DENIED\n"}, {"primary", "OK PRIMARY-GRANTED\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"MASTER ups1",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "ERR ACCESS-DENIED\n"}, {"primary", "OK MASTER-GRANTED\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"FSD ups1",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "ERR ACCESS-DENIED\n"},
        {"setter", "ERR ACCESS-DENIED\n"}, {"primary", "OK FSD-SET\n"},
        {"secondary", "ERR ACCESS-DENIED\n"}}},
      {"SET TRACKING ON",
       {{"anonymous", "ERR USERNAME-REQUIRED\n"}, {"nobody", "OK\n"}, {"setter", "OK\n"},
        {"primary", "OK\n"}, {"secondary", "OK\n"}}},
  };
  return rows;
}

TEST(Acl, EveryCommandAnswersEveryRightsLevelAsStock) {
  for (const auto& row : matrix()) {
    for (const auto& [level, expected] : row.replies) {
      NetFixture fixture;
      ClientState client = level == "anonymous" ? ClientState{} : fixture.client_as(level);
      EXPECT_EQ(fixture.send(client, row.command), expected) << row.command << " as " << level;
    }
  }
}

TEST(Acl, SecondaryCannotSetFsd) {
  NetFixture fixture;
  ClientState client = fixture.client_as("secondary");
  EXPECT_EQ(fixture.send(client, "FSD ups1"), "ERR ACCESS-DENIED\n");
  EXPECT_FALSE(fixture.registry.find("ups1")->fsd);
}

TEST(Acl, FsdActionAloneAllowsFsd) {
  NetFixture fixture;
  ClientState client = fixture.client_as("admin");
  EXPECT_EQ(fixture.send(client, "FSD ups1"), "OK FSD-SET\n");
  EXPECT_EQ(fixture.send(client, "GET VAR ups1 ups.status"), "VAR ups1 ups.status \"FSD OL\"\n");
}

TEST(Acl, WrongPasswordDeniesEvenWithRights) {
  NetFixture fixture;
  ClientState client = fixture.client_as("admin");
  client.credentials.password = "wrong";
  EXPECT_EQ(fixture.send(client, "SET VAR ups1 ups.id x"), "ERR ACCESS-DENIED\n");
  EXPECT_FALSE(may_perform(fixture.users, client.credentials, "SET"));
}

TEST(Acl, PasswordPrefixIsNotEnough) {
  NetFixture fixture;
  Credentials credentials{"admin", "p"};
  EXPECT_FALSE(may_perform(fixture.users, credentials, "set"));
  credentials.password = "pw ";
  EXPECT_FALSE(may_perform(fixture.users, credentials, "set"));
}

TEST(Acl, UsernameIsCaseSensitiveActionIsNot) {
  NetFixture fixture;
  EXPECT_FALSE(may_perform(fixture.users, Credentials{"ADMIN", "pw"}, "SET"));
  EXPECT_TRUE(may_perform(fixture.users, Credentials{"admin", "pw"}, "sEt"));
}

TEST(Acl, InstcmdAllAllowsAnyCommandNamedCaseInsensitively) {
  NetFixture fixture;
  EXPECT_TRUE(may_run_instcmd(fixture.users, Credentials{"admin", "pw"}, "anything"));
  EXPECT_TRUE(may_run_instcmd(fixture.users, Credentials{"setter", "pw"}, "LOAD.OFF"));
  EXPECT_FALSE(may_run_instcmd(fixture.users, Credentials{"setter", "pw"}, "load.on"));
}

TEST(Acl, MissingCredentialsNeverPass) {
  NetFixture fixture;
  EXPECT_FALSE(may_perform(fixture.users, Credentials{"admin", std::nullopt}, "SET"));
  EXPECT_FALSE(may_perform(fixture.users, Credentials{std::nullopt, "pw"}, "SET"));
}

TEST(Acl, LoginOnlyOncePerConnection) {
  NetFixture fixture;
  ClientState client = fixture.client_as("primary");
  EXPECT_EQ(fixture.send(client, "LOGIN ups1"), "OK\n");
  EXPECT_EQ(fixture.send(client, "LOGIN ups1"), "ERR ALREADY-LOGGED-IN\n");
  EXPECT_EQ(fixture.send(client, "LOGIN ups2"), "ERR ALREADY-LOGGED-IN\n");
  EXPECT_EQ(fixture.registry.find("ups1")->numlogins, 1);
}

// The comparison's timing cannot be unit-tested (no timed tests); its answers can.
TEST(Acl, SameSecretComparesWholePasswordsOfAnyLength) {
  EXPECT_TRUE(same_secret("s3cret", "s3cret"));
  EXPECT_TRUE(same_secret("", ""));
  EXPECT_FALSE(same_secret("s3cret", "s3cre"));
  EXPECT_FALSE(same_secret("s3cret", "s3cret\n"));
  EXPECT_FALSE(same_secret("s3cret", ""));
  EXPECT_FALSE(same_secret("", "x"));
  EXPECT_FALSE(same_secret("s3cret", "S3cret"));
  EXPECT_FALSE(same_secret(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_TRUE(same_secret(std::string(1000, 'p'), std::string(1000, 'p')));
}

// The attempt is walked against the stored password repeated (byte i mod its length): an
// attempt that matches it byte for byte, wrapping around, must still fail on the length.
TEST(Acl, SameSecretRefusesTheStoredPasswordRepeatedOrCut) {
  EXPECT_FALSE(same_secret("s3cret", "s3crets3cret"));
  EXPECT_FALSE(same_secret("s3cret", "s3crets"));
  EXPECT_FALSE(same_secret("ab", "a"));
  EXPECT_FALSE(same_secret("ab", "aba"));
  EXPECT_FALSE(same_secret("x", std::string(64, 'x')));
  // An empty stored password compares like NUL bytes, so only the length tells these apart.
  EXPECT_FALSE(same_secret("", std::string(1, '\0')));
  EXPECT_FALSE(same_secret(std::string(1, '\0'), ""));
  EXPECT_TRUE(same_secret(std::string(1, '\0'), std::string(1, '\0')));
  // Every position counts, the last as much as the first.
  EXPECT_FALSE(same_secret("s3cret", "s3creT"));
  EXPECT_FALSE(same_secret(std::string(999, 'p') + "q", std::string(1000, 'p')));
}

}  // namespace
}  // namespace walnut::server
