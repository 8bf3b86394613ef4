#include "actors/node/gateway_maintenance.hpp"

#include "actors/maintenance/maintenance_rules.hpp"
#include "actors/node/routing.hpp"
#include "actors/party/party_rules.hpp"

namespace lunch {

namespace {

caf::error bad_date(const char* field) {
  return make_error(errc::invalid_argument,
                    std::string{field} + ": must be a date YYYY-MM-DD");
}

// The answers of the shards in `targets`, placed by shard (the others as
// successes), so that first_failure names the shards that did not answer.
template <class T>
std::vector<answer<T>> by_shard(std::vector<answer<T>> answers,
                                const std::vector<int32_t>& targets,
                                size_t shards) {
  std::vector<answer<T>> out(shards);
  for (auto& x : out)
    x.value.emplace();
  for (size_t i = 0; i < answers.size(); ++i)
    out[static_cast<size_t>(targets[i])] = std::move(answers[i]);
  return out;
}

// Sends every shard in `targets` its share of the summed counts to store.
void store_analytics(gateway_self self,
                     caf::typed_response_promise<analytics_summary> rp,
                     std::vector<std::vector<analytics_counts>> per_shard,
                     std::vector<int32_t> targets, const std::string& day,
                     const std::string& only_user, const request_id& rid) {
  auto shards = self->state.routes.size();
  gather_with<int64_t>(
    targets.size(),
    [=](size_t i, auto ok, auto fail) {
      auto shard = targets[i];
      ask<int64_t>(self, shard, retryable(rid), ok, fail, mnt_store_atom::value,
                   day, per_shard[static_cast<size_t>(shard)], only_user,
                   request_id{shard_request_id(rid.value, shard)});
    },
    [=](std::vector<answer<int64_t>> written) mutable {
      if (auto err = first_failure(by_shard(written, targets, shards))) {
        rp.deliver(err);
        return;
      }
      analytics_summary summary;
      summary.shards = static_cast<int64_t>(targets.size());
      for (auto& x : written)
        summary.users += *x.value;
      if (!only_user.empty() && summary.users == 0)
        rp.deliver(
          make_error(errc::not_found, "user " + only_user + " not found"));
      else
        rp.deliver(summary);
    });
}

} // namespace

caf::result<std::vector<cleanup_counts>>
cleanup_expired_data(gateway_self self, const std::string& today,
                     const request_id& rid) {
  auto cutoff = party_cutoff(today);
  if (!cutoff)
    return bad_date("today");
  auto rp = self->make_response_promise<std::vector<cleanup_counts>>();
  auto shards = self->state.routes.size();
  gather_with<cleanup_counts>(
    shards,
    [=](size_t i, auto ok, auto fail) {
      auto shard = static_cast<int32_t>(i);
      ask<cleanup_counts>(self, shard, retryable(rid), ok, fail,
                          mnt_clean_atom::value, *cutoff,
                          notification_retention_days,
                          request_id{shard_request_id(rid.value, shard)});
    },
    [=](std::vector<answer<cleanup_counts>> answers) mutable {
      if (auto err = first_failure(answers)) {
        rp.deliver(err);
        return;
      }
      std::vector<cleanup_counts> counts;
      for (auto& x : answers)
        counts.push_back(std::move(*x.value));
      rp.deliver(std::move(counts));
    });
  return rp;
}

caf::result<analytics_summary>
process_user_analytics(gateway_self self, const std::string& day,
                       const std::string& only_user, const request_id& rid) {
  if (!is_iso_date(day))
    return bad_date("date");
  auto rp = self->make_response_promise<analytics_summary>();
  // Scans are reads: safe to send again after a failover.
  ask_all<std::vector<analytics_counts>>(
    self, true,
    [=](std::vector<answer<std::vector<analytics_counts>>> scans) mutable {
      if (auto err = first_failure(scans)) {
        rp.deliver(err);
        return;
      }
      std::vector<std::vector<analytics_counts>> counts;
      for (auto& x : scans)
        counts.push_back(std::move(*x.value));
      auto per_shard = split_by_shard(merge_counts(counts), self->state.slots);
      std::vector<int32_t> targets;
      if (only_user.empty())
        for (size_t i = 0; i < per_shard.size(); ++i)
          targets.push_back(static_cast<int32_t>(i));
      else
        targets.push_back(self->state.slots.shard_of_key(only_user));
      store_analytics(self, rp, std::move(per_shard), std::move(targets), day,
                      only_user, rid);
    },
    mnt_scan_atom::value, day, only_user);
  return rp;
}

caf::result<user_analytics> read_user_analytics(gateway_self self,
                                                const std::string& user,
                                                const std::string& day) {
  if (user.empty())
    return make_error(errc::invalid_argument, "employee_id: required");
  if (!day.empty() && !is_iso_date(day))
    return bad_date("date");
  return forward<user_analytics>(self, self->state.slots.shard_of_key(user),
                                 true, mnt_get_atom::value, user, day);
}

} // namespace lunch
