#include "messages/job_kinds.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "messages/wire_formats.hpp"

namespace lunch::jobs {

namespace {

using json = nlohmann::json;

outcome integer_in(json& args, const char* key, int64_t low, int64_t high,
                   int64_t fallback) {
  auto it = args.find(key);
  if (it == args.end()) {
    args[key] = fallback;
    return {};
  }
  if (!it->is_number_integer() || *it < low || *it > high)
    return invalid_field(key, "must be an integer from " + std::to_string(low)
                                + " to " + std::to_string(high));
  return {};
}

outcome optional_date(const json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end())
    return {};
  if (!it->is_string() || !is_iso_date(it->get<std::string>()))
    return invalid_field(key, "must be a real date YYYY-MM-DD");
  return {};
}

outcome optional_text(json& args, const char* key, const char* fallback) {
  auto it = args.find(key);
  if (it == args.end()) {
    if (fallback)
      args[key] = fallback;
    return {};
  }
  if (!it->is_string())
    return invalid_field(key, "must be a string");
  return {};
}

outcome check_notify(json& args) {
  auto users = args.find("users");
  if (users == args.end()) {
    args["users"] = "all";
  } else if (users->is_array()) {
    for (auto& u : *users)
      if (!u.is_string() || u.get<std::string>().empty())
        return invalid_field("users", "must be employee ids");
  } else if (*users != "all") {
    return invalid_field("users", "must be a list of employee ids or \"all\"");
  }
  // §5: type 'general', title '알림', message '새로운 알림이 있습니다.'.
  for (auto [key, fallback] :
       {std::pair{"type", "general"}, std::pair{"title", "알림"},
        std::pair{"message", "새로운 알림이 있습니다."},
        std::pair{"related_type", ""}})
    if (auto r = optional_text(args, key, fallback); !r.ok())
      return r;
  if (auto r = integer_in(args, "related_id", 0, INT64_MAX, 0); !r.ok())
    return r;
  if (auto r = integer_in(args, "batch", 1, 5000, 500); !r.ok())
    return r;
  return integer_in(args, "pause_ms", 0, 60000, 0);
}

} // namespace

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> all{"recommendations", "user-analytics",
                                            "cleanup", "notify", "noop"};
  return all;
}

outcome normalize_args(const std::string& kind, const std::string& args,
                       std::string& normalized) {
  if (std::find(kinds().begin(), kinds().end(), kind) == kinds().end())
    return invalid_field("kind", "must be one of recommendations, "
                                 "user-analytics, cleanup, notify, noop");
  json j;
  try {
    j = args.empty() ? json::object() : json::parse(args);
  } catch (const json::exception&) {
    return invalid_field("args", "must be a JSON object");
  }
  if (!j.is_object())
    return invalid_field("args", "must be a JSON object");
  outcome r;
  if (kind == "notify") {
    r = check_notify(j);
  } else if (kind == "cleanup") {
    r = optional_date(j, "today");
  } else if (kind == "user-analytics") {
    r = optional_date(j, "date");
    if (r.ok())
      r = optional_text(j, "user", nullptr);
  } else if (kind == "recommendations") {
    r = optional_date(j, "from");
    if (r.ok())
      r = integer_in(j, "days", 1, 60, 30);
  } else {
    r = integer_in(j, "sleep_ms", 0, 600000, 0);
  }
  if (r.ok())
    normalized = j.dump();
  return r;
}

} // namespace lunch::jobs
