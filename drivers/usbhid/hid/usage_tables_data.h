// NUT 2.8.0's usage-name tables (generated once from NUT's sources; data, not code).
// Each table lists (usage, name) pairs in NUT's order; *_count gives the number of rows.
#pragma once

#include <cstddef>

#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::hid {

extern const UsageName kGenericUsageNames[];
extern const std::size_t kGenericUsageNames_count;
extern const UsageName k_apc_usage_names[];
extern const std::size_t k_apc_usage_names_count;
extern const UsageName k_arduino_usage_names[];
extern const std::size_t k_arduino_usage_names_count;
extern const UsageName k_belkin_usage_names[];
extern const std::size_t k_belkin_usage_names_count;
extern const UsageName k_cps_usage_names[];
extern const std::size_t k_cps_usage_names_count;
extern const UsageName k_delta_ups_usage_names[];
extern const std::size_t k_delta_ups_usage_names_count;
extern const UsageName k_ever_usage_names[];
extern const std::size_t k_ever_usage_names_count;
extern const UsageName k_idowell_usage_names[];
extern const std::size_t k_idowell_usage_names_count;
extern const UsageName k_legrand_usage_names[];
extern const std::size_t k_legrand_usage_names_count;
extern const UsageName k_liebert_usage_names[];
extern const std::size_t k_liebert_usage_names_count;
extern const UsageName k_mge_usage_names[];
extern const std::size_t k_mge_usage_names_count;
extern const UsageName k_openups_usage_names[];
extern const std::size_t k_openups_usage_names_count;
extern const UsageName k_powercom_usage_names[];
extern const std::size_t k_powercom_usage_names_count;
extern const UsageName k_powervar_usage_names[];
extern const std::size_t k_powervar_usage_names_count;
extern const UsageName k_salicru_usage_names[];
extern const std::size_t k_salicru_usage_names_count;
extern const UsageName k_tripplite_usage_names[];
extern const std::size_t k_tripplite_usage_names_count;

}  // namespace walnut::hid
