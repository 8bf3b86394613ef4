#pragma once

// Daily recommendations (spec §4.3), suggest-groups (§4.4) and the group
// score (§4.7), as docs/recommend.md states them. CAF-free.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/recommend/rec_world.hpp"
#include "messages/recommend_results.hpp"

namespace lunch::rec {

/// At most this many daily groups per date (§4.3 step 1).
constexpr size_t daily_group_limit = 20;

/// The daily groups of `day`: available users in DB order as seeds, each
/// contributing the full chunks of 3 of their ranked candidates, until 20.
std::vector<daily_group> daily_groups(const world& w, day_t day, day_t today,
                                      uint64_t seed);

/// §4.4 for `requester` (a present user) on `day`.
std::vector<suggest_group> suggest_groups(const world& w, int32_t requester,
                                          day_t day);

/// §4.7 score of a group of profiles on `day` (0 for more than 4 members).
int64_t group_score(const std::vector<rec_user>& members, day_t day);

} // namespace lunch::rec
