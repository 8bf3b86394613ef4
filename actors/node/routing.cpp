#include "actors/node/routing.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

region_actor local_region(gateway_self self, int32_t shard) {
  auto& st = self->state;
  auto& cached = st.regions[static_cast<size_t>(shard)];
  if (!cached) {
    cached = st.settings.directory->region(shard);
    if (!cached)
      return st.closed_doors[static_cast<size_t>(shard)];
    self->monitor(cached); // the down handler forgets it
  }
  return cached;
}

region_actor target_of(gateway_self self, int32_t shard) {
  auto& route = self->state.routes[static_cast<size_t>(shard)];
  if (!route.region)
    return {};
  if (route.node == self->state.settings.node)
    return local_region(self, shard);
  return route.region;
}

void park(gateway_self self, int32_t shard, std::function<void()> resume,
          std::function<void(caf::error)> fail) {
  auto& st = self->state;
  auto id = st.next_id++;
  st.parked[static_cast<size_t>(shard)].push_back(
    parked_request{id, std::move(resume), std::move(fail)});
  self->delayed_send(caf::actor_cast<gateway_impl>(self), st.settings.timeout,
                     park_expired_atom::value, id);
}

// Runs every request waiting for `shard` (they may park again).
void resume_parked(gateway_self self, int32_t shard) {
  auto waiting = std::move(self->state.parked[static_cast<size_t>(shard)]);
  self->state.parked[static_cast<size_t>(shard)].clear();
  for (auto& p : waiting)
    p.resume();
}

void on_route(gateway_self self, const shard_route& route) {
  auto& st = self->state;
  if (route.shard < 0 || static_cast<size_t>(route.shard) >= st.routes.size())
    return;
  auto& entry = st.routes[static_cast<size_t>(route.shard)];
  if (route.epoch < entry.epoch)
    return; // older news
  bool changed = entry.epoch != route.epoch || entry.node != route.node
                 || entry.region != route.region;
  entry.epoch = route.epoch;
  entry.node = route.node;
  entry.region = route.region;
  if (changed)
    log::debug("gateway.route", {{"shard", std::to_string(route.shard)},
                                 {"epoch", std::to_string(route.epoch)},
                                 {"node", route.node},
                                 {"serving", route.region ? "yes" : "no"}});
  if (entry.region)
    resume_parked(self, route.shard);
}

// Reads handed over longer ago than the request timeout were answered or
// timed out at their client; past this many the oldest count as answered,
// so that a node's death never resends more than a burst of this size.
constexpr size_t max_handed = 4096;

void drop_old_handed(gateway_self self) {
  auto& st = self->state;
  auto now = self->clock().now();
  while (!st.handed.empty()
         && (st.handed.front().deadline < now || st.handed.size() > max_handed))
    st.handed.pop_front();
}

void remember_handed(gateway_self self, const std::string& node,
                     std::function<void()> again) {
  auto& st = self->state;
  st.handed.push_back(
    {self->clock().now() + st.settings.timeout, node, std::move(again)});
  drop_old_handed(self);
}

void on_node_lost(gateway_self self, const std::string& node) {
  auto& st = self->state;
  drop_old_handed(self);
  std::vector<std::function<void()>> handed;
  auto lost_node = [&](handed_read& h) {
    if (h.node != node)
      return false;
    handed.push_back(std::move(h.again));
    return true;
  };
  st.handed.erase(std::remove_if(st.handed.begin(), st.handed.end(), lost_node),
                  st.handed.end());
  for (auto& entry : st.routes)
    if (entry.node == node)
      entry.region = nullptr; // wait for the new owner
  std::vector<std::function<void()>> lost;
  for (auto i = st.inflight.begin(); i != st.inflight.end();) {
    if (i->second.node == node) {
      lost.push_back(std::move(i->second.lost));
      i = st.inflight.erase(i);
    } else {
      ++i;
    }
  }
  for (auto& f : lost)
    f();
  for (auto& f : handed)
    f();
}

void on_quorum(gateway_self self, const std::string& why) {
  auto& st = self->state;
  if (st.stepped_aside == why)
    return;
  st.stepped_aside = why;
  log::info("gateway.quorum", {{"serving", why.empty() ? "yes" : "no"}});
  if (why.empty())
    return;
  // Nothing here will serve them: the waiting requests get the reason.
  auto waiting = std::move(st.parked);
  st.parked.assign(waiting.size(), {});
  for (auto& list : waiting)
    for (auto& p : list)
      p.fail(make_error(errc::unavailable, why));
}

void on_park_expired(gateway_self self, uint64_t id) {
  auto& st = self->state;
  for (size_t shard = 0; shard < st.parked.size(); ++shard) {
    auto& list = st.parked[shard];
    auto i = std::find_if(list.begin(), list.end(),
                          [&](auto& p) { return p.id == id; });
    if (i == list.end())
      continue;
    auto fail = std::move(i->fail);
    list.erase(i);
    auto& route = st.routes[shard];
    fail(make_error(errc::unavailable,
                    "shard " + std::to_string(shard) + " has no serving owner"
                      + (route.node.empty()
                           ? std::string{}
                           : " (last known: " + route.node + ", epoch "
                               + std::to_string(route.epoch) + ")")
                      + "; it is moving or failing over"));
    return;
  }
}

} // namespace lunch
