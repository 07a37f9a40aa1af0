// Reply building shared by the command families: stock's 512-byte line cap, ERR lines,
// the availability check, and the command-family entry points the dispatcher calls.
#pragma once

#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "server/net_commands.h"
#include "server/net_error.h"

namespace walnut::server {

// The words after the command word, as stock hands them to a handler (a view of the
// tokenizer's words: no copy per request).
using Args = std::span<const std::string>;

class Reply {
 public:
  Reply(std::string& out, Stats& stats) : out_(out), stats_(stats) {}

  // Appends one line; `line` includes its LF. Longer than 512 bytes: cut, LF lost (stock).
  void line(std::string_view line);
  template <typename... T>
  void format(fmt::format_string<T...> format_string, T&&... args) {
    // Formatted on the stack: the hot GET VAR path allocates nothing here.
    fmt::memory_buffer buffer;
    fmt::format_to(std::back_inserter(buffer), format_string, std::forward<T>(args)...);
    line(std::string_view(buffer.data(), buffer.size()));
  }
  void error(NetError error);

 private:
  std::string& out_;
  Stats& stats_;
};

// NUT's pconf_encode into a buffer of `buffer_size` bytes: escapes # \ " and truncates
// (never splitting an escape) to at most buffer_size-1 bytes.
std::string encode_truncated(std::string_view raw, std::size_t buffer_size);

// NUT's ups_available(): ERR DRIVER-NOT-CONNECTED / DATA-STALE, or true.
bool ups_available(const Ups& ups, Reply& reply);

// Finds the UPS or replies ERR UNKNOWN-UPS.
Ups* find_ups_or_reply(NetContext& context, std::string_view name, Reply& reply);

void net_get(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_list(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_set(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_instcmd(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_username(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_password(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_login(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_logout(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_primary(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_master(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_fsd(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_ver(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_netver(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_help(const Args& args, ClientState& client, NetContext& context, Reply& reply);
void net_starttls(const Args& args, ClientState& client, NetContext& context, Reply& reply);

}  // namespace walnut::server
