#pragma once

// What a shard owner asks of its database, with no database in sight: one
// repository per aggregate (users, parties, calendar, inbox, outbox,
// analytics, recommendation snapshot, request log) and the unit of work
// that commit_batcher drives (a batch transaction, a savepoint per write,
// the fence check). The PostgreSQL store is pg_shard_store.hpp; the tests
// use an in-memory one (tests/support/memory_store.hpp).
//
// Every repository call runs inside the store's current transaction (the
// open batch, or a read_alone). Domain outcomes are thrown as
// db::domain_error; anything else is a database failure (db::map_error).
// Each write appends its domain events (actors/events/events.hpp) to the
// outbox in the same transaction; take_events_written() says whether one
// did, so the owner tells the shard's event relay after the commit.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "messages/event_model.hpp"
#include "messages/maintenance_model.hpp"
#include "messages/model.hpp"
#include "messages/notification_model.hpp"
#include "messages/recommend_model.hpp"
#include "messages/shard_protocol.hpp"

namespace lunch {

/// What a batch of notifications did on one shard.
struct notification_batch {
  int64_t inserted = 0;
  int64_t duplicates = 0;                 // dedupe keys used before
  std::vector<std::string> missing_users; // recipients not on this shard
};

class user_repository {
public:
  virtual ~user_repository() = default;
  virtual user_lookup load_user(const std::string& id) = 0;
  /// The stored row | already_exists.
  virtual user_profile insert_user(const user_profile& p) = 0;
  /// The stored row | not_found.
  virtual user_profile save_user(const user_profile& p) = 0;
  /// Deletes the user row | not_found.
  virtual void delete_user(const std::string& id) = 0;
  /// Removes a deleted user's memberships and ledger rows here; the ids of
  /// the parties touched.
  virtual std::vector<int64_t> purge_user(const std::string& id) = 0;
  virtual points_mark scan_points(const std::string& id) = 0;
  virtual std::vector<user_summary>
  search(const std::string& term, int32_t limit) = 0;
};

class party_repository {
public:
  virtual ~party_repository() = default;
  /// The party with its id, and the host's ledger row | not_found (host).
  virtual party_created insert_party(const party_record& p, int64_t host_points)
    = 0;
  virtual party_lookup load_party(int64_t id) = 0;
  /// The joiner's ledger row | not_found, party_full, already_joined (the
  /// capacity is checked again here, whatever the entity decided).
  virtual points_award
  add_member(int64_t party, const std::string& user, int64_t points)
    = 0;
  /// true | not_member.
  virtual bool remove_member(int64_t party, const std::string& user) = 0;
  /// true | not_found.
  virtual bool save_party(const party_record& p) = 0;
  /// true | not_found.
  virtual bool delete_party(int64_t id) = 0;
  virtual std::vector<party_record> parties_of(const std::string& user) = 0;
  virtual std::vector<party_record> list(const party_filter& filter) = 0;
  virtual shard_stats stats() = 0;
};

class calendar_repository {
public:
  virtual ~calendar_repository() = default;
  /// A new entry (id and created_at set here) | not_found (no such user).
  virtual calendar_entry insert_calendar_entry(const calendar_entry& e) = 0;
  /// A user's entries by (date, id) | not_found (no such user).
  virtual std::vector<calendar_entry> calendar_of(const std::string& user) = 0;
  /// The removed entry | not_found (no entry `id` of `user`).
  virtual calendar_entry
  delete_calendar_entry(const std::string& user, int64_t id)
    = 0;
};

/// The notification inbox. Ids are seq * 16384 + the recipient's slot;
/// created_at is shown in Asia/Seoul.
class inbox_repository {
public:
  virtual ~inbox_repository() = default;
  /// Inserts `n` (a `dedupe_key` other than "" is used once): true if
  /// inserted, false if the key was used before | not_found (no such user).
  virtual bool
  insert_notification(const notification& n, const std::string& dedupe_key)
    = 0;
  /// Inserts a batch in one statement; `dedupe_keys` is empty or one per
  /// notification. Notifications of users that do not exist are skipped.
  virtual notification_batch
  insert_notifications(const std::vector<notification>& ns,
                       const std::vector<std::string>& dedupe_keys)
    = 0;
  /// The unread count and the newest `inbox_size` (only unread ones if
  /// `unread_only`) | not_found (no such user).
  virtual notification_inbox inbox(const std::string& user, bool unread_only)
    = 0;
  /// Marks notification `id` read and returns it | not_found.
  virtual notification mark_notification_read(int64_t id) = 0;
  /// Marks every unread notification of `user` read; how many | not_found.
  virtual int64_t mark_all_notifications_read(const std::string& user) = 0;
  /// Deletes notification `id` | not_found.
  virtual void delete_notification(int64_t id) = 0;
  /// Deletes the read notifications of `user`; how many | not_found.
  virtual int64_t clear_read_notifications(const std::string& user) = 0;
  /// Deletes notifications created more than `days` days ago; how many.
  virtual int64_t delete_notifications_older_than(int32_t days) = 0;
};

/// The outbox, for the shard's event relay.
class outbox_repository {
public:
  virtual ~outbox_repository() = default;
  /// Outbox events after id `after`, in id order, at most `limit`.
  virtual std::vector<domain_event> events_after(int64_t after, int32_t limit)
    = 0;
  /// Every subscriber's cursor on this shard (none yet: not listed).
  virtual std::vector<event_cursor> event_cursors() = 0;
  /// Moves cursors forward (never back), then prunes.
  virtual void save_event_cursors(const std::vector<event_cursor>& cursors) = 0;
};

/// The data jobs of spec §5: the cleanup and the user analytics.
class analytics_repository {
public:
  virtual ~analytics_repository() = default;
  /// Deletes the parties dated before `party_cutoff` (YYYY-MM-DD; their
  /// members cascade, and each writes its party.deleted event) and the
  /// notifications older than `notification_days` days.
  virtual cleanup_counts
  expire(const std::string& party_cutoff, int32_t notification_days)
    = 0;
  /// This shard's membership and ledger counts per employee id (only ids
  /// with rows here; `only_user` "" = all), ordered by id; points_today
  /// sums the ledger rows created on `day` in Asia/Seoul.
  virtual std::vector<analytics_counts>
  analytics_counts_of(const std::string& day, const std::string& only_user) = 0;
  /// Upserts the `day` row of every user of this shard (or only
  /// `only_user`) with its counts from `counts` (zeros if not listed) and
  /// the preferences of its users row; how many rows.
  virtual int64_t store_analytics(const std::string& day,
                                  const std::vector<analytics_counts>& counts,
                                  const std::string& only_user)
    = 0;
  /// A user's row of `day` ("" = the latest) | not_found.
  virtual user_analytics
  analytics_of(const std::string& user, const std::string& day)
    = 0;
};

class snapshot_repository {
public:
  virtual ~snapshot_repository() = default;
  /// This shard's recommendation inputs; `today` (YYYY-MM-DD) splits busy
  /// days (from today on) from past dinners. Run it in read_alone, so the
  /// parts agree with each other.
  virtual rec_shard_snapshot rec_snapshot(const std::string& today) = 0;
};

/// Request ids of applied writes, with their stored replies.
class request_log {
public:
  virtual ~request_log() = default;
  /// The reply stored with a request id, if that request was applied.
  virtual std::optional<std::string> logged_reply(const std::string& id) = 0;
  /// Records a request id with its reply (in the write's transaction).
  virtual void log_reply(const std::string& id, const std::string& reply) = 0;
};

/// A shard database as its owner sees it: the repositories and the unit of
/// work. One owner uses one store from one thread.
class shard_store {
public:
  virtual ~shard_store() = default;

