// Runs walnut-yaml in a child process (see yaml_helper.h).
#include "common/yaml_helper.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "common/posix_files.h"

extern char** environ;

namespace walnut {
namespace {

// All a pipe's bytes until its writer closes it ("" if reading fails: the caller's unpacking
// or walnut-yaml's exit status says what went wrong).
std::string drain(int fd) {
  Result<std::string> bytes = read_all(fd);
  ::close(fd);
  return bytes ? std::move(*bytes) : std::string();
}

Result<std::string> helper_path() {
  std::vector<std::string> candidates;
  // Set by tests whose programs do not sit beside it (build/tests/...).
  if (const char* path = std::getenv("WALNUT_YAML"); path != nullptr && *path != '\0') {
    candidates.emplace_back(path);
  }
  if (std::optional<std::string> beside = beside_this_program("walnut-yaml")) {
    candidates.push_back(std::move(*beside));
  }
#ifdef WALNUT_YAML_HELPER
  candidates.emplace_back(WALNUT_YAML_HELPER);  // the install's, for programs installed elsewhere
#endif
  for (const std::string& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Error{fmt::format("walnut-yaml not found (looked for {}): it reads YAML for the driver",
                           fmt::join(candidates, ", "))};
}

}  // namespace

Result<std::string> run_walnut_yaml(const std::vector<std::string>& args) {
  auto helper = helper_path();
  if (!helper) return Error{helper.error()};
  std::vector<std::string> words{*helper};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Error{fmt::format("pipe: {}", std::strerror(errno))};
  if (::pipe2(err, O_CLOEXEC) != 0) {
    const int saved = errno;
    ::close(out[0]);
    ::close(out[1]);
    return Error{fmt::format("pipe: {}", std::strerror(saved))};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  pid_t child = -1;
  const int spawned = ::posix_spawn(&child, helper->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return Error{fmt::format("{}: {}", *helper, std::strerror(spawned))};
  }
  // A failing walnut-yaml writes a line or two to stderr and nothing to stdout, so reading
  // stdout first cannot leave it blocked on a full stderr pipe.
  std::string output = drain(out[0]);
  std::string complaint = drain(err[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return output;
  while (!complaint.empty() && complaint.back() == '\n') complaint.pop_back();
  const std::string prefix = "walnut-yaml: ";
  if (complaint.rfind(prefix, 0) == 0) complaint.erase(0, prefix.size());
  if (complaint.empty()) complaint = fmt::format("{} {} failed", *helper, fmt::join(args, " "));
  return Error{complaint};
}

}  // namespace walnut
