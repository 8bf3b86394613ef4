#pragma once

// All SQL of a shard database, as prepared statements. Every method runs
// inside the caller's transaction; domain outcomes are thrown as
// db::domain_error, database failures as pqxx exceptions.
//
// Each write also appends its domain events (actors/events/events.hpp) to
// the outbox, in the same transaction; the owner tells the shard's event
// relay once the batch has committed. The calendar statements live in
// shard_store_calendar.cpp, the recommendation snapshot in
// shard_store_snapshot.cpp, the outbox in shard_store_events.cpp, the
// cleanup and user analytics in shard_store_maintenance.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include "actors/events/events.hpp"
#include "messages/entity_protocol.hpp"
#include "messages/event_model.hpp"
#include "messages/maintenance_model.hpp"
#include "messages/model.hpp"
#include "messages/notification_model.hpp"
#include "messages/recommend_model.hpp"

namespace lunch {

/// What a batch of notifications did on one shard.
struct notification_batch {
  int64_t inserted = 0;
  int64_t duplicates = 0;                 // dedupe keys used before
  std::vector<std::string> missing_users; // recipients not on this shard
};

class shard_store {
public:
  explicit shard_store(int32_t shard) : shard_(shard) {
    // nop
  }

  /// Registers every statement on a fresh connection (libpqxx 6.4 sends
  /// each one to the server, and PostgreSQL parses it, on first use).
  static void prepare(pqxx::connection_base& conn);

  /// The reply stored with a request id, if that request was applied.
  std::optional<std::string> logged_reply(pqxx::transaction_base& tx,
                                          const std::string& request_id);
  /// Records a request id with its reply (in the write's transaction).
  void log_reply(pqxx::transaction_base& tx, const std::string& request_id,
                 const std::string& reply);

  user_lookup load_user(pqxx::transaction_base& tx, const std::string& id);
  user_profile insert_user(pqxx::transaction_base& tx, const user_profile& p);
  user_profile save_user(pqxx::transaction_base& tx, const user_profile& p);
  void delete_user(pqxx::transaction_base& tx, const std::string& id);
  std::vector<int64_t> purge_user(pqxx::transaction_base& tx,
                                  const std::string& id);
  points_mark scan_points(pqxx::transaction_base& tx, const std::string& id);
  std::vector<user_summary> search(pqxx::transaction_base& tx,
                                   const std::string& term, int32_t limit);

  party_created insert_party(pqxx::transaction_base& tx, const party_record& p,
                             int64_t host_points);
  party_lookup load_party(pqxx::transaction_base& tx, int64_t id);
  points_award add_member(pqxx::transaction_base& tx, int64_t party,
                          const std::string& user, int64_t points);
  bool remove_member(pqxx::transaction_base& tx, int64_t party,
                     const std::string& user);
  bool save_party(pqxx::transaction_base& tx, const party_record& p);
  bool delete_party(pqxx::transaction_base& tx, int64_t id);
  std::vector<party_record> parties_of(pqxx::transaction_base& tx,
                                       const std::string& user);
  std::vector<party_record> list(pqxx::transaction_base& tx,
                                 const party_filter& filter);
  shard_stats stats(pqxx::transaction_base& tx);

  /// A new entry (id and created_at set here) | not_found (no such user).
  calendar_entry insert_calendar_entry(pqxx::transaction_base& tx,
                                       const calendar_entry& e);
  /// A user's entries by (date, id) | not_found (no such user).
  std::vector<calendar_entry> calendar_of(pqxx::transaction_base& tx,
                                          const std::string& user);
  /// The removed entry | not_found (no entry `id` of `user`).
  calendar_entry delete_calendar_entry(pqxx::transaction_base& tx,
                                       const std::string& user, int64_t id);

  // The notification inbox (shard_store_notifications.cpp). Ids are
  // seq * 16384 + the recipient's slot; created_at is shown in Asia/Seoul.

