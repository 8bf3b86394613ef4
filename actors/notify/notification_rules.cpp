#include "actors/notify/notification_rules.hpp"

#include <array>
#include <utility>

#include "actors/user/user_rules.hpp"

namespace lunch {

namespace {

constexpr size_t max_type_length = 50;
constexpr size_t max_title_length = 100;
constexpr size_t max_message_length = 1000;
constexpr size_t max_related_type_length = 50;

// Required text of at most `max_length` characters.
outcome check_field(std::string_view field, const std::string& s,
                    size_t max_length, bool required) {
  if (required && s.empty())
    return invalid_field(field, "required");
  return lunch::check_text(field, s, max_length);
}

// Types are snake_case names (party_invite, points_earned, ...).
bool is_type_name(std::string_view s) {
  if (s.empty() || s.size() > max_type_length)
    return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

} // namespace

std::string notification_icon(std::string_view type) {
  static const std::array<std::pair<std::string_view, const char*>, 11> icons{{
    {"party_invite", "🎉"},
    {"party_join", "👥"},
    {"party_cancel", "❌"},
    {"party_reminder", "⏰"},
    {"friend_request", "👋"},
    {"friend_accept", "✅"},
    {"chat_message", "💬"},
    {"points_earned", "⭐"},
    {"badge_earned", "🏆"},
    {"review_like", "❤️"},
    {"system", "📢"},
  }};
  for (const auto& [name, icon] : icons)
    if (name == type)
      return icon;
  return "📄";
}

void apply_notification_defaults(notification& n) {
  if (n.title.empty())
    n.title = "알림";
  if (n.message.empty())
    n.message = "새로운 알림이 있습니다.";
}

outcome validate_notification(const notification& n) {
  if (n.employee_id.empty())
    return invalid_field("employee_id", "required");
  if (n.type.empty())
    return invalid_field("type", "required");
  if (!is_type_name(n.type))
    return invalid_field("type", "must be 1-50 of a-z, 0-9 and _");
  if (auto r = check_field("title", n.title, max_title_length, true); !r.ok())
    return r;
  if (auto r = check_field("message", n.message, max_message_length, true);
      !r.ok())
    return r;
  if (n.related_id < 0)
    return invalid_field("related_id", "must not be negative");
  return check_field("related_type", n.related_type, max_related_type_length,
                     false);
}

std::string read_all_message(int64_t n) {
  return std::to_string(n) + "개의 알림을 읽음으로 처리했습니다.";
}

std::string clear_read_message(int64_t n) {
  return std::to_string(n) + "개의 읽은 알림을 삭제했습니다.";
}

} // namespace lunch
