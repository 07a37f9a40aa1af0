// walnut-bench: the load generator and benchmark scenarios against a NUT upsd on loopback.
// Usage: walnut-bench SCENARIO --port N [--host 127.0.0.1] [--ups NAME] [--server-pid PID] ...
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

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
    "  cpu             --pid PID --seconds 10\n"
    "Prints one line of key=value results on stdout; exits 1 (with error=...) on failure.\n";

Result<Target> target_from(Options& options) {
  Result<double> port = options.number("port", 0);
  Result<double> pid = options.number("server-pid", 0);
  if (!port || *port < 1 || *port > 65535) return Error{"--port 1..65535 is required"};
  if (!pid || *pid < 0) return Error{"--server-pid must be a pid"};
  Result<Endpoint> endpoint = loopback_endpoint(options.text("host", "127.0.0.1"), static_cast<std::uint16_t>(*port));
  if (!endpoint) return Error{endpoint.error()};
  return Target{.endpoint = *endpoint, .ups = options.text("ups", "bench"), .server_pid = static_cast<pid_t>(*pid)};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  Result<Options> options = Options::parse(arguments);
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
