// upsd.conf reader (NUT's server/conf.c directives and defaults, plus walnut's additions).
#include "common/config/upsd_conf.h"

#include <cctype>
#include <charconv>
#include <functional>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/ups_state.h"

namespace walnut::config {
namespace {

using Words = std::vector<std::string>;

template <typename Int>
Result<Int> parse_count(const std::string& word, const std::string& directive) {
  Int value{};
  const char* end = word.data() + word.size();
  auto [ptr, ec] = std::from_chars(word.data(), end, value);
  if (word.empty() || !std::isdigit(static_cast<unsigned char>(word[0])) || ec != std::errc() ||
      ptr != end) {
    return Error{fmt::format("{} needs a non-negative number, not \"{}\"", directive, word)};
  }
  return value;
}

Result<CertRequest> parse_certrequest(const std::string& word) {
  if (word == "0" || equals_ignoring_case(word, "NO") || equals_ignoring_case(word, "none")) {
    return CertRequest::kNo;
  }
  if (word == "1" || equals_ignoring_case(word, "REQUEST")) return CertRequest::kRequest;
  if (word == "2" || equals_ignoring_case(word, "REQUIRE")) return CertRequest::kRequire;
  return Error{fmt::format("CERTREQUEST must be 0|1|2 or NO|REQUEST|REQUIRE, not \"{}\"", word)};
}

// ALLOW_NO_DEVICE and friends: any number (non-zero = true) or a boolean word.
Result<bool> parse_number_or_boolean(const std::string& word) {
  if (word.empty() || !std::isdigit(static_cast<unsigned char>(word[0]))) return parse_boolean(word);
  for (char c : word) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (c != '0') return true;
  }
  return false;
}

struct Directive {
  const char* name;
  std::size_t min_args;
  std::size_t max_args;
  std::function<Status(UpsdConf&, const Words&, int line)> apply;
};

Status set_string(std::optional<std::string>& field, const Words& w) {
  field = w[1];
  return Ok{};
}

template <typename Field>
Status store(Result<Field> value, Field& field) {
  if (!value.ok()) return Error{value.error()};
  field = *value;
  return Ok{};
}

template <typename Field>
Status store(Result<Field> value, std::optional<Field>& field) {
  if (!value.ok()) return Error{value.error()};
  field = *value;
  return Ok{};
}

const std::vector<Directive>& directives() {
  static const std::vector<Directive> table = {
      {"LISTEN", 1, 2,
       [](UpsdConf& c, const Words& w, int line) -> Status {
         c.listen.push_back({w[1], w.size() > 2 ? w[2] : kDefaultNutPort, line});
         return Ok{};
       }},
      {"MAXAGE", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return store(parse_count<int>(w[1], w[0]), c.maxage); }},
      {"TRACKINGDELAY", 1, 1,
       [](UpsdConf& c, const Words& w, int) {
         return store(parse_count<int>(w[1], w[0]), c.tracking_delay);
       }},
      {"MAXCONN", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return store(parse_count<long>(w[1], w[0]), c.maxconn); }},
      {"STATEPATH", 1, 1, [](UpsdConf& c, const Words& w, int) { return set_string(c.statepath, w); }},
      {"DATAPATH", 1, 1, [](UpsdConf& c, const Words& w, int) { return set_string(c.datapath, w); }},
      {"ALLOW_NO_DEVICE", 1, 1,
       [](UpsdConf& c, const Words& w, int) {
         return store(parse_number_or_boolean(w[1]), c.allow_no_device);
       }},
      {"ALLOW_NOT_ALL_LISTENERS", 1, 1,
       [](UpsdConf& c, const Words& w, int) {
         return store(parse_number_or_boolean(w[1]), c.allow_not_all_listeners);
       }},
      {"CERTFILE", 1, 1, [](UpsdConf& c, const Words& w, int) { return set_string(c.certfile, w); }},
      {"CERTPATH", 1, 1, [](UpsdConf& c, const Words& w, int) { return set_string(c.certpath, w); }},
      {"CERTIDENT", 2, 2,
       [](UpsdConf& c, const Words& w, int) -> Status {
         c.certident_name = w[1];
         c.certident_password = w[2];
         return Ok{};
       }},
      {"CERTREQUEST", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return store(parse_certrequest(w[1]), c.certrequest); }},
      {"DISABLE_WEAK_SSL", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return store(parse_boolean(w[1]), c.disable_weak_ssl); }},
      {"METRICS_LISTEN", 2, 2,
       [](UpsdConf& c, const Words& w, int line) -> Status {
         c.metrics_listen.push_back({w[1], w[2], line});
         return Ok{};
       }},
      {"RUN_AS_USER", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return set_string(c.run_as_user, w); }},
      {"CACERTFILE", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return set_string(c.cacertfile, w); }},
      {"CLIENT_OUTPUT_LIMIT", 1, 1,
       [](UpsdConf& c, const Words& w, int) {
         return store(parse_count<long>(w[1], w[0]), c.client_output_limit_mib);
       }},
      {"FORCESSL", 1, 1,
       [](UpsdConf& c, const Words& w, int) { return store(parse_boolean(w[1]), c.force_ssl); }},
      {"ALLOW_WEAK_SSL", 1, 1,
       [](UpsdConf& c, const Words& w, int) {
         return store(parse_boolean(w[1]), c.allow_weak_ssl);
       }},
  };
  return table;
}

