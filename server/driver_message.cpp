// Driver socket messages applied to the store, keyword by keyword as sstate.c does,
// including its minimum word counts (a short line is ignored, not an error).
#include "server/driver_message.h"

#include <cstdlib>

namespace walnut::server {
namespace {

int to_int(const std::string& word) { return std::atoi(word.c_str()); }

bool is(const std::string& word, const char* keyword) {
  return equals_ignoring_case(word, keyword);
}

}  // namespace

DriverMessageOutcome apply_driver_message(const std::vector<std::string>& words,
                                          VariableStore& store, DriverDumpState& dump) {
  DriverMessageOutcome outcome;
  const std::size_t n = words.size();
  if (n < 1) return outcome;
  const std::string& keyword = words[0];
  outcome.recognized = true;
  if (is(keyword, "PONG")) return outcome;
  if (is(keyword, "DUMPDONE")) {
    dump.dump_done = true;
    return outcome;
  }
  if (is(keyword, "DATASTALE")) {
    dump.data_ok = false;
    return outcome;
  }
  if (is(keyword, "DATAOK")) {
    dump.data_ok = true;
    return outcome;
  }
  if (n >= 2) {
    if (is(keyword, "ADDCMD")) return store.add_command(words[1]), outcome;
    if (is(keyword, "DELCMD")) return store.delete_command(words[1]), outcome;
    if (is(keyword, "DELINFO")) return store.delete_info(words[1]), outcome;
  }
  if (n >= 3) {
    if (is(keyword, "SETFLAGS")) {
      store.set_flags(words[1], std::vector<std::string>(words.begin() + 2, words.end()));
      return outcome;
    }
    if (is(keyword, "SETINFO")) return store.set_info(words[1], words[2]), outcome;
    if (is(keyword, "ADDENUM")) return store.add_enum(words[1], words[2]), outcome;
    if (is(keyword, "DELENUM")) return store.delete_enum(words[1], words[2]), outcome;
    if (is(keyword, "SETAUX")) return store.set_aux(words[1], words[2]), outcome;
    if (is(keyword, "TRACKING")) {
      outcome.tracking = TrackingResult{words[1], words[2]};
      return outcome;
    }
  }
  if (n >= 4) {
    if (is(keyword, "ADDRANGE")) {
      return store.add_range(words[1], to_int(words[2]), to_int(words[3])), outcome;
    }
    if (is(keyword, "DELRANGE")) {
      return store.delete_range(words[1], to_int(words[2]), to_int(words[3])), outcome;
    }
  }
  outcome.recognized = false;
  return outcome;
}

}  // namespace walnut::server
