#pragma once

// Domain events (spec: the old app's RabbitMQ events, now an outbox in each
// shard database): what each kind carries, and what each subscriber makes
// of it. CAF-free. The payloads are JSON objects:
//
//   user.created / user.updated  {"user": {employee_id, nickname, gender,
//                                  age_group, main_dish_genre, lunch_styles,
//                                  food_preferences, allergies,
//                                  preferred_time, frequent_areas}}
//   user.deleted                 {"employee_id"}
//   party.created  {"party_id", "host", "title", "date", "members" (host
//                   first), "award": {employee_id, shard, ledger_id, points}}
//   party.joined   {"party_id", "user", "host", "title", "date", "award"}
//   party.left     {"party_id", "user", "date"}
//   party.updated  {"party_id", "old_date", "date", "members"}
//   party.deleted  {"party_id", "date", "members"}
//   schedule.changed {"op": "add" | "delete", "entry": {id, employee_id,
//                   date, title, description, recurrence, interval, until}}
//
// Entities ("party:<id>", "user:<id>") order delivery: the events of one
// entity reach a subscriber in commit order.

#include <string>
#include <vector>

#include "messages/event_model.hpp"
#include "messages/model.hpp"
#include "messages/notification_model.hpp"
#include "messages/recommend_model.hpp"

namespace lunch::events {

/// An event before the shard gives it an id.
struct draft {
  std::string entity;
  std::string kind;
  std::string payload;
};

draft user_saved(const user_profile& p, bool created);
draft user_deleted(const std::string& employee_id);
draft party_created(const party_record& p, const points_award& award);
draft party_joined(int64_t party, const std::string& user,
                   const std::string& host, const std::string& title,
                   const std::string& date, const points_award& award);
draft party_left(int64_t party, const std::string& user,
                 const std::string& date);
draft party_updated(int64_t party, const std::string& old_date,
                    const std::string& date,
                    const std::vector<std::string>& members);
draft party_deleted(int64_t party, const std::string& date,
                    const std::vector<std::string>& members);
draft schedule_changed(const calendar_entry& e, bool added);

/// The subscribers, each with its own cursor per shard.
inline constexpr const char* notifications_subscriber = "notifications";
inline constexpr const char* recommend_subscriber = "recommend";
const std::vector<std::string>& subscribers();

/// Events every subscriber has had stay in the outbox this long (for
/// inspection and audits), then the relay's cursor saves delete them.
inline constexpr int64_t outbox_retention_s = 3600;

/// A notification to insert, with the key that makes a repeated delivery
/// insert nothing.
struct notice {
  notification row;
  std::string dedupe_key;
};

/// Notifications (spec §10.1, S5, S7): party_invite to every initial
/// member but the host, party_join to the host, points_earned for an award
/// of 50 points or more (§8.1). `shard` is the event's shard (part of the
/// dedupe key, as event ids are per shard).
std::vector<notice> notices_of(const domain_event& e, int32_t shard);

/// Recommendations: the change notices of the event.
std::vector<rec_change> rec_changes_of(const domain_event& e);

} // namespace lunch::events
