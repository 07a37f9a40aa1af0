// instcmd and setvar against stock NUT: for each request recorded by nut_command_oracle.py
// (tests/data/hid-corpus/*.commands.txt), the model answers with NUT's status and plans exactly
// the SET_REPORT bytes NUT sent, starting from a freshly started driver as NUT did.
#include <dirent.h>

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;

struct Request {
  std::string kind, name;
  std::optional<std::string> value;
  int nut_status = -1;
  std::vector<std::string> writes;
};

std::vector<Request> read_requests(const std::string& file) {
  std::vector<Request> requests;
  std::istringstream text(testing::read_file(testing::corpus_path(file)));
  std::string line;
  while (std::getline(text, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("dump ", 0) == 0) continue;
    if (line.rfind("SET_REPORT", 0) == 0) {
      if (!requests.empty()) requests.back().writes.push_back(line);
      continue;
    }
    std::istringstream words(line);
    Request request;
    std::string word;
    words >> request.kind >> request.name >> word;
    if (word != "=>") {
      request.value = word;
      words >> word;
    }
    words >> request.nut_status;
    requests.push_back(request);
  }
  return requests;
}

int nut_status_of(CommandStatus status) {
  switch (status) {
    case CommandStatus::kHandled: return 0;
    case CommandStatus::kUnknown: return 1;
    case CommandStatus::kInvalid: return 2;
    case CommandStatus::kFailed:
    case CommandStatus::kConversionFailed: return 3;
  }
  return -1;
}

std::string as_log_line(const ReportWrite& write) {
  std::string line = fmt::format("SET_REPORT 0x{:02x}:", write.report_id);
  for (std::uint8_t byte : write.bytes) line += fmt::format(" {:02x}", byte);
  return line;
}

