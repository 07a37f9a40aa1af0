#include "metrics/nut_reply.h"

#include <strings.h>

#include "common/tokenizer.h"

namespace walnut::metrics {
namespace {

bool same_word(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.c_str(), b.c_str(), a.size()) == 0;
}

}  // namespace

ListReplyParser::ListReplyParser(std::vector<std::string> query) : query_(std::move(query)) {}

ListReplyParser::State ListReplyParser::fail(std::string message) {
  error_ = std::move(message);
  state_ = State::kError;
  return state_;
}

bool ListReplyParser::starts_with_query(const std::vector<std::string>& words,
                                        std::size_t offset) const {
  if (words.size() < offset + query_.size()) return false;
  for (std::size_t i = 0; i < query_.size(); ++i) {
    if (!same_word(words[offset + i], query_[i])) return false;
  }
  return true;
}

ListReplyParser::State ListReplyParser::feed_line(std::string_view line) {
  if (state_ != State::kNeedMore) return state_;
  // upsd writes values quoted and escaped exactly like parseconf reads them (net-protocol.txt).
  auto parsed = tokenize_line(line, LineTokenizer::Limits{0, 0});
  if (!parsed.ok()) return fail("unreadable reply line: " + parsed.error());
  const auto& words = *parsed;
  if (!begun_) {
    if (!words.empty() && words[0] == "ERR") {
      server_refused_ = true;
      return fail(words.size() > 1 ? words[1] : "ERR");
    }
    if (words.size() >= 2 && words[0] == "BEGIN" && words[1] == "LIST" && starts_with_query(words, 2) &&
        words.size() == 2 + query_.size()) {
      begun_ = true;
      return state_;
    }
    return fail("unexpected reply: " + std::string(line.substr(0, 200)));
  }
  if (words.size() == 2 + query_.size() && words[0] == "END" && words[1] == "LIST" &&
      starts_with_query(words, 2)) {
    state_ = State::kDone;
    return state_;
  }
  if (words.size() <= query_.size() || !starts_with_query(words, 0)) {
    return fail("unexpected line in LIST reply: " + std::string(line.substr(0, 200)));
  }
  items_.emplace_back(words.begin() + static_cast<std::ptrdiff_t>(query_.size()), words.end());
  return state_;
}

}  // namespace walnut::metrics
