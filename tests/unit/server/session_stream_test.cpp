// Tests server/session_stream.cpp: the plain-text -> TLS switch of one connection, with a
// real OpenSSL context (no socket).
#include "server/session_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/tls_context.h"
#include "tests/unit/server/tls_test_cert.h"

namespace walnut::server {
namespace {

using testing::CertFile;

// A stream whose dispatcher answers STARTTLS as net_starttls does and OK to anything else,
// recording every line it was given.
class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::UpsdConf conf;
    conf.certfile = cert_.path();
    auto context = TlsContext::create(conf);
    ASSERT_TRUE(context) << context.error();
    set_tls_policy(TlsPolicy{std::move(*context), false});
  }
  void TearDown() override { set_tls_policy(TlsPolicy{}); }

  SessionStream make_stream() {
    return SessionStream(
        client_,
        [this](const std::vector<std::string>& words, std::string& reply) {
          lines_.push_back(words.empty() ? std::string() : words[0]);
          if (!words.empty() && words[0] == "STARTTLS" && !client_.tls) {
            reply += "OK STARTTLS\n";
            client_.start_tls_after_reply = true;
          } else {
            reply += "OK\n";
          }
        },
        [] { return true; });
  }

  bool feed(SessionStream& stream, const std::string& bytes) {
    return stream.feed(bytes.data(), bytes.size(), out_);
  }

  CertFile cert_;
  ClientState client_;
  std::vector<std::string> lines_;
  std::string out_;
};

TEST_F(StreamTest, PlainTextBehindTheStarttlsLineClosesTheConnectionUnread) {
  SessionStream stream = make_stream();
  client_.credentials.username = "earlier";
  EXPECT_FALSE(feed(stream, "STARTTLS\nUSERNAME x\nPASSWORD y\n"));
  EXPECT_EQ(lines_, std::vector<std::string>{"STARTTLS"});
  EXPECT_EQ(out_, "OK STARTTLS\n");
  EXPECT_FALSE(client_.tls);
}

TEST_F(StreamTest, EvenOneByteBehindTheStarttlsLineClosesTheConnection) {
  for (const std::string& tail : std::vector<std::string>{"U", "\n", " ", std::string(600, 'x') + "\n"}) {
    client_ = ClientState{};
    lines_.clear();
    out_.clear();
    SessionStream stream = make_stream();
    EXPECT_FALSE(feed(stream, "VER\nSTARTTLS\n" + tail)) << tail;
    EXPECT_EQ(lines_, (std::vector<std::string>{"VER", "STARTTLS"})) << tail;
  }
}

TEST_F(StreamTest, AfterOkStarttlsEveryByteGoesToTheTlsEngine) {
  SessionStream stream = make_stream();
  client_.credentials.username = "said in plain text";
  EXPECT_TRUE(feed(stream, "STARTT"));
  EXPECT_TRUE(feed(stream, "LS\n"));
  EXPECT_TRUE(client_.tls);
  // Nothing from the plain-text part carries into the TLS session.
  EXPECT_FALSE(client_.credentials.username);
  // Plain text now is a broken handshake, never a request.
  EXPECT_FALSE(feed(stream, "USERNAME x\n"));
  EXPECT_EQ(lines_, std::vector<std::string>{"STARTTLS"});
}

}  // namespace
}  // namespace walnut::server
