#pragma once

// All SQL of a shard database, as prepared statements. Every method runs
// inside the caller's transaction; domain outcomes are thrown as
// db::domain_error, database failures as pqxx exceptions.
//
// Each write also records what it changed for recommendations
// (`rec_change`, messages/recommend_changes.hpp); the owner takes them after
// the operation and announces them once the batch has committed. The
// calendar statements live in shard_store_calendar.cpp, the recommendation
// snapshot in shard_store_snapshot.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include "messages/entity_protocol.hpp"
#include "messages/model.hpp"
#include "messages/recommend_model.hpp"

namespace lunch {

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

  /// This shard's recommendation inputs; `today` (YYYY-MM-DD) splits busy
  /// days (from today on) from past dinners. Run it in one repeatable-read
  /// transaction, so the parts agree with each other.
  rec_shard_snapshot rec_snapshot(pqxx::transaction_base& tx,
                                  const std::string& today);

  /// The changes recorded since the last take or drop.
  std::vector<rec_change> take_changes() {
    auto out = std::move(changes_);
    changes_.clear();
    return out;
  }

  /// Forgets recorded changes (their operation was rolled back).
  void drop_changes() {
    changes_.clear();
  }

private:
  static void prepare_calendar(pqxx::connection_base& conn);
  static void prepare_snapshot(pqxx::connection_base& conn);

  int32_t shard_;
  std::vector<rec_change> changes_;
};

} // namespace lunch
