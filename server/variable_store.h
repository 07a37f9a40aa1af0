// One UPS's variables and instant commands as upsd keeps them (NUT's common/state.c tree),
// fed by driver messages and read by the network commands. Keyed case-insensitively.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace walnut::server {

// strcasecmp ordering: NUT walks its tree in this order for LIST VAR and LIST CMD.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
bool equals_ignoring_case(std::string_view a, std::string_view b);

// NUT's pconf_encode into a buffer of `buffer_size` bytes: escapes # \ " and truncates
// (never splitting an escape) so that the result has at most buffer_size-1 bytes.
std::string encode_truncated(std::string_view raw, std::size_t buffer_size);

// Variable flags as SETFLAGS carries them.
inline constexpr int kFlagRw = 0x0001;
inline constexpr int kFlagString = 0x0002;
inline constexpr int kFlagNumber = 0x0004;

struct VariableRange {
  int min = 0;
  int max = 0;
};

struct Variable {
  std::string name;   // the driver's spelling
  std::string raw;    // as the driver sent it
  std::string value;  // escaped once, ready to go between quotes on the wire
  int flags = 0;
  long aux = 0;
  std::vector<std::string> enums;  // escaped, in insertion order
  std::vector<VariableRange> ranges;
};

class VariableStore {
 public:
  // Each returns true when the store changed, following NUT's rules (a case-only change of
  // a value is no change; enums and ranges on a missing variable are ignored).
  bool set_info(std::string_view name, std::string_view raw);
  bool delete_info(std::string_view name);
  bool add_enum(std::string_view name, std::string_view raw);
  bool delete_enum(std::string_view name, std::string_view raw);
  bool add_range(std::string_view name, int min, int max);
  bool delete_range(std::string_view name, int min, int max);
  bool set_aux(std::string_view name, std::string_view aux);
  bool set_flags(std::string_view name, const std::vector<std::string>& flags);
  bool add_command(std::string_view name);
  bool delete_command(std::string_view name);
  void clear();

  const Variable* find(std::string_view name) const;
  const std::map<std::string, Variable, CaseInsensitiveLess>& variables() const {
    return variables_;
  }
  const std::set<std::string, CaseInsensitiveLess>& commands() const { return commands_; }
  bool has_command(std::string_view name) const { return commands_.contains(name); }

 private:
  Variable* find_mutable(std::string_view name);

  std::map<std::string, Variable, CaseInsensitiveLess> variables_;
  std::set<std::string, CaseInsensitiveLess> commands_;
};

}  // namespace walnut::server
