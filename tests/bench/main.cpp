// walnut-bench: the load generator and benchmark scenarios against a NUT upsd on loopback.
// Usage: walnut-bench SCENARIO --port N [--host 127.0.0.1] [--ups NAME] [--server-pid PID] ...
// or walnut-bench floor-server --port N [--seconds S]: the reference server (floor_server.h).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/bench/floor_server.h"
#include "tests/bench/scenario.h"

namespace {

using walnut::Error;
using walnut::Result;
using namespace walnut::bench;

const std::map<std::string, Scenario>& scenarios() {
  static const std::map<std::string, Scenario> table = {
      {"getvar", run_getvar},       {"listvar", run_listvar},
      {"burst", run_burst},         {"idle", run_idle},
      {"slow-reader", run_slow_reader}, {"emfile", run_emfile},
      {"status-latency", run_status_latency}, {"cpu", run_cpu},
      {"guessing", run_guessing},
  };
  return table;
}

constexpr const char* kUsage =
    "usage: walnut-bench SCENARIO --port N [--host 127.0.0.1|::1] [--ups NAME] [--server-pid PID]\n"
    "  getvar          --connections 64 --idle 0 --duration 3 --warmup 0.5 --var ups.status\n"
    "  listvar         --mode upsc|persistent --samples 30\n"
    "  burst           --connections 300 --timeout 15\n"
    "  idle            --connections 10000 --fresh-samples 5 --cpu-window 1 --settle 0.3\n"
    "  slow-reader     --requests 20000 --window 1.5 --settle 0.3\n"
    "  emfile          --extra 50 --window 1.5 (lowers the server's RLIMIT_NOFILE for a while)\n"
    "  status-latency  --trigger-on CMD --trigger-off CMD | --signal-pid PID --signal-on N\n"
    "                  --signal-off N | --control-socket PATH --control-on LINE --control-off LINE;\n"
    "                  --samples 20 --poll-us 500 --timeout 5 --var ups.status\n"
    "                  [--driver-socket PATH: timed on the driver's socket, not through upsd;\n"
    "                  --pause-max-ms N: random pauses of 50..N ms between changes]\n"
    "                  [--fifo PATH --fifo-on BYTES --fifo-off BYTES: interrupt reports for a stock\n"
    "                  driver over fakeusb (FAKEUSB_INTERRUPT_FIFO), timed from the write]\n"
    "  cpu             --pid PID --seconds 10\n"
    "  guessing        --connections 32 --duration 3 --user admin (wrong passwords, SET VAR oracle)\n"
    "Prints one line of key=value results on stdout; exits 1 (with error=...) on failure.\n"
    "walnut-bench floor-server --port N [--seconds S (default: until SIGTERM/SIGINT)]\n"
    "  the loopback floor: one recv, one fixed VAR line sent per line received; 127.0.0.1 only.\n";

Result<Target> target_from(Options& options) {
  Result<double> port = options.number("port", 0);
  Result<double> pid = options.number("server-pid", 0);
  if (!port || *port < 1 || *port > 65535) return Error{"--port 1..65535 is required"};
  if (!pid || *pid < 0) return Error{"--server-pid must be a pid"};
  Result<Endpoint> endpoint = loopback_endpoint(options.text("host", "127.0.0.1"), static_cast<std::uint16_t>(*port));
  if (!endpoint) return Error{endpoint.error()};
  return Target{.endpoint = *endpoint, .ups = options.text("ups", "bench"), .server_pid = static_cast<pid_t>(*pid)};
}

// The floor server prints nothing but errors: its stdout is not a result line.
int floor_server_main(Options& options) {
  Result<double> port = options.number("port", 0);
  Result<double> seconds = options.number("seconds", 0);
  std::string host = options.text("host", "127.0.0.1");
  walnut::Status status = walnut::Ok{};
  if (!port || *port < 1 || *port > 65535) status = Error{"--port 1..65535 is required"};
  if (!seconds || *seconds < 0 || *seconds > 1e6) status = Error{"--seconds must be 0..1000000"};
  if (host != "127.0.0.1") status = Error{fmt::format("the floor server listens on 127.0.0.1 only, not {}", host)};
  for (const std::string& key : options.unused()) status = Error{fmt::format("unknown option --{}", key)};
  Result<Endpoint> endpoint = loopback_endpoint(host, static_cast<std::uint16_t>(port ? *port : 0));
  if (status && !endpoint) status = Error{endpoint.error()};
  if (status) status = run_floor_server(FloorPlan{.endpoint = *endpoint, .seconds = *seconds});
  if (status) return 0;
  std::fputs(fmt::format("walnut-bench floor-server: {}\n", status.error()).c_str(), stderr);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  Result<Options> options = Options::parse(arguments);
  if (options && options->scenario() == "floor-server") return floor_server_main(*options);
  if (!options || !scenarios().contains(options->scenario())) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  Result<Target> target = target_from(*options);
  ResultLine result(options->scenario());
  walnut::Status status = target ? scenarios().at(options->scenario())(*options, *target, result)
                                 : walnut::Status(Error{target.error()});
  if (status) {
    for (const std::string& key : options->unused()) status = Error{fmt::format("unknown option --{}", key)};
  }
  if (!status) result.add("error", status.error());
  std::puts(result.text().c_str());
  return status ? 0 : 1;
}
