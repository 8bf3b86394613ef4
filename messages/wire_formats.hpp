#pragma once

// Wire formats and limits shared by every floor: the text formats of dates,
// times and lists as the old app's API and lunchctl write them, the id
// layout, and the limits a request or a config may not exceed. CAF-free.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lunch {

// -- text formats
// --------------------------------------------------------------

/// A real calendar date written "YYYY-MM-DD" (leap years checked).
bool is_iso_date(std::string_view s);

/// "HH:MM", 00:00–23:59.
bool is_hhmm(std::string_view s);

/// "a,b" ← [a, b] and back; splitting trims blanks and drops empty items.
std::string comma_join(const std::vector<std::string>& items);
std::vector<std::string> comma_split(std::string_view s);

// -- ids and limits
// ------------------------------------------------------------

/// Number of hash slots; a key's slot is the low 14 bits of its MD5. Party
/// (and notification, calendar) ids are seq * slot_count + slot.
inline constexpr int32_t slot_count = 16384;

/// Largest number of shards a cluster may have (each shard draws its ids
/// from its own residue class mod max_shards, so they stay unique).
inline constexpr int32_t max_shards = 64;

} // namespace lunch

namespace lunch::rec {

/// The most keys one recommendation-cache refresh batch may take (per
/// node): lunchctl cache refresh --batch, scheduler.cache_refresh.batch.
inline constexpr int32_t max_refresh_batch = 100'000;

} // namespace lunch::rec
