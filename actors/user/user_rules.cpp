#include "actors/user/user_rules.hpp"

#include <algorithm>
#include <cstdint>

namespace lunch {

namespace {

// Column sizes of the old app (spec §2.1) where it had them.
constexpr size_t max_id_length = 50;
constexpr size_t max_nickname_length = 50;
constexpr size_t max_email_length = 120;
constexpr size_t max_genre_length = 100;
constexpr size_t max_item_length = 100;

// Decodes the code point at s[i] and advances i. Returns -1 for malformed
// UTF-8 (truncated, overlong, surrogate, > U+10FFFF): PostgreSQL and the
// JSON output would both reject such text later, far from the cause.
int32_t next_code_point(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int32_t cp = 0;
  size_t tail = 0;
  if ((b0 & 0xE0) == 0xC0) {
    cp = b0 & 0x1F;
    tail = 1;
  } else if ((b0 & 0xF0) == 0xE0) {
    cp = b0 & 0x0F;
    tail = 2;
  } else if ((b0 & 0xF8) == 0xF0) {
    cp = b0 & 0x07;
    tail = 3;
  } else {
    return -1;
  }
  if (s.size() - i <= tail)
    return -1;
  for (size_t k = 1; k <= tail; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80)
      return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr int32_t min_for_tail[] = {0, 0x80, 0x800, 0x10000};
  if (cp < min_for_tail[tail] || cp > 0x10FFFF
      || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  i += tail + 1;
  return cp;
}

bool is_control(int32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

// Unicode White_Space, including the ideographic space a Korean IME types.
bool is_space(int32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
         || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
         || c == 0x3000 || c == 0xFEFF;
}

enum class text_check { ok, bad_utf8, bad_char };

text_check scan(std::string_view s, bool (*reject)(int32_t)) {
  for (size_t i = 0; i < s.size();) {
    auto c = next_code_point(s, i);
    if (c < 0)
      return text_check::bad_utf8;
    if (reject != nullptr && reject(c))
      return text_check::bad_char;
  }
  return text_check::ok;
}

bool space_or_control(int32_t c) {
  return is_space(c) || is_control(c);
}

} // namespace

outcome check_text(std::string_view field, std::string_view s,
                   size_t max_length) {
  if (scan(s, nullptr) != text_check::ok)
    return invalid_field(field, "must be valid UTF-8");
  if (utf8_length(s) > max_length)
    return invalid_field(field, "must be at most " + std::to_string(max_length)
                                  + " characters");
  return {};
}

namespace {

outcome check_list(std::string_view field,
                   const std::vector<std::string>& items) {
  for (const auto& item : items) {
    if (scan(item, nullptr) != text_check::ok)
      return invalid_field(field, "items must be valid UTF-8");
    auto n = utf8_length(item);
    if (n < 1 || n > max_item_length)
      return invalid_field(field, "items must be 1-"
                                    + std::to_string(max_item_length)
                                    + " characters");
    // Lists are shown comma-joined (lunch_preference), so a comma inside an
    // item would split it in two on the way back.
    if (item.find(',') != std::string::npos)
      return invalid_field(field, "items must not contain ','");
  }
  return {};
}

outcome check_employee_id(const user_profile& p) {
  auto r = scan(p.employee_id, space_or_control);
  if (r == text_check::bad_utf8)
    return invalid_field("employee_id", "must be valid UTF-8");
  auto n = utf8_length(p.employee_id);
  if (n < 1 || n > max_id_length)
    return invalid_field("employee_id", "must be 1-50 characters");
  if (r == text_check::bad_char)
    return invalid_field("employee_id",
                         "must not contain whitespace or control characters");
  return {};
}

outcome check_nickname(const user_profile& p) {
  auto r = scan(p.nickname, is_control);
  if (r == text_check::bad_utf8)
    return invalid_field("nickname", "must be valid UTF-8");
  auto n = utf8_length(p.nickname);
  if (n < 1 || n > max_nickname_length)
    return invalid_field("nickname", "must be 1-50 characters");
  if (r == text_check::bad_char)
    return invalid_field("nickname", "must not contain control characters");
  return {};
}

outcome check_email(const user_profile& p) {
  const auto& s = p.email;
  if (s.empty())
    return {};
  if (auto r = check_text("email", s, max_email_length); !r.ok())
    return r;
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == s.size()
      || s.find('@', at + 1) != std::string::npos
      || scan(s, space_or_control) != text_check::ok)
    return invalid_field("email", "must be empty or of the form name@domain");
  return {};
}

outcome check_gender(const user_profile& p) {
  if (!is_known_gender(p.gender))
    return invalid_field("gender",
                         "must be one of 남, 여, 기타 (or male, female, "
                         "other), or empty");
  return {};
}

outcome check_age_group(const user_profile& p) {
  if (!is_known_age_group(p.age_group))
    return invalid_field("age_group",
                         "must be one of 10대 … 60대 (or 10s … 60s), "
                         "or empty");
  return {};
}

outcome check_main_dish_genre(const user_profile& p) {
  return check_text("main_dish_genre", p.main_dish_genre, max_genre_length);
}

outcome check_preferred_time(const user_profile& p) {
  if (!p.preferred_time.empty() && !is_hhmm(p.preferred_time))
    return invalid_field("preferred_time", "must be HH:MM");
  return {};
}

// One patchable field: how to check its value and how to copy it.
struct field_rule {
  const char* name;
  outcome (*check)(const user_profile&);
  void (*copy)(user_profile&, const user_profile&);
};

// In the order of user_patch_fields(); validate_profile checks in this order.
const field_rule field_rules[] = {
  {"nickname", check_nickname,
   [](user_profile& t, const user_profile& v) { t.nickname = v.nickname; }},
  {"email", check_email,
   [](user_profile& t, const user_profile& v) { t.email = v.email; }},
  {"gender", check_gender,
   [](user_profile& t, const user_profile& v) { t.gender = v.gender; }},
  {"age_group", check_age_group,
   [](user_profile& t, const user_profile& v) { t.age_group = v.age_group; }},
  {"main_dish_genre", check_main_dish_genre,
   [](user_profile& t, const user_profile& v) {
     t.main_dish_genre = v.main_dish_genre;
   }},
  {"lunch_styles",
   [](const user_profile& p) {
     return check_list("lunch_styles", p.lunch_styles);
   },
   [](user_profile& t, const user_profile& v) {
     t.lunch_styles = v.lunch_styles;
   }},
  {"food_preferences",
   [](const user_profile& p) {
     return check_list("food_preferences", p.food_preferences);
   },
   [](user_profile& t, const user_profile& v) {
     t.food_preferences = v.food_preferences;
   }},
  {"allergies",
   [](const user_profile& p) { return check_list("allergies", p.allergies); },
   [](user_profile& t, const user_profile& v) { t.allergies = v.allergies; }},
  {"preferred_time", check_preferred_time,
   [](user_profile& t, const user_profile& v) {
     t.preferred_time = v.preferred_time;
   }},
  {"frequent_areas",
   [](const user_profile& p) {
     return check_list("frequent_areas", p.frequent_areas);
   },
   [](user_profile& t, const user_profile& v) {
     t.frequent_areas = v.frequent_areas;
   }},
  {"notification_settings",
   [](const user_profile& p) {
     return check_list("notification_settings", p.notification_settings);
   },
   [](user_profile& t, const user_profile& v) {
     t.notification_settings = v.notification_settings;
   }},
};

const field_rule* find_rule(std::string_view name) {
  for (const auto& rule : field_rules)
    if (name == rule.name)
      return &rule;
  return nullptr;
}

} // namespace

const std::vector<std::string>& user_patch_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> xs;
    for (const auto& rule : field_rules)
      xs.emplace_back(rule.name);
    return xs;
  }();
  return names;
}

