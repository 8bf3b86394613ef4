#include "actors/recommend/smart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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

namespace {

/// compat + pattern of `count` candidates into `out`: branch-free and with
/// unaliased pointers (a parameter's __restrict is what GCC honours) so
/// that it vectorises.
[[gnu::noinline]] void base_scores(rank_attrs me,
                                   const rank_attrs* __restrict attrs,
                                   size_t count, int32_t* __restrict out) {
  for (size_t c = 0; c < count; ++c)
    out[c] = compat(me, attrs[c]) + pattern(me, attrs[c]);
}

} // namespace

day_candidates candidates_on(const world& w, day_t day) {
  day_candidates c;
  c.day = day;
  c.users = w.available(day);
  c.attrs.reserve(c.users.size());
  c.key_hashes.reserve(c.users.size());
  c.position.assign(w.index_limit(), -1);
  for (size_t i = 0; i < c.users.size(); ++i) {
    auto vi = c.users[i];
    c.attrs.push_back(w.at(vi).attrs);
    c.key_hashes.push_back(w.at(vi).key_hash);
    c.position[static_cast<size_t>(vi)] = static_cast<int32_t>(i);
  }
  return c;
}

std::optional<ranked_head> rank(const world& w, int32_t requester,
                                const day_candidates& candidates,
                                uint64_t seed) {
  auto& u = w.at(requester);
  auto& users = candidates.users;
  auto place = static_cast<size_t>(requester) < candidates.position.size()
                 ? candidates.position[static_cast<size_t>(requester)]
                 : -1;
  if (place < 0 || users.size() < 2)
    return std::nullopt; // busy, or alone
  auto self_pos = static_cast<size_t>(place);
  auto count = users.size();
  std::vector<int32_t> base(count);
  base_scores(u.attrs, candidates.attrs.data(), count, base.data());
  // The random term's first two mixing rounds depend on (seed, day, u)
  // only: do them once per requester.
  uint64_t prefix
    = seed == 0
        ? 0
        : mix(mix(seed ^ static_cast<uint64_t>(candidates.day)) ^ u.key_hash);
  // A random term is below 50 and rounding is monotone, so a total never
  // exceeds base + 50 (+ 0 without terms). Once the head is full, only a
  // total above the fifth best enters it, which needs
  // base + max_term > best[4], i.e. base > floor(best[4]) − max_term =:
  // bar. Most candidates stop at that test, before their random term.
  int32_t max_term = seed == 0 ? 0 : 50;
  int32_t bar = std::numeric_limits<int32_t>::min();
  // Pass 2, in DB order: keep the five best in stable order.
  ranked_head head;
  head.n = static_cast<int32_t>(count - 1);
  std::array<double, 5> best{};
  for (size_t c = 0; c < count; ++c) {
    if (base[c] <= bar || c == self_pos)
      continue;
    double total = static_cast<double>(base[c]);
    if (seed != 0)
      total += 50.0 * to_unit(mix(prefix ^ candidates.key_hashes[c]));
    // An equal total stays behind the earlier candidate, as Python's
    // stable sort keeps it.
    if (head.size == 5 && !(total > best[4]))
      continue;
    int32_t pos = head.size < 5 ? head.size : 4;
    while (pos > 0 && total > best[pos - 1]) {
      best[pos] = best[pos - 1];
      head.top[pos] = head.top[pos - 1];
      --pos;
    }
    best[pos] = total;
    head.top[pos] = users[c];
    if (head.size < 5)
      ++head.size;
    if (head.size == 5)
      bar = static_cast<int32_t>(std::floor(best[4])) - max_term;
  }
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
