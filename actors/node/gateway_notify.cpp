#include "actors/node/gateway_notify.hpp"

#include <map>

#include "actors/node/routing.hpp"
#include "actors/notify/notification_rules.hpp"

namespace lunch {

namespace {

// A notification id carries its recipient's slot, like a party id.
int32_t shard_of_id(gateway_self self, int64_t id) {
  return self->state.slots.shard_of_party(id);
}

caf::error no_user() {
  return make_error(errc::invalid_argument, "employee_id: required");
}

caf::error no_notification(int64_t id) {
  return make_error(errc::not_found,
                    "notification " + std::to_string(id) + " not found");
}

// Defaults filled and checked; the shard sets id, is_read and created_at.
outcome prepare(notification& n) {
  apply_notification_defaults(n);
  n.id = 0;
  n.is_read = false;
  n.created_at.clear();
  return validate_notification(n);
}

// One shard's share of a batch.
struct shard_batch {
  int32_t shard = 0;
  std::vector<notification> ns;
  std::vector<std::string> keys; // none, or one per notification
  bool all_keyed = true;         // every row has a dedupe key: resendable
};

} // namespace

caf::result<bool> add_notification(gateway_self self, notification n,
                                   const std::string& dedupe_key,
                                   const request_id& rid) {
  if (auto v = prepare(n); !v.ok())
    return make_error(v);
  // A used dedupe key inserts nothing, so a resend cannot add a second row.
  bool safe = !dedupe_key.empty() || retryable(rid);
  return forward<bool>(self, shard_of_user(self, n.employee_id), safe,
                       ntf_add_atom::value, n, dedupe_key, rid);
}

caf::result<std::vector<int64_t>>
add_notifications(gateway_self self, std::vector<notification> ns,
                  const std::vector<std::string>& dedupe_keys,
                  const request_id& rid) {
  if (!dedupe_keys.empty() && dedupe_keys.size() != ns.size())
    return make_error(errc::invalid_argument,
                      "dedupe_keys: give none or one per notification");
  std::map<int32_t, shard_batch> by_shard;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (auto v = prepare(ns[i]); !v.ok())
      return make_error(v.code, "notifications[" + std::to_string(i) + "]."
                                  + v.message);
    auto shard = shard_of_user(self, ns[i].employee_id);
    auto& b = by_shard[shard];
    b.shard = shard;
    b.ns.push_back(std::move(ns[i]));
    b.all_keyed = b.all_keyed && !dedupe_keys.empty()
                  && !dedupe_keys[i].empty();
    if (!dedupe_keys.empty())
      b.keys.push_back(dedupe_keys[i]);
  }
  std::vector<shard_batch> batches;
  for (auto& entry : by_shard)
    batches.push_back(std::move(entry.second));
  auto rp = self->make_response_promise<std::vector<int64_t>>();
  auto shards = self->state.routes.size();
  gather_with<std::vector<int64_t>>(
    batches.size(),
    [=](size_t i, auto ok, auto fail) {
      const auto& b = batches[i];
      bool safe = b.all_keyed || retryable(rid);
      ask<std::vector<int64_t>>(self, b.shard, safe, ok, fail,
                                ntf_add_atom::value, b.ns, b.keys, rid);
    },
    [=](std::vector<answer<std::vector<int64_t>>> answers) mutable {
      // By shard, so that a failure names the shards that did not answer.
      std::vector<answer<std::vector<int64_t>>> per_shard(shards);
      std::vector<int64_t> sum(3, 0);
      for (auto& x : per_shard)
        x.value.emplace();
      for (size_t i = 0; i < answers.size(); ++i) {
        auto& x = per_shard[static_cast<size_t>(batches[i].shard)];
        x = std::move(answers[i]);
        if (x.value)
          for (size_t k = 0; k < sum.size() && k < x.value->size(); ++k)
            sum[k] += (*x.value)[k];
      }
      if (auto err = first_failure(per_shard))
        rp.deliver(err);
      else
        rp.deliver(std::move(sum));
    });
  return rp;
}

caf::result<notification_inbox>
list_notifications(gateway_self self, const user_key& user, bool unread_only) {
  if (user.value.empty())
    return no_user();
  return forward<notification_inbox>(self, shard_of_user(self, user.value),
                                     true, ntf_list_atom::value, user,
                                     unread_only);
}

caf::result<notification> read_notification(gateway_self self, int64_t id,
                                            const request_id& rid) {
  if (id <= 0)
    return no_notification(id);
  return forward<notification>(self, shard_of_id(self, id), retryable(rid),
                               ntf_read_atom::value, id, rid);
}

caf::result<int64_t> read_all_notifications(gateway_self self,
                                            const user_key& user,
                                            const request_id& rid) {
  if (user.value.empty())
    return no_user();
  return forward<int64_t>(self, shard_of_user(self, user.value), retryable(rid),
                          ntf_readall_atom::value, user, rid);
}

caf::result<bool> delete_notification(gateway_self self, int64_t id,
                                      const request_id& rid) {
  if (id <= 0)
    return no_notification(id);
  return forward<bool>(self, shard_of_id(self, id), retryable(rid),
                       ntf_delete_atom::value, id, rid);
}

caf::result<int64_t> clear_read_notifications(gateway_self self,
                                              const user_key& user,
                                              const request_id& rid) {
  if (user.value.empty())
    return no_user();
  return forward<int64_t>(self, shard_of_user(self, user.value), retryable(rid),
                          ntf_clear_atom::value, user, rid);
}

} // namespace lunch
