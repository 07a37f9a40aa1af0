// Tests for common/driver_protocol: parsing, formatting, applying and DUMPALL, checked against
// what stock NUT 2.8.0 drivers and upsd send and accept.
#include "common/driver_protocol.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace walnut::driver_protocol {
namespace {

// Recorded from Debian's stock dummy-ups 2.8.0 answering DUMPALL, after
// SET ups.mfr "Acme \"q\" \\ b\#x" (so the value shows the escaping of DUMPALL).
constexpr const char* kStockDump = R"(SETINFO battery.charge "100"
SETFLAGS battery.charge RW
SETINFO battery.charge.low "20"
SETFLAGS battery.charge.low RW
SETINFO Battery.runtime "3000"
SETFLAGS Battery.runtime RW
SETINFO device.mfr "Acme"
SETINFO device.model "Smart-UPS 1500"
SETINFO device.type "ups"
SETINFO driver.name "dummy-ups"
SETINFO driver.parameter.mode "dummy-once"
SETINFO driver.parameter.pollinterval "2"
SETINFO driver.parameter.port "dummy.dev"
SETINFO driver.parameter.synchronous "auto"
SETINFO driver.version "2.8.0"
SETINFO driver.version.internal "0.15"
SETINFO input.transfer.low "100"
SETFLAGS input.transfer.low RW
SETINFO input.voltage "230.0"
SETFLAGS input.voltage RW
SETINFO ups.id "myups"
SETAUX ups.id 16
SETFLAGS ups.id RW STRING
SETINFO ups.mfr "Acme \"q\" \\ b\#x"
SETAUX ups.mfr 32
SETFLAGS ups.mfr RW STRING
SETINFO ups.model "Smart-UPS 1500"
SETAUX ups.model 32
SETFLAGS ups.model RW STRING
SETINFO ups.status "OL"
SETAUX ups.status 32
SETFLAGS ups.status RW STRING
SETINFO ups_x.test "1"
SETAUX ups_x.test 32
SETFLAGS ups_x.test RW STRING
ADDCMD load.off
DATAOK
DUMPDONE
)";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> format_all(const std::vector<DriverMessage>& messages) {
  std::vector<std::string> lines;
  for (const auto& message : messages) lines.push_back(format(message));
  return lines;
}

DriverMessage must_parse(std::string_view line) {
  auto message = parse_driver_line(line);
  EXPECT_TRUE(message.ok()) << line << ": " << (message.ok() ? "" : message.error());
  return message.ok() ? *message : DriverMessage{Pong{}};
}

TEST(DriverProtocol, DumpOfAppliedStockDumpEqualsStockBytes) {
  const auto lines = split_lines(kStockDump);
  UpsState state;
  // Variables created in reverse order: the dump order must come from the tree, not history.
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->starts_with("SETINFO")) driver_protocol::apply(must_parse(*it), state);
  }
  for (const auto& line : lines) driver_protocol::apply(must_parse(line), state);
  EXPECT_EQ(format_all(dump_all(state)), lines);
  EXPECT_EQ(*state.value("ups.mfr"), R"(Acme "q" \ b#x)");
}

TEST(DriverProtocol, StaleStoreDumpsDataStaleFirstAndNoDataOk) {
  UpsState state;
  state.set_info("ups.status", "OL");
  state.add_enum("ups.status", "OL");
  state.add_range("ups.status", 1, 2);
  state.set_flags("ups.status", kFlagImmutable);  // never travels
  state.add_cmd("beeper.off");
  EXPECT_EQ(format_all(dump_all(state)),
            (std::vector<std::string>{"DATASTALE", "SETINFO ups.status \"OL\"",
                                      "ADDENUM ups.status \"OL\"", "ADDRANGE ups.status 1 2",
                                      "ADDCMD beeper.off", "DUMPDONE"}));
}

TEST(DriverProtocol, DumpValueSendsOneVariableFramed) {
  UpsState state;
  state.set_info("ups.status", "OL");
  state.set_info("battery.charge", "90");
  state.set_data_ok(true);
  EXPECT_EQ(format_all(dump_value(state, "UPS.STATUS")),
            (std::vector<std::string>{"SETINFO ups.status \"OL\"", "DATAOK", "DUMPDONE"}));
  EXPECT_EQ(format_all(dump_value(state, "nope")),
            (std::vector<std::string>{"DATAOK", "DUMPDONE"}));
}

TEST(DriverProtocol, DriverKeywordsAreCaseInsensitive) {
  auto message = parse_driver_line("setinfo ups.status OL\n");
  ASSERT_TRUE(message.ok());
  const auto* set = std::get_if<SetInfo>(&*message);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->name, "ups.status");
  EXPECT_EQ(set->value, "OL");
}

