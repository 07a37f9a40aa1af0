// The variable store: one UPS's variables and instant commands, kept as NUT's common/state.c
// keeps them, so that the driver's tree and upsd's copy of it behave exactly like stock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace walnut {

// NUT's ST_MAX_VALUE_LEN is 256 bytes including the NUL: values and enum values are capped at
// 255 bytes (the driver formats them into that buffer before they reach the tree).
inline constexpr std::size_t kMaxValueLength = 255;

// Variable flags, with state.h's ST_FLAG_* values (and its meaning: not STRING implies NUMBER).
enum VarFlag : unsigned {
  kFlagNone = 0x0,
  kFlagRw = 0x1,
  kFlagString = 0x2,
  kFlagNumber = 0x4,
  kFlagImmutable = 0x8,  // override.* in the driver: value, flags and existence frozen
};

// strcasecmp ordering (bytes compared after ASCII tolower, as unsigned): the order of NUT's
// state tree, hence of LIST VAR, LIST RW and of the DUMPALL a driver sends.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
bool equals_ignoring_case(std::string_view a, std::string_view b);

struct Range {
  int min = 0;
  int max = 0;
  bool operator==(const Range&) const = default;
};

struct Variable {
  std::string name;                // spelling of the first SETINFO
  std::string value;               // raw (unescaped); encode_word()/quote_word() for the wire
  unsigned flags = kFlagNone;      // VarFlag bits
  long aux = 0;                    // max length of a STRING variable
  std::vector<std::string> enums;  // raw values, in the order they were added, no duplicates
  std::vector<Range> ranges;       // in the order they were added
  std::uint64_t generation = 0;    // UpsState::generation() at this variable's last change

  bool is_rw() const { return (flags & kFlagRw) != 0; }
  bool is_string() const { return (flags & kFlagString) != 0; }
  bool is_immutable() const { return (flags & kFlagImmutable) != 0; }
};

// What follows "TYPE <ups> <var> " in upsd's reply: "[RW ][ENUM ][RANGE ]" then "STRING:<aux>"
// when the STRING flag is set, else "NUMBER" (server/netget.c get_type).
std::string type_description(const Variable& variable);

// The flags as the words SETFLAGS carries ("RW STRING NUMBER" order; IMMUTABLE never travels).
std::vector<std::string> flag_words(unsigned flags);
// The inverse: RW/STRING/NUMBER words (case-insensitive) to bits; unknown words are ignored.
unsigned flags_from_words(const std::vector<std::string>& words);

// One UPS's state. Every mutator returns true when it changed something (NUT's "1") and false
// for "no change / not found / refused" (NUT's "0"); a driver broadcasts exactly the changes
// that returned true. Not thread-safe: one owner per store.
class UpsState {
 public:
  using VariableMap = std::map<std::string, Variable, CaseInsensitiveLess>;

  // Creates or updates a variable. Refused for IMMUTABLE variables; "no change" when the raw
  // value equals the old one ignoring case (NUT's strcasecmp: case-only changes are dropped).
  // The value is truncated to kMaxValueLength bytes.
  bool set_info(std::string_view name, std::string_view value);
  // Deletes a variable with its enums and ranges. Refused for IMMUTABLE variables.
  bool del_info(std::string_view name);
  // Replaces all flags (driver semantics: refused when the variable is IMMUTABLE).
  bool set_flags(std::string_view name, unsigned flags);
  bool add_flags(std::string_view name, unsigned flags);
  bool clear_flags(std::string_view name, unsigned flags);
  bool set_aux(std::string_view name, long aux);
  // Appends an enum value (truncated to kMaxValueLength; exact-match duplicates refused).
  // Requires the variable to exist.
  bool add_enum(std::string_view name, std::string_view value);
  // Removes the first enum value equal ignoring case (as state.c does).
  bool del_enum(std::string_view name, std::string_view value);
  // Appends a range. Refused when min > max, and (NUT's quirk) when an existing range has the
  // same min OR the same max. Requires the variable to exist.
  bool add_range(std::string_view name, int min, int max);
  // Removes the first range whose min OR max matches (state.c's matching).
  bool del_range(std::string_view name, int min, int max);
  // Instant commands, kept sorted case-insensitively, case-insensitive duplicates refused.
  bool add_cmd(std::string_view name);
  bool del_cmd(std::string_view name);

  // DATAOK / DATASTALE as last reported (a new store is stale, as a starting driver is).
  bool data_ok() const { return data_ok_; }
  bool set_data_ok(bool ok);

  // Forgets every variable and command (upsd when the driver link drops); data becomes stale.
  void clear();

  // nullptr when absent; lookup ignores case.
  const Variable* find(std::string_view name) const;
  // The raw value, or nullptr when absent.
  const std::string* value(std::string_view name) const;
  bool has_cmd(std::string_view name) const;

  // Variables in NUT's tree order (case-insensitive), commands in NUT's list order.
  const VariableMap& variables() const { return variables_; }
  const std::vector<std::string>& commands() const { return commands_; }

  // Increments on every change (including deletions and data_ok changes); a reader that
  // remembers it can tell "something changed since". Variables carry their own generation.
  std::uint64_t generation() const { return generation_; }

 private:
  Variable* find_mutable(std::string_view name);
  void touch(Variable& variable);

  VariableMap variables_;
  std::vector<std::string> commands_;
  bool data_ok_ = false;
  std::uint64_t generation_ = 0;
};

}  // namespace walnut