Status parse_debug_min(UpsdConf& conf, const Words& words) {
  if (words.size() != 2) return Error{"DEBUG_MIN takes one argument"};
  return store(parse_count<int>(words[1], "DEBUG_MIN"), conf.debug_min);
}

}  // namespace

Status apply_upsd_directive(UpsdConf& conf, const std::vector<std::string>& words, int line,
                            std::string_view filename) {
  if (words.empty()) return Error{"empty directive"};
  const std::string& name = words[0];
  if (equals_ignoring_case(name, "DEBUG_MIN")) return parse_debug_min(conf, words);
  if (name == "ACCEPT" || name == "REJECT" || name == "ACL") {
    conf.warnings.push_back(
        where(filename, line, fmt::format("{} is no longer supported - switch to LISTEN", name)));
    return Ok{};
  }
  // NUT's NSS builds name their key in a certificate database (server/conf.c:385 at v2.8.5);
  // walnut's OpenSSL reads the key from CERTFILE, as NUT's OpenSSL builds do.
  if (name == "CERTIDENT") {
    conf.warnings.push_back(where(filename, line,
                                  "CERTIDENT (an NSS certificate database identity) is not used "
                                  "by walnut, whose TLS reads CERTFILE: ignored"));
  }
  for (const auto& directive : directives()) {
    if (name != directive.name) continue;
    const std::size_t args = words.size() - 1;
    if (args < directive.min_args || args > directive.max_args) {
      return Error{directive.min_args == directive.max_args
                       ? fmt::format("{} takes {} argument(s), got {}", name, directive.min_args, args)
                       : fmt::format("{} takes {} to {} arguments, got {}", name,
                                     directive.min_args, directive.max_args, args)};
    }
    return directive.apply(conf, words, line);
  }
  return Error{fmt::format("unknown directive \"{}\"", name)};
}

std::vector<ListenAddress> UpsdConf::effective_listen() const {
  if (!listen.empty()) return listen;
  return {{"::1", kDefaultNutPort, 0}, {"127.0.0.1", kDefaultNutPort, 0}};
}

Result<UpsdConf> parse_upsd_conf(std::string_view text, std::string_view filename) {
  auto lines = read_conf_lines(text, filename);
  if (!lines.ok()) return Error{lines.error()};
  UpsdConf conf;
  for (const auto& line : *lines) {
    // Stock NUT logs a line it cannot use and carries on (server/conf.c: "invalid directive",
    // "MAXAGE has non numeric value"); so does walnut, naming file and line, because an upsd
    // that refuses to start over one bad line means no shutdown at all. The directive keeps its
    // default. walnut's own YAML config stays strict (apply_upsd_directive's callers there).
    if (auto status = apply_upsd_directive(conf, line.words, line.line, filename); !status.ok()) {
      conf.warnings.push_back(where(filename, line.line, status.error() + ": line ignored"));
    }
  }
  return conf;
}

}  // namespace walnut::config
