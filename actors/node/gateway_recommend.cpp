#include "actors/node/gateway_recommend.hpp"

#include <unordered_set>

#include "actors/node/routing.hpp"
#include "actors/party/party_rules.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

caf::result<std::vector<rec_shard_snapshot>>
recommend_snapshot(gateway_self self, const std::string& today) {
  if (!is_iso_date(today))
    return make_error(errc::invalid_argument,
                      "today: must be a real date YYYY-MM-DD");
  auto rp = self->make_response_promise<std::vector<rec_shard_snapshot>>();
  ask_all<rec_shard_snapshot>(
    self, true,
    [=](std::vector<answer<rec_shard_snapshot>> answers) mutable {
      if (auto err = first_failure(answers)) {
        rp.deliver(err);
        return;
      }
      std::vector<rec_shard_snapshot> all;
      all.reserve(answers.size());
      for (auto& x : answers)
        all.push_back(std::move(*x.value));
      rp.deliver(std::move(all));
    },
    rec_snapshot_atom::value, today);
  return rp;
}

void spread_changes(gateway_self self, const std::vector<rec_change>& changes) {
  auto& st = self->state;
  if (auto rec = st.settings.directory->recommender())
    caf::anon_send(rec, rec_change_atom::value, changes);
  // One region per peer node is enough: it hands the notice to its own
  // node's recommend actor only, so nothing travels twice.
  std::unordered_set<std::string> told{st.settings.node};
  for (auto& route : st.routes)
    if (route.region && !route.node.empty() && told.insert(route.node).second)
      caf::anon_send(route.region, rec_change_atom::value, changes);
}

} // namespace lunch
