#include <algorithm>

#include <caf/all.hpp>

#include "actors/cluster/cluster_state.hpp"
#include "actors/cluster/lease_table.hpp"
#include "actors/cluster/placement.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch::cluster_detail {

namespace {

void start_shard(self_ptr self, int32_t shard, int64_t epoch) {
  auto& st = self->state;
  auto sup = shards_supervisor(self);
  if (!sup)
    return; // the shards supervisor restarts; the next tick retries
  st.running[shard] = epoch;
  if (st.stopping.count(shard)) {
    // Its old subtree is still going away: start it again once gone.
    st.start_after_stop[shard] = epoch;
    st.cfg.leases->grant(shard, epoch);
    return;
  }
  st.cfg.leases->grant(shard, epoch);
  log::info("shard.starting", {{"shard", std::to_string(shard)},
                               {"epoch", std::to_string(epoch)}});
  self->request(sup, st.cfg.timeout, sup_add_atom::value, shard)
    .then([](bool) {},
          [=](caf::error& e) {
            log::warn("shard.start_failed", {{"shard", std::to_string(shard)},
                                             {"error", to_string(e)}});
            self->state.running.erase(shard);
          });
}

// Stops shard `shard` here (its requests drain first) and then runs `done`.
template <class Done>
void stop_shard(self_ptr self, int32_t shard, const std::string& why,
                Done done) {
  auto& st = self->state;
  auto epoch = st.running.count(shard) ? st.running[shard] : 0;
  st.running.erase(shard);
  st.routes.erase(shard);
  // Withdraw the route first: gateways hold new requests for this shard
  // until its next owner announces itself.
  broadcast(self, shard_route{shard, epoch, my_name(self), {}});
  log::info("shard.stopping", {{"shard", std::to_string(shard)},
                               {"epoch", std::to_string(epoch)},
                               {"why", why}});
  st.stopping.insert(shard);
  st.start_after_stop.erase(shard);
  auto finish = [=] {
    auto& st = self->state;
    st.stopping.erase(shard);
    auto again = st.start_after_stop.find(shard);
    if (again != st.start_after_stop.end()) {
      auto epoch = again->second;
      st.start_after_stop.erase(again);
      st.running.erase(shard);
      start_shard(self, shard, epoch);
    } else if (!st.running.count(shard)) {
      st.cfg.leases->revoke(shard);
    }
    done();
  };
  auto sup = shards_supervisor(self);
  if (!sup) {
    finish();
    return;
  }
  self
    ->request(sup, st.cfg.timeout * 3, sup_remove_atom::value,
              node_directory::shard_name(shard))
    .then([=](bool) { finish(); }, [=](caf::error&) { finish(); });
}

// -- leases -----------------------------------------------------------------

} // namespace

void stop_all_shards(self_ptr self, const std::string& why) {
  std::vector<int32_t> shards;
  for (auto& [shard, epoch] : self->state.running)
    shards.push_back(shard);
  for (auto shard : shards)
    stop_shard(self, shard, why, [] {});
}

void read_catalog(self_ptr self) {
  auto& st = self->state;
  auto cat = catalog(self);
  if (!cat)
    return;
  if (st.reading) {
    st.read_again = true;
    return;
  }
  st.reading = true;
  // Only a node that reaches the majority registers (quorum.hpp); until
  // then the heartbeat request is a read (it updates no row of ours).
  bool registering = !st.cfg.progress->registered && may_act(self);
  auto asked = steady::now();
  auto on_view = [=](cluster_view& view) {
    log::debug("cluster.catalog_read", {{"catalog_us", micros_since(asked)}});
    auto& st = self->state;
    st.reading = false;
    if (registering) {
      st.cfg.progress->registered = true;
      st.evicted = false;
      st.dead.clear();  // what it concluded before it was a member is void
      sync_peers(self); // they count it as up now, not a tick later
    }
    if (!std::exchange(st.seeds_tried, true))
      for (auto& [host, port] : st.cfg.seeds)
        connect_to(self, host, port);
    apply_view(self, std::move(view));
    if (std::exchange(st.read_again, false))
      read_catalog(self);
  };
  auto on_error = [=](caf::error&) {
    self->state.reading = false;
    self->state.read_again = false;
  };
  if (registering)
    self->request(cat, st.cfg.timeout, cat_reg_atom::value, me(self))
      .then(on_view, on_error);
  else
    self->request(cat, st.cfg.timeout, cat_beat_atom::value, me(self))
      .then(on_view, on_error);
}