  /// Inserts `n` (a `dedupe_key` other than "" is used once): true if
  /// inserted, false if the key was used before | not_found (no such user).
  bool insert_notification(pqxx::transaction_base& tx, const notification& n,
                           const std::string& dedupe_key);
  /// Inserts a batch in one statement; `dedupe_keys` is empty or one per
  /// notification. Notifications of users that do not exist are skipped.
  notification_batch
  insert_notifications(pqxx::transaction_base& tx,
                       const std::vector<notification>& ns,
                       const std::vector<std::string>& dedupe_keys);
  /// The unread count and the newest `inbox_size` (only unread ones if
  /// `unread_only`) | not_found (no such user).
  notification_inbox inbox(pqxx::transaction_base& tx, const std::string& user,
                           bool unread_only);
  /// Marks notification `id` read and returns it | not_found.
  notification mark_notification_read(pqxx::transaction_base& tx, int64_t id);
  /// Marks every unread notification of `user` read; how many |
  /// not_found (no such user).
  int64_t mark_all_notifications_read(pqxx::transaction_base& tx,
                                      const std::string& user);
  /// Deletes notification `id` | not_found.
  void delete_notification(pqxx::transaction_base& tx, int64_t id);
  /// Deletes the read notifications of `user`; how many | not_found.
  int64_t clear_read_notifications(pqxx::transaction_base& tx,
                                   const std::string& user);
  /// The cleanup job: deletes notifications created more than `days` days
  /// ago; how many.
  int64_t delete_notifications_older_than(pqxx::transaction_base& tx,
                                          int32_t days);

  // The data jobs of spec §5 (shard_store_maintenance.cpp).

  /// Deletes the parties dated before `party_cutoff` (YYYY-MM-DD; their
  /// members cascade, and each writes its party.deleted event) and the
  /// notifications older than `notification_days` days.
  cleanup_counts expire(pqxx::transaction_base& tx,
                        const std::string& party_cutoff,
                        int32_t notification_days);
  /// This shard's membership and ledger counts per employee id (only ids
  /// with rows here; `only_user` "" = all), ordered by id; points_today
  /// sums the ledger rows created on `day` in Asia/Seoul.
  std::vector<analytics_counts>
  analytics_counts_of(pqxx::transaction_base& tx, const std::string& day,
                      const std::string& only_user);
  /// Upserts the `day` row of every user of this shard (or only
  /// `only_user`) with its counts from `counts` (zeros if not listed) and
  /// the preferences of its users row; how many rows.
  int64_t store_analytics(pqxx::transaction_base& tx, const std::string& day,
                          const std::vector<analytics_counts>& counts,
                          const std::string& only_user);
  /// A user's row of `day` ("" = the latest) | not_found.
  user_analytics analytics_of(pqxx::transaction_base& tx,
                              const std::string& user, const std::string& day);

  /// This shard's recommendation inputs; `today` (YYYY-MM-DD) splits busy
  /// days (from today on) from past dinners. Run it in one repeatable-read
  /// transaction, so the parts agree with each other.
  rec_shard_snapshot rec_snapshot(pqxx::transaction_base& tx,
                                  const std::string& today);

  /// Outbox events after id `after`, in id order, at most `limit`.
  std::vector<domain_event> events_after(pqxx::transaction_base& tx,
                                         int64_t after, int32_t limit);
  /// Every subscriber's cursor on this shard (none yet: not listed).
  std::vector<event_cursor> event_cursors(pqxx::transaction_base& tx);
  /// Moves cursors forward (never back), then prunes.
  void save_event_cursors(pqxx::transaction_base& tx,
                          const std::vector<event_cursor>& cursors);
  /// Deletes up to 10 000 events that every subscriber has had and that are
  /// older than the retention; returns how many.
  int64_t prune_events(pqxx::transaction_base& tx);

  /// Whether an event was written since the last call (the relay is
  /// told after the commit).
  bool take_events_written() {
    bool out = events_written_;
    events_written_ = false;
    return out;
  }

private:
  static void prepare_calendar(pqxx::connection_base& conn);
  static void prepare_notifications(pqxx::connection_base& conn);
  static void prepare_snapshot(pqxx::connection_base& conn);
  static void prepare_events(pqxx::connection_base& conn);
  static void prepare_maintenance(pqxx::connection_base& conn);
  void emit(pqxx::transaction_base& tx, const events::draft& event);

  int32_t shard_;
  bool events_written_ = false;
};

} // namespace lunch
