// The diff between two variable stores, as driver socket messages.
#include "drivers/usbhid/state_publisher.h"

namespace walnut::usbhid {
namespace dp = driver_protocol;
namespace {

constexpr unsigned kWireFlags = kFlagRw | kFlagString | kFlagNumber;

void diff_variable(const Variable& now, const Variable* before,
                   std::vector<dp::DriverMessage>& out) {
  if (before == nullptr || !equals_ignoring_case(before->value, now.value)) {
    out.push_back(dp::SetInfo{now.name, now.value});
  }
  const unsigned old_flags = before ? before->flags & kWireFlags : 0;
  if ((now.flags & kWireFlags) != old_flags) {
    out.push_back(dp::SetFlags{now.name, now.flags & kWireFlags});
  }
  if (now.aux != (before ? before->aux : 0)) out.push_back(dp::SetAux{now.name, now.aux});
  static const std::vector<std::string> kNoEnums;
  static const std::vector<Range> kNoRanges;
  const auto& old_enums = before ? before->enums : kNoEnums;
  const auto& old_ranges = before ? before->ranges : kNoRanges;
  // Lists are resent whole when they differ at all: DELENUM removes the first value equal
  // ignoring case, so piecemeal edits could hit the wrong one and could not keep the order.
  if (old_enums != now.enums) {
    for (const auto& value : old_enums) out.push_back(dp::DelEnum{now.name, value});
    for (const auto& value : now.enums) out.push_back(dp::AddEnum{now.name, value});
  }
  if (old_ranges != now.ranges) {
    for (const auto& range : old_ranges) out.push_back(dp::DelRange{now.name, range.min, range.max});
    for (const auto& range : now.ranges) out.push_back(dp::AddRange{now.name, range.min, range.max});
  }
}

}  // namespace

std::vector<dp::DriverMessage> publish_changes(const UpsState& current, UpsState& published) {
  std::vector<dp::DriverMessage> out;
  for (const auto& [name, variable] : current.variables()) {
    diff_variable(variable, published.find(name), out);
  }
  for (const auto& [name, variable] : published.variables()) {
    if (current.find(name) == nullptr) out.push_back(dp::DelInfo{variable.name});
  }
  for (const auto& command : published.commands()) {
    if (!current.has_cmd(command)) out.push_back(dp::DelCmd{command});
  }
  for (const auto& command : current.commands()) {
    if (!published.has_cmd(command)) out.push_back(dp::AddCmd{command});
  }
  if (current.data_ok() != published.data_ok()) {
    if (current.data_ok()) {
      out.push_back(dp::DataOk{});
    } else {
      out.push_back(dp::DataStale{});
    }
  }
  for (const auto& message : out) dp::apply(message, published);
  return out;
}

}  // namespace walnut::usbhid
