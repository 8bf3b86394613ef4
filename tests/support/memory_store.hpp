#pragma once

// A shard database in memory, for the deterministic actor tests: the
// users, parties, points ledger, outbox and request log of one shard, with
// the transaction semantics the owner relies on (a batch is a copy of the
// committed tables; a savepoint is a copy of the batch; only a commit
// publishes) and the fence row. The calendar, the inbox, the analytics
// and the recommendation snapshot are not modelled: they throw.
//
// One memory_db outlives the owners that open it, as a database outlives
// its owner's restarts.

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/events/events.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "actors/shard/shard_store.hpp"

namespace lunch::testing {

/// Every row's created_at.
inline constexpr const char* memory_created_at = "2026-01-01T00:00:00Z";

struct memory_tables {
  struct ledger_row {
    int64_t id = 0;
    std::string employee_id;
    int64_t points = 0;
  };
  std::map<std::string, user_profile> users;
  std::map<int64_t, party_record> parties; // members: host first, join order
  std::vector<ledger_row> ledger;
  std::map<std::string, std::string> request_log;
  std::vector<domain_event> outbox;
};

struct memory_db {
  int32_t shard = 0;
  memory_tables committed;
  /// One sequence for every table; like PostgreSQL's, never rolled back.
  int64_t next_id = 1;
  int64_t fence_epoch = 0;
  std::string fence_owner;
  bool reachable = true;
  /// How often each repository call ran (applied or rolled back).
  std::map<std::string, int> calls;
  /// Runs as each write starts its savepoint (a test arms a fault here).
  std::function<void()> on_write;
  /// Runs as a batch commits (a test makes the commit fail here).
  std::function<void()> on_commit;

  int count(const std::string& call) const {
    auto i = calls.find(call);
    return i == calls.end() ? 0 : i->second;
  }
};

class memory_store : public shard_store,
                     public user_repository,
                     public party_repository,
                     public calendar_repository,
                     public inbox_repository,
                     public outbox_repository,
                     public analytics_repository,
                     public snapshot_repository,
                     public request_log {
public:
  explicit memory_store(std::shared_ptr<memory_db> db) : db_(std::move(db)) {
    // nop
  }

  // -- shard_store ------------------------------------------------------
  user_repository& users() override {
    return *this;
  }
  party_repository& parties() override {
    return *this;
  }
  calendar_repository& calendar() override {
    return *this;
  }
  inbox_repository& inbox() override {
    return *this;
  }
  outbox_repository& outbox() override {
    return *this;
  }
  analytics_repository& analytics() override {
    return *this;
  }
  snapshot_repository& snapshots() override {
    return *this;
  }
  request_log& requests() override {
    return *this;
  }
  void open(int64_t epoch, const std::string& node) override;
  bool is_open() const override {
    return open_;
  }
  void close() noexcept override;
  void begin_batch() override;
  bool in_batch() const override {
    return work_.has_value() && !reading_;
  }
  void begin_write(int64_t epoch, bool first_in_batch, bool savepoint) override;
  void undo_write() override;
  void commit_batch() override;
  void abandon_batch() noexcept override;
  void read_alone(int64_t epoch, const std::function<void()>& body) override;
  bool take_events_written() override;

  // -- users ------------------------------------------------------------
  user_lookup load_user(const std::string& id) override;
  user_profile insert_user(const user_profile& p) override;
  user_profile save_user(const user_profile& p) override;
  void delete_user(const std::string& id) override;
  std::vector<int64_t> purge_user(const std::string& id) override;
  points_mark scan_points(const std::string& id) override;
  std::vector<user_summary> search(const std::string& term,
                                   int32_t limit) override;

  // -- parties ----------------------------------------------------------
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

  // -- the request log and the outbox -----------------------------------
  std::optional<std::string> logged_reply(const std::string& id) override;
  void log_reply(const std::string& id, const std::string& reply) override;
  std::vector<domain_event> events_after(int64_t after, int32_t limit) override;
  std::vector<event_cursor> event_cursors() override;
  void save_event_cursors(const std::vector<event_cursor>& cursors) override;

  // -- not modelled: throw ----------------------------------------------
  calendar_entry insert_calendar_entry(const calendar_entry& e) override;
  std::vector<calendar_entry> calendar_of(const std::string& user) override;
  calendar_entry delete_calendar_entry(const std::string& user,
                                       int64_t id) override;
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
  rec_shard_snapshot rec_snapshot(const std::string& today) override;

private:
  /// One repository call in the current transaction. Like a failed SQL
  /// statement, one that throws aborts the transaction until the write's
  /// savepoint is rolled back to (a commit then publishes nothing).
  class statement {
  public:
    statement(memory_store& store, memory_tables& tables)
        : store_(store),
          tables_(tables),
          exceptions_(std::uncaught_exceptions()) {
      // nop
    }
    ~statement() {
      if (std::uncaught_exceptions() > exceptions_)
        store_.aborted_ = true;
    }
    memory_tables* operator->() {
      return &tables_;
    }
    memory_tables& operator*() {
      return tables_;
    }

  private:
    memory_store& store_;
    memory_tables& tables_;
    int exceptions_;
  };

  /// Starts a repository call (counted in memory_db::calls).
  statement tx(const char* call);
  void check_fence(int64_t epoch) const;
  void emit(memory_tables& t, const events::draft& event);
  int64_t add_ledger_row(memory_tables& t, const std::string& user,
                         int64_t points);

  std::shared_ptr<memory_db> db_;
  bool open_ = false;
  bool reading_ = false;
  bool events_written_ = false;
  bool aborted_ = false;
  std::optional<memory_tables> work_;
  std::optional<memory_tables> savepoint_;
};

/// The factory spawn_shard_owner takes: every (re)start opens `db`.
shard_store_factory memory_store_factory(std::shared_ptr<memory_db> db);

} // namespace lunch::testing
