// The driver socket protocol (NUT's docs/sock-protocol.txt), both directions, as pure code:
// words → typed message, typed message → line, and a message applied to a UpsState.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/ups_state.h"

namespace walnut::driver_protocol {

// ---- Driver → upsd (server/sstate.c parse_args; drivers/dstate.c writes them) ----

struct SetInfo { std::string name; std::string value; };  // SETINFO <var> "<value>"
struct DelInfo { std::string name; };                     // DELINFO <var>
struct AddCmd { std::string name; };                      // ADDCMD <cmd>
struct DelCmd { std::string name; };                      // DELCMD <cmd>
struct SetFlags { std::string name; unsigned flags = 0; };  // SETFLAGS <var> [RW] [STRING] [NUMBER]
struct SetAux { std::string name; long aux = 0; };        // SETAUX <var> <n>
struct AddEnum { std::string name; std::string value; };  // ADDENUM <var> "<value>"
struct DelEnum { std::string name; std::string value; };  // DELENUM <var> "<value>"
struct AddRange { std::string name; int min = 0; int max = 0; };  // ADDRANGE <var> <min> <max>
struct DelRange { std::string name; int min = 0; int max = 0; };  // DELRANGE <var> <min> <max>
struct DataOk {};                                         // DATAOK
struct DataStale {};                                      // DATASTALE
struct DumpDone {};                                       // DUMPDONE
struct Pong {};                                           // PONG
// TRACKING <id> <status>: the result of a SET/INSTCMD that carried TRACKING <id>.
// Status codes as drivers/upshandler.h: 0 handled, 1 unknown, 2 invalid, 3 failed,
// 4 conversion failed.
struct TrackingResult { std::string id; int status = 0; };
struct Pid { std::string pid; };                          // PID <pid> (answer to GETPID)
struct Goodbye {};                                        // OK Goodbye (answer to LOGOUT)

using DriverMessage =
    std::variant<SetInfo, DelInfo, AddCmd, DelCmd, SetFlags, SetAux, AddEnum, DelEnum, AddRange,
                 DelRange, DataOk, DataStale, DumpDone, Pong, TrackingResult, Pid, Goodbye>;

// ---- upsd (or a debugging tool) → driver (drivers/dstate.c sock_arg) ----

struct DumpAll {};                                        // DUMPALL
struct Ping {};                                           // PING
// SET <var> "<value>" [TRACKING <id>]
struct Set {
  std::string name;
  std::string value;
  std::optional<std::string> tracking_id;
};
// INSTCMD <cmd> [<param>] [TRACKING <id>]
struct InstCmd {
  std::string name;
  std::optional<std::string> param;
  std::optional<std::string> tracking_id;
};
// Later NUT (2.8.1+) driver commands; stock upsd never sends them, walnut's driver may answer.
struct DumpValue { std::string name; };                   // DUMPVALUE <var>
struct DumpStatus {};                                     // DUMPSTATUS (= DUMPVALUE ups.status)
struct GetPid {};                                         // GETPID
struct NoBroadcast {};                                    // NOBROADCAST
struct Broadcast { int level = 1; };                      // BROADCAST [n]; n < 1 means off
struct Logout {};                                         // LOGOUT

using UpsdMessage = std::variant<DumpAll, Ping, Set, InstCmd, DumpValue, DumpStatus, GetPid,
                                 NoBroadcast, Broadcast, Logout>;

// Parses one tokenized line (keywords case-insensitive, as NUT). Too few arguments, a
// malformed optional part or an unknown keyword is an error naming the line's first word.
// Extra trailing words are ignored where NUT ignores them. Numbers are read as atoi/strtol do
// (leading digits; junk gives 0).
Result<DriverMessage> parse_driver_message(const std::vector<std::string>& words);
Result<UpsdMessage> parse_upsd_message(const std::vector<std::string>& words);

// Tokenizes then parses one line (a trailing LF is optional).
Result<DriverMessage> parse_driver_line(std::string_view line);
Result<UpsdMessage> parse_upsd_line(std::string_view line);

// Formats a message as one line WITHOUT the terminating LF (add "\n" before writing).
// Values are always quoted and escaped (NUT's dump form; walnut also escapes live updates,
// which stock sends raw); names and ids are written bare unless they need quoting.
std::string format(const DriverMessage& message);
std::string format(const UpsdMessage& message);

// Applies a driver message to a store as upsd does. Returns true when the store changed.
// SETFLAGS replaces RW/STRING/NUMBER. DATAOK/DATASTALE set data_ok(). DUMPDONE, PONG,
// TRACKING, PID and Goodbye are link-level: no effect on the store (the caller handles them).
// Call it qualified (driver_protocol::apply): unqualified, ADL also finds std::apply.
bool apply(const DriverMessage& message, UpsState& state);

// What a driver answers to DUMPALL (drivers/dstate.c): DATASTALE if stale; for every variable
// in tree order SETINFO, each ADDENUM, each ADDRANGE, SETAUX if aux != 0, SETFLAGS if any of
// RW/STRING/NUMBER is set; then ADDCMD for every command; DATAOK if not stale; DUMPDONE.
std::vector<DriverMessage> dump_all(const UpsState& state);
// What a later NUT driver answers to DUMPVALUE <var> / DUMPSTATUS: DATASTALE if stale, that
// variable's part of dump_all (nothing if absent), DATAOK if not stale, DUMPDONE.
std::vector<DriverMessage> dump_value(const UpsState& state, std::string_view name);

}  // namespace walnut::driver_protocol
