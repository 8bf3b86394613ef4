#pragma once

// The briefs (name, preferences) of users as this node last fetched them,
// for the other members shown in a party write's reply: without it every
// join asked each member's entity again. A brief is dropped when its user
// changes (the change notice reaches every node's gateway) and is trusted
// for at most `max_age`, so a notice overtaken by an older answer costs at
// most that long. Reads and existence checks never use it. CAF-free.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "messages/model.hpp"

namespace lunch {

class brief_cache {
public:
  using clock = std::chrono::steady_clock;

  /// Holds up to `capacity` briefs; a full cache starts over empty (a miss
  /// costs one fetch, so nothing finer is needed).
  brief_cache(size_t capacity, clock::duration max_age);

  /// The brief of `id` if one younger than `max_age` is held.
  std::optional<member_view> find(const std::string& id,
                                  clock::time_point now) const;

  /// Keeps `brief` (its `is_host` is the party's business: kept false).
  void put(member_view brief, clock::time_point now);

  void forget(const std::string& id);

  size_t size() const {
    return entries_.size();
  }

private:
  struct entry {
    member_view brief;
    clock::time_point fetched;
  };
  size_t capacity_;
  clock::duration max_age_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace lunch
