#include "actors/cluster/quorum.hpp"

#include <algorithm>
#include <tuple>

namespace lunch {

namespace {

std::string comma_list(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}

} // namespace

std::string quorum_verdict::describe() const {
  return std::to_string(reachable.size()) + " of "
         + std::to_string(members.size())
         + " members reachable: " + comma_list(reachable);
}

quorum_verdict judge_quorum(const quorum_input& in) {
  std::set<std::string> members{in.me};
  members.insert(in.reachable.begin(), in.reachable.end());
  for (auto& n : in.catalog)
    if ((n.state == "up" || n.state == "leaving")
        && n.heartbeat_age_ms <= in.stale_ms && !in.gone.count(n.name))
      members.insert(n.name);
  quorum_verdict v;
  v.members.assign(members.begin(), members.end());
  for (auto& m : v.members)
    if (m == in.me || in.reachable.count(m))
      v.reachable.push_back(m);
  // The oldest member by its catalog start (ISO 8601 sorts as text); a
  // member the catalog does not list as up (yet, or any more: evicted)
  // counts as the youngest.
  auto start_of = [&](const std::string& name) {
    for (auto& n : in.catalog)
      if (n.name == name && (n.state == "up" || n.state == "leaving"))
        return std::make_tuple(0, n.started_at, name);
    return std::make_tuple(1, std::string{}, name);
  };
  v.oldest = *std::min_element(v.members.begin(), v.members.end(),
                               [&](auto& a, auto& b) {
                                 return start_of(a) < start_of(b);
                               });
  auto have = v.reachable.size() * 2;
  auto all = v.members.size();
  v.majority
    = have > all
      || (have == all
          && std::count(v.reachable.begin(), v.reachable.end(), v.oldest) > 0);
  return v;
}

} // namespace lunch