  // -- the repositories -------------------------------------------------

  virtual user_repository& users() = 0;
  virtual party_repository& parties() = 0;
  virtual calendar_repository& calendar() = 0;
  virtual inbox_repository& inbox() = 0;
  virtual outbox_repository& outbox() = 0;
  virtual analytics_repository& analytics() = 0;
  virtual snapshot_repository& snapshots() = 0;
  virtual request_log& requests() = 0;

  // -- the unit of work (commit_batcher) --------------------------------

  /// Connects and writes `epoch` into the shard's fence (or finds it there
  /// after a restart) as `node`. Throws a fenced domain_error when a newer
  /// epoch owns the shard, anything else when the database is unreachable.
  virtual void open(int64_t epoch, const std::string& node) = 0;
  /// Whether the connection is (still) usable.
  virtual bool is_open() const = 0;
  /// Drops the connection and any open transaction; never throws.
  virtual void close() noexcept = 0;

  /// Opens the batch transaction.
  virtual void begin_batch() = 0;
  virtual bool in_batch() const = 0;
  /// Starts the next write. The batch's first write checks that the fence
  /// still holds `epoch`, else throws (fenced). With `savepoint` the write
  /// gets a savepoint of its own (the previous one is released), so that
  /// undo_write can undo it alone; without one, a failed write leaves only
  /// abandon_batch, which costs no round trip while nothing fails.
  virtual void begin_write(int64_t epoch, bool first_in_batch, bool savepoint)
    = 0;
  /// Rolls the batch back to the last savepoint: undoes one failed write
  /// that began with a savepoint.
  virtual void undo_write() = 0;
  virtual void commit_batch() = 0;
  /// Rolls the open batch back (if any); never throws.
  virtual void abandon_batch() noexcept = 0;
  /// Runs `body` in a read-only, repeatable-read transaction of its own,
  /// after checking that the fence holds `epoch` (else throws fenced).
  virtual void read_alone(int64_t epoch, const std::function<void()>& body) = 0;

  /// Whether an event was written since the last call.
  virtual bool take_events_written() = 0;
};

} // namespace lunch
