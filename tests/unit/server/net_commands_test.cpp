// Tests the dispatcher (server/net_dispatch.cpp and the net_*.cpp families): reply formats,
// check order, what reaches the driver, per-connection state.
#include "server/net_commands.h"

#include <gtest/gtest.h>

#include "server/net_reply.h"
#include "tests/unit/server/net_fixture.h"

namespace walnut::server {
namespace {

using testing::NetFixture;

TEST(NetCommands, EmptyAndUnknownCommandsAreUnknown) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, ""), "ERR UNKNOWN-COMMAND\n");
  EXPECT_EQ(f.send(c, "BOGUS"), "ERR UNKNOWN-COMMAND\n");
  EXPECT_EQ(f.stats.errors[static_cast<int>(NetError::kUnknownCommand)], 2u);
}

TEST(NetCommands, CommandWordsAreCaseInsensitiveAndEchoTheClientsSpelling) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "get var UPS1 UPS.STATUS"), "VAR UPS1 UPS.STATUS \"OL\"\n");
}

TEST(NetCommands, ValuesAreEscapedOnceOnTheWire) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "GET VAR ups1 ups.mfr"), "VAR ups1 ups.mfr \"ACME \\\"x\\\" \\\\ \\#\"\n");
  EXPECT_EQ(f.send(c, "GET UPSDESC ups1"), "UPSDESC ups1 \"First \\\"UPS\\\"\"\n");
}

TEST(NetCommands, ListVarIsSortedCaseInsensitivelyAndFramed) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "LIST RW ups1"),
            "BEGIN LIST RW ups1\n"
            "RW ups1 battery.charge.low \"10\"\n"
            "RW ups1 input.sensitivity \"low\"\n"
            "RW ups1 ups.id \"abc\"\n"
            "END LIST RW ups1\n");
}

TEST(NetCommands, TypeEnumAndRangeDescribeTheVariable) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "GET TYPE ups1 ups.id"), "TYPE ups1 ups.id RW STRING:5\n");
  EXPECT_EQ(f.send(c, "GET TYPE ups1 input.sensitivity"), "TYPE ups1 input.sensitivity RW ENUM NUMBER\n");
  EXPECT_EQ(f.send(c, "GET TYPE ups1 battery.charge.low"),
            "TYPE ups1 battery.charge.low RW RANGE NUMBER\n");
  EXPECT_EQ(f.send(c, "LIST ENUM ups1 input.sensitivity"),
            "BEGIN LIST ENUM ups1 input.sensitivity\nENUM ups1 input.sensitivity \"low\"\n"
            "ENUM ups1 input.sensitivity \"high\"\nEND LIST ENUM ups1 input.sensitivity\n");
  EXPECT_EQ(f.send(c, "LIST RANGE ups1 battery.charge.low"),
            "BEGIN LIST RANGE ups1 battery.charge.low\nRANGE ups1 battery.charge.low \"5\" \"50\"\n"
            "END LIST RANGE ups1 battery.charge.low\n");
}

TEST(NetCommands, AvailabilityOrderIsUnknownUpsThenDriverThenStale) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "GET VAR nosuch ups.status"), "ERR UNKNOWN-UPS\n");
  EXPECT_EQ(f.send(c, "GET VAR ups2 ups.status"), "ERR DRIVER-NOT-CONNECTED\n");
  f.registry.find("ups1")->stale = true;
  EXPECT_EQ(f.send(c, "GET VAR ups1 nosuch"), "ERR DATA-STALE\n");
  // UPSDESC, LIST CLIENT and server.* skip the availability check.
  EXPECT_EQ(f.send(c, "GET UPSDESC ups2"), "UPSDESC ups2 \"Unavailable\"\n");
  EXPECT_EQ(f.send(c, "LIST CLIENT ups2"), "BEGIN LIST CLIENT ups2\nEND LIST CLIENT ups2\n");
  EXPECT_EQ(f.send(c, "GET VAR nosuch server.version"),
            "VAR nosuch server.version \"" + std::string(kServerVersion) + "\"\n");
}

TEST(NetCommands, DescriptionsComeFromCmdvartabOrSayUnavailable) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "GET DESC ups1 UPS.STATUS"), "DESC ups1 UPS.STATUS \"UPS status\"\n");
  EXPECT_EQ(f.send(c, "GET CMDDESC ups1 load.off"),
            "CMDDESC ups1 load.off \"Description unavailable\"\n");
}

TEST(NetCommands, SetVarForwardsAnEncodedQuotedValueToTheDriver) {
  NetFixture f;
  ClientState c = f.client_as("admin");
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.id \"a\\\"b\""), "OK\n");
  ASSERT_EQ(f.driver_lines.size(), 1u);
  EXPECT_EQ(f.driver_lines[0], "SET ups.id \"a\\\"b\"\n");
}

