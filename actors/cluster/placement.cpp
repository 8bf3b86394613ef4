#include "actors/cluster/placement.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace lunch {

bool may_own(const placement_member& member, int32_t shard) {
  return member.allowed_shards.empty()
         || std::find(member.allowed_shards.begin(),
                      member.allowed_shards.end(), shard)
              != member.allowed_shards.end();
}

std::vector<std::string>
place_shards(int32_t shard_count, const std::vector<placement_member>& live,
             const std::vector<std::string>& current_owner) {
  std::vector<const placement_member*> eligible;
  for (auto& m : live)
    if (m.accepting)
      eligible.push_back(&m);
  std::sort(eligible.begin(), eligible.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  auto shards = static_cast<size_t>(shard_count);
  std::vector<std::string> desired(shards);
  if (eligible.empty())
    return desired;
  auto member_of = [&](const std::string& name) -> const placement_member* {
    for (auto* m : eligible)
      if (m->name == name)
        return m;
    return nullptr;
  };
  auto owner_at = [&](size_t s) -> std::string {
    return s < current_owner.size() ? current_owner[s] : std::string{};
  };
  // Quotas: the nodes holding the most get the larger ones.
  std::map<std::string, int32_t> held;
  for (size_t s = 0; s < shards; ++s)
    if (auto* m = member_of(owner_at(s));
        m && may_own(*m, static_cast<int32_t>(s)))
      ++held[m->name];
  auto by_holdings = eligible;
  std::stable_sort(by_holdings.begin(), by_holdings.end(),
                   [&](auto* a, auto* b) {
                     return held[a->name] > held[b->name];
                   });
  auto count = static_cast<int32_t>(eligible.size());
  std::map<std::string, int32_t> quota;
  for (int32_t i = 0; i < count; ++i)
    quota[by_holdings[i]->name] = shard_count / count
                                  + (i < shard_count % count ? 1 : 0);
  // Keep what is held, up to the quota.
  std::map<std::string, int32_t> assigned;
  for (size_t s = 0; s < shards; ++s) {
    auto* m = member_of(owner_at(s));
    if (m && may_own(*m, static_cast<int32_t>(s))
        && assigned[m->name] < quota[m->name]) {
      desired[s] = m->name;
      ++assigned[m->name];
    }
  }
  // Place the rest where there is the most room.
  for (size_t s = 0; s < shards; ++s) {
    if (!desired[s].empty())
      continue;
    const placement_member* best = nullptr;
    auto key = [&](const placement_member* m) {
      return std::make_tuple(assigned[m->name] - quota[m->name],
                             assigned[m->name], m->name);
    };
    for (auto* m : eligible)
      if (may_own(*m, static_cast<int32_t>(s)) && (!best || key(m) < key(best)))
        best = m;
    if (best) {
      desired[s] = best->name;
      ++assigned[best->name];
    }
  }
  return desired;
}

std::vector<bool> standby_shards(int32_t shard_count,
                                 const std::vector<placement_member>& live,
                                 const std::vector<std::string>& current_owner,
                                 const std::string& me) {
  std::vector<bool> wanted(static_cast<size_t>(shard_count), false);
  auto now = place_shards(shard_count, live, current_owner);
  // The placement without each owner, as its orphans' assignment makes it.
  std::map<std::string, std::vector<std::string>> without;
  auto placed_without = [&](const std::string& lost) -> auto& {
    auto i = without.find(lost);
    if (i != without.end())
      return i->second;
    std::vector<placement_member> rest;
    for (auto& m : live)
      if (m.name != lost)
        rest.push_back(m);
    auto orphaned = current_owner;
    for (auto& owner : orphaned)
      if (owner == lost)
        owner.clear();
    return without.emplace(lost, place_shards(shard_count, rest, orphaned))
      .first->second;
  };
  for (size_t s = 0; s < wanted.size(); ++s) {
    auto owner = s < current_owner.size() ? current_owner[s] : std::string{};
    wanted[s] = owner == me // its owner's restart takes it
                || now[s] == me
                || (!owner.empty() && placed_without(owner)[s] == me);
  }
  return wanted;
}

} // namespace lunch
