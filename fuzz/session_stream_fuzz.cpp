// Fuzzes one connection's plain -> TLS transition (server/session_stream) with the real
// dispatcher and a real TLS context from walnut-tls.so (a self-signed certificate made at
// start), the bytes cut into reads at any point. After OK STARTTLS no byte may be run as a
// plain-text request: bytes behind the STARTTLS line in the same read close the connection,
// later ones go to the TLS engine only. One input in two also completes a real handshake with
// an in-memory client and sends the rest inside TLS, so request parsing after the switch is
// fuzzed as well.
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/net_commands.h"
#include "server/session_stream.h"
#include "server/tls_context.h"
#include "tests/unit/server/tls_test_cert.h"

namespace {

using namespace walnut;
using namespace walnut::server;

// The server side through the loader and the real walnut-tls.so (beside the fuzzer in bin/),
// as upsd builds it from CERTFILE.
std::shared_ptr<TlsContext> server_context() {
  testing::CertFile cert;
  config::UpsdConf conf;
  conf.certfile = cert.path();
  auto context = TlsContext::create(conf);
  if (!context) {
    std::fprintf(stderr, "fuzz_session_stream: %s\n", context.error().c_str());
    std::abort();
  }
  return *context;
}

struct World {
  World() : context{registry, users, tracking, descriptions, stats, {}, true, {}} {
    Ups& ups = registry.add("ups");
    ups.driver_connected = true;
    ups.variables.set_info("ups.status", "OL");
    ups.variables.add_cmd("load.off");
    ups.send_to_driver = [](std::string_view) { return true; };
    config::UpsdUser admin;
    admin.name = "admin";
    admin.password = "pw";
    admin.actions = {"set", "fsd", "login", "master"};
    admin.instcmds = {"all"};
    users.users.push_back(admin);
    set_tls_policy(TlsPolicy{server_context(), false});
    client_ctx = SSL_CTX_new(TLS_client_method());
  }
  UpsRegistry registry;
  config::UpsdUsers users;
  TrackingTable tracking;
  Descriptions descriptions;
  Stats stats;
  NetContext context;
  SSL_CTX* client_ctx;
};

// An in-memory TLS client (no certificate check: the fuzzer only needs a session).
class Client {
 public:
  explicit Client(SSL_CTX* ctx) : ssl_(SSL_new(ctx)) {
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
  }
  ~Client() { SSL_free(ssl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  // Takes the server's bytes, moves the handshake on, encrypts `plain`; returns what to send.
  std::string step(const std::string& from_server, std::string_view plain = {}) {
    if (!from_server.empty()) {
      BIO_write(SSL_get_rbio(ssl_), from_server.data(), static_cast<int>(from_server.size()));
    }
    if (!SSL_is_init_finished(ssl_)) SSL_do_handshake(ssl_);
    char buffer[4096];
    if (SSL_is_init_finished(ssl_)) {
      if (!plain.empty()) SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
      while (SSL_read(ssl_, buffer, sizeof buffer) > 0) {
      }
    }
    std::string out;
    int count;
    while ((count = BIO_read(SSL_get_wbio(ssl_), buffer, sizeof buffer)) > 0) {
      out.append(buffer, static_cast<std::size_t>(count));
    }
    return out;
  }
  bool connected() const { return SSL_is_init_finished(ssl_) == 1; }

 private:
  SSL* ssl_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size < 2 || size > 8 * 1024) return 0;
  world.tracking.expire(TrackingTable::Clock::now() + std::chrono::hours(1), std::chrono::seconds(0));
  world.registry.find("ups")->numlogins = 0;
  // Byte 0: how the bytes are cut into reads (1..256 each); byte 1, bit 0: after OK STARTTLS,
  // a real client's handshake and records (else the raw bytes, as an attacker would send).
  const std::size_t chunk = static_cast<std::size_t>(data[0]) + 1;
  const bool real_client = (data[1] & 1) != 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);

  ClientState client;
  client.address = "127.0.0.1";
  client.tls_offered = true;
  bool starttls_accepted = false;  // OK STARTTLS went out
  SessionStream stream(
      client,
      [&](const std::vector<std::string>& words, std::string& reply) {
        // Once OK STARTTLS went out, only requests from inside TLS may arrive.
        if (starttls_accepted && !client.tls) std::abort();
        dispatch_net_command(words, client, world.context, reply);
        if (client.start_tls_after_reply) starttls_accepted = true;
      },
      [] { return true; });

  std::string out;
  std::size_t position = 0;
  bool open = true;
  while (open && position < bytes.size()) {
    const std::string_view read = bytes.substr(position, chunk);
    position += read.size();
    const bool was_tls = client.tls;
    open = stream.feed(read.data(), read.size(), out);
    if (!was_tls && client.tls) {
      // The switch happened in this read: its last byte was the STARTTLS line's LF, and the
      // last plain-text reply was OK STARTTLS.
      if (read.back() != '\n' || !std::string_view(out).ends_with("OK STARTTLS\n")) std::abort();
      out.clear();
      if (real_client) break;
    }
  }
  if (!open || !client.tls || !real_client) return 0;

  Client peer(world.client_ctx);
  std::string to_server = peer.step("");
  for (int round = 0; open && round < 8 && !to_server.empty(); ++round) {
    std::string to_client;
    open = stream.feed(to_server.data(), to_server.size(), to_client);
    to_server = peer.step(to_client);
  }
  if (!open || !peer.connected()) return 0;
  // The rest of the input as requests inside TLS, in records of `chunk` bytes.
  while (open && position < bytes.size()) {
    const std::string_view plain = bytes.substr(position, chunk);
    position += plain.size();
    to_server = peer.step("", plain);
    std::string to_client;
    open = stream.feed(to_server.data(), to_server.size(), to_client);
    peer.step(to_client);
  }
  return 0;
}
