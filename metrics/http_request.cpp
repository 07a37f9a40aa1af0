#include "metrics/http_request.h"

#include <fmt/format.h>

#include "metrics/exposition.h"

namespace walnut::metrics {
namespace {

bool is_token_char(char c) {
  // RFC 9110 tchar
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

}  // namespace

void HttpRequestParser::parse_request_line(std::string_view line) {
  // method SP request-target SP HTTP-version, single spaces (RFC 9112 §3).
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos ||
      line.find(' ', second + 1) != std::string_view::npos) {
    state_ = State::kBad;
    return;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  bool ok = !method.empty() && !target.empty() && target.front() == '/' &&
            (version == "HTTP/1.1" || version == "HTTP/1.0");
  for (char c : method) ok = ok && is_token_char(c);
  for (char c : target) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok) {
    state_ = State::kBad;
    return;
  }
  method_ = std::string(method);
  path_ = std::string(target.substr(0, target.find('?')));
  version_ = std::string(version);
  have_request_line_ = true;
}

void HttpRequestParser::finish_line() {
  std::string_view line = line_;
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (!have_request_line_) {
    // RFC 9112 §2.2: a server SHOULD ignore empty lines received before the request line.
    if (!line.empty()) parse_request_line(line);
  } else if (line.empty()) {
    state_ = State::kDone;
  } else if (line.find(':') == std::string_view::npos || line.front() == ' ' || line.front() == '\t') {
    state_ = State::kBad;  // not a field line; obsolete line folding is rejected too
  }
  line_.clear();
}

std::size_t HttpRequestParser::feed(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size() && state_ == State::kNeedMore) {
    const char c = bytes[used++];
    if (++consumed_ > max_head_bytes_) {
      state_ = State::kTooLarge;
      break;
    }
    if (c == '\n') {
      finish_line();
    } else if (c == '\0') {
      state_ = State::kBad;
    } else {
      line_ += c;
    }
  }
  return used;
}

std::string http_response(int status, std::string_view content_type, std::string_view body,
                          bool include_body, std::string_view extra_headers) {
  std::string response = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n",
      status, reason_phrase(status), content_type, body.size(), extra_headers);
  if (include_body) response.append(body);
  return response;
}

std::string respond(const HttpRequestParser& request, const std::function<std::string()>& render) {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  switch (request.state()) {
    case HttpRequestParser::State::kDone:
      break;
    case HttpRequestParser::State::kTooLarge:
      return http_response(431, kText, "request head too large\n", true);
    default:
      return http_response(400, kText, "bad request\n", true);
  }
  const bool head = request.method() == "HEAD";
  if (request.method() != "GET" && !head) {
    return http_response(405, kText, "only GET and HEAD\n", true, "Allow: GET, HEAD\r\n");
  }
  if (request.path() != "/metrics") return http_response(404, kText, "not found: try /metrics\n", !head);
  return http_response(200, kExpositionContentType, render(), !head);
}

}  // namespace walnut::metrics
