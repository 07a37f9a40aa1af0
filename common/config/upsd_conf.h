// upsd.conf: the server's settings, stock NUT's directives and defaults plus walnut's
// additions (METRICS_LISTEN, RUN_AS_USER, CACERTFILE, CERTREQUEST by name, FORCESSL).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::config {

inline constexpr const char* kDefaultNutPort = "3493";

struct ListenAddress {
  std::string address;  // "127.0.0.1", "::1", a host name, or "*" (both ANY addresses)
  std::string port;     // a number or service name, as getaddrinfo takes it
  int line = 0;         // 0 when not from a file (defaults, YAML gives its own line)
};

// Client certificates during STARTTLS: NUT's CERTREQUEST 0/1/2 = NO/REQUEST/REQUIRE.
enum class CertRequest { kNo = 0, kRequest = 1, kRequire = 2 };

struct UpsdConf {
  // LISTEN lines in order; empty means stock's default: ::1 then 127.0.0.1 on 3493.
  std::vector<ListenAddress> listen;
  int maxage = 15;                     // MAXAGE seconds
  std::optional<long> maxconn;         // MAXCONN; nullopt = OS open-file limit based default
  std::optional<std::string> statepath;  // STATEPATH (NUT_STATEPATH env wins)
  std::optional<std::string> datapath;   // DATAPATH (cmdvartab location)
  int tracking_delay = 3600;           // TRACKINGDELAY seconds
  bool allow_no_device = false;        // ALLOW_NO_DEVICE
  bool allow_not_all_listeners = false;  // ALLOW_NOT_ALL_LISTENERS (later NUT)
  std::optional<std::string> certfile;   // CERTFILE: PEM with certificate chain and key
  std::optional<std::string> certpath;   // CERTPATH: CA directory or bundle (OpenSSL reading)
  std::optional<std::string> certident_name;      // CERTIDENT <name> <password>
  std::optional<std::string> certident_password;
  CertRequest certrequest = CertRequest::kNo;  // CERTREQUEST 0|1|2|NO|REQUEST|REQUIRE
  bool disable_weak_ssl = false;       // DISABLE_WEAK_SSL (walnut: already the default)
  std::optional<int> debug_min;        // DEBUG_MIN (key case-insensitive, as NUT)

  // walnut's additions.
  std::vector<ListenAddress> metrics_listen;  // METRICS_LISTEN <addr> <port>: HTTP /metrics
  std::optional<std::string> run_as_user;     // RUN_AS_USER <user>: drop privileges to it
  std::optional<std::string> cacertfile;      // CACERTFILE <pem>: CAs for client certificates
  // FORCESSL <bool>: credentials only after STARTTLS: on a plain connection the server refuses
  // USERNAME/PASSWORD. Named after upsmon.conf's FORCESSL, its client-side twin.
  bool force_ssl = false;
  // ALLOW_WEAK_SSL <bool>: TLS offers OpenSSL's default protocols and suites (what stock offers,
  // e.g. TLS 1.2 AES128-SHA without forward secrecy) instead of walnut's forward-secret AEAD
  // default. DISABLE_WEAK_SSL 1 wins over it.
  bool allow_weak_ssl = false;
  // CLIENT_OUTPUT_LIMIT <MiB>: replies held for clients that do not read them, all clients
  // together; past it the clients holding the most are dropped (each one alone: 1 MiB).
  long client_output_limit_mib = 64;

  std::vector<std::string> warnings;  // "file:line: ..." (ACCEPT/REJECT/ACL are obsolete)

  // listen, or the default pair when no LISTEN was given (upsd -4/-6 filter it).
  std::vector<ListenAddress> effective_listen() const;
};

// Applies one directive given as its words ({"MAXAGE", "30"}) at the given line; the YAML
// reader shares it. Error without file and line; warnings are recorded with them.
Status apply_upsd_directive(UpsdConf& conf, const std::vector<std::string>& words, int line,
                            std::string_view filename);

// Parses upsd.conf text. Directives are case-sensitive as in NUT (DEBUG_MIN excepted).
// Errors ("<filename>:<line>: ..."): unknown directive, missing argument, a non-numeric
// MAXAGE/TRACKINGDELAY/MAXCONN/DEBUG_MIN, a bad boolean or CERTREQUEST value.
Result<UpsdConf> parse_upsd_conf(std::string_view text, std::string_view filename);

}  // namespace walnut::config
