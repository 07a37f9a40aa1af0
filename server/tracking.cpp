// TRACKING ids and results.
#include "server/tracking.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace walnut::server {
namespace {

constexpr int kPending = -1;

// The kernel's CSPRNG (getrandom(2), blocking only until it is first seeded at boot), read until
// `bytes` is full: a signal (EINTR) or a short read just asks again. Any other failure (ENOSYS on
// a kernel before Linux 3.17, which cannot run upsd anyway) is an error: an id must never be
// guessable, so there is no weaker fallback.
Status fill_from_kernel(std::array<std::uint8_t, 16>& bytes) {
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t count = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return Error{fmt::format("getrandom: {}", std::strerror(errno))};
    if (count == 0) return Error{"getrandom: no random bytes"};
    filled += static_cast<std::size_t>(count);
  }
  return Ok{};
}

}  // namespace

Result<std::string> TrackingTable::new_id() {
  std::array<std::uint8_t, 16> bytes{};
  if (Status status = fill_from_kernel(bytes); !status) return Error{status.error()};
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
  std::string id;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id += fmt::format("{:02X}", bytes[i]);
  }
  return id;
}

std::string TrackingTable::key(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void TrackingTable::add(std::string_view id, Owner owner, Clock::time_point now) {
  if (!enabled_) return;
  entries_[key(id)] = Entry{kPending, owner, now};
}

void TrackingTable::set(std::string_view id, int status) {
  auto it = entries_.find(key(id));
  if (it == entries_.end()) return;
  it->second.status = status;
}

// Stock upsd has no answer for a status outside -1..3 and falls through to "not found".
std::string_view TrackingTable::get(std::string_view id, Owner asker) const {
  auto it = entries_.find(key(id));
  if (it == entries_.end() || it->second.owner != asker) return "ERR UNKNOWN";
  switch (it->second.status) {
    case kPending:
      return "PENDING";
    case 0:
      return "SUCCESS";
    case 1:
      return "ERR UNKNOWN";
    case 2:
      return "ERR INVALID-ARGUMENT";
    case 3:
      return "ERR FAILED";
    default:
      return "ERR UNKNOWN";
  }
}

void TrackingTable::expire(Clock::time_point now, std::chrono::seconds delay) {
  std::erase_if(entries_, [&](const auto& item) { return now - item.second.created > delay; });
}

}  // namespace walnut::server
