// The walnut YAML config: upsd.conf, ups.conf and upsd.users settings in one file.
// yaml-cpp throws; its exceptions stop here and become an Error naming file and line.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "server/config_lines.h"
#include "server/config_loader.h"
#include "server/variable_store.h"

namespace walnut::server {
namespace {

std::vector<std::string> string_list(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  } else {
    out.push_back(node.as<std::string>());
  }
  return out;
}

[[noreturn]] void fail(const YAML::Node& node, const std::string& what) {
  throw YAML::Exception(node.Mark(), what);
}

void read_settings(const YAML::Node& root, UpsdSettings& settings) {
  for (const auto& item : root) {
    const auto key = item.first.as<std::string>();
    const auto& value = item.second;
    if (key == "maxage") settings.maxage = value.as<int>();
    else if (key == "trackingdelay") settings.tracking_delay = value.as<int>();
    else if (key == "maxconn") settings.maxconn = value.as<long>();
    else if (key == "allow_no_device") settings.allow_no_device = value.as<bool>();
    else if (key == "statepath") settings.statepath = value.as<std::string>();
    else if (key == "datapath") settings.datapath = value.as<std::string>();
    else if (key == "certfile") settings.certfile = value.as<std::string>();
    else if (key == "listen") {
      for (const auto& entry : value) {
        ListenAddress address{entry["host"].as<std::string>()};
        if (entry["port"]) address.port = entry["port"].as<std::string>();
        settings.listen.push_back(std::move(address));
      }
    } else if (key != "ups" && key != "users") {
      fail(item.first, fmt::format("unknown setting \"{}\"", key));
    }
  }
  if (settings.maxage < 1) fail(root["maxage"], "maxage must be at least 1");
}

void read_upses(const YAML::Node& node, UpsConf& conf) {
  if (!node) return;
  for (const auto& item : node) {
    UpsSection section;
    section.name = item.first.as<std::string>();
    for (const auto& existing : conf.upses) {
      if (equals_ignoring_case(existing.name, section.name)) {
        fail(item.first, fmt::format("UPS name [{}] is already in use", section.name));
      }
    }
    const auto& body = item.second;
    if (!body["driver"] || !body["port"]) fail(item.first, "a UPS needs driver and port");
    section.driver = body["driver"].as<std::string>();
    section.port = body["port"].as<std::string>();
    if (body["desc"]) section.description = body["desc"].as<std::string>();
    conf.upses.push_back(std::move(section));
  }
}

void read_users(const YAML::Node& node, UserTable& users) {
  if (!node) return;
  for (const auto& item : node) {
    User user;
    user.name = item.first.as<std::string>();
    const auto& body = item.second;
    if (body["password"]) user.password = body["password"].as<std::string>();
    if (body["password_file"]) user.password_file = body["password_file"].as<std::string>();
    user.actions = string_list(body["actions"]);
    user.instcmds = string_list(body["instcmds"]);
    if (body["upsmon"]) {
      const auto role = body["upsmon"].as<std::string>();
      if (equals_ignoring_case(role, "primary") || equals_ignoring_case(role, "master")) {
        for (const char* action : {"login", "master", "fsd"}) user.actions.emplace_back(action);
      } else if (equals_ignoring_case(role, "secondary") || equals_ignoring_case(role, "slave")) {
        user.actions.emplace_back("login");
      } else {
        fail(body["upsmon"], fmt::format("unknown upsmon type \"{}\"", role));
      }
    }
    users.users.push_back(std::move(user));
  }
}

}  // namespace

Result<LoadedConfig> load_yaml_config(const std::string& file, const NutPaths& paths) {
  LoadedConfig config;
  try {
    const YAML::Node root = YAML::LoadFile(file);
    if (!root.IsMap()) return Error{fmt::format("{}: expected a mapping at the top", file)};
    read_settings(root, config.settings);
    read_upses(root["ups"], config.ups);
    read_users(root["users"], config.users);
  } catch (const YAML::Exception& error) {
    return Error{fmt::format("{}:{}: {}", file, error.mark.line + 1, error.msg)};
  }
  for (auto& user : config.users.users) {
    if (!user.password_file || user.password) continue;
    auto secret = read_config_file(*user.password_file);
    if (!secret) return Error{fmt::format("{}: user {}: {}", file, user.name, secret.error())};
    user.password = secret->substr(0, secret->find_first_of("\r\n"));
  }
  if (config.ups.upses.empty() && !config.settings.allow_no_device) {
    return Error{fmt::format("{}: no UPS defined (set allow_no_device: true)", file)};
  }
  config.statepath = paths.statepath_from_environment ? paths.statepath
                     : config.settings.statepath     ? *config.settings.statepath
                                                     : paths.statepath;
  config.datapath = paths.datapath_from_environment ? paths.datapath
                    : config.settings.datapath      ? *config.settings.datapath
                                                    : paths.datapath;
  return config;
}

}  // namespace walnut::server
