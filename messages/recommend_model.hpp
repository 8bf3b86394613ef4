#pragma once

// Records of the recommendation feature (spec §4, docs/recommend.md) and
// of personal calendar entries. CAF-free; `messages/recommend_inspect.hpp`
// adds the serialisation for the wire.

#include <cstdint>
#include <string>
#include <vector>

namespace lunch::rec {

/// A date as a day number (days since 1970-01-01); actors/recommend/
/// calendar_days.hpp converts.
using day_t = int64_t;

} // namespace lunch::rec

namespace lunch {

/// A personal calendar entry (the old app's personal_schedule, §2.4/§10.4).
/// `recurrence` is "" (one day), "weekly", "monthly" or "yearly"; a
/// recurring entry repeats every `interval` units up to `until` (inclusive,
/// "" = open-ended).
struct calendar_entry {
  int64_t id = 0;
  std::string employee_id;
  std::string date; // YYYY-MM-DD, the first occurrence
  std::string title;
  std::string description;
  std::string recurrence;
  int32_t interval = 1;
  std::string until;
  std::string created_at;
};

/// What recommendations need to know of a user.
struct rec_user {
  std::string employee_id;
  std::string nickname;
  std::string gender;
  std::string age_group;
  std::string main_dish_genre;
  std::vector<std::string> lunch_styles;
  std::vector<std::string> food_preferences;
  std::vector<std::string> allergies;
  std::string preferred_time;
  std::vector<std::string> frequent_areas;
};

/// Party memberships of one user counted on one shard (pattern score).
struct rec_count {
  std::string employee_id;
  int64_t parties = 0;
};

/// A user who is a member (or the host) of party `party_id` on `date`.
/// Keyed by party, so a notice applied twice changes nothing.
struct rec_busy {
  std::string employee_id;
  std::string date;
  int64_t party_id = 0;
};

/// The latest party before today that `host` hosted with `member` in it.
struct rec_dined {
  std::string host;
  std::string member;
  std::string date;
};

/// One shard's share of the recommendation inputs: its users, the party
/// memberships recorded on it (counts, busy days from `today` on, latest
/// past party per host/member pair) and its calendar entries.
struct rec_shard_snapshot {
  int32_t shard = 0;
  std::vector<rec_user> users;
  std::vector<rec_count> counts;
  std::vector<rec_busy> busy;
  std::vector<rec_dined> dined;
  std::vector<calendar_entry> calendar;
};

/// A committed change that can alter recommendations, sent by the entity
/// that made it. `kind`:
///   user_upsert   user = the new profile
///   user_delete   user.employee_id
///   member_add    busy = (member, party date); counts +1
///   member_remove busy = (member, party date); counts −1
///   calendar_add  entry = the new entry
///   calendar_delete entry = the removed entry
struct rec_change {
  std::string kind;
  rec_user user;
  rec_busy busy;
  calendar_entry entry;
};

} // namespace lunch
