// The /proc scan behind DeviceHolder (see device_holder.h).
#include "drivers/usbhid/transport/device_holder.h"

#include <unistd.h>

#include <algorithm>

#include "common/config/conf_file.h"
#include "common/posix_files.h"

namespace walnut::usbhid {

std::optional<std::string> driver_section(const std::vector<std::string>& argv) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if ((arg == "-a" || arg == "-s") && i + 1 < argv.size()) return argv[i + 1];
    if (arg.size() > 2 && (arg.rfind("-a", 0) == 0 || arg.rfind("-s", 0) == 0)) return arg.substr(2);
  }
  return std::nullopt;
}

bool is_node(std::string_view link_target, std::string_view node) {
  if (node.empty() || link_target.size() < node.size()) return false;
  if (link_target.substr(link_target.size() - node.size()) != node) return false;
  return link_target.size() == node.size() || node.front() == '/';
}

std::string describe_holders(const std::vector<DeviceHolder>& holders) {
  std::string text;
  for (const DeviceHolder& holder : holders) {
    text += text.empty() ? "held by PID " : ", PID ";
    text += std::to_string(holder.pid) + " (" + holder.comm;
    if (holder.section) text += ", ups.conf section [" + *holder.section + "]";
    text += ")";
  }
  return text;
}

namespace {

std::vector<std::string> command_line(const std::string& process) {
  std::vector<std::string> argv;
  auto text = config::read_text_file(process + "/cmdline");
  if (!text) return argv;
  for (std::string_view rest = *text; !rest.empty();) {
    const std::size_t end = std::min(rest.find('\0'), rest.size());
    argv.emplace_back(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return argv;
}

}  // namespace

namespace {

std::vector<DeviceHolder> scan_holders(const std::string& node) {
  std::vector<DeviceHolder> holders;
  const int self = static_cast<int>(::getpid());
  for (const std::string& name : list_directory("/proc")) {
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int pid = std::stoi(name);
    if (pid == self) continue;
    const std::string process = "/proc/" + name;
    for (const std::string& fd : list_directory(process + "/fd")) {
      const std::optional<std::string> target = read_link(process + "/fd/" + fd);
      if (!target || !is_node(*target, node)) continue;
      DeviceHolder holder;
      holder.pid = pid;
      if (auto comm = config::read_text_file(process + "/comm")) {
        holder.comm = comm->substr(0, comm->find('\n'));
      }
      const auto argv = command_line(process);
      if (holder.comm.find("usbhid-ups") != std::string::npos) holder.section = driver_section(argv);
      holders.push_back(std::move(holder));
      break;
    }
  }
  return holders;
}

}  // namespace

std::vector<DeviceHolder> device_holders(const std::string& node) {
  // Only a diagnostic for an error message: a process ending mid-scan (its fd folder vanishing
  // under the iterator, whose increment may throw) must not turn it into another failure.
  try {
    return scan_holders(node);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace walnut::usbhid