TEST(DriverProtocol, TooFewArgumentsAndUnknownKeywordsAreErrors) {
  for (const char* line : {"SETINFO ups.status", "DELINFO", "ADDRANGE x 1", "TRACKING id",
                           "SETAUX x", "ADDENUM x", "BOGUS a b", "OK", "OK Hello", ""}) {
    EXPECT_FALSE(parse_driver_line(line).ok()) << line;
  }
  EXPECT_FALSE(parse_driver_message({}).ok());
  EXPECT_FALSE(parse_driver_line("SETINFO \"unterminated").ok());
}

TEST(DriverProtocol, NumbersAreReadLikeAtoi) {
  auto range = parse_driver_line("ADDRANGE x 12abc -7");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(std::get<AddRange>(*range).min, 12);
  EXPECT_EQ(std::get<AddRange>(*range).max, -7);
  auto junk = parse_driver_line("SETAUX x junk");
  ASSERT_TRUE(junk.ok());
  EXPECT_EQ(std::get<SetAux>(*junk).aux, 0);
  auto huge = parse_driver_line("ADDRANGE x 99999999999999999999 -99999999999999999999");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(std::get<AddRange>(*huge).min, INT32_MAX);
  EXPECT_EQ(std::get<AddRange>(*huge).max, INT32_MIN);
  auto tracking = parse_driver_line("TRACKING 1B4E28BA-2FA1-11D2-883F-0016D3CCA427 3");
  ASSERT_TRUE(tracking.ok());
  EXPECT_EQ(std::get<TrackingResult>(*tracking).status, 3);
}

TEST(DriverProtocol, SetFlagsReplacesFlagsAndIgnoresUnknownWords) {
  UpsState state;
  state.set_info("x", "1");
  driver_protocol::apply(must_parse("SETFLAGS x RW STRING"), state);
  EXPECT_EQ(state.find("x")->flags, unsigned{kFlagRw | kFlagString});
  driver_protocol::apply(must_parse("SETFLAGS x NUMBER FANCY"), state);
  EXPECT_EQ(state.find("x")->flags, unsigned{kFlagNumber});
  EXPECT_EQ(format(must_parse("setflags x number rw")), "SETFLAGS x RW NUMBER");
}

TEST(DriverProtocol, ApplyReportsChangesAndLinkMessagesChangeNothing) {
  UpsState state;
  EXPECT_TRUE(driver_protocol::apply(must_parse("SETINFO a 1"), state));
  EXPECT_FALSE(driver_protocol::apply(must_parse("SETINFO a 1"), state));
  EXPECT_TRUE(driver_protocol::apply(must_parse("DATAOK"), state));
  EXPECT_TRUE(state.data_ok());
  EXPECT_TRUE(driver_protocol::apply(must_parse("DATASTALE"), state));
  EXPECT_FALSE(state.data_ok());
  for (const char* line : {"DUMPDONE", "PONG", "TRACKING x 0", "PID 42", "OK Goodbye"}) {
    EXPECT_FALSE(driver_protocol::apply(must_parse(line), state)) << line;
  }
  EXPECT_TRUE(driver_protocol::apply(must_parse("ADDCMD load.off"), state));
  EXPECT_TRUE(driver_protocol::apply(must_parse("DELCMD LOAD.OFF"), state));
  EXPECT_TRUE(driver_protocol::apply(must_parse("DELINFO A"), state));
  EXPECT_TRUE(state.variables().empty());
}

TEST(DriverProtocol, FormatsEveryDriverMessage) {
  EXPECT_EQ(format(DriverMessage{SetInfo{"ups.mfr", "a \"b\""}}), R"(SETINFO ups.mfr "a \"b\"")");
  EXPECT_EQ(format(DriverMessage{SetInfo{"x", ""}}), R"(SETINFO x "")");
  EXPECT_EQ(format(DriverMessage{DelInfo{"x"}}), "DELINFO x");
  EXPECT_EQ(format(DriverMessage{AddEnum{"x", "a b"}}), R"(ADDENUM x "a b")");
  EXPECT_EQ(format(DriverMessage{DelEnum{"x", "a"}}), R"(DELENUM x "a")");
  EXPECT_EQ(format(DriverMessage{AddRange{"x", -1, 5}}), "ADDRANGE x -1 5");
  EXPECT_EQ(format(DriverMessage{DelRange{"x", 1, 5}}), "DELRANGE x 1 5");
  EXPECT_EQ(format(DriverMessage{SetAux{"x", 32}}), "SETAUX x 32");
  EXPECT_EQ(format(DriverMessage{SetFlags{"x", 0}}), "SETFLAGS x");
  EXPECT_EQ(format(DriverMessage{TrackingResult{"id", 1}}), "TRACKING id 1");
  EXPECT_EQ(format(DriverMessage{Pid{"123"}}), "PID 123");
  EXPECT_EQ(format(DriverMessage{Goodbye{}}), "OK Goodbye");
  EXPECT_EQ(format(DriverMessage{AddCmd{"a b"}}), R"(ADDCMD "a b")");
}

