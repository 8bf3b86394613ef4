#include "actors/node/gateway_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/party/party_rules.hpp"
#include "actors/region/region_actor.hpp"
#include "actors/shard/slot_map.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/gather.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

struct gateway_state {
  gateway_settings settings;
  slot_map slots = slot_map::modulo(1);
  std::vector<region_actor> regions;      // cached live regions (or null)
  std::vector<region_actor> closed_doors; // stand-ins while restarting
  std::chrono::steady_clock::time_point started
    = std::chrono::steady_clock::now();
  static inline const char* name = "lunch.gateway";
};

using self_ptr = gateway_actor::stateful_pointer<gateway_state>;
template <class T>
using promise = caf::typed_response_promise<T>;

// Answers every request with `unavailable` while shard i's region (or its
// owner) is being restarted, so callers fail fast instead of waiting for a
// timeout. It has the region's interface only in name: a catch-all handler.
region_actor spawn_closed_door(self_ptr self, int32_t shard) {
  auto door = self->spawn<caf::linked>([shard](caf::event_based_actor* door) {
    door->set_default_handler(
      [shard](caf::scheduled_actor*,
              caf::message_view&) -> caf::result<caf::message> {
        return make_error(errc::unavailable,
                          "shard " + std::to_string(shard)
                            + " is restarting (see lunchctl debug tree)");
      });
    return caf::behavior{[](caf::unit_t) {}};
  });
  return caf::actor_cast<region_actor>(door);
}

// The live region of a shard, looked up again in the directory after a
// restart (the down handler forgets a dead one), or its closed door.
region_actor region(self_ptr self, int32_t shard) {
  auto& st = self->state;
  auto& cached = st.regions[shard];
  if (!cached) {
    auto h = st.settings.directory->get(region_name(shard));
    if (!h)
      return st.closed_doors[shard];
    cached = caf::actor_cast<region_actor>(h);
    self->monitor(cached);
  }
  return cached;
}

region_actor region_of_user(self_ptr self, const std::string& id) {
  return region(self, self->state.slots.shard_of_key(id));
}

region_actor region_of_party(self_ptr self, int64_t id) {
  return region(self, self->state.slots.shard_of_party(id));
}

int32_t shard_count(self_ptr self) {
  return static_cast<int32_t>(self->state.regions.size());
}

caf::timespan timeout(self_ptr self) {
  return self->state.settings.timeout;
}

// "shards 1, 3 unavailable: <first error>" for answers that failed.
template <class T>
caf::error first_failure(const std::vector<answer<T>>& answers) {
  std::string shards;
  caf::error first;
  for (size_t i = 0; i < answers.size(); ++i)
    if (!answers[i].value) {
      shards += (shards.empty() ? "" : ", ") + std::to_string(i);
      if (!first)
        first = answers[i].error;
    }
  if (!first)
    return {};
  auto code = errc_of(first);
  return make_error(code == errc::timeout ? code : errc::unavailable,
                    "shard " + shards + " did not answer: "
                      + (message_of(first).empty() ? to_string(code)
                                                   : message_of(first)));
}

// Asks every region the same question.
template <class T, class Done, class... Ts>
void ask_all(self_ptr self, Done done, Ts... xs) {
  std::vector<region_actor> regions;
  for (int32_t i = 0; i < shard_count(self); ++i)
    regions.push_back(region(self, i));
  gather<T>(
    regions.size(),
    [=](size_t i) { return self->request(regions[i], timeout(self), xs...); },
    std::move(done));
}