TEST(NetCommands, SetVarValidatesInStockOrder) {
  NetFixture f;
  ClientState c = f.client_as("admin");
  EXPECT_EQ(f.send(c, "SET VAR ups1 nosuch x"), "ERR VAR-NOT-SUPPORTED\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.status x"), "ERR READONLY\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.id toolong"), "ERR TOO-LONG\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 input.sensitivity LOW"), "ERR INVALID-VALUE\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 51"), "ERR INVALID-VALUE\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 50"), "OK\n");
  EXPECT_EQ(f.driver_lines.size(), 1u);
}

TEST(NetCommands, FailedDriverWriteIsSetFailed) {
  NetFixture f;
  f.registry.find("ups1")->send_to_driver = [](std::string_view) { return false; };
  ClientState c = f.client_as("admin");
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.id x"), "ERR SET-FAILED\n");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.off"), "ERR INSTCMD-FAILED\n");
}

TEST(NetCommands, InstcmdTakesAParameterOnlyWhenExactlyThreeWords) {
  NetFixture f;
  ClientState c = f.client_as("admin");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 LOAD.OFF 5"), "OK\n");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.off 5 6"), "OK\n");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.on"), "ERR CMD-NOT-SUPPORTED\n");
  ASSERT_EQ(f.driver_lines.size(), 2u);
  EXPECT_EQ(f.driver_lines[0], "INSTCMD LOAD.OFF 5\n");
  EXPECT_EQ(f.driver_lines[1], "INSTCMD load.off\n");
}

TEST(NetCommands, TrackingIdsGoToTheDriverAndReportItsAnswer) {
  NetFixture f;
  ClientState c = f.client_as("admin");
  EXPECT_EQ(f.send(c, "GET TRACKING 1"), "ERR FEATURE-NOT-CONFIGURED\n");
  EXPECT_EQ(f.send(c, "SET TRACKING ON"), "OK\n");
  EXPECT_EQ(f.send(c, "GET TRACKING"), "ON\n");
  const std::string reply = f.send(c, "INSTCMD ups1 load.off");
  ASSERT_EQ(reply.size(), std::string("OK TRACKING \n").size() + 36);
  const std::string id = reply.substr(12, 36);
  EXPECT_EQ(f.driver_lines.back(), "INSTCMD load.off TRACKING " + id + "\n");
  EXPECT_EQ(f.send(c, "GET TRACKING " + id), "PENDING\n");
  f.tracking.set(id, 3);
  EXPECT_EQ(f.send(c, "GET TRACKING " + id), "ERR FAILED\n");
  EXPECT_EQ(f.send(c, "SET TRACKING OFF"), "OK\n");
  EXPECT_EQ(f.send(c, "GET TRACKING " + id), "ERR FEATURE-NOT-CONFIGURED\n");
}

TEST(NetCommands, GetTrackingAnswersOnlyTheConnectionThatGotTheId) {
  NetFixture f;
  ClientState owner = f.client_as("admin");
  owner.connection = 1;
  ClientState other = f.client_as("admin");  // even the same user on another connection
  other.connection = 2;
  EXPECT_EQ(f.send(owner, "SET TRACKING ON"), "OK\n");
  EXPECT_EQ(f.send(other, "SET TRACKING ON"), "OK\n");
  const std::string reply = f.send(owner, "INSTCMD ups1 load.off");
  ASSERT_EQ(reply.substr(0, 12), "OK TRACKING ");
  const std::string id = reply.substr(12, 36);
  EXPECT_EQ(f.send(owner, "GET TRACKING " + id), "PENDING\n");
  EXPECT_EQ(f.send(other, "GET TRACKING " + id), "ERR UNKNOWN\n");
  f.tracking.set(id, 0);
  EXPECT_EQ(f.send(owner, "GET TRACKING " + id), "SUCCESS\n");
  EXPECT_EQ(f.send(other, "GET TRACKING " + id), "ERR UNKNOWN\n");
}

TEST(NetCommands, RangeChecksRefuseNumbersThatOverflowAnInt) {
  NetFixture f;
  ClientState c = f.client_as("admin");
  // battery.charge.low takes 5..50; atoi would wrap 2^32 + 10 to 10.
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 4294967306"), "ERR INVALID-VALUE\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low -4294967286"), "ERR INVALID-VALUE\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 99999999999999999999999"),
            "ERR INVALID-VALUE\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 2147483658"), "ERR INVALID-VALUE\n");
  // No number at all is not 0 (atoi's answer) but no value in any range.
  f.registry.find("ups1")->variables.add_range("battery.charge.low", -5, 5);
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low abc"), "ERR INVALID-VALUE\n");
  EXPECT_TRUE(f.driver_lines.empty());
  // What atoi reads and fits stays accepted as stock accepts it.
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low \" 20\""), "OK\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low 30%"), "OK\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 battery.charge.low -5"), "OK\n");
  EXPECT_EQ(f.driver_lines.size(), 3u);
}

