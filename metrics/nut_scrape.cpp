#include "metrics/nut_scrape.h"

#include <fmt/format.h>

namespace walnut::metrics {
namespace {

std::vector<UpsSnapshot> not_fresh(const std::vector<std::string>& names) {
  std::vector<UpsSnapshot> upses;
  for (const auto& name : names) upses.push_back({name, false, {}, false});
  if (upses.empty()) upses.push_back({"", false, {}, false});
  return upses;
}

}  // namespace

ServerScrape scrape_nut_server(const ServerAddress& server, const std::vector<std::string>& wanted,
                               std::chrono::milliseconds timeout,
                               const std::vector<std::string>& known_when_down) {
  ServerScrape scrape;
  const std::vector<std::string>& known = wanted.empty() ? known_when_down : wanted;
  auto client = NutClient::connect(server, timeout);
  if (!client) {
    scrape.problems.push_back(client.error());
    scrape.upses = not_fresh(known);
    return scrape;
  }
  std::vector<std::string> names = wanted;
  if (names.empty()) {
    auto listed = client->list_ups();
    if (!listed) {
      scrape.problems.push_back(fmt::format("LIST UPS: {}", listed.error()));
      scrape.upses = not_fresh(known);
      return scrape;
    }
    for (auto& [name, description] : *listed) names.push_back(std::move(name));
  }
  for (const auto& name : names) {
    UpsSnapshot ups{name, false, {}, false};
    auto variables = client->list_var(name);
    if (variables) {
      ups.fresh = true;
      ups.variables = std::move(*variables);
    } else {
      ups.data_stale = variables.error() == "DATA-STALE" || variables.error() == "DRIVER-NOT-CONNECTED";
      scrape.problems.push_back(fmt::format("LIST VAR {}: {}", name, variables.error()));
    }
    scrape.upses.push_back(std::move(ups));
  }
  return scrape;
}

}  // namespace walnut::metrics
