#pragma once

// Points and levels, system A of spec §8.1. CAF-free.

#include <cstdint>
#include <vector>

#include "messages/model.hpp"

namespace lunch {

inline constexpr int64_t points_party_created = 50;
inline constexpr int64_t points_party_joined = 30;

/// <1000 → 1; <3000 → 2; <6000 → 3; <10000 → 4; <20000 → 5; else 6.
int32_t level_for(int64_t total_points);

/// A user's total over all shard ledgers, kept exact while awards arrive
/// in any interleaving with the initial scan: an award counts only if its
/// ledger id is above the mark already counted for its shard.
class points_tally {
public:
  /// Starts from a scan of every shard (one mark per shard).
  void reset(const std::vector<points_mark>& marks);

  /// Adds a committed award unless it was already counted. Returns whether
  /// it was added.
  bool apply(const points_award& award);

  int64_t total() const {
    return total_;
  }

private:
  std::vector<int64_t> max_id_; // by shard
  int64_t total_ = 0;
};

} // namespace lunch
