#pragma once

// The (day, user) cache keys waiting for a refresh, in the order they became
// due. Each key is queued at most once: queueing it again moves it to the
// newest end. A batch takes half its keys from the newest end (the freshest
// invalidations first) and the rest from the oldest end, so a key that
// waits is always reached (the aging rule of the old pipeline). CAF-free.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "actors/recommend/calendar_days.hpp"
#include "messages/wire_formats.hpp"

namespace lunch::rec {

/// One cache entry: a user's ranked head on a day.
struct refresh_key {
  day_t day = 0;
  int32_t user = 0; // world index

  friend bool operator==(const refresh_key& x, const refresh_key& y) {
    return x.day == y.day && x.user == y.user;
  }

  friend bool operator!=(const refresh_key& x, const refresh_key& y) {
    return !(x == y);
  }
};

struct refresh_key_hash {
  size_t operator()(const refresh_key& k) const {
    return std::hash<int64_t>{}(k.day * 1'000'003 + k.user);
  }
};

class refresh_queue {
public:
  /// Queues `key` at the newest end; a key already queued moves there.
  /// Returns true if it was not queued before.
  bool push(const refresh_key& key);

  /// Removes `key`; returns whether it was queued.
  bool erase(const refresh_key& key);

  bool contains(const refresh_key& key) const;

  /// Removes and returns up to `n` keys: half from the newest end (newest
  /// first), then the rest from the oldest end (oldest first); an odd
  /// batch's extra key comes from the newest end and the oldest end in
  /// turn. When fewer than `n` are queued, all of them, in that same order.
  std::vector<refresh_key> take(size_t n);

  /// Removes every key for which `drop(key)` is true.
  template <class Predicate>
  size_t erase_if(Predicate drop) {
    size_t removed = 0;
    for (auto i = by_seq_.begin(); i != by_seq_.end();) {
      if (drop(i->second)) {
        seq_of_.erase(i->second);
        i = by_seq_.erase(i);
        ++removed;
      } else {
        ++i;
      }
    }
    return removed;
  }

  void clear();

  size_t size() const {
    return by_seq_.size();
  }

  bool empty() const {
    return by_seq_.empty();
  }

  /// An estimate of the heap bytes held: two nodes per key (the ordered
  /// index and the hash index, with typical node overheads) plus buckets.
  size_t memory_bytes() const;

private:
  uint64_t next_seq_ = 0;
  std::map<uint64_t, refresh_key> by_seq_; // oldest first
  std::unordered_map<refresh_key, uint64_t, refresh_key_hash> seq_of_;
  bool odd_to_oldest_ = false; // where the next odd batch's extra key goes
};

} // namespace lunch::rec
