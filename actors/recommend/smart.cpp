#include "actors/recommend/smart.hpp"

#include <algorithm>

#include "actors/recommend/random_terms.hpp"
#include "actors/recommend/scoring.hpp"

namespace lunch::rec {

std::vector<std::vector<int32_t>> group_shapes(int32_t n) {
  std::vector<std::vector<int32_t>> groups;
  // Triples: i < min(n−2, 6), j ∈ {i+1, i+2} below n−1, k ∈ {j+1, j+2}
  // below n; at most 6.
  for (int32_t i = 0; i < std::min(n - 2, 6) && groups.size() < 6; ++i)
    for (int32_t j = i + 1; j <= i + 2 && j < n - 1 && groups.size() < 6; ++j)
      for (int32_t k = j + 1; k <= j + 2 && k < n && groups.size() < 6; ++k)
        groups.push_back({i, j, k});
  // Pairs up to a running total of 9, then the single up to 10.
  for (int32_t i = 0; i < std::min(n - 1, 3) && groups.size() < 9; ++i)
    groups.push_back({i, i + 1});
  if (n >= 1 && groups.size() < 10)
    groups.push_back({0});
  return groups;
}

std::optional<ranked_head> rank(const world& w, int32_t requester, day_t day,
                                const std::vector<int32_t>& available,
                                uint64_t seed) {
  auto& u = w.at(requester);
  // The random term's first two mixing rounds depend on (seed, day, u)
  // only: do them once per requester.
  uint64_t prefix
    = seed == 0 ? 0 : mix(mix(seed ^ static_cast<uint64_t>(day)) ^ u.key_hash);
  ranked_head head;
  std::array<double, 5> best{};
  bool requester_free = false;
  for (auto vi : available) {
    if (vi == requester) {
      requester_free = true;
      continue;
    }
    auto& v = w.at(vi);
    ++head.n;
    double total = static_cast<double>(compat(u, v) + pattern(u, v));
    if (seed != 0)
      total += 50.0 * to_unit(mix(prefix ^ v.key_hash));
    // Keep the five best in stable order: an equal total stays behind the
    // earlier candidate, as Python's stable sort keeps it.
    if (head.size == 5 && !(total > best[4]))
      continue;
    int32_t pos = head.size < 5 ? head.size : 4;
    while (pos > 0 && total > best[pos - 1]) {
      best[pos] = best[pos - 1];
      head.top[pos] = head.top[pos - 1];
      --pos;
    }
    best[pos] = total;
    head.top[pos] = vi;
    if (head.size < 5)
      ++head.size;
  }
  if (!requester_free || head.n == 0)
    return std::nullopt;
  return head;
}

std::vector<rec_item> render(const world& w, int32_t requester, day_t day,
                             day_t today, const ranked_head& head) {
  std::vector<rec_item> items;
  auto date = format_day(day);
  for (auto& shape : group_shapes(head.n)) {
    rec_item item;
    item.proposed_date = date;
    for (auto index : shape) {
      auto vi = head.top[static_cast<size_t>(index)];
      auto& v = w.at(vi).profile;
      item.recommended_group.push_back(rec_member{
        v.employee_id, display_nickname(v), first_lunch_style(v),
        v.main_dish_genre, dining_label(today, w.last_dined(requester, vi))});
    }
    items.push_back(std::move(item));
  }
  return items;
}

} // namespace lunch::rec
