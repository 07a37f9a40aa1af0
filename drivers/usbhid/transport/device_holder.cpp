// The /proc scan behind DeviceHolder (see device_holder.h).
#include "drivers/usbhid/transport/device_holder.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

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

std::vector<std::string> command_line(const std::filesystem::path& process) {
  std::ifstream in(process / "cmdline", std::ios::binary);
  std::vector<std::string> argv;
  std::string arg;
  while (std::getline(in, arg, '\0')) argv.push_back(arg);
  return argv;
}

}  // namespace

namespace {

std::vector<DeviceHolder> scan_holders(const std::string& node) {
  namespace fs = std::filesystem;
  std::vector<DeviceHolder> holders;
  const int self = static_cast<int>(::getpid());
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int pid = std::stoi(name);
    if (pid == self) continue;
    std::error_code fd_error;
    for (const auto& fd : fs::directory_iterator(entry.path() / "fd", fd_error)) {
      std::error_code link_error;
      const fs::path target = fs::read_symlink(fd.path(), link_error);
      if (link_error || !is_node(target.string(), node)) continue;
      DeviceHolder holder;
      holder.pid = pid;
      std::ifstream comm(entry.path() / "comm");
      std::getline(comm, holder.comm);
      const auto argv = command_line(entry.path());
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