TEST(DriverProtocol, ParsesUpsdCommandsAsDstateAcceptsThem) {
  auto set = parse_upsd_line(R"(SET ups.mfr "Acme \"q\" \\ b\#x" TRACKING abc)");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(std::get<Set>(*set).value, R"(Acme "q" \ b#x)");
  EXPECT_EQ(std::get<Set>(*set).tracking_id, "abc");
  auto set4 = parse_upsd_line("SET x 1 extra");  // dstate.c ignores a lone fourth word
  ASSERT_TRUE(set4.ok());
  EXPECT_FALSE(std::get<Set>(*set4).tracking_id);
  EXPECT_FALSE(parse_upsd_line("SET x 1 NOTTRACKING id").ok());
  EXPECT_FALSE(parse_upsd_line("SET x").ok());

  auto plain = parse_upsd_line("INSTCMD load.off");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(std::get<InstCmd>(*plain).param);
  auto param = parse_upsd_line("INSTCMD test.battery.start.deep 60");
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(std::get<InstCmd>(*param).param, "60");
  auto tracked = parse_upsd_line("INSTCMD load.off TRACKING id2");
  ASSERT_TRUE(tracked.ok());
  EXPECT_EQ(std::get<InstCmd>(*tracked).tracking_id, "id2");
  EXPECT_FALSE(std::get<InstCmd>(*tracked).param);
  auto both = parse_upsd_line("instcmd load.off 5 tracking id3");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(std::get<InstCmd>(*both).param, "5");
  EXPECT_EQ(std::get<InstCmd>(*both).tracking_id, "id3");
  EXPECT_FALSE(parse_upsd_line("INSTCMD load.off a b").ok());
  EXPECT_FALSE(parse_upsd_line("INSTCMD a b c d e f").ok());
  EXPECT_FALSE(parse_upsd_line("INSTCMD").ok());
  EXPECT_FALSE(parse_upsd_line("FROB").ok());
}

TEST(DriverProtocol, ParsesLaterNutDriverCommands) {
  EXPECT_TRUE(std::holds_alternative<DumpAll>(*parse_upsd_line("dumpall")));
  EXPECT_TRUE(std::holds_alternative<Ping>(*parse_upsd_line("PING")));
  EXPECT_TRUE(std::holds_alternative<DumpStatus>(*parse_upsd_line("DUMPSTATUS")));
  EXPECT_EQ(std::get<DumpValue>(*parse_upsd_line("DUMPVALUE ups.status")).name, "ups.status");
  EXPECT_FALSE(parse_upsd_line("DUMPVALUE").ok());
  EXPECT_TRUE(std::holds_alternative<GetPid>(*parse_upsd_line("GETPID")));
  EXPECT_TRUE(std::holds_alternative<NoBroadcast>(*parse_upsd_line("NOBROADCAST")));
  EXPECT_TRUE(std::holds_alternative<Logout>(*parse_upsd_line("LOGOUT")));
  EXPECT_EQ(std::get<Broadcast>(*parse_upsd_line("BROADCAST")).level, 1);
  EXPECT_EQ(std::get<Broadcast>(*parse_upsd_line("BROADCAST 0")).level, 0);
  EXPECT_EQ(std::get<Broadcast>(*parse_upsd_line("BROADCAST x")).level, 1);
}

TEST(DriverProtocol, FormatsUpsdCommandsSoTheyReadBack) {
  EXPECT_EQ(format(UpsdMessage{Set{"ups.mfr", R"(a"b)", "ID"}}), R"(SET ups.mfr "a\"b" TRACKING ID)");
  EXPECT_EQ(format(UpsdMessage{InstCmd{"load.off", std::nullopt, std::nullopt}}), "INSTCMD load.off");
  EXPECT_EQ(format(UpsdMessage{InstCmd{"x", "a b", "ID"}}), R"(INSTCMD x "a b" TRACKING ID)");
  EXPECT_EQ(format(UpsdMessage{InstCmd{"x", std::nullopt, "ID"}}), "INSTCMD x TRACKING ID");
  EXPECT_EQ(format(UpsdMessage{DumpAll{}}), "DUMPALL");
  EXPECT_EQ(format(UpsdMessage{Broadcast{0}}), "BROADCAST 0");
  const UpsdMessage messages[] = {InstCmd{"x", "", "ID"}, InstCmd{"x", "TRACKING", std::nullopt},
                                  Set{"x", "", std::nullopt}, DumpValue{"ups.status"}};
  for (const auto& message : messages) {
    auto back = parse_upsd_line(format(message));
    ASSERT_TRUE(back.ok()) << format(message);
    EXPECT_EQ(format(*back), format(message));
  }
}

}  // namespace
}  // namespace walnut::driver_protocol
