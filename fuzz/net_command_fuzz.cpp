// Fuzzes upsd's request path: arbitrary client bytes through server/request_reader and the
// command dispatcher against a UPS with data. Never crash; every reply line stays within
// stock's 512 bytes; every request line gets a reply; credentials reach the ACL intact.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/net_commands.h"
#include "server/request_reader.h"

namespace {

using namespace walnut;
using namespace walnut::server;

struct World {
  World() : context{registry, users, tracking, descriptions, stats, {}, false, {}} {
    Ups& ups = registry.add("ups");
    ups.driver_connected = true;
    ups.variables.set_info("ups.status", "OL");
    ups.variables.set_info("ups.id", "a\"b\\c#");
    ups.variables.set_flags("ups.id", kFlagRw | kFlagString);
    ups.variables.set_aux("ups.id", 8);
    ups.variables.set_info("input.sensitivity", "low");
    ups.variables.set_flags("input.sensitivity", kFlagRw);
    ups.variables.add_enum("input.sensitivity", "low");
    ups.variables.set_info("battery.charge.low", "10");
    ups.variables.set_flags("battery.charge.low", kFlagRw);
    ups.variables.add_range("battery.charge.low", 5, 50);
    ups.variables.add_cmd("load.off");
    ups.send_to_driver = [](std::string_view line) {
      if (line.empty() || line.back() != '\n' || line.size() > 512) std::abort();
      return true;
    };
    registry.add("down");
    config::UpsdUser admin;
    admin.name = "admin";
    admin.password = "pw";
    admin.actions = {"set", "fsd", "login", "master"};
    admin.instcmds = {"all"};
    users.users.push_back(admin);
  }
  UpsRegistry registry;
  config::UpsdUsers users;
  TrackingTable tracking;
  Descriptions descriptions;
  Stats stats;
  NetContext context;
};

void check_reply(const std::string& reply) {
  if (reply.empty()) std::abort();  // every request gets an answer
  std::size_t start = 0;
  while (start < reply.size()) {
    const std::size_t end = reply.find('\n', start);
    const std::size_t length = (end == std::string::npos ? reply.size() : end + 1) - start;
    if (length > 512) std::abort();
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  world.registry.find("ups")->fsd = false;
  world.registry.find("ups")->numlogins = 0;
  // Forget earlier inputs' tracking ids so a long run does not grow without bound.
  world.tracking.expire(TrackingTable::Clock::now() + std::chrono::hours(1), std::chrono::seconds(0));
  ClientState client;
  client.address = "127.0.0.1";
  RequestReader reader;
  std::string out;
  (void)reader.feed(
      reinterpret_cast<const char*>(data), size,
      [&](const std::vector<std::string>& words) {
        std::string reply;
        dispatch_net_command(words, client, world.context, reply);
        check_reply(reply);
        out += reply;
        return !client.close_after_reply;
      },
      {});
  return 0;
}
