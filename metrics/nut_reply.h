// Reading upsd's replies to LIST requests (docs/net-protocol.txt framing): one line at a
// time, pure, so the client's parsing can be unit-tested and fuzzed without a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace walnut::metrics {

// Follows one LIST reply: "BEGIN LIST <query>", items that repeat the query words
// ("VAR myups battery.charge \"100\""), "END LIST <query>"; or a single "ERR <code>" instead.
// Query words are compared case-insensitively, as NUT's own client does for names.
class ListReplyParser {
 public:
  enum class State { kNeedMore, kDone, kError };

  // query: the words after LIST, e.g. {"VAR", "myups"} or {"UPS"}.
  explicit ListReplyParser(std::vector<std::string> query);

  // Feeds one line without its LF. Once kDone or kError is returned, further lines are ignored.
  State feed_line(std::string_view line);

  State state() const { return state_; }
  // The words of each item after the query words: {"battery.charge", "100"} for LIST VAR.
  const std::vector<std::vector<std::string>>& items() const { return items_; }
  // On kError: the NUT error code ("DATA-STALE") or what was wrong with the reply.
  const std::string& error() const { return error_; }
  // On kError: true when the server answered with ERR (the connection is still in step).
  bool server_refused() const { return server_refused_; }

 private:
  State fail(std::string message);
  bool starts_with_query(const std::vector<std::string>& words, std::size_t offset) const;

  std::vector<std::string> query_;
  State state_ = State::kNeedMore;
  bool begun_ = false;
  bool server_refused_ = false;
  std::vector<std::vector<std::string>> items_;
  std::string error_;
};

}  // namespace walnut::metrics
