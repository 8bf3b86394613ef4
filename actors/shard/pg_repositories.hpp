#pragma once

// The PostgreSQL repositories of a shard database: prepared statements,
// each next to its call (pg_users.cpp, pg_parties.cpp, pg_calendar.cpp,
// pg_inbox.cpp, pg_outbox.cpp, pg_analytics.cpp, pg_snapshot.cpp; the
// request log in pg_shard_store.cpp). They share a pg_context: the
// transaction the owner's unit of work has open, and the outbox every
// write appends its events to.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/field>
#include <pqxx/transaction_base>

#include "actors/events/events.hpp"
#include "actors/shard/shard_store.hpp"

namespace lunch {

/// What the repositories of one store share.
struct pg_context {
  int32_t shard = 0;
  pqxx::transaction_base* current = nullptr; // set by the unit of work
  bool events_written = false;
  // In a group commit the events wait here and go into the outbox in one
  // statement with the commit (take_deferred_insert); elsewhere emit
  // inserts at once.
  bool deferring = false;
  std::vector<events::draft> deferred;

  pqxx::transaction_base& tx() {
    if (current == nullptr)
      throw std::logic_error("shard store used outside a transaction");
    return *current;
  }

  /// Appends a domain event to the outbox (pg_outbox.cpp).
  void emit(const events::draft& event);

  /// The SQL that inserts the deferred events in the order they were
  /// emitted, ending in ';' (empty if there are none); clears them.
  std::string take_deferred_insert(pqxx::connection_base& conn);
};

struct pg_statement {
  const char* name;
  std::string sql;
};

inline void prepare_all(pqxx::connection_base& conn,
                        const std::vector<pg_statement>& statements) {
  for (const auto& s : statements)
    conn.prepare(s.name, s.sql);
}

inline std::string to_json_array(const std::vector<std::string>& xs) {
  return nlohmann::json(xs).dump();
}

inline std::vector<std::string> from_json_array(const pqxx::field& f) {
  return nlohmann::json::parse(f.c_str()).get<std::vector<std::string>>();
}

class pg_users : public user_repository {
public:
  explicit pg_users(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  user_lookup load_user(const std::string& id) override;
  user_profile insert_user(const user_profile& p) override;
  user_profile save_user(const user_profile& p) override;
  void delete_user(const std::string& id) override;
  std::vector<int64_t> purge_user(const std::string& id) override;
  points_mark scan_points(const std::string& id) override;
  std::vector<user_summary> search(const std::string& term,
                                   int32_t limit) override;

private:
  pg_context& ctx_;
};

class pg_parties : public party_repository {
public:
  explicit pg_parties(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  party_created insert_party(const party_record& p,
                             int64_t host_points) override;
  party_lookup load_party(int64_t id) override;
  points_award add_member(int64_t party, const std::string& user,
                          int64_t points) override;
  bool remove_member(int64_t party, const std::string& user) override;
  bool save_party(const party_record& p) override;
  bool delete_party(int64_t id) override;
  std::vector<party_record> parties_of(const std::string& user) override;
  std::vector<party_record> list(const party_filter& filter) override;
  shard_stats stats() override;

private:
  pg_context& ctx_;
};

class pg_calendar : public calendar_repository {
public:
  explicit pg_calendar(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  calendar_entry insert_calendar_entry(const calendar_entry& e) override;
  std::vector<calendar_entry> calendar_of(const std::string& user) override;
  calendar_entry delete_calendar_entry(const std::string& user,
                                       int64_t id) override;

private:
  pg_context& ctx_;
};

class pg_inbox : public inbox_repository {
public:
  explicit pg_inbox(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  bool insert_notification(const notification& n,
                           const std::string& dedupe_key) override;
  notification_batch
  insert_notifications(const std::vector<notification>& ns,
                       const std::vector<std::string>& dedupe_keys) override;
  notification_inbox inbox(const std::string& user, bool unread_only) override;
  notification mark_notification_read(int64_t id) override;
  int64_t mark_all_notifications_read(const std::string& user) override;
  void delete_notification(int64_t id) override;
  int64_t clear_read_notifications(const std::string& user) override;
  int64_t delete_notifications_older_than(int32_t days) override;

private:
  pg_context& ctx_;
};

class pg_outbox : public outbox_repository {
public:
  explicit pg_outbox(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  std::vector<domain_event> events_after(int64_t after, int32_t limit) override;
  std::vector<event_cursor> event_cursors() override;
  void save_event_cursors(const std::vector<event_cursor>& cursors) override;
  /// Deletes up to 10 000 events that every subscriber has had and that are
  /// older than the retention; returns how many.
  int64_t prune_events();

private:
  pg_context& ctx_;
};

class pg_analytics : public analytics_repository {
public:
  pg_analytics(pg_context& ctx, inbox_repository& inbox)
      : ctx_(ctx), inbox_(inbox) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  cleanup_counts expire(const std::string& party_cutoff,
                        int32_t notification_days) override;
  std::vector<analytics_counts>
  analytics_counts_of(const std::string& day,
                      const std::string& only_user) override;
  int64_t store_analytics(const std::string& day,
                          const std::vector<analytics_counts>& counts,
                          const std::string& only_user) override;
  user_analytics analytics_of(const std::string& user,
                              const std::string& day) override;

private:
  pg_context& ctx_;
  inbox_repository& inbox_;
};

class pg_snapshot : public snapshot_repository {
public:
  explicit pg_snapshot(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  rec_shard_snapshot rec_snapshot(const std::string& today) override;

private:
  pg_context& ctx_;
};

class pg_request_log : public request_log {
public:
  explicit pg_request_log(pg_context& ctx) : ctx_(ctx) {
    // nop
  }
  static void prepare(pqxx::connection_base& conn);
  std::optional<std::string> logged_reply(const std::string& id) override;
  void log_reply(const std::string& id, const std::string& reply) override;

private:
  pg_context& ctx_;
};

} // namespace lunch
