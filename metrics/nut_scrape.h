// Reads every UPS (or the named ones) of one NUT server into UpsSnapshots: the textfile
// exporter's view of a server, failures included as not-fresh UPSes rather than dropped.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "metrics/nut_client.h"
#include "metrics/ups_metrics.h"

namespace walnut::metrics {

struct ServerScrape {
  // One snapshot per UPS. When the server cannot be asked at all and no UPS is known, a
  // single snapshot with an empty name (rendered as ups_scrape_success 0 without a ups
  // label) stands for "everything this server has".
  std::vector<UpsSnapshot> upses;
  std::vector<std::string> problems;  // one line per failure, for the log
};

// REQUIRES: wanted holds no name twice. Empty `wanted` means every UPS from LIST UPS; then
// `known_when_down` (e.g. the names of the previous run) name the not-fresh UPSes when the
// server cannot list its UPSes.
ServerScrape scrape_nut_server(const ServerAddress& server, const std::vector<std::string>& wanted,
                               std::chrono::milliseconds timeout,
                               const std::vector<std::string>& known_when_down = {});

}  // namespace walnut::metrics
