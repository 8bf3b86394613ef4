#pragma once

// What recommendation requests answer (spec §3.2 items 24–26, §4.7), CAF-free;
// `messages/recommend_results_inspect.hpp` serialises them. Shapes follow the
// old app's JSON.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

/// A member of a smart-recommendation group (§4.2 step 6).
struct rec_member {
  std::string employee_id;
  std::string nickname;
  std::string lunch_preference; // the first lunch style, or ""
  std::string main_dish_genre;
  std::string last_dining_together;
};

/// One recommended group: `{proposed_date, recommended_group}`.
struct rec_item {
  std::string proposed_date;
  std::vector<rec_member> recommended_group;
};

/// The recommendations of one user on one date.
struct rec_day {
  std::string date;
  std::vector<rec_item> items;
};

/// A member of a daily-recommendation group (§4.3 step 5).
struct daily_member {
  std::string nickname;
  std::string lunch_preference;
  std::string employee_id;
  double compatibility_score = 0;
  std::string last_dining_together;
};

/// A daily group; `for_user` is the user it was computed for (§11.9).
struct daily_group {
  std::string for_user;
  std::string proposed_date;
  std::vector<daily_member> recommended_group;
};

/// A member of a suggested group (§3.2 item 26).
struct suggest_member {
  std::string employee_id;
  std::string nickname;
  std::string lunch_preference; // lunch styles joined with ","
  std::string main_dish_genre;
  std::string gender;
  std::string age_group;
};

struct suggest_group {
  int32_t group_id = 0;
  std::vector<suggest_member> users;
};

/// What a build is asked to do. Empty `from` = today (KST); seed < 0 = the
/// node's configured seed.
struct rec_build_spec {
  std::string from;
  int32_t days = 30;
  int64_t seed = -1;
};

/// Progress of a build, summed over the shards it covers.
struct rec_progress {
  std::string build_id;
  std::string state; // running | done | failed
  std::string today;
  std::string from;
  int32_t days = 0;
  int64_t users_total = 0;
  int64_t users_done = 0;
  int64_t entries = 0; // (user, date) entries computed
  int32_t shards_total = 0;
  int32_t shards_done = 0;
  int64_t elapsed_ms = 0;
  std::string error;
};

} // namespace lunch

namespace lunch::rec {

/// The head of the ranked list S: its size n and its first min(n, 5) users
/// (world indexes), which are all the group shapes use. This is what the
/// cache keeps per (user, date).
struct ranked_head {
  int32_t n = 0;
  int32_t size = 0; // min(n, 5)
  std::array<int32_t, 5> top{};
};

} // namespace lunch::rec
