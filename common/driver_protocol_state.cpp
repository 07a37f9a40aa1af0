// The driver socket protocol meeting the variable store: upsd applying what a driver sends,
// and a driver answering DUMPALL from its store.
#include "common/driver_protocol.h"

namespace walnut::driver_protocol {
namespace {

constexpr unsigned kWireFlags = kFlagRw | kFlagString | kFlagNumber;

struct Applier {
  UpsState& state;

  bool operator()(const SetInfo& m) const { return state.set_info(m.name, m.value); }
  bool operator()(const DelInfo& m) const { return state.del_info(m.name); }
  bool operator()(const AddCmd& m) const { return state.add_cmd(m.name); }
  bool operator()(const DelCmd& m) const { return state.del_cmd(m.name); }
  bool operator()(const SetFlags& m) const { return state.set_flags(m.name, m.flags & kWireFlags); }
  bool operator()(const SetAux& m) const { return state.set_aux(m.name, m.aux); }
  bool operator()(const AddEnum& m) const { return state.add_enum(m.name, m.value); }
  bool operator()(const DelEnum& m) const { return state.del_enum(m.name, m.value); }
  bool operator()(const AddRange& m) const { return state.add_range(m.name, m.min, m.max); }
  bool operator()(const DelRange& m) const { return state.del_range(m.name, m.min, m.max); }
  bool operator()(const DataOk&) const { return state.set_data_ok(true); }
  bool operator()(const DataStale&) const { return state.set_data_ok(false); }
  bool operator()(const DumpDone&) const { return false; }
  bool operator()(const Pong&) const { return false; }
  bool operator()(const TrackingResult&) const { return false; }
  bool operator()(const Pid&) const { return false; }
  bool operator()(const Goodbye&) const { return false; }
};

void dump_variable(const Variable& variable, std::vector<DriverMessage>& out) {
  out.emplace_back(SetInfo{variable.name, variable.value});
  for (const auto& value : variable.enums) out.emplace_back(AddEnum{variable.name, value});
  for (const auto& range : variable.ranges) {
    out.emplace_back(AddRange{variable.name, range.min, range.max});
  }
  if (variable.aux != 0) out.emplace_back(SetAux{variable.name, variable.aux});
  if ((variable.flags & kWireFlags) != 0) {
    out.emplace_back(SetFlags{variable.name, variable.flags & kWireFlags});
  }
}

}  // namespace

bool apply(const DriverMessage& message, UpsState& state) {
  return std::visit(Applier{state}, message);
}

std::vector<DriverMessage> dump_all(const UpsState& state) {
  std::vector<DriverMessage> out;
  if (!state.data_ok()) out.emplace_back(DataStale{});
  for (const auto& [key, variable] : state.variables()) dump_variable(variable, out);
  for (const auto& command : state.commands()) out.emplace_back(AddCmd{command});
  if (state.data_ok()) out.emplace_back(DataOk{});
  out.emplace_back(DumpDone{});
  return out;
}

std::vector<DriverMessage> dump_value(const UpsState& state, std::string_view name) {
  std::vector<DriverMessage> out;
  if (!state.data_ok()) out.emplace_back(DataStale{});
  if (const Variable* variable = state.find(name)) dump_variable(*variable, out);
  if (state.data_ok()) out.emplace_back(DataOk{});
  out.emplace_back(DumpDone{});
  return out;
}

}  // namespace walnut::driver_protocol
