// Process plumbing for upsd, as stock does it: pid file, signalling a running instance
// (-c reload|stop), going to the background (-B) and dropping root (-u user).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace walnut::server {

// Writes the current pid to `path` (0644).
Status write_pid_file(const std::string& path);
void remove_pid_file(const std::string& path);

// Whether /proc/PID/exe's target names an upsd binary (any directory, also "(deleted)").
bool is_upsd_executable(std::string_view path);
// Ok when process `pid` runs an upsd (its /proc exe is named upsd or is this very program,
// else its comm is upsd); else why not.
Status check_process_is_upsd(long pid);

// Sends SIGHUP ("reload") or SIGTERM ("stop") to `pid`, or to the pid read from `pid_file`
// when pid <= 0 (after checking that it is an upsd: the pid file may be writable by the
// user upsd runs as).
Status signal_running_instance(const std::string& command, const std::string& pid_file, long pid);

// Forks; the parent exits 0, the child continues detached (new session, stdio on /dev/null).
Status become_background();

// Switches to `user`'s uid, gid and groups. A no-op when already running as that user.
Status drop_privileges(const std::string& user);

}  // namespace walnut::server
