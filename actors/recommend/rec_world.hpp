#pragma once

// Everything recommendations read, in memory: users in DB order with their
// scoring attributes interned, party-membership counts, who is busy on which
// day, the latest lunch of each host/member pair and calendar entries. Built
// from the shards' snapshots and kept current by change notices. CAF-free.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/recommend/calendar_days.hpp"
#include "messages/recommend_model.hpp"

namespace lunch::rec {

/// One user as scoring sees them. Indexes into the world stay stable; a
/// deleted user is only marked absent.
/// What compat and pattern (§4.2) read of a user: 16 bytes, apart from
/// the profile's strings, so that a scan over thousands of candidates
/// stays in cache and vectorises.
struct rank_attrs {
  int32_t genre = 0;   // interned main_dish_genre, 0 = empty
  int32_t age = 0;     // interned age_group, 0 = empty
  int32_t gender = 0;  // interned gender, 0 = empty
  int32_t parties = 0; // party memberships (pattern score)
};

struct person {
  rec_user profile;
  rank_attrs attrs;
  uint64_t key_hash = 0; // fnv(employee_id), for the random terms
  bool present = true;
  std::vector<occurrence_rule> calendar;
};

/// Which recommendation days a change can alter.
struct change_scope {
  bool all_days = false;
  std::vector<day_t> days;
};

class world {
public:
  /// Replaces the contents with the union of the shards' snapshots.
  void load(const std::vector<rec_shard_snapshot>& shards);

  /// Applies a committed change and says which days it can affect.
  change_scope apply(const rec_change& change);

  /// The index of a present user, or −1.
  int32_t find(const std::string& employee_id) const;

  const person& at(int32_t index) const {
    return people_[static_cast<size_t>(index)];
  }

  /// Present users in DB order (natural order of employee_id).
  const std::vector<int32_t>& order() const {
    return order_;
  }

  size_t user_count() const {
    return order_.size();
  }

  /// One past the largest index ever given (deleted users keep theirs).
  size_t index_limit() const {
    return people_.size();
  }

  /// Busy on `day`: a party membership that day or a calendar occurrence.
  bool busy(int32_t index, day_t day) const;

  /// Users not busy on `day`, in DB order.
  std::vector<int32_t> available(day_t day) const;

  /// The day of the latest party before today that one of them hosted with
  /// the other as a member.
  std::optional<day_t> last_dined(int32_t a, int32_t b) const;

private:
  int32_t add_or_update(const rec_user& user);
  void intern(person& p);
  int32_t intern_value(std::unordered_map<std::string, int32_t>& table,
                       const std::string& value);
  void note_dined(int32_t a, int32_t b, day_t day);
  static uint64_t pair_key(int32_t a, int32_t b);

  std::vector<person> people_;
  std::unordered_map<std::string, int32_t> index_;
  std::vector<int32_t> order_;
  std::unordered_map<std::string, int32_t> genres_;
  std::unordered_map<std::string, int32_t> ages_;
  std::unordered_map<std::string, int32_t> genders_;
  // day → user index → the parties they are in that day
  std::unordered_map<day_t, std::unordered_map<int32_t, std::set<int64_t>>>
    party_busy_;
  std::unordered_map<uint64_t, day_t> dined_;
};

} // namespace lunch::rec
