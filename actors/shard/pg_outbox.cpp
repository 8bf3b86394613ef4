// The outbox of a shard database: domain events written in the
// transaction of their change, read back in id order by the shard's event
// relay, and the subscribers' cursors. Events every subscriber has had are
// deleted once they are older than events::outbox_retention_s.

#include <algorithm>
#include <map>

#include <pqxx/connection_base>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/shard/pg_repositories.hpp"

namespace lunch {

void pg_outbox::prepare(pqxx::connection_base& conn) {
  conn.prepare("insert_event", "INSERT INTO outbox (entity, kind, payload)"
                               " VALUES ($1, $2, $3::jsonb)");
  conn.prepare("events_after",
               "SELECT id, entity, kind, payload::text,"
               " to_char(created_at AT TIME ZONE 'UTC',"
               "         'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
               " FROM outbox WHERE id > $1 ORDER BY id LIMIT $2");
  conn.prepare("event_cursors",
               "SELECT subscriber, delivered_upto FROM outbox_cursors");
  conn.prepare("save_event_cursor",
               "INSERT INTO outbox_cursors (subscriber, delivered_upto)"
               " VALUES ($1, $2) ON CONFLICT (subscriber) DO UPDATE"
               " SET delivered_upto = greatest(outbox_cursors.delivered_upto,"
               "                               excluded.delivered_upto),"
               "     updated_at = now()");
  // At most 10 000 rows per call: a long backlog goes in steps, one per
  // cursor save, and no save holds the table long.
  conn.prepare("prune_events",
               "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
               " WHERE id <= $1 AND created_at < now() - $2 * interval '1 s'"
               " ORDER BY id LIMIT 10000)");
}

void pg_context::emit(const events::draft& event) {
  if (deferring)
    deferred.push_back(event);
  else
    tx().exec_prepared("insert_event", event.entity, event.kind, event.payload);
  events_written = true;
}

// The events of a group commit, as a JSON array of [entity, kind, payload]:
// their ids follow the array's order. Plain SQL with the array quoted in,
// not a prepared statement, since it shares a round trip with the COMMIT.
std::string pg_context::take_deferred_insert(pqxx::connection_base& conn) {
  if (deferred.empty())
    return {};
  // The payloads are JSON documents already: spliced in, not parsed.
  std::string doc = "[";
  for (const auto& e : deferred) {
    if (doc.size() > 1)
      doc += ',';
    doc += '[' + nlohmann::json(e.entity).dump() + ','
           + nlohmann::json(e.kind).dump() + ',' + e.payload + ']';
  }
  doc += ']';
  deferred.clear();
  return "INSERT INTO outbox (entity, kind, payload)"
         " SELECT e->>0, e->>1, e->2 FROM jsonb_array_elements("
         + conn.quote(doc) + "::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n;";
}

std::vector<domain_event> pg_outbox::events_after(int64_t after,
                                                  int32_t limit) {
  std::vector<domain_event> out;
  for (const auto& r : ctx_.tx().exec_prepared("events_after", after, limit))
    out.push_back({r[0].as<int64_t>(), r[1].as<std::string>(),
                   r[2].as<std::string>(), r[3].as<std::string>(),
                   r[4].as<std::string>()});
  return out;
}

std::vector<event_cursor> pg_outbox::event_cursors() {
  std::vector<event_cursor> out;
  for (const auto& r : ctx_.tx().exec_prepared("event_cursors"))
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>()});
  return out;
}

void pg_outbox::save_event_cursors(const std::vector<event_cursor>& cursors) {
  for (auto& c : cursors)
    ctx_.tx().exec_prepared("save_event_cursor", c.subscriber, c.upto);
  prune_events();
}

int64_t pg_outbox::prune_events() {
  // Every subscriber is past `low` (one without a cursor yet is at 0).
  std::map<std::string, int64_t> at;
  for (auto& c : event_cursors())
    at[c.subscriber] = c.upto;
  int64_t low = -1;
  for (auto& name : events::subscribers()) {
    auto upto = at.count(name) > 0 ? at[name] : 0;
    low = low < 0 ? upto : std::min(low, upto);
  }
  if (low <= 0)
    return 0;
  return ctx_.tx()
    .exec_prepared("prune_events", low, events::outbox_retention_s)
    .affected_rows();
}

} // namespace lunch
