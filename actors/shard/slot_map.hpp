#pragma once

// Key → slot → shard placement (spec §7). CAF-free.

#include <cstdint>
#include <string_view>
#include <vector>

#include "messages/model.hpp"
#include "messages/wire_formats.hpp"

namespace lunch {

/// The slot of a key: the 128-bit MD5 of its UTF-8 bytes modulo 16384.
/// With slot-mod-N placement this equals the old app's `md5 mod N` for any N
/// dividing 16384, e.g. KOICA001→1, TEST001→3, TEST002→0 with 4 shards.
int32_t slot_of(std::string_view key);

/// Party ids carry their host's slot in the low 14 bits, so a party id
/// routes to its shard without a broadcast: id = seq * 16384 + slot.
int64_t make_party_id(int64_t seq, int32_t slot);
int32_t slot_of_party(int64_t party_id);

/// The catalog's slot table: slot → shard.
class slot_map {
public:
  /// Slot s → s mod shards (the default layout).
  static slot_map modulo(int32_t shards);

  /// Takes a full table of `slot_count` entries, each in [0, shards).
  slot_map(std::vector<int32_t> slot_to_shard, int32_t shards);

  int32_t shards() const {
    return shards_;
  }

  int32_t shard_of_slot(int32_t slot) const;
  int32_t shard_of_key(std::string_view key) const;
  int32_t shard_of_party(int64_t party_id) const;

  /// Consecutive runs of slots with the same shard, in slot order.
  std::vector<slot_range> ranges() const;

  /// Number of slots per shard.
  std::vector<int64_t> slots_per_shard() const;

  const std::vector<int32_t>& table() const {
    return table_;
  }

private:
  std::vector<int32_t> table_;
  int32_t shards_;
};

/// The old app's rebalance plan (spec §7, S24): shards above 1.2×avg move
/// out int(count−avg) users, shards below 0.8×avg move in int(avg−count).
rebalance_plan plan_rebalance(const std::vector<int64_t>& users_per_shard);

} // namespace lunch