std::vector<std::string> command_files() {
  std::vector<std::string> files;
  std::string dir = std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      std::string name = entry->d_name;
      const std::string suffix = ".commands.txt";
      if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) files.push_back(name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Commands that write the delays (usbhid-ups.c instcmd: load.off.delay / load.on.delay default to
// the row's delay, shutdown.return / shutdown.stayoff send ups.delay.start / ups.delay.shutdown):
// where a delay follows NUT 2.8.5 (known-differences.md, CyberPower's 120/60 s), the bytes differ
// from 2.8.0's; the reports written must still be the same.
bool writes_a_changed_delay(const std::string& capture, const std::string& command) {
  static const std::set<std::string> kDelayCommands = {"load.off.delay", "load.on.delay", "shutdown.return",
                                                       "shutdown.stayoff"};
  return kDelayCommands.count(command) != 0 && (testing::known_difference(capture, "ups.delay.shutdown") ||
                                                testing::known_difference(capture, "ups.delay.start"));
}

std::vector<std::string> report_ids(const std::vector<std::string>& writes) {
  std::vector<std::string> ids;
  for (const std::string& write : writes) ids.push_back(write.substr(0, write.find(':')));
  return ids;
}

// NUT 2.8.5 answers a request whose text no lookup entry has with CONVERSION-FAILED and writes
// nothing (hu_find_valinfo flags EINVAL, usbhid-ups.c:3087; NUT commit d3671c992, #3017); stock
// 2.8.0, whose answers these files record, wrote -1 (every payload byte 0xff) and said OK.
bool is_2_8_0s_minus_one_fallback(const CommandPlan& plan, const Request& request) {
  if (plan.status != CommandStatus::kConversionFailed || !plan.writes.empty()) return false;
  if (request.nut_status != 0 || request.writes.size() != 1) return false;
  std::istringstream bytes(request.writes[0].substr(request.writes[0].find(':') + 1));
  std::string byte;
  bytes >> byte;  // the report ID
  int payload = 0;
  while (bytes >> byte) {
    if (byte != "ff") return false;
    ++payload;
  }
  return payload > 0;
}

class NutCommands : public ::testing::TestWithParam<std::string> {};

TEST_P(NutCommands, SendExactlyTheReportsNutSent) {
  testing::ScopedTimeZone utc("UTC0");  // MGE's ups.date/ups.time: local time, recorded with TZ=UTC
  const std::string file = GetParam();
  const std::string capture = file.substr(0, file.size() - std::string(".commands.txt").size()) + ".txt";
  std::vector<Request> requests = read_requests(file);
  ASSERT_FALSE(requests.empty());
  for (const Request& request : requests) {
    auto device = bring_up(capture);
    ASSERT_TRUE(device->error.empty()) << device->error;
    CommandPlan plan = request.kind == "instcmd"
                           ? device->model->instcmd(request.name, request.value, device->state)
                           : device->model->setvar(request.name, request.value.value_or(""), device->state);
    const std::string what = fmt::format("{}: {} {} {}", capture, request.kind, request.name, request.value.value_or(""));
    // A variable 2.8.0 did not have (known-differences.md: CyberPower's input.sensitivity of
    // 2.8.5) is writable now where stock said "unknown": nothing of 2.8.0's to compare.
    if (request.kind == "setvar" && testing::known_difference(capture, request.name)) continue;
    if (is_2_8_0s_minus_one_fallback(plan, request)) continue;
    EXPECT_EQ(nut_status_of(plan.status), request.nut_status) << what;
    std::vector<std::string> writes;
    for (const ReportWrite& write : plan.writes) writes.push_back(as_log_line(write));
    if (request.kind == "instcmd" && writes_a_changed_delay(capture, request.name)) {
      EXPECT_EQ(report_ids(writes), report_ids(request.writes)) << what;
    } else {
      EXPECT_EQ(writes, request.writes) << what;
    }
  }
}

// The DUMPALL lines NUT's fresh driver sent about commands and variable types (driver.* aside).
std::vector<std::string> nut_dump(const std::string& file) {
  std::vector<std::string> lines;
  std::istringstream text(testing::read_file(testing::corpus_path(file)));
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind("dump ", 0) == 0) lines.push_back(line.substr(5));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> model_dump(const UpsState& state) {
  std::vector<std::string> lines;
  for (const std::string& command : state.commands()) lines.push_back("ADDCMD " + command);
  for (const auto& [name, variable] : state.variables()) {
    if (name.rfind("driver.", 0) == 0) continue;
    std::vector<std::string> words = flag_words(variable.flags);
    if (!words.empty()) {
      std::string line = "SETFLAGS " + name;
      for (const std::string& word : words) line += " " + word;
      lines.push_back(line);
    }
    if (variable.aux != 0) lines.push_back(fmt::format("SETAUX {} {}", name, variable.aux));
    for (const std::string& value : variable.enums) lines.push_back(fmt::format("ADDENUM {} \"{}\"", name, value));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST_P(NutCommands, AnnounceNutsCommandsAndVariableTypes) {
  const std::string file = GetParam();
  const std::string capture = file.substr(0, file.size() - std::string(".commands.txt").size()) + ".txt";
  auto device = bring_up(capture);
  ASSERT_TRUE(device->error.empty()) << device->error;
  std::vector<std::string> expected = nut_dump(file);
  ASSERT_FALSE(expected.empty());
  // Lines about a variable where walnut follows NUT 2.8.5 (known-differences.md) are not compared.
  auto excused = [&](const std::string& line) {
    std::istringstream words(line);
    std::string verb, name;
    words >> verb >> name;
    return (verb == "SETAUX" || verb == "SETFLAGS" || verb == "ADDENUM") && testing::known_difference(GetParam(), name);
  };
  std::vector<std::string> actual = model_dump(device->state);
  std::erase_if(actual, excused);
  std::erase_if(expected, excused);
  EXPECT_EQ(actual, expected);
  std::vector<std::string> commands = device->model->commands();
  EXPECT_EQ(commands.size(), device->state.commands().size());
}

INSTANTIATE_TEST_SUITE_P(Corpus, NutCommands, ::testing::ValuesIn(command_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find(".commands"));
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(NutCommands, CorpusHasRecordings) { EXPECT_GE(command_files().size(), 4u); }

}  // namespace
}  // namespace walnut::mapping
