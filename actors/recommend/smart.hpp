#pragma once

// Smart recommendations (spec §4.2): for a requester on a weekday, the
// other available users ranked by compat + pattern + random term, and the
// fixed group shapes over the top five. CAF-free.

#include <cstdint>
#include <optional>
#include <vector>

#include "actors/recommend/rec_world.hpp"
#include "messages/recommend_results.hpp"

namespace lunch::rec {

/// The users available on a day in DB order, with the columns the ranking
/// reads: every requester's ranking that day scans these.
struct day_candidates {
  day_t day = 0;
  std::vector<int32_t> users; // world indexes
  std::vector<rank_attrs> attrs;
  std::vector<uint64_t> key_hashes;
  std::vector<int32_t> position; // world index → place in users, or −1
};

/// The candidates of `day`: the world's available users.
day_candidates candidates_on(const world& w, day_t day);

/// §4.2 step 5: the index shapes for a list of n candidates.
std::vector<std::vector<int32_t>> group_shapes(int32_t n);

/// Ranks the candidates of `requester` on their day. Nothing when the
/// requester is busy (not a candidate) or alone.
std::optional<ranked_head> rank(const world& w, int32_t requester,
                                const day_candidates& candidates,
                                uint64_t seed);

/// The groups of §4.2 step 6 for a ranked head.
std::vector<rec_item> render(const world& w, int32_t requester, day_t day,
                             day_t today, const ranked_head& head);

} // namespace lunch::rec