// Resolves member ids to names; a member that cannot be resolved (deleted,
// or on an unreachable shard) is shown by id only.
template <class Done>
void resolve_members(self_ptr self, const party_record& p, Done done) {
  auto ids = p.member_ids;
  auto host = p.host_employee_id;
  gather<member_view>(
    ids.size(),
    [=](size_t i) {
      return self->request(region_of_user(self, ids[i]), timeout(self),
                           usr_brief_atom::value, ids[i]);
    },
    [=](std::vector<answer<member_view>> answers) mutable {
      std::vector<member_view> members;
      for (size_t i = 0; i < ids.size(); ++i) {
        member_view m;
        if (answers[i].value)
          m = *answers[i].value;
        else
          m.employee_id = ids[i];
        m.is_host = ids[i] == host;
        members.push_back(std::move(m));
      }
      done(std::move(members));
    });
}

void deliver_enriched(self_ptr self, party_view v, promise<party_view> rp) {
  if (v.deleted) {
    rp.deliver(std::move(v));
    return;
  }
  auto party = v.party;
  resolve_members(self, party, [=](std::vector<member_view> members) mutable {
    rp.deliver(party_view{party, std::move(members), false});
  });
}

// Forwards a party command to its entity and fills in the members.
template <class... Ts>
void forward_party_command(self_ptr self, promise<party_view> rp, int64_t id,
                           Ts... xs) {
  if (id <= 0) {
    rp.deliver(make_error(errc::not_found,
                          "party " + std::to_string(id) + " not found"));
    return;
  }
  self->request(region_of_party(self, id), timeout(self), xs...)
    .then([=](party_view& v) mutable { deliver_enriched(self, v, rp); },
          [=](caf::error& e) mutable { rp.deliver(e); });
}

template <class... Ts>
promise<party_view> party_command(self_ptr self, int64_t id, Ts... xs) {
  auto rp = self->make_response_promise<party_view>();
  forward_party_command(self, rp, id, xs...);
  return rp;
}

// Runs `next` once every id names an existing user; replies not_found (or
// the first failure) otherwise.
template <class T, class Next>
void require_users(self_ptr self, std::vector<std::string> ids, promise<T> rp,
                   Next next) {
  gather<member_view>(
    ids.size(),
    [=](size_t i) {
      return self->request(region_of_user(self, ids[i]), timeout(self),
                           usr_brief_atom::value, ids[i]);
    },
    [=](std::vector<answer<member_view>> answers) mutable {
      for (size_t i = 0; i < answers.size(); ++i)
        if (!answers[i].value) {
          auto code = errc_of(answers[i].error);
          rp.deliver(code == errc::not_found
                       ? make_error(code, "user " + ids[i] + " not found")
                       : answers[i].error);
          return;
        }
      next();
    });
}

bool party_order(const party_record& a, const party_record& b) {
  return std::tie(a.party_date, a.party_time, a.id)
         > std::tie(b.party_date, b.party_time, b.id);
}

// -- fault injection (only with "debug": {"fault_injection": true}) --------

