// Prometheus text exposition format (version 0.0.4): metric families in, text out. Pure, no
// I/O; what `promtool check metrics` and node_exporter's textfile collector accept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace walnut::metrics {

// The Content-Type an HTTP endpoint serves this format with.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kGauge, kCounter };

struct Label {
  std::string name;   // REQUIRES: a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)
  std::string value;  // any bytes; escaped (and made valid UTF-8) when rendered
};

struct Sample {
  std::vector<Label> labels;
  double value = 0;
};

// One metric name with its HELP, TYPE and every sample of it. The format requires all samples
// of a name to follow its HELP/TYPE lines, which is why samples are grouped here.
struct MetricFamily {
  std::string name;  // REQUIRES: is_valid_metric_name(name)
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
};

// Renders families in the given order, samples in their order. A family without samples
// renders nothing (a HELP with no samples only adds noise).
std::string render(const std::vector<MetricFamily>& families);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);

// Replaces every byte not allowed in a metric name by '_' ("" and a leading digit get a '_' prefix).
std::string sanitize_metric_name(std::string_view name);

// A label value as written between the quotes: \ → \\, " → \", LF → \n; bytes that are not
// valid UTF-8 become U+FFFD, since Prometheus rejects the whole scrape otherwise.
std::string escape_label_value(std::string_view value);

// HELP text: \ → \\, LF → \n (quotes stay as they are), also made valid UTF-8.
std::string escape_help(std::string_view text);

// A sample value: integers without exponent or fraction, others in the shortest form that
// reads back exactly, and NaN, +Inf, -Inf as the format spells them.
std::string format_value(double value);

}  // namespace walnut::metrics
