// What an instcmd or setvar of the device model asks the driver to send (NUT's instcmd()/setvar()
// up to the USB writes), and the answers NUT gives (STAT_INSTCMD_* / STAT_SET_*).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace walnut::mapping {

// One SET_REPORT (Feature) to send: the report ID and the whole report, byte 0 = report ID,
// every other field carrying the bits last read from the device.
struct ReportWrite {
  std::uint8_t report_id = 0;
  std::vector<std::uint8_t> bytes;
  // Sleep this long before sending (NUT's 125 ms between the two writes of shutdown.return).
  std::chrono::milliseconds delay_before{0};
  // NUT ignores this write's result (ups.start.auto before shutdown.return/stayoff): a failure
  // does not stop the plan nor change its answer.
  bool ignore_failure = false;
};

// NUT's STAT_INSTCMD_* / STAT_SET_* outcomes, same values.
enum class CommandStatus { kHandled, kUnknown, kInvalid, kFailed, kConversionFailed };

// What an instcmd/setvar asks the driver to do: send `writes` in order (sleeping delay_before
// first) and stop at the first failure of a write not marked ignore_failure; the answer is
// `on_write_failure` if such a write failed, else `status`. Writes with a status other than
// kHandled happen when NUT wrote part of a composite command before finding the rest impossible
// (shutdown.return). Report the result with HidUps::writes_done().
struct CommandPlan {
  CommandStatus status = CommandStatus::kUnknown;
  std::vector<ReportWrite> writes;
  // The answer when a write fails: kFailed for instcmd, kUnknown for setvar (NUT's FIXME).
  CommandStatus on_write_failure = CommandStatus::kFailed;
};

}  // namespace walnut::mapping
