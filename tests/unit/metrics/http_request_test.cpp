// Tests metrics/http_request.cpp: the request-head parser and the responses of /metrics.
#include "metrics/http_request.h"

#include <gtest/gtest.h>

namespace walnut::metrics {
namespace {

using State = HttpRequestParser::State;

HttpRequestParser parsed(std::string_view bytes, std::size_t limit = 8192) {
  HttpRequestParser parser(limit);
  parser.feed(bytes);
  return parser;
}

std::string reply_to(std::string_view bytes) {
  return respond(parsed(bytes), [] { return std::string("ups_load{ups=\"u\"} 1\n"); });
}

TEST(HttpRequestParser, ParsesAPrometheusScrape) {
  const auto parser = parsed(
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:13493\r\nUser-Agent: Prometheus/2.42.0\r\n"
      "Accept: text/plain;version=0.0.4;q=1\r\nAccept-Encoding: gzip\r\n\r\n");
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.method(), "GET");
  EXPECT_EQ(parser.path(), "/metrics");
  EXPECT_EQ(parser.version(), "HTTP/1.1");
}

TEST(HttpRequestParser, AcceptsBareLfAndHttp10AndDropsTheQuery) {
  const auto parser = parsed("\r\nGET /metrics?name[]=x HTTP/1.0\n\n");
  ASSERT_EQ(parser.state(), State::kDone);
  EXPECT_EQ(parser.path(), "/metrics");
}

TEST(HttpRequestParser, WaitsForTheBlankLineAcrossFeeds) {
  HttpRequestParser parser;
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t i = 0; i + 1 < request.size(); ++i) {
    parser.feed(request.substr(i, 1));
    ASSERT_EQ(parser.state(), State::kNeedMore) << "after byte " << i;
  }
  EXPECT_EQ(parser.feed(request.substr(request.size() - 1) + "trailing"), 1u);
  EXPECT_EQ(parser.state(), State::kDone);
}

TEST(HttpRequestParser, RejectsMalformedRequestLines) {
  EXPECT_EQ(parsed("GET /metrics\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("GET  /metrics HTTP/1.1\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("GET metrics HTTP/1.1\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("GET /metrics HTTP/2\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("G(T /metrics HTTP/1.1\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("GET /me\x01trics HTTP/1.1\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed(std::string_view("GET /\0 HTTP/1.1\r\n\r\n", 19)).state(), State::kBad);
}

TEST(HttpRequestParser, RejectsHeaderLinesWithoutAColonOrFolded) {
  EXPECT_EQ(parsed("GET /metrics HTTP/1.1\r\nnonsense\r\n\r\n").state(), State::kBad);
  EXPECT_EQ(parsed("GET /metrics HTTP/1.1\r\nA: b\r\n c\r\n\r\n").state(), State::kBad);
}

TEST(HttpRequestParser, StopsAtTheSizeLimit) {
  const std::string huge = "GET /metrics HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n";
  EXPECT_EQ(parsed(huge, 100).state(), State::kTooLarge);
  EXPECT_EQ(parsed(huge, 1000).state(), State::kDone);
}

TEST(HttpResponse, ServesMetricsWithTheExpositionContentType) {
  const std::string reply = reply_to("GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(reply.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(reply.find("\r\nContent-Length: 20\r\n"), std::string::npos);
  EXPECT_NE(reply.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_TRUE(reply.ends_with("\r\n\r\nups_load{ups=\"u\"} 1\n"));
}

TEST(HttpResponse, AnswersHeadWithoutABody) {
  const std::string reply = reply_to("HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(reply.find("\r\nContent-Length: 20\r\n"), std::string::npos);
  EXPECT_TRUE(reply.ends_with("\r\n\r\n"));
}

TEST(HttpResponse, GivesNotFoundForOtherPaths) {
  EXPECT_TRUE(reply_to("GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(reply_to("GET /metrics/ HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
}

TEST(HttpResponse, RefusesOtherMethodsNamingTheAllowedOnes) {
  const std::string reply = reply_to("POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_NE(reply.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
}

TEST(HttpResponse, AnswersBadAndOversizedRequestsWithoutRendering) {
  bool rendered = false;
  const auto render = [&] {
    rendered = true;
    return std::string();
  };
  EXPECT_TRUE(respond(parsed("nonsense\r\n\r\n"), render).starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(respond(parsed(std::string(300, 'a'), 100), render).starts_with("HTTP/1.1 431 "));
  EXPECT_FALSE(rendered);
}

}  // namespace
}  // namespace walnut::metrics
