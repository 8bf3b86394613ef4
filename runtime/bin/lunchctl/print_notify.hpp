#pragma once

// What `lunchctl notify` prints: the inbox in the old app's shape
// (`GET /notifications/<id>`, spec §10.1), fields in the old app's order,
// and as a table.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/notification_model.hpp"

namespace lunch::ctl {

/// Nicknames of the users notifications point at, by employee id.
using sender_names = std::map<std::string, std::string>;

/// The employee ids of the related users (related_type "user"), once each.
std::vector<std::string> sender_ids(const std::vector<notification>& xs);

/// `{id, type, title, message, icon, is_read, created_at, related_id (null
/// if none), related_type, sender_info}`; sender_info is `{employee_id,
/// nickname}` for a related user found in `senders`, else null.
nlohmann::ordered_json to_json(const notification& x,
                               const sender_names& senders);

/// `{unread_count, notifications: [...]}`.
nlohmann::ordered_json to_json(const notification_inbox& x,
                               const sender_names& senders);

/// "key: value" lines of one notification, in the JSON's order.
void print_notification(const notification& x);

/// "unread: N", then ID, CREATED, READ, TYPE and the icon, title and
/// message of each.
void print_inbox(const notification_inbox& x);

} // namespace lunch::ctl
