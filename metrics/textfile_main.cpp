// walnut-textfile: asks a NUT server (walnut's upsd or stock NUT's) for every UPS and writes
// the ups_* metrics atomically for node_exporter's textfile collector. Run once from a timer,
// or with --interval as a long-running service that stops cleanly on SIGTERM.
#include <getopt.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "metrics/atomic_file.h"
#include "metrics/exposition.h"
#include "metrics/nut_scrape.h"
#include "metrics/previous_output.h"
#include "metrics/ups_metrics.h"

namespace {

constexpr const char* kDefaultOutput = "/var/lib/prometheus/node-exporter/ups.prom";

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: walnut-textfile [-s HOST[:PORT]] [-u UPS]... [-o FILE | -] [-t SECONDS]\n"
               "                       [-i SECONDS] [-D]\n"
               "  -s, --server HOST[:PORT]  NUT server to ask (default 127.0.0.1:3493; [v6addr]:port)\n"
               "  -u, --ups NAME            only this UPS (repeatable; default: all from LIST UPS).\n"
               "                            While the server is down, each UPS named here (or,\n"
               "                            without --ups, found in the previous output file)\n"
               "                            keeps its own ups_scrape_success 0 series.\n"
               "  -o, --output FILE         file to replace atomically, or - for stdout\n"
               "                            (default %s)\n"
               "  -t, --timeout SECONDS     deadline for connecting and for each request (default 5)\n"
               "  -i, --interval SECONDS    keep running: write every SECONDS (1 to 3600) until\n"
               "                            SIGTERM or SIGINT; problems are logged when they\n"
               "                            start and when they end, not on every write\n"
               "  -D                        more debug output (repeatable)\n"
               "  -h, --help                this help\n"
               "Exits 0 when the file was written (a failed scrape is written as\n"
               "ups_scrape_success 0), 1 when it could not be written, 2 on bad arguments.\n"
               "With --interval: 0 after a signal, 2 on bad arguments; failed writes are\n"
               "logged and retried at the next interval.\n",
               kDefaultOutput);
}

struct Options {
  walnut::metrics::ServerAddress server;
  std::vector<std::string> upses;
  std::string output = kDefaultOutput;
  int timeout_seconds = 5;
  int interval_seconds = 0;  // 0: write once and exit
};

// A whole number of seconds, 1 to `max`, and nothing else.
bool parse_seconds(std::string_view text, int& seconds, int max = 300) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > max) return false;
  seconds = value;
  return true;
}

