// STARTTLS's TLS engine and context, against an OpenSSL client over memory buffers.
#include "server/tls_engine.h"

#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/unit/server/tls_test_cert.h"

namespace walnut::server {
namespace {

using testing::CertFile;

// An OpenSSL client that does not check the certificate, exchanging bytes by hand.
class Client {
 public:
  explicit Client(int max_version = 0, const char* ciphers = nullptr)
      : ctx_(SSL_CTX_new(TLS_client_method())) {
    if (max_version != 0) {
      SSL_CTX_set_max_proto_version(ctx_, max_version);
      SSL_CTX_set_security_level(ctx_, 0);
    }
    if (ciphers != nullptr) SSL_CTX_set_cipher_list(ctx_, ciphers);
    ssl_ = SSL_new(ctx_);
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  // Runs the client once; returns what it wants to send.
  std::string step(const std::string& from_server, const std::string& plain_out = "") {
    if (!from_server.empty()) BIO_write(SSL_get_rbio(ssl_), from_server.data(), static_cast<int>(from_server.size()));
    if (!SSL_is_init_finished(ssl_)) SSL_do_handshake(ssl_);
    if (SSL_is_init_finished(ssl_) && !plain_out.empty()) {
      SSL_write(ssl_, plain_out.data(), static_cast<int>(plain_out.size()));
    }
    char buffer[4096];
    int count;
    while (SSL_is_init_finished(ssl_) && (count = SSL_read(ssl_, buffer, sizeof buffer)) > 0) {
      received.append(buffer, static_cast<std::size_t>(count));
    }
    std::string out;
    while ((count = BIO_read(SSL_get_wbio(ssl_), buffer, sizeof buffer)) > 0) out.append(buffer, count);
    return out;
  }
  bool connected() const { return SSL_is_init_finished(ssl_) == 1; }
  std::string received;

 private:
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
};

// Pumps bytes both ways until neither side has anything to say; false on an engine error.
bool pump(Client& client, TlsEngine& engine, std::string& plain_in, std::string& replies,
          std::string to_server = "") {
  std::string to_client;
  if (to_server.empty()) to_server = client.step("");
  for (int round = 0; round < 10 && (!to_server.empty() || !to_client.empty()); ++round) {
    to_client.clear();
    if (!engine.receive(to_server.data(), to_server.size(), plain_in, to_client)) return false;
    if (!engine.send(replies, to_client)) return false;
    to_server = client.step(to_client);
  }
  return true;
}

config::UpsdConf conf_with(const CertFile& cert) {
  config::UpsdConf conf;
  conf.certfile = cert.path();
  conf.disable_weak_ssl = true;
  return conf;
}

TEST(TlsEngine, HandshakeThenRequestsAndRepliesRoundTrip) {
  CertFile cert;
  auto context = TlsContext::create(conf_with(cert));
  ASSERT_TRUE(context) << context.error();
  TlsEngine engine(**context);
  Client client;
  std::string plain_in, replies;
  ASSERT_TRUE(pump(client, engine, plain_in, replies));
  ASSERT_TRUE(engine.handshake_done());
  ASSERT_TRUE(client.connected());
  std::string to_server = client.step("", "VER\n");
  ASSERT_TRUE(pump(client, engine, plain_in, replies, to_server));
  EXPECT_EQ(plain_in, "VER\n");
  replies = "Network UPS Tools upsd\n";
  ASSERT_TRUE(pump(client, engine, plain_in, replies, " "));  // nothing new in, reply out
  EXPECT_EQ(client.received, "Network UPS Tools upsd\n");
  EXPECT_TRUE(replies.empty());
  EXPECT_EQ(engine.peer_subject(), "");
}

TEST(TlsEngine, RepliesWaitForTheHandshake) {
  CertFile cert;
  auto context = TlsContext::create(conf_with(cert));
  ASSERT_TRUE(context);
  TlsEngine engine(**context);
  std::string plain = "early\n", out;
  ASSERT_TRUE(engine.send(plain, out));
  EXPECT_EQ(plain, "early\n");
  EXPECT_TRUE(out.empty());
}

TEST(TlsEngine, PlainTextInsteadOfAHandshakeIsAnError) {
  CertFile cert;
  auto context = TlsContext::create(conf_with(cert));
  ASSERT_TRUE(context);
  TlsEngine engine(**context);
  std::string plain, out;
  const std::string text = "GET VAR ups ups.status\n";
  EXPECT_FALSE(engine.receive(text.data(), text.size(), plain, out));
  EXPECT_TRUE(plain.empty());
}

TEST(TlsEngine, OldProtocolsAreRefusedWithDisableWeakSsl) {
  CertFile cert;
  auto context = TlsContext::create(conf_with(cert));
  ASSERT_TRUE(context);
  TlsEngine engine(**context);
  Client client(TLS1_1_VERSION);
  std::string plain_in, replies;
  const bool ok = pump(client, engine, plain_in, replies);
  EXPECT_FALSE(ok && engine.handshake_done());
}

// A TLS 1.2 client offering only `cipher`: whether the handshake completes against `conf`.
bool handshake_with_cipher(const config::UpsdConf& conf, const char* cipher) {
  auto context = TlsContext::create(conf);
  EXPECT_TRUE(context) << context.error();
  if (!context) return false;
  TlsEngine engine(**context);
  Client client(TLS1_2_VERSION, cipher);
  std::string plain_in, replies;
  return pump(client, engine, plain_in, replies) && engine.handshake_done() &&
         client.connected();
}

TEST(TlsEngine, OnlyForwardSecretAeadSuitesByDefault) {
  CertFile cert;
  config::UpsdConf conf;
  conf.certfile = cert.path();  // no DISABLE_WEAK_SSL at all
  EXPECT_TRUE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(handshake_with_cipher(conf, "ECDHE-ECDSA-CHACHA20-POLY1305"));
  EXPECT_FALSE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES128-SHA"));  // no AEAD
  EXPECT_FALSE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES256-SHA384"));
  conf.disable_weak_ssl = false;  // DISABLE_WEAK_SSL 0 given: still the strong set
  EXPECT_FALSE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES128-SHA"));
  Client old(TLS1_1_VERSION);
  auto context = TlsContext::create(conf);
  ASSERT_TRUE(context);
  TlsEngine engine(**context);
  std::string plain_in, replies;
  const bool ok = pump(old, engine, plain_in, replies);
  EXPECT_FALSE(ok && engine.handshake_done());
}

TEST(TlsEngine, WeakerSuitesOnlyWhenAskedForByName) {
  CertFile cert;
  config::UpsdConf conf;
  conf.certfile = cert.path();
  conf.allow_weak_ssl = true;
  EXPECT_TRUE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES128-SHA"));
  conf.disable_weak_ssl = true;  // DISABLE_WEAK_SSL 1 wins
  EXPECT_FALSE(handshake_with_cipher(conf, "ECDHE-ECDSA-AES128-SHA"));
}

TEST(TlsContext, CertrequestRequireImpliesForcesslOnlyWithTls) {
  config::UpsdConf conf;
  EXPECT_FALSE(credentials_need_tls(conf));
  conf.certrequest = config::CertRequest::kRequire;
  EXPECT_FALSE(credentials_need_tls(conf));  // no CERTFILE: no one could ever log in
  conf.certfile = "upsd.pem";
  EXPECT_TRUE(credentials_need_tls(conf));
  conf.certrequest = config::CertRequest::kRequest;
  EXPECT_FALSE(credentials_need_tls(conf));
  conf.force_ssl = true;
  EXPECT_TRUE(credentials_need_tls(conf));
}

TEST(TlsEngine, ClientWithoutCertificateIsRefusedWhenRequired) {
  CertFile cert;
  auto conf = conf_with(cert);
  conf.certrequest = config::CertRequest::kRequire;
  conf.cacertfile = cert.path();
  auto context = TlsContext::create(conf);
  ASSERT_TRUE(context) << context.error();
  TlsEngine engine(**context);
  Client client;
  std::string plain_in, replies;
  EXPECT_FALSE(pump(client, engine, plain_in, replies));
}

TEST(TlsContext, ErrorsNameTheFileOrTheMissingSetting) {
  config::UpsdConf conf;
  conf.certfile = "/nonexistent/upsd.pem";
  auto missing = TlsContext::create(conf);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("CERTFILE /nonexistent/upsd.pem"), std::string::npos);

  CertFile cert;
  auto no_ca = conf_with(cert);
  no_ca.certrequest = config::CertRequest::kRequest;
  auto refused = TlsContext::create(no_ca);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("CACERTFILE"), std::string::npos);
}

}  // namespace
}  // namespace walnut::server
