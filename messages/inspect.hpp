#pragma once

// Serialisation of the domain records (messages/model.hpp) for CAF.
// Every type here is registered in runtime/system_config.cpp under the same
// name on every node.

#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_key& x) {
  return f(caf::meta::type_name("lunch::user_key"), x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_id& x) {
  return f(caf::meta::type_name("lunch::party_id"), x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_id& x) {
  return f(caf::meta::type_name("lunch::request_id"), x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_profile& x) {
  return f(caf::meta::type_name("lunch::user_profile"), x.employee_id,
           x.nickname, x.email, x.gender, x.age_group, x.main_dish_genre,
           x.lunch_styles, x.food_preferences, x.allergies, x.preferred_time,
           x.frequent_areas, x.notification_settings, x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_patch& x) {
  return f(caf::meta::type_name("lunch::user_patch"), x.values, x.fields);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_view& x) {
  return f(caf::meta::type_name("lunch::user_view"), x.profile, x.total_points,
           x.current_level, x.shard);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_summary& x) {
  return f(caf::meta::type_name("lunch::user_summary"), x.employee_id,
           x.nickname, x.main_dish_genre, x.shard);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_record& x) {
  return f(caf::meta::type_name("lunch::party_record"), x.id,
           x.host_employee_id, x.title, x.restaurant_name, x.restaurant_address,
           x.party_date, x.party_time, x.meeting_location, x.max_members,
           x.is_from_match, x.created_at, x.member_ids);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_patch& x) {
  return f(caf::meta::type_name("lunch::party_patch"), x.id, x.actor_id,
           x.values, x.fields);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_view& x) {
  return f(caf::meta::type_name("lunch::member_view"), x.employee_id,
           x.nickname, x.lunch_preference, x.main_dish_genre, x.is_host);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_view& x) {
  return f(caf::meta::type_name("lunch::party_view"), x.party, x.members,
           x.deleted);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_filter& x) {
  return f(caf::meta::type_name("lunch::party_filter"), x.employee_id,
           x.is_from_match, x.limit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_location& x) {
  return f(caf::meta::type_name("lunch::key_location"), x.key, x.slot, x.shard);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, slot_range& x) {
  return f(caf::meta::type_name("lunch::slot_range"), x.first, x.last, x.shard);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_stats& x) {
  return f(caf::meta::type_name("lunch::shard_stats"), x.shard, x.reachable,
           x.user_count, x.party_count, x.member_count, x.bytes, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rebalance_step& x) {
  return f(caf::meta::type_name("lunch::rebalance_step"), x.shard, x.action,
           x.count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rebalance_plan& x) {
  return f(caf::meta::type_name("lunch::rebalance_plan"),
           x.current_distribution, x.average_users_per_shard, x.steps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("lunch::node_status"), x.node, x.host, x.port,
           x.shard_count, x.uptime_ms, x.active_users, x.active_parties,
           x.unreachable_shards);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, points_mark& x) {
  return f(caf::meta::type_name("lunch::points_mark"), x.shard, x.sum,
           x.max_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, points_award& x) {
  return f(caf::meta::type_name("lunch::points_award"), x.employee_id, x.shard,
           x.ledger_id, x.points);
}

} // namespace lunch
