// walnut-sim: the simulated UPS's control CLI. Sends one command to the control socket of the
// usbhid-ups process that runs the simulation (port=sim:FILE with WALNUT_SIM_SOCKET set).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/usbhid/sim/control_socket.h"
#include "drivers/usbhid/sim/sim_command.h"

namespace {

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: walnut-sim [-s SOCKET] COMMAND [ARGS...]\n"
               "  -s SOCKET    the simulated UPS's control socket (default: $WALNUT_SIM_SOCKET)\n"
               "  -h, --help   this help\n\n%s",
               walnut::usbhid::sim::sim_command_help().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string socket;
  if (const char* from_environment = std::getenv("WALNUT_SIM_SOCKET")) socket = from_environment;
  if (args.size() >= 2 && args[0] == "-s") {
    socket = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
    usage(args.empty() ? stderr : stdout);
    return args.empty() ? EXIT_FAILURE : EXIT_SUCCESS;
  }
  if (socket.empty()) {
    std::fprintf(stderr, "walnut-sim: no control socket: use -s SOCKET or set WALNUT_SIM_SOCKET\n");
    return EXIT_FAILURE;
  }
  std::string line;
  for (const auto& word : args) line += (line.empty() ? "" : " ") + word;
  if (auto command = walnut::usbhid::sim::parse_sim_command(line); !command) {
    std::fprintf(stderr, "walnut-sim: %s\n", command.error().c_str());
    return EXIT_FAILURE;
  }
  auto reply = walnut::usbhid::sim::send_control_request(socket, line, std::chrono::seconds(10));
  if (!reply) {
    std::fprintf(stderr, "walnut-sim: %s\n", reply.error().c_str());
    return EXIT_FAILURE;
  }
  const bool ok = reply->size() >= 3 && reply->compare(reply->size() - 3, 3, "OK\n") == 0;
  std::fputs(reply->c_str(), ok ? stdout : stderr);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