// Returns 0 to go on, or the exit code.
int parse_options(int argc, char** argv, Options& options) {
  static const option kLong[] = {{"server", required_argument, nullptr, 's'},
                                 {"ups", required_argument, nullptr, 'u'},
                                 {"output", required_argument, nullptr, 'o'},
                                 {"timeout", required_argument, nullptr, 't'},
                                 {"interval", required_argument, nullptr, 'i'},
                                 {"help", no_argument, nullptr, 'h'},
                                 {nullptr, 0, nullptr, 0}};
  int debug = 0;
  for (int c; (c = getopt_long(argc, argv, "s:u:o:t:i:Dh", kLong, nullptr)) != -1;) {
    switch (c) {
      case 's': {
        auto server = walnut::metrics::parse_server_address(optarg);
        if (!server) {
          walnut::log::error("--server: {}", server.error());
          return 2;
        }
        options.server = *server;
        break;
      }
      case 'u':
        options.upses.emplace_back(optarg);
        break;
      case 'o':
        options.output = optarg;
        break;
      case 't':
        if (!parse_seconds(optarg, options.timeout_seconds)) {
          walnut::log::error("--timeout: expected 1 to 300 seconds, got \"{}\"", optarg);
          return 2;
        }
        break;
      case 'i':
        if (!parse_seconds(optarg, options.interval_seconds, 3600)) {
          walnut::log::error("--interval: expected 1 to 3600 seconds, got \"{}\"", optarg);
          return 2;
        }
        break;
      case 'D':
        walnut::log::set_debug_level(++debug);
        break;
      case 'h':
        usage(stdout);
        return -1;
      default:
        usage(stderr);
        return 2;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return 2;
  }
  if (options.interval_seconds > 0 && options.output == "-") {
    walnut::log::error("--interval needs a file to write, not -");
    return 2;
  }
  return 0;
}

// The UPS names of the file this program wrote last time, to keep them labelled while the
// server is down. A missing or huge file gives none.
std::vector<std::string> previous_names(const std::string& path) {
  constexpr std::streamsize kMaxBytes = 4 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string text(static_cast<std::size_t>(kMaxBytes), '\0');
  in.read(text.data(), kMaxBytes);
  text.resize(static_cast<std::size_t>(in.gcount()));
  return walnut::metrics::scraped_ups_names(text);
}

// One scrape, rendered. `known` names the UPSes to keep labelled while the server is down.
std::string scrape_once(const Options& options, const std::vector<std::string>& known,
                        std::vector<std::string>& problems) {
  const auto scrape = walnut::metrics::scrape_nut_server(
      options.server, options.upses, std::chrono::seconds(options.timeout_seconds), known);
  problems = scrape.problems;
  const std::string text = walnut::metrics::render(walnut::metrics::ups_metric_families(scrape.upses));
  walnut::log::debug(1, "{} UPS, {} bytes of metrics", scrape.upses.size(), text.size());
  return text;
}

int write_once(const Options& options) {
  const std::vector<std::string> known =
      options.upses.empty() && options.output != "-" ? previous_names(options.output) : std::vector<std::string>{};
  std::vector<std::string> problems;
  const std::string text = scrape_once(options, known, problems);
  for (const auto& problem : problems) walnut::log::warning("{}", problem);
  if (options.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (auto written = walnut::metrics::write_file_atomically(options.output, text); !written) {
    walnut::log::error("{}", written.error());
    return 1;
  }
  return 0;
}

// Logs the problems of one round only when they differ from the previous round's, so a
// server that stays down for a day writes two lines to the journal, not one per interval.
class ProblemLog {
 public:
  void report(std::vector<std::string> problems) {
    if (problems == last_) return;
    if (problems.empty()) walnut::log::notice("metrics written again without problems");
    for (const auto& problem : problems) walnut::log::warning("{}", problem);
    last_ = std::move(problems);
  }

 private:
  std::vector<std::string> last_;
};

// --interval: write at a fixed rate until SIGTERM/SIGINT. The signals stay blocked and are
// taken only while waiting, so a write is never cut short and nothing runs in a handler.
int write_every_interval(const Options& options) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    walnut::log::error("cannot block SIGTERM: {}", std::strerror(errno));
    return 1;
  }
  walnut::log::info("writing {} every {} s", options.output, options.interval_seconds);
  std::vector<std::string> known = options.upses.empty() ? previous_names(options.output) : std::vector<std::string>{};
  ProblemLog problem_log;
  const auto interval = std::chrono::seconds(options.interval_seconds);
  auto next = std::chrono::steady_clock::now();
  while (true) {
    std::vector<std::string> problems;
    const std::string text = scrape_once(options, known, problems);
    if (options.upses.empty()) {
      const auto names = walnut::metrics::scraped_ups_names(text);
      if (!names.empty()) known = names;
    }
    if (auto written = walnut::metrics::write_file_atomically(options.output, text); !written) {
      problems.push_back(written.error());
    }
    problem_log.report(std::move(problems));
    // Fixed rate; after a round that overran (a slow server), start the next one at once.
    next = std::max(next + interval, std::chrono::steady_clock::now());
    while (true) {
      const auto left = next - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      const timespec wait{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      const int signal = sigtimedwait(&stop_signals, nullptr, &wait);
      if (signal == SIGTERM || signal == SIGINT) {
        walnut::log::info("signal {}: stopping", signal);
        return 0;
      }
      // EAGAIN: the interval is over; EINTR: another signal, wait for the rest.
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int rc = parse_options(argc, argv, options); rc != 0) return rc < 0 ? 0 : rc;
  std::sort(options.upses.begin(), options.upses.end());
  options.upses.erase(std::unique(options.upses.begin(), options.upses.end()), options.upses.end());
  return options.interval_seconds > 0 ? write_every_interval(options) : write_once(options);
}
