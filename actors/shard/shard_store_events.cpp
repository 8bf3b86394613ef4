// The outbox of a shard database: domain events written in the
// transaction of their change, read back in id order by the shard's event
// relay, and the subscribers' cursors.

#include <pqxx/result>
#include <pqxx/row>

#include "actors/shard/shard_store.hpp"

namespace lunch {

void shard_store::prepare_events(pqxx::connection_base& conn) {
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
}

void shard_store::emit(pqxx::transaction_base& tx, const events::draft& event) {
  tx.exec_prepared("insert_event", event.entity, event.kind, event.payload);
  events_written_ = true;
}

std::vector<domain_event> shard_store::events_after(pqxx::transaction_base& tx,
                                                    int64_t after,
                                                    int32_t limit) {
  std::vector<domain_event> out;
  for (const auto& r : tx.exec_prepared("events_after", after, limit))
    out.push_back({r[0].as<int64_t>(), r[1].as<std::string>(),
                   r[2].as<std::string>(), r[3].as<std::string>(),
                   r[4].as<std::string>()});
  return out;
}

std::vector<event_cursor>
shard_store::event_cursors(pqxx::transaction_base& tx) {
  std::vector<event_cursor> out;
  for (const auto& r : tx.exec_prepared("event_cursors"))
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>()});
  return out;
}

void shard_store::save_event_cursors(pqxx::transaction_base& tx,
                                     const std::vector<event_cursor>& cursors) {
  for (auto& c : cursors)
    tx.exec_prepared("save_event_cursor", c.subscriber, c.upto);
}

} // namespace lunch