namespace {

// The live members and every shard's live owner ("" if none), as this node
// sees them: what placement works from.
std::pair<std::vector<placement_member>, std::vector<std::string>>
placement_input(self_ptr self) {
  std::vector<placement_member> members;
  for (auto& n : live_nodes(self))
    members.push_back({n.name, n.state == "up", n.allowed_shards});
  std::vector<std::string> current;
  for (auto& lease : self->state.view.leases)
    current.push_back(is_live_owner(self, lease) ? lease.owner : "");
  return {std::move(members), std::move(current)};
}

// Standby connections only for the shards this node would take: the
// placement now, and without each owner.
void keep_standby(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.keep_standby || !st.cfg.progress->registered)
    return;
  auto [members, current] = placement_input(self);
  auto wanted = standby_shards(st.cfg.shard_count, members, current,
                               my_name(self));
  if (wanted != st.standby_for) {
    st.standby_for = wanted;
    st.cfg.keep_standby(std::move(wanted));
  }
}

} // namespace

void apply_view(self_ptr self, cluster_view view) {
  auto& st = self->state;
  st.view = std::move(view);
  st.started = true;
  auto self_row
    = std::find_if(st.view.nodes.begin(), st.view.nodes.end(),
                   [&](auto& n) { return n.name == my_name(self); });
  if (!st.left && st.cfg.progress->registered
      && (self_row == st.view.nodes.end()
          || self_row->incarnation != st.cfg.me.incarnation
          || self_row->state == "down" || self_row->state == "left")) {
    // Another node declared us dead (we were paused or cut off): our
    // leases are gone. Register again, once we reach the majority, and
    // take part as a fresh member.
    if (!std::exchange(st.evicted, true)) {
      log::warn("cluster.evicted",
                {{"catalog_state", self_row == st.view.nodes.end()
                                     ? "missing"
                                     : self_row->state}});
      // Answers from before the eviction prove nothing now: a node cut off
      // a moment ago still has them and would register again at once, to
      // be evicted again. It registers once the majority answers anew.
      st.heard.clear();
    }
    st.cfg.progress->registered = false;
  }
  // Peers' states as the catalog has them (a peer may be leaving now).
  for (auto& [name, p] : st.peers)
    for (auto& n : st.view.nodes)
      if (n.name == name && n.incarnation == p.info.incarnation)
        p.info.state = n.state;
  judge(self);
  check_database_liveness(self);
  for (auto& lease : st.view.leases) {
    if (st.moving && *st.moving == lease.shard)
      continue;
    // A node without the majority serves nothing, whatever it holds.
    bool ours = lease.owner == my_name(self)
                && lease.incarnation == st.cfg.me.incarnation
                && st.cfg.progress->registered && st.serving;
    auto running = st.running.find(lease.shard);
    if (ours && running == st.running.end()) {
      start_shard(self, lease.shard, lease.epoch);
    } else if (ours && running->second != lease.epoch) {
      auto shard = lease.shard;
      auto epoch = lease.epoch;
      stop_shard(self, shard, "lease renewed",
                 [=] { start_shard(self, shard, epoch); });
    } else if (!ours && running != st.running.end()) {
      stop_shard(self, lease.shard,
                 "lease now held by "
                   + (lease.owner.empty() ? "nobody" : lease.owner),
                 [] {});
    }
    // The owner changed: gateways stop using the old route and wait for
    // the new owner's announcement.
    if (!ours && lease.epoch > known_epoch(self, lease.shard))
      tell_gateway(self,
                   shard_route{lease.shard, lease.epoch, lease.owner, {}});
  }
  if (!st.cfg.progress->registered && may_act(self))
    read_catalog(self); // registers (again)
  for (auto& n : st.view.nodes)
    if (n.name != my_name(self) && (n.state == "up" || n.state == "leaving")
        && !st.peers.count(n.name) && !st.confirming.count(n.name))
      connect_to(self, n.host, static_cast<uint16_t>(n.port), n);
  update_ready(self);
  keep_standby(self);
  reconcile(self);
}