TEST(NetCommands, CommandsTooLongForOneDriverLineAreRefusedNotCut) {
  NetFixture f;
  f.registry.find("ups1")->variables.set_info("ups.contact", "x");
  f.registry.find("ups1")->variables.set_flags("ups.contact", kFlagRw);
  ClientState c = f.client_as("admin");
  // "INSTCMD load.off " + parameter + LF: 494 bytes of parameter make exactly 512.
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.off " + std::string(494, 'p')), "OK\n");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.off " + std::string(495, 'p')), "ERR TOO-LONG\n");
  // Escaping counts: 300 backslashes are 600 bytes on the driver line.
  std::string backslashes;
  for (int i = 0; i < 300; ++i) backslashes += "\\\\";
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.contact \"" + backslashes + "\""), "ERR TOO-LONG\n");
  // 493 bytes of value: "SET ups.contact \"" + value + "\"\n" is 512.
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.contact " + std::string(493, 'v')), "OK\n");
  EXPECT_EQ(f.send(c, "SET VAR ups1 ups.contact " + std::string(494, 'v')), "ERR TOO-LONG\n");
  // The tracking id counts too.
  EXPECT_EQ(f.send(c, "SET TRACKING ON"), "OK\n");
  EXPECT_EQ(f.send(c, "INSTCMD ups1 load.off " + std::string(494, 'p')), "ERR TOO-LONG\n");
  ASSERT_EQ(f.driver_lines.size(), 2u);
  for (const auto& line : f.driver_lines) {
    EXPECT_LE(line.size(), 512u);
    EXPECT_EQ(line.back(), '\n');
  }
}

TEST(NetCommands, UsernameAndPasswordAreAcceptedOnceUnchecked) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "USERNAME ghost"), "OK\n");
  EXPECT_EQ(f.send(c, "USERNAME ghost"), "ERR ALREADY-SET-USERNAME\n");
  EXPECT_EQ(f.send(c, "PASSWORD"), "ERR INVALID-ARGUMENT\n");
  EXPECT_EQ(f.send(c, "PASSWORD x"), "OK\n");
  EXPECT_EQ(f.send(c, "PASSWORD x"), "ERR ALREADY-SET-PASSWORD\n");
}

TEST(NetCommands, ListClientShowsLoggedInConnections) {
  NetFixture f;
  ClientState primary = f.client_as("primary");
  primary.address = "10.0.0.7";
  EXPECT_EQ(f.send(primary, "LOGIN UPS1"), "OK\n");
  f.others.push_back(&primary);
  ClientState c;
  EXPECT_EQ(f.send(c, "LIST CLIENT Ups1"),
            "BEGIN LIST CLIENT Ups1\nCLIENT ups1 10.0.0.7\nEND LIST CLIENT Ups1\n");
  EXPECT_EQ(f.send(c, "GET NUMLOGINS ups1"), "NUMLOGINS ups1 1\n");
}

TEST(NetCommands, LogoutSaysGoodbyeAndAsksToClose) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "LOGOUT now"), "ERR INVALID-ARGUMENT\n");
  EXPECT_FALSE(c.close_after_reply);
  EXPECT_EQ(f.send(c, "LOGOUT"), "OK Goodbye\n");
  EXPECT_TRUE(c.close_after_reply);
}

TEST(NetCommands, StarttlsWithoutTlsConfiguredIsFeatureNotConfigured) {
  NetFixture f;
  ClientState c;
  EXPECT_EQ(f.send(c, "STARTTLS"), "ERR FEATURE-NOT-CONFIGURED\n");
  f.context.tls_configured = true;
  EXPECT_EQ(f.send(c, "STARTTLS"), "OK STARTTLS\n");
  EXPECT_TRUE(c.start_tls_after_reply);
  c.tls = true;
  EXPECT_EQ(f.send(c, "STARTTLS"), "ERR ALREADY-SSL-MODE\n");
}

TEST(NetCommands, ReplyLinesAreCutAt512BytesLikeStock) {
  NetFixture f;
  ClientState c;
  const std::string reply = f.send(c, "GET DESC ups1 " + std::string(600, 'v'));
  EXPECT_EQ(reply.size(), 512u);
  EXPECT_NE(reply.back(), '\n');
}

TEST(NetCommands, EncodeTruncatedNeverSplitsAnEscape) {
  EXPECT_EQ(encode_truncated("ab\"", 4), "ab");
  EXPECT_EQ(encode_truncated("a\"b", 5), "a\\\"b");
  EXPECT_EQ(encode_truncated("#", 512), "\\#");
}

}  // namespace
}  // namespace walnut::server
