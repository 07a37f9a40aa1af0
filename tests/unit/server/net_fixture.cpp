// NetFixture: ups1 (connected, fresh, with RW/ENUM/RANGE/STRING variables and commands),
// ups2 (no driver); users for every rights level of the ACL matrix.
#include "tests/unit/server/net_fixture.h"

namespace walnut::server::testing {
namespace {

config::UpsdUser user(std::string name, std::string password, std::vector<std::string> actions,
                      std::vector<std::string> instcmds = {}) {
  config::UpsdUser out;
  out.name = std::move(name);
  out.password = std::move(password);
  out.actions = std::move(actions);
  out.instcmds = std::move(instcmds);
  return out;
}

}  // namespace

NetFixture::NetFixture()
    : context{registry, users, tracking, descriptions, stats, {}, false, {}} {
  Ups& ups1 = registry.add("ups1");
  ups1.description = "First \"UPS\"";
  ups1.driver_connected = true;
  auto& v = ups1.variables;
  v.set_info("ups.status", "OL");
  v.set_info("ups.mfr", "ACME \"x\" \\ #");
  v.set_info("ups.id", "abc");
  v.set_flags("ups.id", kFlagRw | kFlagString);
  v.set_aux("ups.id", 5);
  v.set_info("input.sensitivity", "low");
  v.set_flags("input.sensitivity", kFlagRw);
  v.add_enum("input.sensitivity", "low");
  v.add_enum("input.sensitivity", "high");
  v.set_info("battery.charge.low", "10");
  v.set_flags("battery.charge.low", kFlagRw);
  v.add_range("battery.charge.low", 5, 50);
  v.add_cmd("load.off");
  v.add_cmd("beeper.disable");
  v.set_data_ok(true);
  ups1.send_to_driver = [this](std::string_view line) {
    driver_lines.emplace_back(line);
    return true;
  };
  registry.add("ups2");
  users.users = {
      user("nobody", "pw", {}),
      user("setter", "pw", {"set"}, {"load.off"}),
      user("admin", "pw", {"set", "fsd"}, {"all"}),
      user("primary", "pw", {"login", "master", "fsd"}),
      user("secondary", "pw", {"login"}),
  };
  descriptions.variables["ups.status"] = "UPS status";
  context.for_each_client = [this](const std::function<void(const ClientState&)>& visit) {
    for (auto* other : others) visit(*other);
  };
}

std::string NetFixture::send(ClientState& client, std::string_view line) {
  auto words = tokenize_line(line);
  std::string out;
  dispatch_net_command(words ? *words : std::vector<std::string>{}, client, context, out);
  return out;
}

ClientState NetFixture::client_as(const std::string& name) {
  ClientState client;
  client.address = "127.0.0.1";
  client.credentials.username = name;
  client.credentials.password = "pw";
  return client;
}

}  // namespace walnut::server::testing
