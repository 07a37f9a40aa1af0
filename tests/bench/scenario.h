// The benchmark scenarios of issue 9, one function each, and what they share: the server
// under test (loopback endpoint, UPS name, pid for CPU/memory) and the result line they fill.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"
#include "tests/bench/loopback_socket.h"
#include "tests/bench/options.h"
#include "tests/bench/result_line.h"

namespace walnut::bench {

struct Target {
  Endpoint endpoint;
  std::string ups;  // the UPS name the requests ask for
  pid_t server_pid = 0;  // 0: unknown, CPU and memory figures are left out
};

using Scenario = Status (*)(Options& options, const Target& target, ResultLine& result);

// GET VAR lock-step over --connections busy connections, with --idle idle ones open.
Status run_getvar(Options& options, const Target& target, ResultLine& result);
// LIST VAR as an ordinary blocking client sees it (--mode upsc: a connection per listing with
// upsc's STARTTLS probe first; persistent: one connection for every listing, as PyNUT).
Status run_listvar(Options& options, const Target& target, ResultLine& result);
// --connections simultaneous connects, each asking one GET VAR: time until served.
Status run_burst(Options& options, const Target& target, ResultLine& result);
// --connections idle connections: all served, memory per connection, a fresh client's wait.
Status run_idle(Options& options, const Target& target, ResultLine& result);
// One client pipelines LIST VAR and never reads: are others served, is the server idle?
Status run_slow_reader(Options& options, const Target& target, ResultLine& result);
// The server at its open-file limit: CPU while connections wait, existing clients served.
Status run_emfile(Options& options, const Target& target, ResultLine& result);
// A change made by commands or signals (--trigger-on/off, --signal-*): until GET VAR shows it,
// or with --driver-socket PATH until the driver's socket broadcasts it.
Status run_status_latency(Options& options, const Target& target, ResultLine& result);
// Password guessing from one address (--connections attackers, --user) while an ordinary client
// polls: verdicts per second and the ordinary client's latency before and during (issue 18).
Status run_guessing(Options& options, const Target& target, ResultLine& result);
// CPU use of --pid (default: the server) over --seconds, nothing else happening.
Status run_cpu(Options& options, const Target& target, ResultLine& result);

// Scenario helpers.
Result<int> integer_option(Options& options, const std::string& key, int fallback, int minimum);
std::string get_var_request(const Target& target, const std::string& variable);
// Connections are opened this many at a time (stock's listen backlog) and each asks one
// request first, so every one is known to be accepted and served before a measurement starts.
inline constexpr int kOpenWindow = 16;
class ClientPool;
// Drives `pool` until `count` connections are served; an error if one fails or time runs out.
Status serve_all(ClientPool& pool, int count, double timeout_seconds, const char* what);
// Adds server_cpu_pct / server_rss_kb when the pid is known.
void add_server_figures(const Target& target, double cpu_percent, ResultLine& result);

}  // namespace walnut::bench
