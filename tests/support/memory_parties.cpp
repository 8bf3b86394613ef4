// The parties of the in-memory shard database (memory_store.hpp), with the
// rules of their statements in actors/shard/pg_parties.cpp.

#include <algorithm>

#include "actors/shard/slot_map.hpp"
#include "runtime/db/map_error.hpp"
#include "tests/support/memory_store.hpp"

namespace lunch::testing {

namespace {

using db::domain_error;

bool has_member(const party_record& p, const std::string& user) {
  return std::find(p.member_ids.begin(), p.member_ids.end(), user)
         != p.member_ids.end();
}

domain_error no_party(int64_t id) {
  return domain_error(errc::not_found,
                      "party " + std::to_string(id) + " not found");
}

} // namespace

std::vector<int64_t> memory_store::purge_user(const std::string& id) {
  auto t = tx("purge_user");
  std::vector<int64_t> touched;
  for (auto i = t->parties.begin(); i != t->parties.end();) {
    auto& p = i->second;
    bool hosts = p.host_employee_id == id;
    if (hosts || has_member(p, id)) {
      touched.push_back(p.id);
      for (auto& m : hosts ? p.member_ids : std::vector<std::string>{id})
        emit(*t, events::party_left(p.id, m, p.party_date));
    }
    if (hosts) {
      i = t->parties.erase(i);
      continue;
    }
    auto& ms = p.member_ids;
    ms.erase(std::remove(ms.begin(), ms.end(), id), ms.end());
    ++i;
  }
  auto& l = t->ledger;
  l.erase(std::remove_if(l.begin(), l.end(),
                         [&](auto& r) { return r.employee_id == id; }),
          l.end());
  return touched;
}

// -- parties -----------------------------------------------------------------

party_created memory_store::insert_party(const party_record& p,
                                         int64_t host_points) {
  auto t = tx("insert_party");
  if (t->users.count(p.host_employee_id) == 0)
    throw domain_error(errc::not_found, "host_employee_id: user "
                                          + p.host_employee_id + " not found");
  auto stored = p;
  stored.id = db_->next_id++ * 16384 + slot_of(p.host_employee_id);
  stored.created_at = memory_created_at;
  t->parties[stored.id] = stored;
  auto ledger_id = add_ledger_row(*t, p.host_employee_id, host_points);
  party_created created{
    stored, {p.host_employee_id, db_->shard, ledger_id, host_points}};
  emit(*t, events::party_created(created.party, created.award));
  return created;
}

party_lookup memory_store::load_party(int64_t id) {
  auto t = tx("load_party");
  auto i = t->parties.find(id);
  if (i == t->parties.end())
    return {};
  return {true, i->second};
}

// Like the statement: the capacity is checked again here.
points_award memory_store::add_member(int64_t party, const std::string& user,
                                      int64_t points) {
  auto t = tx("add_member");
  auto i = t->parties.find(party);
  if (i == t->parties.end())
    throw no_party(party);
  auto& p = i->second;
  if (static_cast<int64_t>(p.member_ids.size()) >= p.max_members)
    throw domain_error(errc::party_full, "party is full");
  if (has_member(p, user))
    throw domain_error(errc::already_joined, "already joined");
  p.member_ids.push_back(user);
  points_award award{user, db_->shard, add_ledger_row(*t, user, points),
                     points};
  emit(*t, events::party_joined(party, user, p.host_employee_id, p.title,
                                p.party_date, award));
  return award;
}

bool memory_store::remove_member(int64_t party, const std::string& user) {
  auto t = tx("remove_member");
  auto i = t->parties.find(party);
  if (i == t->parties.end() || i->second.host_employee_id == user
      || !has_member(i->second, user))
    throw domain_error(errc::not_member, "not a member of this party");
  auto& ms = i->second.member_ids;
  ms.erase(std::remove(ms.begin(), ms.end(), user), ms.end());
  emit(*t, events::party_left(party, user, i->second.party_date));
  return true;
}

bool memory_store::save_party(const party_record& p) {
  auto t = tx("save_party");
  auto i = t->parties.find(p.id);
  if (i == t->parties.end())
    throw no_party(p.id);
  auto old_date = i->second.party_date;
  auto stored = p;
  stored.host_employee_id = i->second.host_employee_id;
  stored.is_from_match = i->second.is_from_match;
  stored.created_at = i->second.created_at;
  stored.member_ids = i->second.member_ids;
  i->second = stored;
  emit(*t,
       events::party_updated(p.id, old_date, p.party_date, stored.member_ids));
  return true;
}

bool memory_store::delete_party(int64_t id) {
  auto t = tx("delete_party");
  auto i = t->parties.find(id);
  if (i == t->parties.end())
    throw no_party(id);
  emit(*t,
       events::party_deleted(id, i->second.party_date, i->second.member_ids));
  t->parties.erase(i);
  return true;
}

std::vector<party_record> memory_store::parties_of(const std::string& user) {
  auto t = tx("parties_of");
  std::vector<party_record> out;
  for (auto i = t->parties.rbegin(); i != t->parties.rend(); ++i)
    if (has_member(i->second, user))
      out.push_back(i->second);
  return out;
}

std::vector<party_record> memory_store::list(const party_filter& filter) {
  auto t = tx("list");
  std::vector<party_record> out;
  for (auto i = t->parties.rbegin(); i != t->parties.rend(); ++i) {
    auto& p = i->second;
    bool wanted = filter.is_from_match && !filter.employee_id.empty()
                    ? p.is_from_match && has_member(p, filter.employee_id)
                    : !p.is_from_match;
    if (wanted && out.size() < static_cast<size_t>(filter.limit))
      out.push_back(p);
  }
  return out;
}

shard_stats memory_store::stats() {
  auto t = tx("stats");
  shard_stats s;
  s.shard = db_->shard;
  s.reachable = true;
  s.user_count = static_cast<int64_t>(t->users.size());
  s.party_count = static_cast<int64_t>(t->parties.size());
  for (auto& [id, p] : t->parties)
    s.member_count += static_cast<int64_t>(p.member_ids.size());
  return s;
}

} // namespace lunch::testing
