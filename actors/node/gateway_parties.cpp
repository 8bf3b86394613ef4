#include "actors/node/gateway_parties.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "actors/node/routing.hpp"
#include "actors/party/party_rules.hpp"
#include "messages/errors.hpp"

namespace lunch {

namespace {

using self_ptr = gateway_self;
template <class T>
using promise = caf::typed_response_promise<T>;

// Reads may be sent twice (to a new owner after a failover); writes as
// retryable() says.
constexpr bool read = true;

// The briefs (name, preferences) of `ids`, in their order: one request per
// shard holding some of them, not one per user. An unknown user's answer
// is `not_found`; a shard that fails gives its error to all of its users.
// With `cached`, briefs the gateway holds are taken from its cache and only
// the others are asked for; every brief fetched is kept there.
void ask_briefs(self_ptr self, const std::vector<std::string>& ids, bool cached,
                std::function<void(std::vector<answer<member_view>>)> done) {
  std::vector<answer<member_view>> known(ids.size());
  std::map<int32_t, std::vector<size_t>> by_shard;
  auto now = self->clock().now();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (cached)
      if (auto hit = self->state.briefs.find(ids[i], now)) {
        known[i].value = std::move(*hit);
        continue;
      }
    by_shard[shard_of_user(self, ids[i])].push_back(i);
  }
  if (by_shard.empty()) {
    done(std::move(known));
    return;
  }
  std::vector<int32_t> shards;
  std::vector<std::vector<size_t>> positions;
  for (auto& [shard, at] : by_shard) {
    shards.push_back(shard);
    positions.push_back(std::move(at));
  }
  using briefs = std::vector<member_view>;
  gather_with<briefs>(
    shards.size(),
    [=](size_t k, auto ok, auto fail) {
      std::vector<user_key> batch;
      for (auto i : positions[k])
        batch.push_back(user_key{ids[i]});
      ask<briefs>(self, shards[k], read, ok, fail, usr_brief_atom::value,
                  std::move(batch));
    },
    [=](std::vector<answer<briefs>> answers) mutable {
      auto& cache = self->state.briefs;
      auto now = self->clock().now();
      auto result = std::move(known);
      for (size_t k = 0; k < answers.size(); ++k)
        for (size_t j = 0; j < positions[k].size(); ++j) {
          auto& out = result[positions[k][j]];
          if (!answers[k].value) {
            out.error = answers[k].error;
          } else if (answers[k].value->size() <= j) {
            out.error = make_error(errc::unavailable,
                                   "shard " + std::to_string(shards[k])
                                     + " answered too few briefs");
          } else if (auto& brief = (*answers[k].value)[j];
                     !brief.employee_id.empty()) {
            cache.put(brief, now);
            out.value = std::move(brief);
          } else {
            cache.forget(ids[positions[k][j]]);
            out.error = make_error(errc::not_found, "no such user");
          }
        }
      done(std::move(result));
    });
}

// The member views of a party from the briefs of its members; one that
// cannot be resolved (deleted, or on an unreachable shard) is shown by id.
std::vector<member_view> members_of(const party_record& p,
                                    std::vector<answer<member_view>>& briefs,
                                    size_t first) {
  std::vector<member_view> members;
  for (size_t i = 0; i < p.member_ids.size(); ++i) {
    auto& brief = briefs[first + i];
    member_view m;
    if (brief.value)
      m = *brief.value;
    else
      m.employee_id = p.member_ids[i];
    m.is_host = p.member_ids[i] == p.host_employee_id;
    members.push_back(std::move(m));
  }
  return members;
}

// Resolves the members of every party with one batch of briefs (`cached`
// as ask_briefs takes it).
template <class Done>
void resolve_parties(self_ptr self, std::vector<party_record> parties,
                     bool cached, Done done) {
  std::vector<std::string> ids;
  for (auto& p : parties)
    ids.insert(ids.end(), p.member_ids.begin(), p.member_ids.end());
  ask_briefs(
    self, ids, cached, [=](std::vector<answer<member_view>> briefs) mutable {
      std::vector<party_view> views;
      size_t first = 0;
      for (auto& p : parties) {
        views.push_back(party_view{p, members_of(p, briefs, first), false});
        first += p.member_ids.size();
      }
      done(std::move(views));
    });
}

// A read shows every member as their entity has it now; a write's reply
// takes the members' briefs from the gateway's cache (the joiner's or the
// new party's members were fetched just before, to check they exist).
void deliver_enriched(self_ptr self, party_view v, bool cached,
                      promise<party_view> rp) {
  if (v.deleted) {
    rp.deliver(std::move(v));
    return;
  }
  resolve_parties(self, {v.party}, cached,
                  [=](std::vector<party_view> views) mutable {
                    rp.deliver(std::move(views.front()));
                  });
}

// Forwards a party command to its entity and fills in the members (from
// the cache for a write's reply: `cached`).
template <class... Ts>
void forward_party_command(self_ptr self, promise<party_view> rp, party_id id,
                           bool safe, bool cached, Ts... xs) {
  if (id.value <= 0) {
    rp.deliver(
      make_error(errc::not_found, "party " + to_string(id) + " not found"));
    return;
  }
  ask<party_view>(
    self, self->state.slots.shard_of_party(id.value), safe,
    [=](party_view& v) mutable { deliver_enriched(self, v, cached, rp); },
    [=](caf::error& e) mutable { rp.deliver(e); }, xs...);
}

template <class... Ts>
promise<party_view>
party_command(self_ptr self, party_id id, bool safe, bool cached, Ts... xs) {
  auto rp = self->make_response_promise<party_view>();
  forward_party_command(self, rp, id, safe, cached, xs...);
  return rp;
}

// Runs `next` once every id names an existing user; replies not_found (or
// the first failure) otherwise.
template <class T, class Next>
void require_users(self_ptr self, std::vector<std::string> ids, promise<T> rp,
                   Next next) {
  ask_briefs(
    self, ids, false, [=](std::vector<answer<member_view>> answers) mutable {
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

} // namespace

caf::result<party_view> create_party(self_ptr self, party_record p,
                                     const request_id& rid) {
  normalize_members(p);
  if (auto v = validate_new_party(p); !v.ok())
    return make_error(v);
  auto rp = self->make_response_promise<party_view>();
  require_users(self, p.member_ids, rp, [=]() mutable {
    ask<party_view>(
      self, shard_of_user(self, p.host_employee_id), retryable(rid),
      [=](party_view& v) mutable { deliver_enriched(self, v, true, rp); },
      [=](caf::error& e) mutable { rp.deliver(e); }, pty_create_atom::value, p,
      rid);
  });
  return rp;
}

caf::result<party_view> get_party(self_ptr self, party_id id) {
  return party_command(self, id, read, false, pty_get_atom::value, id);
}

caf::result<party_view> join_party(self_ptr self, party_id id,
                                   const user_key& user,
                                   const request_id& rid) {
  if (user.value.empty())
    return make_error(errc::invalid_argument, "employee_id: required");
  auto rp = self->make_response_promise<party_view>();
  require_users(self, {user.value}, rp, [=]() mutable {
    forward_party_command(self, rp, id, retryable(rid), true,
                          pty_join_atom::value, id, user, rid);
  });
  return rp;
}

caf::result<party_view> leave_party(self_ptr self, party_id id,
                                    const user_key& user,
                                    const request_id& rid) {
  return party_command(self, id, retryable(rid), true, pty_leave_atom::value,
                       id, user, rid);
}

caf::result<party_view> update_party(self_ptr self, const party_patch& p,
                                     const request_id& rid) {
  return party_command(self, party_id{p.id}, retryable(rid), true,
                       pty_update_atom::value, p, rid);
}

caf::result<party_view> delete_party(self_ptr self, party_id id,
                                     const user_key& user,
                                     const request_id& rid) {
  return party_command(self, id, retryable(rid), true, pty_delete_atom::value,
                       id, user, rid);
}

caf::result<std::vector<party_view>>
parties_of(self_ptr self, const user_key& user, bool regular_only) {
  auto rp = self->make_response_promise<std::vector<party_view>>();
  ask_all_joined<party_record>(
    self, rp,
    [=](std::vector<party_record> all) mutable {
      if (regular_only)
        all.erase(std::remove_if(all.begin(), all.end(),
                                 [](auto& p) { return p.is_from_match; }),
                  all.end());
      std::sort(all.begin(), all.end(), party_order);
      resolve_parties(self, std::move(all), false,
                      [=](std::vector<party_view> views) mutable {
                        rp.deliver(std::move(views));
                      });
    },
    pty_mine_atom::value, user);
  return rp;
}

caf::result<std::vector<party_record>> list_parties(self_ptr self,
                                                    party_filter filter) {
  auto rp = self->make_response_promise<std::vector<party_record>>();
  filter.limit = std::clamp(filter.limit, 1, 1000);
  ask_all_joined<party_record>(
    self, rp,
    [=](std::vector<party_record> all) mutable {
      std::sort(all.begin(), all.end(),
                [](auto& x, auto& y) { return x.id > y.id; });
      if (all.size() > static_cast<size_t>(filter.limit))
        all.resize(filter.limit);
      rp.deliver(std::move(all));
    },
    pty_list_atom::value, filter);
  return rp;
}

} // namespace lunch
