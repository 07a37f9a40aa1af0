// The UPS registry. A handful of UPSes per server: a linear search is the right structure.
#include "server/ups_registry.h"

#include <algorithm>

namespace walnut::server {

Ups* UpsRegistry::find(std::string_view name) {
  for (auto& ups : upses_) {
    if (equals_ignoring_case(ups->name, name)) return ups.get();
  }
  return nullptr;
}

const Ups* UpsRegistry::find(std::string_view name) const {
  return const_cast<UpsRegistry*>(this)->find(name);
}

Ups& UpsRegistry::add(std::string name) {
  auto ups = std::make_unique<Ups>();
  ups->name = std::move(name);
  upses_.push_back(std::move(ups));
  return *upses_.back();
}

void UpsRegistry::remove(std::string_view name) {
  std::erase_if(upses_, [&](const auto& ups) { return equals_ignoring_case(ups->name, name); });
}

}  // namespace walnut::server