void assign_orphans(self_ptr self) {
  auto& st = self->state;
  auto cat = catalog(self);
  // Only a member that holds the majority acts: an evicted node that
  // resumes sees its peers' connections drop and must not evict them.
  if (st.assigning || !cat || !st.cfg.progress->registered || !may_act(self))
    return;
  st.assigning = true;
  auto dead = st.dead;
  auto asked = steady::now();
  self
    ->request(cat, st.cfg.timeout, cat_assign_atom::value, live_nodes(self),
              dead)
    .then(
      [=](cluster_view& view) {
        log::debug("cluster.assigned", {{"catalog_us", micros_since(asked)}});
        auto& st = self->state;
        st.assigning = false;
        st.dead.erase(st.dead.begin(),
                      st.dead.begin() + static_cast<ptrdiff_t>(dead.size()));
        sync_peers(self, view);
        apply_view(self, std::move(view));
      },
      [=](caf::error&) { self->state.assigning = false; });
}

void take_assigned(self_ptr self, const cluster_view& committed) {
  auto& st = self->state;
  if (!st.started || !st.cfg.progress->registered || !st.serving)
    return;
  for (auto& lease : committed.leases) {
    auto known = std::find_if(st.view.leases.begin(), st.view.leases.end(),
                              [&](auto& l) { return l.shard == lease.shard; });
    if (known == st.view.leases.end() || lease.epoch <= known->epoch
        || st.running.count(lease.shard))
      continue; // not newer, or ours to stop: the catalog read decides
    *known = lease;
    if (lease.owner == my_name(self)
        && lease.incarnation == st.cfg.me.incarnation
        && !(st.moving && *st.moving == lease.shard))
      start_shard(self, lease.shard, lease.epoch);
    else if (lease.epoch > known_epoch(self, lease.shard))
      tell_gateway(self,
                   shard_route{lease.shard, lease.epoch, lease.owner, {}});
  }
}

namespace {

void hand_off(self_ptr self, int32_t shard, int64_t epoch, node_info to) {
  auto& st = self->state;
  st.moving = shard;
  log::info("shard.handoff", {{"shard", std::to_string(shard)},
                              {"epoch", std::to_string(epoch)},
                              {"to", to.name}});
  stop_shard(self, shard, "handoff to " + to.name, [=] {
    auto done = [=] {
      self->state.moving.reset();
      sync_peers(self);
      read_catalog(self);
    };
    auto cat = catalog(self);
    if (!cat) {
      done();
      return;
    }
    self
      ->request(cat, self->state.cfg.timeout, cat_handoff_atom::value, shard,
                epoch, me(self), to)
      .then([=](cluster_view&) { done(); }, [=](caf::error&) { done(); });
  });
}

void finish_leave(self_ptr self) {
  auto& st = self->state;
  st.left = true;
  log::info("cluster.left", {});
  auto cat = catalog(self);
  auto done = [=] {
    sync_peers(self);
    if (self->state.cfg.on_left)
      self->state.cfg.on_left();
  };
  if (!cat) {
    done();
    return;
  }
  self->request(cat, st.cfg.timeout, cat_state_atom::value, me(self))
    .then([=](cluster_view&) { done(); }, [=](caf::error&) { done(); });
}

} // namespace

void reconcile(self_ptr self) {
  auto& st = self->state;
  if (!st.started || !st.cfg.progress->registered || !may_act(self))
    return;
  bool orphans = std::any_of(st.view.leases.begin(), st.view.leases.end(),
                             [&](auto& l) { return orphaned(self, l); });
  if (orphans || !st.dead.empty()) {
    assign_orphans(self);
    return;
  }
  if (st.moving)
    return;
  // Rebalance only on a settled view: every node the catalog lists as up
  // is reached, so every node computes the same placement.
  for (auto& n : st.view.nodes)
    if (n.name != my_name(self) && n.state == "up" && !st.peers.count(n.name))
      return;
  auto [members, current] = placement_input(self);
  auto desired = place_shards(st.cfg.shard_count, members, current);
  for (auto& [shard, epoch] : st.running) {
    auto& target = desired[static_cast<size_t>(shard)];
    auto p = st.peers.find(target);
    if (target != my_name(self) && p != st.peers.end()
        && st.routes.count(shard)) {
      hand_off(self, shard, epoch, p->second.info);
      return;
    }
  }
  if (st.leaving && st.running.empty() && !st.left)
    finish_leave(self);
}

// -- peers ------------------------------------------------------------------

} // namespace lunch::cluster_detail
