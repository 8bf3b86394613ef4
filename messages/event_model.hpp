#pragma once

// Domain events (the outbox of each shard database): written in the
// transaction of the change they describe, delivered to subscribers by the
// shard's event relay at least once, in order per entity. CAF-free;
// `messages/event_inspect.hpp` adds the serialisation.
//
// Kinds and payloads (JSON objects) are listed in actors/events/events.hpp.

#include <cstdint>
#include <string>

namespace lunch {

struct domain_event {
  int64_t id = 0;         // the shard's commit order
  std::string entity;     // "party:16385", "user:7": the ordering key
  std::string kind;       // "party.created", …
  std::string payload;    // JSON object
  std::string created_at; // ISO-8601 UTC
};

/// A subscriber's progress on one shard: every event up to `upto` was
/// delivered to it.
struct event_cursor {
  std::string subscriber;
  int64_t upto = 0;
};

} // namespace lunch
