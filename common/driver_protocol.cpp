// Parsing and formatting of driver socket lines (NUT's server/sstate.c and drivers/dstate.c).
#include "common/driver_protocol.h"

#include <cctype>
#include <climits>
#include <fmt/format.h>

#include "common/tokenizer.h"

namespace walnut::driver_protocol {
namespace {

using Words = std::vector<std::string>;

// strtol without its undefined corners: optional spaces and sign, leading digits, saturating.
long long leading_integer(std::string_view text, long long lowest, long long highest) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  long long value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const int digit = text[i] - '0';
    if (!negative && value > (highest - digit) / 10) return highest;
    if (negative && value < (lowest + digit) / 10) return lowest;
    value = negative ? value * 10 - digit : value * 10 + digit;
  }
  return value;
}

int atoi_like(std::string_view text) {
  return static_cast<int>(leading_integer(text, INT_MIN, INT_MAX));
}
long strtol_like(std::string_view text) {
  return static_cast<long>(leading_integer(text, LONG_MIN, LONG_MAX));
}

// NUT's str_to_int: the whole word must be a decimal int.
std::optional<int> strict_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t start = (text[0] == '+' || text[0] == '-') ? 1 : 0;
  if (start == text.size()) return std::nullopt;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  if (text.size() - start > 10) return std::nullopt;
  const long long value = leading_integer(text, LLONG_MIN, LLONG_MAX);
  if (value < INT_MIN || value > INT_MAX) return std::nullopt;
  return static_cast<int>(value);
}

bool is(const std::string& word, std::string_view keyword) {
  return equals_ignoring_case(word, keyword);
}

Error too_few(const Words& words) {
  return Error{fmt::format("{}: too few arguments ({})", words[0], words.size() - 1)};
}

std::optional<DriverMessage> parse_driver_no_args(const Words& words) {
  if (is(words[0], "PONG")) return Pong{};
  if (is(words[0], "DUMPDONE")) return DumpDone{};
  if (is(words[0], "DATASTALE")) return DataStale{};
  if (is(words[0], "DATAOK")) return DataOk{};
  return std::nullopt;
}

Result<DriverMessage> parse_driver_with_args(const Words& words) {
  const std::string& k = words[0];
  const std::size_t n = words.size();
  const std::size_t needed = (is(k, "ADDRANGE") || is(k, "DELRANGE")) ? 4
                             : (is(k, "SETINFO") || is(k, "ADDENUM") || is(k, "DELENUM") ||
                                is(k, "SETAUX") || is(k, "TRACKING"))
                                 ? 3
                                 : 2;
  if (n < needed) return too_few(words);
  if (is(k, "SETINFO")) return DriverMessage{SetInfo{words[1], words[2]}};
  if (is(k, "DELINFO")) return DriverMessage{DelInfo{words[1]}};
  if (is(k, "ADDCMD")) return DriverMessage{AddCmd{words[1]}};
  if (is(k, "DELCMD")) return DriverMessage{DelCmd{words[1]}};
  if (is(k, "SETFLAGS")) {
    return DriverMessage{SetFlags{words[1], flags_from_words(Words(words.begin() + 2, words.end()))}};
  }
  if (is(k, "SETAUX")) return DriverMessage{SetAux{words[1], strtol_like(words[2])}};
  if (is(k, "ADDENUM")) return DriverMessage{AddEnum{words[1], words[2]}};
  if (is(k, "DELENUM")) return DriverMessage{DelEnum{words[1], words[2]}};
  if (is(k, "ADDRANGE")) {
    return DriverMessage{AddRange{words[1], atoi_like(words[2]), atoi_like(words[3])}};
  }
  if (is(k, "DELRANGE")) {
    return DriverMessage{DelRange{words[1], atoi_like(words[2]), atoi_like(words[3])}};
  }
  if (is(k, "TRACKING")) return DriverMessage{TrackingResult{words[1], atoi_like(words[2])}};
  if (is(k, "PID")) return DriverMessage{Pid{words[1]}};
  if (is(k, "OK") && is(words[1], "Goodbye")) return DriverMessage{Goodbye{}};
  return Error{fmt::format("unknown driver message \"{}\"", k)};
}

std::optional<UpsdMessage> parse_upsd_no_args(const Words& words) {
  const std::string& k = words[0];
  if (is(k, "DUMPALL")) return DumpAll{};
  if (is(k, "DUMPSTATUS")) return DumpStatus{};
  if (is(k, "PING")) return Ping{};
  if (is(k, "GETPID")) return GetPid{};
  if (is(k, "NOBROADCAST")) return NoBroadcast{};
  if (is(k, "LOGOUT")) return Logout{};
  if (is(k, "BROADCAST")) {
    Broadcast broadcast;
    if (words.size() > 1) {
      if (auto level = strict_int(words[1])) broadcast.level = *level;
    }
    return broadcast;
  }
  return std::nullopt;
}

// INSTCMD <cmd> [<param>] [TRACKING <id>]: exactly the shapes drivers/dstate.c accepts.
Result<UpsdMessage> parse_instcmd(const Words& words) {
  InstCmd cmd{words[1], std::nullopt, std::nullopt};
  const std::size_t n = words.size();
  if (n == 3) {
    cmd.param = words[2];
  } else if (n == 4 && is(words[2], "TRACKING")) {
    cmd.tracking_id = words[3];
  } else if (n == 5 && is(words[3], "TRACKING")) {
    cmd.param = words[2];
    cmd.tracking_id = words[4];
  } else if (n != 2) {
    return Error{"INSTCMD: malformed request"};
  }
  return UpsdMessage{std::move(cmd)};
}

