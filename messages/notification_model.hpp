#pragma once

// Notifications (spec §10.1): the inbox rows of a user. CAF-free;
// `messages/notification_inspect.hpp` adds the serialisation.

#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

/// One inbox row. Its id is seq × 16384 + the recipient's slot, so it
/// routes to the recipient's shard like a party id.
struct notification {
  int64_t id = 0;          // set by the shard
  std::string employee_id; // the recipient
  std::string type; // party_invite, party_join, points_earned, general …
  std::string title;
  std::string message;
  int64_t related_id = 0; // 0 = none
  std::string related_type;
  bool is_read = false;
  std::string created_at; // "YYYY-MM-DD HH:MM:SS", Asia/Seoul
};

/// A user's inbox as `GET /notifications/<id>` shows it: the unread count
/// and the newest 50 (or only the unread ones).
struct notification_inbox {
  int64_t unread_count = 0;
  std::vector<notification> notifications;
};

} // namespace lunch
