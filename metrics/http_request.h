// The head of one HTTP/1.x request (request line and headers), parsed from bytes as they
// arrive: just enough HTTP for a GET /metrics endpoint, with a hard size limit. Pure.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace walnut::metrics {

class HttpRequestParser {
 public:
  enum class State { kNeedMore, kDone, kBad, kTooLarge };

  // max_head_bytes bounds the request line plus headers (what a scraper sends is ~200 bytes).
  explicit HttpRequestParser(std::size_t max_head_bytes = 8192) : max_head_bytes_(max_head_bytes) {}

  // Consumes bytes up to the end of the head; returns how many were used (the rest would be
  // a body or a pipelined request, which this endpoint ignores).
  std::size_t feed(std::string_view bytes);
  State state() const { return state_; }

  // REQUIRES: state() == kDone.
  const std::string& method() const { return method_; }
  // The target's path, without any "?query" ("/metrics?x=1" → "/metrics").
  const std::string& path() const { return path_; }
  const std::string& version() const { return version_; }  // "HTTP/1.1"

 private:
  void finish_line();
  void parse_request_line(std::string_view line);

  std::size_t max_head_bytes_;
  std::size_t consumed_ = 0;
  State state_ = State::kNeedMore;
  std::string line_;
  bool have_request_line_ = false;
  std::string method_, path_, version_;
};

// A complete HTTP/1.1 response that closes the connection. `body` is left out when
// `include_body` is false (HEAD), while Content-Length still gives its size.
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          bool include_body, std::string_view extra_headers = {});

// The response for a parsed request head (or for a bad or oversized one): GET or HEAD of
// /metrics → 200 with render(); other paths → 404; other methods → 405; bad → 400; too
// large → 431. `render` is only called for a 200.
std::string respond(const HttpRequestParser& request, const std::function<std::string()>& render);

}  // namespace walnut::metrics
