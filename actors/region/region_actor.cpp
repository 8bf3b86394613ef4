#include "actors/region/region_actor.hpp"

#include <unordered_map>

#include <caf/all.hpp>

#include "actors/party/party_entity_actor.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "actors/user/user_entity_actor.hpp"
#include "messages/errors.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

template <class Handle>
struct entry {
  Handle handle;
  int64_t forwarded = 0; // messages sent to it, for the passivation check
};

struct region_state {
  region_settings settings;
  gateway_actor gateway;
  shard_owner_actor owner;
  int64_t owner_restarts = 0;
  std::unordered_map<std::string, entry<user_entity_actor>> users;
  std::unordered_map<int64_t, entry<party_entity_actor>> parties;
  static inline const char* name = "lunch.region";
};

using self_ptr = region_actor::stateful_pointer<region_state>;

entity_context context(self_ptr self) {
  auto& st = self->state;
  return {st.settings.shard,
          st.settings.shard_count,
          st.owner,
          st.gateway,
          caf::actor_cast<region_actor>(self),
          st.settings.timeout,
          st.settings.passivate_after};
}

// Returns the user's entity, activating it if needed, and counts the
// message about to be sent to it.
user_entity_actor& user_entity(self_ptr self, const std::string& id) {
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

party_entity_actor& party_entity(self_ptr self, int64_t id) {
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

template <class Map>
bool erase_by_address(Map& map, const caf::actor_addr& addr) {
  for (auto i = map.begin(); i != map.end(); ++i)
    if (i->second.handle.address() == addr) {
      map.erase(i);
      return true;
    }
  return false;
}

void start_owner(self_ptr self) {
  auto& st = self->state;
  st.owner = spawn_shard_owner(self, st.settings.shard, st.settings.dsn);
  for (auto& [id, e] : st.users) {
    ++e.forwarded;
    self->send(e.handle, new_owner_atom::value, st.owner);
  }
  for (auto& [id, e] : st.parties) {
    ++e.forwarded;
    self->send(e.handle, new_owner_atom::value, st.owner);
  }
}

void on_exit(self_ptr self, caf::exit_msg& msg) {
  auto& st = self->state;
  auto shard = std::to_string(st.settings.shard);
  if (msg.source == st.owner.address()) {
    ++st.owner_restarts;
    log::error("shard_owner.crashed",
               {{"shard", shard}, {"reason", to_string(msg.reason)}});
    // Restarted at once, so no request ever meets a missing owner. The
    // owner only crashes on a bug (database failures are replies), so
    // this cannot spin; restart budgets come with the supervision tree.
    start_owner(self);
    log::info("shard_owner.restarted", {{"shard", shard}});
    return;
  }
  if (erase_by_address(st.users, msg.source)
      || erase_by_address(st.parties, msg.source)) {
    if (msg.reason)
      log::warn("entity.stopped",
                {{"shard", shard}, {"reason", to_string(msg.reason)}});
    return;
  }
  if (msg.source && !msg.reason)
    return; // an entity that passivated normally
  // Our parent (or main) tells us to stop; links take the children along.
  self->quit(msg.reason);
}

region_actor::behavior_type region(self_ptr self, region_settings settings,
                                   gateway_actor gateway) {
  self->state.settings = std::move(settings);
  self->state.gateway = std::move(gateway);
  self->set_exit_handler([=](caf::exit_msg& msg) { on_exit(self, msg); });
  start_owner(self);
  return {
    // -- users: routed to the entity -----------------------------------
    [=](usr_create_atom a, const user_profile& p) {
      return self->delegate(user_entity(self, p.employee_id), a, p);
    },
    [=](usr_get_atom a, const std::string& id) {
      return self->delegate(user_entity(self, id), a, id);
    },
    [=](usr_update_atom a, const user_patch& p) {
      return self->delegate(user_entity(self, p.values.employee_id), a, p);
    },
    [=](usr_delete_atom a, const std::string& id) {
      return self->delegate(user_entity(self, id), a, id);
    },
    [=](usr_brief_atom a, const std::string& id) {
      return self->delegate(user_entity(self, id), a, id);
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
    [=](pty_get_atom a, int64_t id) {
      return self->delegate(party_entity(self, id), a, id);
    },
    [=](pty_join_atom a, int64_t id, const std::string& user) {
      return self->delegate(party_entity(self, id), a, id, user);
    },
    [=](pty_leave_atom a, int64_t id, const std::string& user) {
      return self->delegate(party_entity(self, id), a, id, user);
    },
    [=](pty_update_atom a, const party_patch& p) {
      return self->delegate(party_entity(self, p.id), a, p);
    },
    [=](pty_delete_atom a, int64_t id, const std::string& user) {
      return self->delegate(party_entity(self, id), a, id, user);
    },
    [=](pty_create_atom, const party_record& p) {
      auto rp = self->make_response_promise<party_view>();
      self
        ->request(self->state.owner, self->state.settings.timeout,
                  db_insert_atom::value, p)
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
            rp.deliver(party_view{created.party, {}, false});
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    // -- shard-wide queries: straight to the owner ---------------------
    [=](usr_search_atom a, const std::string& term, int32_t limit) {
      return self->delegate(self->state.owner, a, term, limit);
    },
    [=](pty_mine_atom a, const std::string& user) {
      return self->delegate(self->state.owner, a, user);
    },
    [=](pty_list_atom a, const party_filter& filter) {
      return self->delegate(self->state.owner, a, filter);
    },
    [=](shd_stats_atom a) { return self->delegate(self->state.owner, a); },
    [=](pts_scan_atom a, const std::string& user) {
      return self->delegate(self->state.owner, a, user);
    },
    [=](db_purge_atom a, const std::string& user) {
      auto rp = self->make_response_promise<std::vector<int64_t>>();
      self->request(self->state.owner, self->state.settings.timeout, a, user)
        .then(
          [=](std::vector<int64_t>& touched) mutable {
            // Cached copies of the touched parties are stale: stop them
            // so the next request reloads from the database.
            auto& parties = self->state.parties;
            for (auto id : touched) {
              auto i = parties.find(id);
              if (i != parties.end()) {
                self->send_exit(i->second.handle,
                                caf::exit_reason::user_shutdown);
                parties.erase(i);
              }
            }
            rp.deliver(std::move(touched));
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](nod_status_atom) {
      auto& st = self->state;
      return region_status{st.settings.shard,
                           static_cast<int64_t>(st.users.size()),
                           static_cast<int64_t>(st.parties.size()),
                           st.owner_restarts};
    },
    [=](passivate_atom, const std::string& id, int64_t handled) {
      return grant_passivation(self, self->state.users, id, handled);
    },
    [=](passivate_atom, int64_t id, int64_t handled) {
      return grant_passivation(self, self->state.parties, id, handled);
    },
  };
}

} // namespace

region_actor spawn_region(caf::local_actor* parent, region_settings settings,
                          gateway_actor gateway) {
  auto h = parent->spawn<caf::linked>(region, std::move(settings),
                                      std::move(gateway));
  return caf::actor_cast<region_actor>(h);
}

} // namespace lunch
