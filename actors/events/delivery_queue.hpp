#pragma once

// One subscriber's deliveries on one shard: events in commit order, sent
// concurrently across entities but one at a time per entity (so each
// entity's events arrive in order), at most `window` in flight, a failed
// one retried later (holding back the later events of its entity), and
// the cursor: the id up to which everything was delivered. CAF-free.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lunch::events {

class delivery_queue {
public:
  using clock = std::chrono::steady_clock;

  delivery_queue(int64_t cursor, size_t window)
      : cursor_(cursor), window_(window) {
    // nop
  }

  /// Adds an event; ids must grow. Ids at or below the cursor (already
  /// delivered) and ids already queued are ignored.
  void push(int64_t id, const std::string& entity);

  /// The events to send now, marked in flight.
  std::vector<int64_t> take_ready(clock::time_point now);

  /// The event was delivered.
  void ack(int64_t id);

  /// The delivery failed: try again at `retry_at`.
  void fail(int64_t id, clock::time_point retry_at);

  /// Every event up to here was delivered.
  int64_t cursor() const {
    return cursor_;
  }

  /// Events queued and not yet delivered.
  size_t pending() const {
    return items_.size();
  }

  size_t in_flight() const {
    return in_flight_;
  }

  /// The earliest retry time of a failed event, if any.
  std::optional<clock::time_point> next_retry() const;

  /// Failed deliveries so far (for status lines).
  int64_t failures() const {
    return failures_;
  }

private:
  enum class state { waiting, in_flight, done };

  struct item {
    std::string entity;
    state st = state::waiting;
    clock::time_point retry_at{};
  };

  int64_t cursor_;
  size_t window_;
  size_t in_flight_ = 0;
  int64_t failures_ = 0;
  std::map<int64_t, item> items_;
};

} // namespace lunch::events
