#include "actors/region/region_actor.hpp"

#include <optional>
#include <sstream>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/party/party_entity_actor.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "actors/user/user_entity_actor.hpp"
#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "messages/recommend_changes.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/gather.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"
#include "runtime/supervisor.hpp"

namespace lunch {

namespace {

template <class Handle>
struct entry {
  Handle handle;
  int64_t forwarded = 0; // messages sent to it, for the passivation check
};

struct region_state {
  region_settings settings;
  shard_owner_actor owner;
  std::unordered_map<std::string, entry<user_entity_actor>> users;
  std::unordered_map<int64_t, entry<party_entity_actor>> parties;
  std::optional<supervision::restart_window> crashes_window;
  int64_t user_crashes = 0;
  int64_t party_crashes = 0;
  // Requests of its own (to the owner) not answered yet: a stop waits for
  // them, so their callers get an answer, not silence.
  int64_t inflight = 0;
  std::optional<caf::error> stop_reason;
  static inline const char* name = "lunch.region";
};

using self_ptr = region_actor::stateful_pointer<region_state>;

/// This node's recommender, or an invalid handle while it restarts.
recommender_actor recommender_of(self_ptr self) {
  return self->state.settings.directory->recommender();
}

entity_context context(self_ptr self) {
  auto& st = self->state;
  return {st.settings.shard,
          st.settings.shard_count,
          st.owner,
          caf::actor_cast<region_actor>(self),
          st.settings.directory,
          st.settings.faults,
          st.settings.timeout,
          st.settings.passivate_after};
}

// Returns the user's entity, activating it if needed, and counts the
// message about to be sent to it.
user_entity_actor& user_entity_of(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.users.find(id);
  if (i == st.users.end())
    i = st.users
          .emplace(id, entry<user_entity_actor>{spawn_user_entity(
                         self, id, context(self))})
          .first;
  ++i->second.forwarded;
  return i->second.handle;
}

party_entity_actor& party_entity_of(self_ptr self, int64_t id) {
  auto& st = self->state;
  auto i = st.parties.find(id);
  if (i == st.parties.end())
    i = st.parties
          .emplace(id, entry<party_entity_actor>{spawn_party_entity(
                         self, id, context(self))})
          .first;
  ++i->second.forwarded;
  return i->second.handle;
}

// Grants a stop only if the asking entity handled all it was sent.
template <class Map, class Key>
bool grant_passivation(self_ptr self, Map& map, const Key& key,
                       int64_t handled) {
  auto i = map.find(key);
  if (i == map.end() || i->second.handle.address() != self->current_sender()
      || i->second.forwarded != handled)
    return false;
  map.erase(i);
  return true;
}

// Removes the entity with that address; returns its tree path, if any.
template <class Map>
std::optional<std::string>
erase_by_address(Map& map, const caf::actor_addr& addr, const char* kind) {
  for (auto i = map.begin(); i != map.end(); ++i)
    if (i->second.handle.address() == addr) {
      std::ostringstream path;
      path << kind << '/' << i->first;
      map.erase(i);
      return path.str();
    }
  return std::nullopt;
}

void stop(self_ptr self, caf::error reason) {
  auto& st = self->state;
  if (st.inflight == 0)
    self->quit(std::move(reason));
  else
    st.stop_reason = std::move(reason);
}

// Call when one of the region's own requests is answered.
void settle(self_ptr self) {
  auto& st = self->state;
  if (--st.inflight == 0 && st.stop_reason)
    self->quit(*st.stop_reason);
}

// Cached copies of parties changed or deleted behind their entities' backs
// (a user purge, the cleanup) are stale: stop them, so the next request
// reloads from the database.
void stop_parties(self_ptr self, const std::vector<int64_t>& ids) {
  auto& parties = self->state.parties;
  for (auto id : ids) {
    auto i = parties.find(id);
    if (i != parties.end()) {
      self->send_exit(i->second.handle, caf::exit_reason::user_shutdown);
      parties.erase(i);
    }
  }
}

// A crashed entity is gone; the next message for its key activates a fresh
// one that reloads from the database. Past the intensity limit the region
// gives up, which its shard supervisor sees as a failure.
void on_entity_crash(self_ptr self, const std::string& path,
                     const caf::error& reason, bool is_user) {
  auto& st = self->state;
  ++(is_user ? st.user_crashes : st.party_crashes);
  auto name = node_directory::region_name(st.settings.shard);
  log::warn("entity.crashed", {{"supervisor", name},
                               {"child", path},
                               {"reason", exit_text(reason)}});
  if (st.crashes_window->record(self->clock().now()))
    return;
  stop(self, give_up_reason(name, path, "entities crashed",
                            st.settings.entity_intensity, path));
}

void on_exit(self_ptr self, caf::exit_msg& msg) {
  auto& st = self->state;
  bool abnormal = abnormal_exit(msg.reason);
  if (auto path = erase_by_address(st.users, msg.source, "user")) {
    if (abnormal)
      on_entity_crash(self, *path, msg.reason, true);
    return;
  }
  if (auto path = erase_by_address(st.parties, msg.source, "party")) {
    if (abnormal)
      on_entity_crash(self, *path, msg.reason, false);
    return;
  }
  if (msg.source && !msg.reason)
    return; // an entity that passivated normally
  // Our supervisor tells us to stop; links take the entities along (each
  // finishes the request it is awaiting first).
  stop(self, msg.reason);
}

// The briefs of many users of this shard in one answer (a party's
// members): one hop for the gateway instead of one per member.
caf::typed_response_promise<std::vector<member_view>>
briefs(self_ptr self, usr_brief_atom a, const std::vector<user_key>& ids) {
  auto rp = self->make_response_promise<std::vector<member_view>>();
  ++self->state.inflight;
  gather<member_view>(
    ids.size(),
    [=](size_t i) {
      return self->request(user_entity_of(self, ids[i].value),
                           self->state.settings.timeout, a, ids[i]);
    },
    [=](std::vector<answer<member_view>> answers) mutable {
      std::vector<member_view> result(answers.size());
      for (size_t i = 0; i < answers.size(); ++i) {
        if (answers[i].value)
          result[i] = std::move(*answers[i].value);
        else if (errc_of(answers[i].error) != errc::not_found) {
          rp.deliver(answers[i].error);
          settle(self);
          return;
        }
      }
      rp.deliver(std::move(result));
      settle(self);
    });
  return rp;
}

std::vector<tree_line> tree(self_ptr self) {
  auto& st = self->state;
  auto& limit = st.settings.entity_intensity;
  auto in_window = st.crashes_window->count(self->clock().now());
  return {tree_line{0, node_directory::region_name(st.settings.shard),
                    "entities", "on_demand", "running", 0,
                    "users " + std::to_string(st.users.size()) + " (crashes "
                      + std::to_string(st.user_crashes) + "), parties "
                      + std::to_string(st.parties.size()) + " (crashes "
                      + std::to_string(st.party_crashes) + "), in window "
                      + std::to_string(in_window) + "/"
                      + std::to_string(limit.max_restarts) + " per "
                      + std::to_string(limit.period.count()) + " ms"}};
}

region_actor::behavior_type region(self_ptr self, region_settings settings,
                                   shard_owner_actor owner) {
  auto& st = self->state;
  st.crashes_window.emplace(settings.entity_intensity);
  st.settings = std::move(settings);
  st.owner = std::move(owner);
  self->set_exit_handler([=](caf::exit_msg& msg) { on_exit(self, msg); });
  answer_crashes(self, node_directory::region_name(st.settings.shard));
  return {
    // -- users: routed to the entity -----------------------------------
    [=](usr_create_atom a, const user_profile& p, const request_id& rid) {
      return self->delegate(user_entity_of(self, p.employee_id), a, p, rid);
    },
    [=](usr_get_atom a, const user_key& id) {
      return self->delegate(user_entity_of(self, id.value), a, id);
    },
    [=](usr_update_atom a, const user_patch& p, const request_id& rid) {
      return self->delegate(user_entity_of(self, p.values.employee_id), a, p,
                            rid);
    },
    [=](usr_delete_atom a, const user_key& id, const request_id& rid) {
      return self->delegate(user_entity_of(self, id.value), a, id, rid);
    },
    [=](usr_brief_atom a, const std::vector<user_key>& ids) {
      return briefs(self, a, ids);
    },
    [=](pts_award_atom a, const points_award& award) {
      // Only an active entity needs it; activation scans the ledgers.
      auto i = self->state.users.find(award.employee_id);
      if (i != self->state.users.end()) {
        ++i->second.forwarded;
        self->send(i->second.handle, a, award);
      }
    },
    // -- parties: routed to the entity ---------------------------------
    [=](pty_get_atom a, party_id id) {
      return self->delegate(party_entity_of(self, id.value), a, id);
    },
    [=](pty_join_atom a, party_id id, const user_key& user,
        const request_id& rid) {
      return self->delegate(party_entity_of(self, id.value), a, id, user, rid);
    },
    [=](pty_leave_atom a, party_id id, const user_key& user,
        const request_id& rid) {
      return self->delegate(party_entity_of(self, id.value), a, id, user, rid);
    },
    [=](pty_update_atom a, const party_patch& p, const request_id& rid) {
      return self->delegate(party_entity_of(self, p.id), a, p, rid);
    },
    [=](pty_delete_atom a, party_id id, const user_key& user,
        const request_id& rid) {
      return self->delegate(party_entity_of(self, id.value), a, id, user, rid);
    },
    [=](pty_create_atom, const party_record& p, const request_id& rid) {
      auto rp = self->make_response_promise<party_view>();
      ++self->state.inflight;
      self
        ->request(self->state.owner, self->state.settings.timeout,
                  db_insert_atom::value, p, rid)
        .then(
          [=](party_created& created) mutable {
            // The host lives on this shard: tell its entity directly.
            auto& users = self->state.users;
            auto i = users.find(created.award.employee_id);
            if (i != users.end()) {
              ++i->second.forwarded;
              self->send(i->second.handle, pts_award_atom::value,
                         created.award);
            }
            // Its entity starts with it: the first join loads nothing.
            auto id = created.party.id;
            if (self->state.parties.count(id) == 0)
              self->state.parties.emplace(
                id, entry<party_entity_actor>{spawn_party_entity(
                      self, id, context(self), created.party)});
            rp.deliver(party_view{created.party, {}, false});
            settle(self);
          },
          [=](caf::error& e) mutable {
            rp.deliver(e);
            settle(self);
          });
      return rp;
    },
    // -- shard-wide queries: straight to the owner ---------------------
    [=](usr_search_atom a, const std::string& term, int32_t limit) {
      return self->delegate(self->state.owner, a, term, limit);
    },
    [=](pty_mine_atom a, const user_key& user) {
      return self->delegate(self->state.owner, a, user);
    },
    [=](pty_list_atom a, const party_filter& filter) {
      return self->delegate(self->state.owner, a, filter);
    },
    [=](shd_stats_atom a) { return self->delegate(self->state.owner, a); },
    [=](pts_scan_atom a, const user_key& user) {
      return self->delegate(self->state.owner, a, user);
    },
    [=](db_purge_atom a, const user_key& user) {
      auto rp = self->make_response_promise<std::vector<int64_t>>();
      ++self->state.inflight;
      self->request(self->state.owner, self->state.settings.timeout, a, user)
        .then(
          [=](std::vector<int64_t>& touched) mutable {
            stop_parties(self, touched);
            rp.deliver(std::move(touched));
            settle(self);
          },
          [=](caf::error& e) mutable {
            rp.deliver(e);
            settle(self);
          });
      return rp;
    },
    // -- calendar entries and recommendations: straight to the owner -----
    [=](cal_add_atom a, const calendar_entry& e, const request_id& rid) {
      return self->delegate(self->state.owner, a, e, rid);
    },
    [=](cal_list_atom a, const user_key& user) {
      return self->delegate(self->state.owner, a, user);
    },
    [=](cal_delete_atom a, const user_key& user, int64_t id,
        const request_id& rid) {
      return self->delegate(self->state.owner, a, user, id, rid);
    },
    // -- the notification inbox: straight to the owner -------------------
    [=](ntf_add_atom a, const notification& n, const std::string& dedupe_key,
        const request_id& rid) {
      return self->delegate(self->state.owner, a, n, dedupe_key, rid);
    },
    [=](ntf_add_atom a, const std::vector<notification>& ns,
        const std::vector<std::string>& dedupe_keys, const request_id& rid) {
      return self->delegate(self->state.owner, a, ns, dedupe_keys, rid);
    },
    [=](ntf_list_atom a, const user_key& user, bool unread_only) {
      return self->delegate(self->state.owner, a, user, unread_only);
    },
    [=](ntf_read_atom a, int64_t id, const request_id& rid) {
      return self->delegate(self->state.owner, a, id, rid);
    },
    [=](ntf_readall_atom a, const user_key& user, const request_id& rid) {
      return self->delegate(self->state.owner, a, user, rid);
    },
    [=](ntf_delete_atom a, int64_t id, const request_id& rid) {
      return self->delegate(self->state.owner, a, id, rid);
    },
    [=](ntf_clear_atom a, const user_key& user, const request_id& rid) {
      return self->delegate(self->state.owner, a, user, rid);
    },
    // -- the data jobs (spec §5): to the owner ---------------------------
    [=](mnt_clean_atom a, const std::string& party_cutoff, int32_t days,
        const request_id& rid) {
      auto rp = self->make_response_promise<cleanup_counts>();
      ++self->state.inflight;
      self
        ->request(self->state.owner, self->state.settings.timeout, a,
                  party_cutoff, days, rid)
        .then(
          [=](cleanup_counts& counts) mutable {
            stop_parties(self, counts.party_ids);
            counts.party_ids.clear(); // the ids stay on this node
            rp.deliver(std::move(counts));
            settle(self);
          },
          [=](caf::error& e) mutable {
            rp.deliver(e);
            settle(self);
          });
      return rp;
    },
    [=](mnt_scan_atom a, const std::string& day, const std::string& user) {
      return self->delegate(self->state.owner, a, day, user);
    },
    [=](mnt_store_atom a, const std::string& day,
        const std::vector<analytics_counts>& counts, const std::string& user,
        const request_id& rid) {
      return self->delegate(self->state.owner, a, day, counts, user, rid);
    },
    [=](mnt_get_atom a, const std::string& user, const std::string& day) {
      return self->delegate(self->state.owner, a, user, day);
    },
    [=](rec_snapshot_atom a, const std::string& today) {
      return self->delegate(self->state.owner, a, today);
    },
    [=](rec_get_atom a, const std::string& user, const std::string& date,
        int64_t seed) -> caf::result<std::vector<rec_item>> {
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a, user, date, seed);
      return recommender_restarting();
    },
    [=](rec_days_atom a, const std::string& user, const std::string& from,
        int32_t days, int64_t seed) -> caf::result<std::vector<rec_day>> {
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a, user, from, days, seed);
      return recommender_restarting();
    },
    [=](rec_suggst_atom a, const std::string& user,
        const std::string& date) -> caf::result<std::vector<suggest_group>> {
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a, user, date);
      return recommender_restarting();
    },
    [=](rec_part_atom a,
        const rec_part_spec& spec) -> caf::result<rec_part_done> {
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a, spec);
      return recommender_restarting();
    },
    [=](rec_change_atom a, const std::vector<rec_change>& changes) {
      // From a peer's gateway: only this node's recommend actor needs them,
      // and this node's gateway those of users (it caches briefs).
      if (auto rec = recommender_of(self))
        caf::anon_send(rec, a, changes);
      auto gateway = self->state.settings.directory->gateway();
      for (auto& change : changes)
        if (gateway && is_user_change(change))
          caf::anon_send(gateway, usr_changed_atom::value,
                         user_key{change.user.employee_id});
    },
    [=](rec_refresh_atom a, int32_t batch) -> caf::result<rec_refresh_report> {
      // From a peer's gateway: this node's cache only.
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a, batch);
      return recommender_restarting();
    },
    [=](rec_cache_atom a) -> caf::result<rec_cache_stats> {
      if (auto rec = recommender_of(self))
        return self->delegate(rec, a);
      return recommender_restarting();
    },
    [=](nod_status_atom) {
      auto& st = self->state;
      return region_status{st.settings.shard,
                           static_cast<int64_t>(st.users.size()),
                           static_cast<int64_t>(st.parties.size()),
                           st.user_crashes + st.party_crashes};
    },
    [=](passivate_atom, const user_key& id, int64_t handled) {
      return grant_passivation(self, self->state.users, id.value, handled);
    },
    [=](passivate_atom, party_id id, int64_t handled) {
      return grant_passivation(self, self->state.parties, id.value, handled);
    },
    [=](sup_tree_atom) { return tree(self); },
    [=](dbg_crash_atom) -> void {
      throw injected_fault(
        node_directory::region_name(self->state.settings.shard));
    },
    // Activates the entity if needed, so that it is that actor that throws.
    [=](dbg_crash_atom a, const user_key& id) {
      self->send(user_entity_of(self, id.value), a);
    },
    [=](dbg_crash_atom a, party_id id) {
      self->send(party_entity_of(self, id.value), a);
    },
  };
}

} // namespace

region_actor spawn_region(caf::local_actor* parent, region_settings settings,
                          shard_owner_actor owner) {
  auto h = parent->spawn(region, std::move(settings), std::move(owner));
  return caf::actor_cast<region_actor>(h);
}

} // namespace lunch