caf::error fault_injection_off(self_ptr self) {
  return make_error(errc::forbidden,
                    "fault injection is off on node "
                      + self->state.settings.node
                      + ": set \"debug\": {\"fault_injection\": true} in its "
                        "config");
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Makes the actor named `path` throw: "shard/2", "entities/2", "user/ID",
// "party/ID", "shards/2", "shards", "gateway". With `every_message`, the
// shard owner or entity throws on every message until healed.
caf::result<std::string> crash(self_ptr self, const std::string& path,
                               bool every_message) {
  auto& st = self->state;
  if (!st.settings.faults)
    return fault_injection_off(self);
  if (path == "node")
    return make_error(errc::invalid_argument,
                      "node is the root: stop the node instead");
  // Check the path before anything is crashed or armed.
  bool user = starts_with(path, "user/");
  bool party = starts_with(path, "party/");
  int64_t party_id = 0;
  if (user && path.size() == 5)
    return make_error(errc::invalid_argument, path + ": the id is missing");
  if (party) {
    try {
      size_t used = 0;
      party_id = std::stoll(path.substr(6), &used);
      if (used != path.size() - 6)
        throw std::invalid_argument(path);
    } catch (const std::exception&) {
      return make_error(errc::invalid_argument,
                        path + ": a party id is a number");
    }
  }
  auto target = st.settings.directory->get(path);
  if (!user && !party && path != "gateway" && !target)
    return make_error(errc::not_found, "no live actor named " + path
                                         + " (see lunchctl debug tree)");
  if (every_message) {
    if (!user && !party && !starts_with(path, "shard/"))
      return make_error(errc::invalid_argument,
                        "--every-message works for shard/N, user/ID and "
                        "party/ID, not "
                          + path);
    // The actor checks on each message it handles; no need to wake it.
    st.settings.faults->arm(path);
  } else if (user) {
    auto key = path.substr(5);
    self->send(region_of_user(self, key), dbg_crash_atom::value, key);
  } else if (party) {
    self->send(region_of_party(self, party_id), dbg_crash_atom::value,
               party_id);
  } else if (path == "gateway") {
    // Answer first, then throw: the supervisor restarts and republishes.
    caf::anon_send(caf::actor_cast<gateway_actor>(self), dbg_crash_atom::value);
  } else {
    caf::anon_send(target, dbg_crash_atom::value);
  }
  log::warn("debug.crash",
            {{"actor", path}, {"every_message", every_message ? "yes" : "no"}});
  return every_message ? path + " now throws on every message"
                       : path + " was made to throw";
}

gateway_actor::behavior_type gateway(self_ptr self, gateway_settings settings) {
  auto& st = self->state;
  st.slots = slot_map{settings.slot_table, settings.shard_count};
  st.settings = std::move(settings);
  st.regions.resize(st.settings.shard_count);
  for (int32_t i = 0; i < st.settings.shard_count; ++i)
    st.closed_doors.push_back(spawn_closed_door(self, i));
  answer_crashes(self, "gateway");
  self->set_down_handler([=](caf::down_msg& msg) {
    for (auto& r : self->state.regions)
      if (r && r.address() == msg.source)
        r = nullptr;
  });
  return {
    // -- users ---------------------------------------------------------
    [=](usr_create_atom a, const user_profile& p) -> caf::result<user_view> {
      if (auto v = validate_profile(p); !v.ok())
        return make_error(v);
      return self->delegate(region_of_user(self, p.employee_id), a, p);
    },
    [=](usr_get_atom a, const std::string& id) {
      return self->delegate(region_of_user(self, id), a, id);
    },
    [=](usr_update_atom a, const user_patch& p) {
      return self->delegate(region_of_user(self, p.values.employee_id), a, p);
    },
    [=](usr_brief_atom a, const std::string& id) {
      return self->delegate(region_of_user(self, id), a, id);
    },
    [=](usr_delete_atom a, const std::string& id) {
      // Existence first, then the memberships and ledger rows on every
      // shard, then the user row: a failed purge leaves the user intact
      // and the delete can be retried.
      auto rp = self->make_response_promise<user_view>();
      auto home = region_of_user(self, id);
      self->request(home, timeout(self), usr_get_atom::value, id)
        .then(
          [=](user_view&) mutable {
            ask_all<std::vector<int64_t>>(
              self,
              [=](std::vector<answer<std::vector<int64_t>>> answers) mutable {
                if (auto err = first_failure(answers)) {
                  rp.deliver(err);
                  return;
                }
                self->request(region_of_user(self, id), timeout(self), a, id)
                  .then([=](user_view& v) mutable { rp.deliver(v); },
                        [=](caf::error& e) mutable { rp.deliver(e); });
              },
              db_purge_atom::value, id);
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](usr_search_atom a, const std::string& term,
        int32_t limit) -> caf::result<std::vector<user_summary>> {
      if (term.empty())
        return make_error(errc::invalid_argument,
                          "q: a search term is required");
      if (limit < 1 || limit > 1000)
        return make_error(errc::invalid_argument,
                          "limit: must be between 1 and 1000");
      auto rp = self->make_response_promise<std::vector<user_summary>>();
      ask_all<std::vector<user_summary>>(
        self,
        [=](std::vector<answer<std::vector<user_summary>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<user_summary> all;
          for (auto& x : answers)
            all.insert(all.end(), x.value->begin(), x.value->end());
          std::sort(all.begin(), all.end(), [](auto& x, auto& y) {
            return std::tie(x.nickname, x.employee_id)
                   < std::tie(y.nickname, y.employee_id);
          });
          if (all.size() > static_cast<size_t>(limit))
            all.resize(limit);
          rp.deliver(std::move(all));
        },
        a, term, limit);
      return rp;
    },
    [=](usr_shard_atom, const std::string& key) {
      auto slot = slot_of(key);
      return key_location{key, slot, self->state.slots.shard_of_slot(slot)};
    },
    // -- parties -------------------------------------------------------
    [=](pty_create_atom a, party_record p) -> caf::result<party_view> {
      normalize_members(p);
      if (auto v = validate_new_party(p); !v.ok())
        return make_error(v);
      auto rp = self->make_response_promise<party_view>();
      require_users(self, p.member_ids, rp, [=]() mutable {
        self
          ->request(region_of_user(self, p.host_employee_id), timeout(self), a,
                    p)
          .then([=](party_view& v) mutable { deliver_enriched(self, v, rp); },
                [=](caf::error& e) mutable { rp.deliver(e); });
      });
      return rp;
    },
    [=](pty_get_atom a, int64_t id) { return party_command(self, id, a, id); },
    [=](pty_join_atom a, int64_t id,
        const std::string& user) -> caf::result<party_view> {
      if (user.empty())
        return make_error(errc::invalid_argument, "employee_id: required");
      auto rp = self->make_response_promise<party_view>();
      require_users(self, {user}, rp, [=]() mutable {
        forward_party_command(self, rp, id, a, id, user);
      });
      return rp;
    },
    [=](pty_leave_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, a, id, user);
    },
    [=](pty_update_atom a, const party_patch& p) {
      return party_command(self, p.id, a, p);
    },
    [=](pty_delete_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, a, id, user);
    },
    [=](pty_mine_atom a, const std::string& user, bool regular_only) {
      auto rp = self->make_response_promise<std::vector<party_view>>();
      ask_all<std::vector<party_record>>(
        self,
        [=](std::vector<answer<std::vector<party_record>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<party_record> all;
          for (auto& x : answers)
            for (auto& p : *x.value)
              if (!regular_only || !p.is_from_match)
                all.push_back(std::move(p));
          std::sort(all.begin(), all.end(), party_order);
          gather<party_view>(
            all.size(),
            [=](size_t i) {
              // Member names come from the user entities, via the gateway.
              return self->request(caf::actor_cast<gateway_actor>(self),
                                   timeout(self), pty_get_atom::value,
                                   all[i].id);
            },
            [=](std::vector<answer<party_view>> views) mutable {
              std::vector<party_view> result;
              for (size_t i = 0; i < views.size(); ++i)
                result.push_back(views[i].value
                                   ? *views[i].value
                                   : party_view{all[i], {}, false});
              rp.deliver(std::move(result));
            });
        },
        a, user);
      return rp;
    },
    [=](pty_list_atom a, party_filter filter) {
      auto rp = self->make_response_promise<std::vector<party_record>>();
      filter.limit = std::clamp(filter.limit, 1, 1000);
      ask_all<std::vector<party_record>>(
        self,
        [=](std::vector<answer<std::vector<party_record>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<party_record> all;
          for (auto& x : answers)
            all.insert(all.end(), x.value->begin(), x.value->end());
          std::sort(all.begin(), all.end(),
                    [](auto& x, auto& y) { return x.id > y.id; });
          if (all.size() > static_cast<size_t>(filter.limit))
            all.resize(filter.limit);
          rp.deliver(std::move(all));
        },
        a, filter);
      return rp;
    },
    // -- shards and node -----------------------------------------------
    [=](shd_map_atom) { return self->state.slots.ranges(); },
    [=](shd_stats_atom a) {
      auto rp = self->make_response_promise<std::vector<shard_stats>>();
      ask_all<shard_stats>(
        self,
        [=](std::vector<answer<shard_stats>> answers) mutable {
          std::vector<shard_stats> result;
          for (size_t i = 0; i < answers.size(); ++i) {
            if (answers[i].value) {
              result.push_back(*answers[i].value);
            } else {
              shard_stats s;
              s.shard = static_cast<int32_t>(i);
              auto msg = message_of(answers[i].error);
              s.error = msg.empty() ? to_string(errc_of(answers[i].error))
                                    : msg;
              result.push_back(std::move(s));
            }
          }
          rp.deliver(std::move(result));
        },
        a);
      return rp;
    },
    [=](shd_plan_atom) {
      auto rp = self->make_response_promise<rebalance_plan>();
      ask_all<shard_stats>(
        self,
        [=](std::vector<answer<shard_stats>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<int64_t> users;
          for (auto& x : answers)
            users.push_back(x.value->user_count);
          rp.deliver(plan_rebalance(users));
        },
        shd_stats_atom::value);
      return rp;
    },
    [=](nod_status_atom a) {
      auto rp = self->make_response_promise<node_status>();
      ask_all<region_status>(
        self,
        [=](std::vector<answer<region_status>> regions) mutable {
          ask_all<shard_stats>(
            self,
            [=](std::vector<answer<shard_stats>> stats) mutable {
              auto& st = self->state;
              node_status s;
              s.node = st.settings.node;
              s.host = st.settings.host;
              s.port = st.settings.port;
              s.shard_count = shard_count(self);
              s.uptime_ms
                = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - st.started)
                    .count();
              for (auto& r : regions)
                if (r.value) {
                  s.active_users += r.value->active_users;
                  s.active_parties += r.value->active_parties;
                }
              for (size_t i = 0; i < stats.size(); ++i)
                if (!stats[i].value)
                  s.unreachable_shards.push_back(static_cast<int32_t>(i));
              rp.deliver(std::move(s));
            },
            shd_stats_atom::value);
        },
        a);
      return rp;
    },
    // -- points --------------------------------------------------------
    [=](pts_award_atom a, const points_award& award) {
      self->send(region_of_user(self, award.employee_id), a, award);
    },
    [=](pts_scan_atom a, const std::string& user) {
      auto rp = self->make_response_promise<std::vector<points_mark>>();
      ask_all<points_mark>(
        self,
        [=](std::vector<answer<points_mark>> answers) mutable {
          std::vector<points_mark> marks;
          for (auto& x : answers)
            if (x.value)
              marks.push_back(*x.value);
          rp.deliver(std::move(marks));
        },
        a, user);
      return rp;
    },
    // -- debug ---------------------------------------------------------
    [=](dbg_crash_atom, const std::string& path, bool every_message) {
      return crash(self, path, every_message);
    },
    [=](dbg_heal_atom, const std::string& path) -> caf::result<bool> {
      if (!self->state.settings.faults)
        return fault_injection_off(self);
      log::info("debug.heal", {{"actor", path}});
      return self->state.settings.faults->disarm(path);
    },
    [=](dbg_tree_atom) -> caf::result<std::vector<tree_line>> {
      auto& st = self->state;
      if (!st.settings.faults)
        return fault_injection_off(self);
      auto root = st.settings.directory->get("node");
      if (!root)
        return make_error(errc::unavailable, "the node is stopping");
      auto rp = self->make_response_promise<std::vector<tree_line>>();
      self->request(root, timeout(self), sup_tree_atom::value)
        .then([=](std::vector<tree_line>& lines) mutable { rp.deliver(lines); },
              [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](dbg_crash_atom) -> void { throw injected_fault("gateway"); },
  };
}

} // namespace

caf::actor spawn_gateway(caf::local_actor* parent, gateway_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn(gateway, std::move(settings)));
}

} // namespace lunch