// SET <var> <value> [TRACKING <id>]; a fourth word alone is ignored, as in dstate.c.
Result<UpsdMessage> parse_set(const Words& words) {
  Set set{words[1], words[2], std::nullopt};
  if (words.size() == 5) {
    if (!is(words[3], "TRACKING")) return Error{"SET: unsupported parameters"};
    set.tracking_id = words[4];
  }
  return UpsdMessage{std::move(set)};
}

std::string name_word(const std::string& name) { return quote_word_if_needed(name); }

}  // namespace

Result<DriverMessage> parse_driver_message(const std::vector<std::string>& words) {
  if (words.empty()) return Error{"empty driver message"};
  if (auto message = parse_driver_no_args(words)) return *message;
  return parse_driver_with_args(words);
}

Result<UpsdMessage> parse_upsd_message(const std::vector<std::string>& words) {
  if (words.empty()) return Error{"empty driver command"};
  if (auto message = parse_upsd_no_args(words)) return *message;
  const std::string& k = words[0];
  if (is(k, "DUMPVALUE")) {
    if (words.size() < 2) return too_few(words);
    return UpsdMessage{DumpValue{words[1]}};
  }
  if (is(k, "INSTCMD")) {
    if (words.size() < 2) return too_few(words);
    return parse_instcmd(words);
  }
  if (is(k, "SET")) {
    if (words.size() < 3) return too_few(words);
    return parse_set(words);
  }
  return Error{fmt::format("unknown driver command \"{}\"", k)};
}

Result<DriverMessage> parse_driver_line(std::string_view line) {
  auto words = tokenize_line(line);
  if (!words.ok()) return Error{words.error()};
  return parse_driver_message(*words);
}

Result<UpsdMessage> parse_upsd_line(std::string_view line) {
  auto words = tokenize_line(line);
  if (!words.ok()) return Error{words.error()};
  return parse_upsd_message(*words);
}

namespace {

struct DriverFormatter {
  std::string operator()(const SetInfo& m) const {
    return fmt::format("SETINFO {} {}", name_word(m.name), quote_word(m.value));
  }
  std::string operator()(const DelInfo& m) const { return "DELINFO " + name_word(m.name); }
  std::string operator()(const AddCmd& m) const { return "ADDCMD " + name_word(m.name); }
  std::string operator()(const DelCmd& m) const { return "DELCMD " + name_word(m.name); }
  std::string operator()(const SetFlags& m) const {
    std::string line = "SETFLAGS " + name_word(m.name);
    for (const auto& word : flag_words(m.flags)) line += " " + word;
    return line;
  }
  std::string operator()(const SetAux& m) const {
    return fmt::format("SETAUX {} {}", name_word(m.name), m.aux);
  }
  std::string operator()(const AddEnum& m) const {
    return fmt::format("ADDENUM {} {}", name_word(m.name), quote_word(m.value));
  }
  std::string operator()(const DelEnum& m) const {
    return fmt::format("DELENUM {} {}", name_word(m.name), quote_word(m.value));
  }
  std::string operator()(const AddRange& m) const {
    return fmt::format("ADDRANGE {} {} {}", name_word(m.name), m.min, m.max);
  }
  std::string operator()(const DelRange& m) const {
    return fmt::format("DELRANGE {} {} {}", name_word(m.name), m.min, m.max);
  }
  std::string operator()(const DataOk&) const { return "DATAOK"; }
  std::string operator()(const DataStale&) const { return "DATASTALE"; }
  std::string operator()(const DumpDone&) const { return "DUMPDONE"; }
  std::string operator()(const Pong&) const { return "PONG"; }
  std::string operator()(const TrackingResult& m) const {
    return fmt::format("TRACKING {} {}", name_word(m.id), m.status);
  }
  std::string operator()(const Pid& m) const { return "PID " + name_word(m.pid); }
  std::string operator()(const Goodbye&) const { return "OK Goodbye"; }
};

std::string tracking_suffix(const std::optional<std::string>& id) {
  return id ? " TRACKING " + name_word(*id) : std::string();
}

struct UpsdFormatter {
  std::string operator()(const DumpAll&) const { return "DUMPALL"; }
  std::string operator()(const Ping&) const { return "PING"; }
  std::string operator()(const Set& m) const {
    return fmt::format("SET {} {}{}", name_word(m.name), quote_word(m.value),
                       tracking_suffix(m.tracking_id));
  }
  std::string operator()(const InstCmd& m) const {
    std::string line = "INSTCMD " + name_word(m.name);
    if (m.param) line += " " + quote_word_if_needed(*m.param);
    return line + tracking_suffix(m.tracking_id);
  }
  std::string operator()(const DumpValue& m) const { return "DUMPVALUE " + name_word(m.name); }
  std::string operator()(const DumpStatus&) const { return "DUMPSTATUS"; }
  std::string operator()(const GetPid&) const { return "GETPID"; }
  std::string operator()(const NoBroadcast&) const { return "NOBROADCAST"; }
  std::string operator()(const Broadcast& m) const { return fmt::format("BROADCAST {}", m.level); }
  std::string operator()(const Logout&) const { return "LOGOUT"; }
};

}  // namespace

std::string format(const DriverMessage& message) { return std::visit(DriverFormatter{}, message); }
std::string format(const UpsdMessage& message) { return std::visit(UpsdFormatter{}, message); }

}  // namespace walnut::driver_protocol