bool is_known_gender(std::string_view s) {
  static constexpr std::string_view known[] = {"",     "남",     "여",   "기타",
                                               "male", "female", "other"};
  return std::find(std::begin(known), std::end(known), s) != std::end(known);
}

bool is_known_age_group(std::string_view s) {
  static constexpr std::string_view known[]
    = {"",    "10대", "20대", "30대", "40대", "50대", "60대",
       "10s", "20s",  "30s",  "40s",  "50s",  "60s"};
  return std::find(std::begin(known), std::end(known), s) != std::end(known);
}

size_t utf8_length(std::string_view s) {
  // Every code point has exactly one byte that is not a continuation byte.
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

outcome validate_profile(const user_profile& p) {
  if (auto r = check_employee_id(p); !r.ok())
    return r;
  for (const auto& rule : field_rules)
    if (auto r = rule.check(p); !r.ok())
      return r;
  return {};
}

outcome validate_patch(const user_patch& patch) {
  for (const auto& name : patch.fields)
    if (find_rule(name) == nullptr)
      return invalid_field("unknown field", name);
  for (const auto& name : patch.fields)
    if (auto r = find_rule(name)->check(patch.values); !r.ok())
      return r;
  return {};
}

void apply_patch(user_profile& target, const user_patch& patch) {
  for (const auto& name : patch.fields)
    if (auto rule = find_rule(name))
      rule->copy(target, patch.values);
}

void fill_defaults(user_profile& p) {
  if (p.lunch_styles.empty())
    p.lunch_styles = {"새로운 맛집 탐방"};
  if (p.preferred_time.empty())
    p.preferred_time = "12:00";
  if (p.frequent_areas.empty())
    p.frequent_areas = {"강남구", "서초구"};
  if (p.notification_settings.empty())
    p.notification_settings = {"push_notification", "party_reminder"};
}

} // namespace lunch
