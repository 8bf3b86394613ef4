#pragma once

// A shard database in PostgreSQL: one connection, the batch transaction
// with explicit savepoints, the fence row, and the repositories'
// prepared statements (pg_repositories.hpp).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "actors/shard/pg_repositories.hpp"
#include "actors/shard/shard_store.hpp"
#include "runtime/db/standby_pool.hpp"

namespace lunch {

class pg_shard_store : public shard_store {
public:
  /// With `standby`, the store starts on the pool's ready connection to
  /// its database when there is one.
  pg_shard_store(int32_t shard, std::string dsn,
                 std::shared_ptr<db::standby_pool> standby = nullptr);
  ~pg_shard_store() override;

  /// Registers every statement on a fresh connection (libpqxx 6.4 sends
  /// each one to the server, and PostgreSQL parses it, on first use).
  static void prepare(pqxx::connection_base& conn);

  /// Readies a standby connection for a takeover: touches the tables its
  /// first writes use (their catalog entries load), calls the fence
  /// function once (PL/pgSQL loads and compiles it) and prepares the
  /// statements a new owner runs first.
  static void warm_up(pqxx::connection& conn);

  /// Runs the repositories in `tx`, a transaction of the caller's (tools
  /// and tests that use a connection of their own).
  void bind(pqxx::transaction_base& tx) {
    ctx_.current = &tx;
  }

  user_repository& users() override {
    return users_;
  }
  party_repository& parties() override {
    return parties_;
  }
  calendar_repository& calendar() override {
    return calendar_;
  }
  inbox_repository& inbox() override {
    return inbox_;
  }
  outbox_repository& outbox() override {
    return outbox_;
  }
  analytics_repository& analytics() override {
    return analytics_;
  }
  snapshot_repository& snapshots() override {
    return snapshot_;
  }
  request_log& requests() override {
    return requests_;
  }

  void open(int64_t epoch, const std::string& node) override;
  bool is_open() const override;
  void close() noexcept override;
  void begin_batch() override;
  bool in_batch() const override {
    return batch_ != nullptr;
  }
  void begin_write(int64_t epoch, bool first_in_batch, bool savepoint) override;
  void undo_write() override;
  void commit_batch() override;
  void abandon_batch() noexcept override;
  void read_alone(int64_t epoch, const std::function<void()>& body) override;
  bool take_events_written() override;

private:
  /// The open connection | broken_connection.
  pqxx::connection& connection();
  void fence(int64_t epoch, const std::string& node,
             std::chrono::steady_clock::duration connecting, bool standby);

  std::string dsn_;
  std::shared_ptr<db::standby_pool> standby_;
  pg_context ctx_;
  size_t write_events_from_ = 0; // the open write's first deferred event
  bool begun_ = false;           // the batch has sent its BEGIN
  bool savepoint_set_ = false;   // the batch has a savepoint to release
  pg_users users_{ctx_};
  pg_parties parties_{ctx_};
  pg_calendar calendar_{ctx_};
  pg_inbox inbox_{ctx_};
  pg_outbox outbox_{ctx_};
  pg_analytics analytics_{ctx_, inbox_};
  pg_snapshot snapshot_{ctx_};
  pg_request_log requests_{ctx_};
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::nontransaction> batch_;
};

} // namespace lunch
