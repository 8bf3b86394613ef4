#include "actors/party/party_rules.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "actors/user/user_rules.hpp"

namespace lunch {

namespace {

// Column sizes of the old party table (spec §2.4).
constexpr size_t max_title_length = 100;
constexpr size_t max_restaurant_length = 100;
constexpr size_t max_address_length = 200;
constexpr size_t max_location_length = 200;

// Well-formed UTF-8: PostgreSQL and the JSON output reject anything else,
// so catch it here where the message can name the field.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b0 = static_cast<unsigned char>(s[i]);
    size_t tail = b0 < 0x80             ? 0
                  : (b0 & 0xE0) == 0xC0 ? 1
                  : (b0 & 0xF0) == 0xE0 ? 2
                  : (b0 & 0xF8) == 0xF0 ? 3
                                        : 4;
    if (tail == 4 || s.size() - i <= tail)
      return false;
    uint32_t cp = tail == 0 ? b0 : b0 & (0x3F >> tail);
    for (size_t k = 1; k <= tail; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t min_for_tail[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_tail[tail] || cp > 0x10FFFF
        || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += tail + 1;
  }
  return true;
}

outcome check_text(std::string_view field, const std::string& s, bool required,
                   size_t max_length) {
  if (s.empty())
    return required ? invalid_field(field, "required") : outcome{};
  if (!valid_utf8(s))
    return invalid_field(field, "must be valid UTF-8");
  if (utf8_length(s) > max_length)
    return invalid_field(field, "must be at most " + std::to_string(max_length)
                                  + " characters");
  return {};
}

// Host plus the distinct other initial members: what normalize_members
// will leave, counted without changing the record.
size_t member_count_after_normalize(const party_record& p) {
  std::set<std::string_view> others;
  for (const auto& id : p.member_ids)
    if (id != p.host_employee_id)
      others.insert(id);
  return others.size() + 1;
}

// One patchable field: its check (given the member count max_members must
// cover) and how to copy it.
struct field_rule {
  const char* name;
  outcome (*check)(const party_record&, size_t members);
  void (*copy)(party_record&, const party_record&);
};

const field_rule field_rules[] = {
  {"title",
   [](const party_record& v, size_t) {
     return check_text("title", v.title, true, max_title_length);
   },
   [](party_record& t, const party_record& v) { t.title = v.title; }},
  {"restaurant_name",
   [](const party_record& v, size_t) {
     return check_text("restaurant_name", v.restaurant_name, true,
                       max_restaurant_length);
   },
   [](party_record& t, const party_record& v) {
     t.restaurant_name = v.restaurant_name;
   }},
  {"restaurant_address",
   [](const party_record& v, size_t) {
     return check_text("restaurant_address", v.restaurant_address, false,
                       max_address_length);
   },
   [](party_record& t, const party_record& v) {
     t.restaurant_address = v.restaurant_address;
   }},
  {"party_date",
   [](const party_record& v, size_t) {
     if (v.party_date.empty())
       return invalid_field("party_date", "required");
     if (!is_iso_date(v.party_date))
       return invalid_field("party_date", "must be YYYY-MM-DD");
     return outcome{};
   },
   [](party_record& t, const party_record& v) { t.party_date = v.party_date; }},
  {"party_time",
   [](const party_record& v, size_t) {
     if (v.party_time.empty())
       return invalid_field("party_time", "required");
     if (!is_hhmm(v.party_time))
       return invalid_field("party_time", "must be HH:MM");
     return outcome{};
   },
   [](party_record& t, const party_record& v) { t.party_time = v.party_time; }},
  {"meeting_location",
   [](const party_record& v, size_t) {
     return check_text("meeting_location", v.meeting_location, true,
                       max_location_length);
   },
   [](party_record& t, const party_record& v) {
     t.meeting_location = v.meeting_location;
   }},
  {"max_members",
   [](const party_record& v, size_t members) {
     if (v.max_members < 1)
       return invalid_field("max_members", "must be at least 1");
     if (static_cast<size_t>(v.max_members) < members)
       return invalid_field("max_members",
                            "must be at least the number of members ("
                              + std::to_string(members) + ")");
     return outcome{};
   },
   [](party_record& t, const party_record& v) {
     t.max_members = v.max_members;
   }},
};

const field_rule* find_rule(std::string_view name) {
  for (const auto& rule : field_rules)
    if (name == rule.name)
      return &rule;
  return nullptr;
}

} // namespace

bool is_valid_utf8(std::string_view s) {
  return valid_utf8(s);
}

const std::vector<std::string>& party_patch_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> xs;
    for (const auto& rule : field_rules)
      xs.emplace_back(rule.name);
    return xs;
  }();
  return names;
}

outcome validate_new_party(const party_record& p) {
  if (p.host_employee_id.empty())
    return invalid_field("host_employee_id", "required");
  if (std::any_of(p.member_ids.begin(), p.member_ids.end(),
                  [](const std::string& id) { return id.empty(); }))
    return invalid_field("member_ids", "must not contain empty ids");
  auto members = member_count_after_normalize(p);
  for (const auto& rule : field_rules)
    if (auto r = rule.check(p, members); !r.ok())
      return r;
  return {};
}

void normalize_members(party_record& p) {
  std::vector<std::string> result;
  result.reserve(p.member_ids.size() + 1);
  if (!p.host_employee_id.empty())
    result.push_back(p.host_employee_id);
  for (auto& id : p.member_ids)
    if (std::find(result.begin(), result.end(), id) == result.end())
      result.push_back(std::move(id));
  p.member_ids = std::move(result);
}

outcome check_join(const party_record& p, std::string_view user) {
  if (user.empty())
    return invalid_field("employee_id", "required");
  // Full before already-joined, as the old app does (S7).
  if (p.member_ids.size() >= static_cast<size_t>(std::max(p.max_members, 0)))
    return fail(errc::party_full, "party is full");
  if (is_member(p, user))
    return fail(errc::already_joined, "already joined");
  return {};
}

leave_decision check_leave(const party_record& p, std::string_view user) {
  if (user.empty())
    return {invalid_field("employee_id", "required"), false};
  if (!is_member(p, user))
    return {fail(errc::not_member, "not a member of this party"), false};
  if (user == p.host_employee_id) {
    // A random-lunch party has no life without its host (spec §9).
    if (p.is_from_match)
      return {outcome{}, true};
    return {fail(errc::forbidden,
                 "the host of a party cannot leave; delete it instead"),
            false};
  }
  return {outcome{}, false};
}

outcome check_host(const party_record& p, std::string_view actor) {
  if (actor.empty())
    return invalid_field("employee_id", "required");
  if (actor != p.host_employee_id)
    return fail(errc::forbidden, "only the host may do this");
  return {};
}

outcome apply_patch(party_record& target, const party_patch& patch) {
  // Check everything first so a rejected patch changes nothing.
  for (const auto& name : patch.fields)
    if (find_rule(name) == nullptr)
      return invalid_field("unknown field", name);
  for (const auto& name : patch.fields)
    if (auto r = find_rule(name)->check(patch.values, target.member_ids.size());
        !r.ok())
      return r;
  for (const auto& name : patch.fields)
    find_rule(name)->copy(target, patch.values);
  return {};
}

bool is_member(const party_record& p, std::string_view user) {
  return std::find(p.member_ids.begin(), p.member_ids.end(), user)
         != p.member_ids.end();
}

} // namespace lunch
