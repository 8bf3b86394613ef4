#include <catch2/catch.hpp>

#include "actors/notify/notification_rules.hpp"

using namespace lunch;

namespace {

notification invite() {
  notification n;
  n.employee_id = "2";
  n.type = "party_invite";
  n.title = "파티 초대";
  n.message = "금요 점심에 초대되었습니다.";
  return n;
}

// The field a notification is refused for ("" when it is valid).
std::string refused_field(const notification& n) {
  auto r = validate_notification(n);
  if (r.ok())
    return "";
  CHECK(r.code == errc::invalid_argument);
  return r.message.substr(0, r.message.find(':'));
}

} // namespace

TEST_CASE("every notification type of the spec has its icon, others 📄",
          "[notify]") {
  CHECK(notification_icon("party_invite") == "🎉");
  CHECK(notification_icon("party_join") == "👥");
  CHECK(notification_icon("party_cancel") == "❌");
  CHECK(notification_icon("party_reminder") == "⏰");
  CHECK(notification_icon("friend_request") == "👋");
  CHECK(notification_icon("friend_accept") == "✅");
  CHECK(notification_icon("chat_message") == "💬");
  CHECK(notification_icon("points_earned") == "⭐");
  CHECK(notification_icon("badge_earned") == "🏆");
  CHECK(notification_icon("review_like") == "❤️");
  CHECK(notification_icon("system") == "📢");
  for (auto other : {"general", "voting_started", "restaurant_request", "",
                     "Party_Invite", "party_invite "})
    CHECK(notification_icon(other) == "📄");
}

TEST_CASE("an empty title or message gets the bulk sender's default",
          "[notify]") {
  notification n;
  n.employee_id = "1";
  n.type = "general";
  apply_notification_defaults(n);
  CHECK(n.title == "알림");
  CHECK(n.message == "새로운 알림이 있습니다.");
  CHECK(n.type == "general");
  auto given = invite();
  apply_notification_defaults(given);
  CHECK(given.title == "파티 초대");
  CHECK(given.message == "금요 점심에 초대되었습니다.");
}

TEST_CASE("a notification needs a recipient and a snake_case type",
          "[notify]") {
  CHECK(refused_field(invite()).empty());
  auto n = invite();
  n.employee_id.clear();
  CHECK(refused_field(n) == "employee_id");
  for (auto bad : {"", "Party", "party-invite", "파티", "a b",
                   "x23456789012345678901234567890123456789012345678901"}) {
    n = invite();
    n.type = bad;
    CHECK(refused_field(n) == "type");
  }
  n = invite();
  n.type = "x2345678901234567890123456789012345678901234567890";
  CHECK(refused_field(n).empty()); // 50 characters
  n = invite();
  n.title.clear();
  CHECK(refused_field(n) == "title");
  n.title = std::string(100, 'a');
  CHECK(refused_field(n).empty());
  n.title += "가";
  CHECK(refused_field(n) == "title");
  n = invite();
  n.message = "\xff";
  CHECK(refused_field(n) == "message");
  n.message = std::string(1001, 'm');
  CHECK(refused_field(n) == "message");
  n = invite();
  n.related_id = -1;
  CHECK(refused_field(n) == "related_id");
  n.related_id = 16385;
  n.related_type = "party";
  CHECK(refused_field(n).empty());
  n.related_type = std::string(51, 'p');
  CHECK(refused_field(n) == "related_type");
}

TEST_CASE("read-all and clear-read answer with the count", "[notify]") {
  CHECK(read_all_message(3) == "3개의 알림을 읽음으로 처리했습니다.");
  CHECK(read_all_message(0) == "0개의 알림을 읽음으로 처리했습니다.");
  CHECK(clear_read_message(2) == "2개의 읽은 알림을 삭제했습니다.");
}
