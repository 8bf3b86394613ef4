#include "actors/user/points.hpp"

#include <algorithm>

namespace lunch {

int32_t level_for(int64_t total_points) {
  if (total_points < 1000)
    return 1;
  if (total_points < 3000)
    return 2;
  if (total_points < 6000)
    return 3;
  if (total_points < 10000)
    return 4;
  if (total_points < 20000)
    return 5;
  return 6;
}

void points_tally::reset(const std::vector<points_mark>& marks) {
  // The scan replaces everything applied so far: awards it saw are inside
  // its sums, and later ones carry ids above its marks.
  max_id_.clear();
  total_ = 0;
  for (const auto& mark : marks) {
    if (mark.shard < 0)
      continue; // not a shard index; the scan never produces one
    auto shard = static_cast<size_t>(mark.shard);
    if (shard >= max_id_.size())
      max_id_.resize(shard + 1, 0);
    max_id_[shard] = std::max(max_id_[shard], mark.max_id);
    total_ += mark.sum;
  }
}

bool points_tally::apply(const points_award& award) {
  if (award.shard < 0)
    return false;
  auto shard = static_cast<size_t>(award.shard);
  if (shard >= max_id_.size())
    max_id_.resize(shard + 1, 0);
  if (award.ledger_id <= max_id_[shard])
    return false; // counted by the scan or by an earlier apply
  max_id_[shard] = award.ledger_id;
  total_ += award.points;
  return true;
}

} // namespace lunch
