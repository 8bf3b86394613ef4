#pragma once

// Pairwise scores of spec §4.2–§4.4 and the "last dined together" label,
// exactly as docs/recommend.md states them. CAF-free.

#include <optional>
#include <string>
#include <vector>

#include "actors/recommend/rec_world.hpp"

namespace lunch::rec {

/// §4.2 step 1: +30 same non-empty genre string, +20 same non-empty age
/// group, +15 both genders given and different (0–65).
/// Branch-free (bitwise &), so that a loop over candidates vectorises.
inline int compat(const rank_attrs& u, const rank_attrs& v) {
  return 30 * ((u.genre != 0) & (u.genre == v.genre))
         + 20 * ((u.age != 0) & (u.age == v.age))
         + 15 * ((u.gender != 0) & (v.gender != 0) & (u.gender != v.gender));
}

/// §4.2 step 3: +20 when the membership counts differ by ≤ 2, +10 by ≤ 5.
/// Counts are non-negative, so the difference cannot overflow.
inline int pattern(const rank_attrs& u, const rank_attrs& v) {
  auto d = u.parties > v.parties ? u.parties - v.parties
                                 : v.parties - u.parties;
  return 10 * (d <= 2) + 10 * (d <= 5);
}

/// How many distinct items the two lists share.
size_t common_items(const std::vector<std::string>& a,
                    const std::vector<std::string>& b);

/// §4.3 compat01, in [0, 1].
double compat01(const rec_user& u, const rec_user& v);

/// §4.3 pattern01, in [0, 1].
double pattern01(const rec_user& u, const rec_user& v);

/// §4.4: shared lunch styles plus shared cuisines of main_dish_genre.
int suggest_score(const rec_user& requester, const rec_user& v);

/// §4.2 label for the days since the pair last had lunch together.
std::string dining_label(day_t today, std::optional<day_t> last);

/// The member fields §4.2 shows: nickname or "익명", first lunch style.
std::string display_nickname(const rec_user& u);
std::string first_lunch_style(const rec_user& u);

/// The old users.lunch_preference column: the styles joined with ",".
std::string joined_lunch_styles(const rec_user& u);

/// Python round(x, 2): x correctly rounded to two decimals.
double round2(double x);

} // namespace lunch::rec
