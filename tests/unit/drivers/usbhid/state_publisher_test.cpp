// Tests of the incremental driver-socket updates (drivers/usbhid/state_publisher.cpp).
#include "drivers/usbhid/state_publisher.h"

#include <gtest/gtest.h>

#include "drivers/usbhid/driver_socket.h"

namespace walnut::usbhid {
namespace {

std::string lines_of(const UpsState& current, UpsState& published) {
  return format_lines(publish_changes(current, published));
}

TEST(StatePublisher, NewVariableSendsSetInfoThenItsAttributes) {
  UpsState current;
  UpsState published;
  current.set_info("input.transfer.high", "266");
  current.set_flags("input.transfer.high", kFlagRw | kFlagString);
  current.set_aux("input.transfer.high", 10);
  current.add_enum("input.transfer.high", "266");
  current.add_cmd("beeper.enable");
  current.set_data_ok(true);
  EXPECT_EQ(lines_of(current, published),
            "SETINFO input.transfer.high \"266\"\n"
            "SETFLAGS input.transfer.high RW STRING\n"
            "SETAUX input.transfer.high 10\n"
            "ADDENUM input.transfer.high \"266\"\n"
            "ADDCMD beeper.enable\n"
            "DATAOK\n");
  EXPECT_EQ(lines_of(current, published), "");
}

TEST(StatePublisher, CaseOnlyChangeIsNoChangeAsInNutsStateTree) {
  UpsState current;
  UpsState published;
  current.set_info("ups.status", "OL");
  lines_of(current, published);
  UpsState changed;
  changed.set_info("ups.status", "ol");
  EXPECT_EQ(lines_of(changed, published), "");
  changed.set_info("ups.status", "OB");
  EXPECT_EQ(lines_of(changed, published), "SETINFO ups.status \"OB\"\n");
}

TEST(StatePublisher, RemovedThingsAreDeleted) {
  UpsState current;
  UpsState published;
  current.set_info("ups.alarm", "Replace battery!");
  current.set_info("ups.load", "10");
  current.add_enum("ups.load", "10");
  current.add_range("ups.load", 0, 100);
  current.add_cmd("load.off");
  lines_of(current, published);
  current.del_info("ups.alarm");
  current.del_enum("ups.load", "10");
  current.del_range("ups.load", 0, 100);
  current.add_range("ups.load", 5, 50);
  current.del_cmd("load.off");
  EXPECT_EQ(lines_of(current, published),
            "DELENUM ups.load \"10\"\n"
            "DELRANGE ups.load 0 100\n"
            "ADDRANGE ups.load 5 50\n"
            "DELINFO ups.alarm\n"
            "DELCMD load.off\n");
  EXPECT_EQ(published.find("ups.alarm"), nullptr);
}

TEST(StatePublisher, EnumListsAreResentWholeWhenTheyChange) {
  // DELENUM removes the first value equal ignoring case, so "a" next to "A" cannot be
  // deleted piecemeal; resending the list keeps the reader's copy exact and in order.
  UpsState current;
  UpsState published;
  current.set_info("ups.mode", "a");
  current.add_enum("ups.mode", "A");
  current.add_enum("ups.mode", "a");
  lines_of(current, published);
  current.del_enum("ups.mode", "a");  // removes "A", the first match
  EXPECT_EQ(lines_of(current, published),
            "DELENUM ups.mode \"A\"\n"
            "DELENUM ups.mode \"a\"\n"
            "ADDENUM ups.mode \"a\"\n");
  EXPECT_EQ(published.find("ups.mode")->enums, current.find("ups.mode")->enums);
}

TEST(StatePublisher, StalenessTravelsOnlyOnTransitions) {
  UpsState current;
  UpsState published;
  current.set_data_ok(true);
  EXPECT_EQ(lines_of(current, published), "DATAOK\n");
  EXPECT_EQ(lines_of(current, published), "");
  current.set_data_ok(false);
  EXPECT_EQ(lines_of(current, published), "DATASTALE\n");
}

TEST(StatePublisher, ImmutableFlagStaysInTheDriver) {
  UpsState current;
  UpsState published;
  current.set_info("battery.charge.low", "30");
  current.set_flags("battery.charge.low", kFlagImmutable);
  EXPECT_EQ(lines_of(current, published), "SETINFO battery.charge.low \"30\"\n");
}

TEST(StatePublisher, ValuesAreEscapedOnTheLivePath) {
  UpsState current;
  UpsState published;
  current.set_info("ups.id", "a \"quoted\" \\ value");
  EXPECT_EQ(lines_of(current, published), "SETINFO ups.id \"a \\\"quoted\\\" \\\\ value\"\n");
}

}  // namespace
}  // namespace walnut::usbhid
