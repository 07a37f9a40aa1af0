// walnut-textfile: asks a NUT server (walnut's upsd or stock NUT's) for every UPS and writes
// the ups_* metrics atomically for node_exporter's textfile collector. Run from a timer.
#include <getopt.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
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
               "usage: walnut-textfile [-s HOST[:PORT]] [-u UPS]... [-o FILE | -] [-t SECONDS] [-D]\n"
               "  -s, --server HOST[:PORT]  NUT server to ask (default 127.0.0.1:3493; [v6addr]:port)\n"
               "  -u, --ups NAME            only this UPS (repeatable; default: all from LIST UPS).\n"
               "                            While the server is down, each UPS named here (or,\n"
               "                            without --ups, found in the previous output file)\n"
               "                            keeps its own ups_scrape_success 0 series.\n"
               "  -o, --output FILE         file to replace atomically, or - for stdout\n"
               "                            (default %s)\n"
               "  -t, --timeout SECONDS     deadline for connecting and for each request (default 5)\n"
               "  -D                        more debug output (repeatable)\n"
               "  -h, --help                this help\n"
               "Exits 0 when the file was written (a failed scrape is written as\n"
               "ups_scrape_success 0), 1 when it could not be written, 2 on bad arguments.\n",
               kDefaultOutput);
}

struct Options {
  walnut::metrics::ServerAddress server;
  std::vector<std::string> upses;
  std::string output = kDefaultOutput;
  int timeout_seconds = 5;
};

// A whole number of seconds, 1 to 300, and nothing else.
bool parse_seconds(std::string_view text, int& seconds) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > 300) return false;
  seconds = value;
  return true;
}

// Returns 0 to go on, or the exit code.
int parse_options(int argc, char** argv, Options& options) {
  static const option kLong[] = {{"server", required_argument, nullptr, 's'},
                                 {"ups", required_argument, nullptr, 'u'},
                                 {"output", required_argument, nullptr, 'o'},
                                 {"timeout", required_argument, nullptr, 't'},
                                 {"help", no_argument, nullptr, 'h'},
                                 {nullptr, 0, nullptr, 0}};
  int debug = 0;
  for (int c; (c = getopt_long(argc, argv, "s:u:o:t:Dh", kLong, nullptr)) != -1;) {
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

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int rc = parse_options(argc, argv, options); rc != 0) return rc < 0 ? 0 : rc;
  std::sort(options.upses.begin(), options.upses.end());
  options.upses.erase(std::unique(options.upses.begin(), options.upses.end()), options.upses.end());

  const std::vector<std::string> known =
      options.upses.empty() && options.output != "-" ? previous_names(options.output) : std::vector<std::string>{};
  const auto scrape = walnut::metrics::scrape_nut_server(
      options.server, options.upses, std::chrono::seconds(options.timeout_seconds), known);
  for (const auto& problem : scrape.problems) walnut::log::warning("{}", problem);
  const std::string text = walnut::metrics::render(walnut::metrics::ups_metric_families(scrape.upses));
  walnut::log::debug(1, "{} UPS, {} bytes of metrics", scrape.upses.size(), text.size());

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
