#include "actors/shard/pg_shard_store.hpp"

#include <chrono>
#include <limits>

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/log.hpp"

namespace lunch {

// -- the request log -----------------------------------------------------

void pg_request_log::prepare(pqxx::connection_base& conn) {
  prepare_all(
    conn,
    {
      {"request_get", "SELECT reply FROM request_log WHERE request_id = $1"},
      {"request_put",
       "INSERT INTO request_log (request_id, reply) VALUES ($1, $2)"},
    });
}

std::optional<std::string> pg_request_log::logged_reply(const std::string& id) {
  auto rows = ctx_.tx().exec_prepared("request_get", id);
  if (rows.empty())
    return std::nullopt;
  return rows[0][0].as<std::string>();
}

void pg_request_log::log_reply(const std::string& id,
                               const std::string& reply) {
  ctx_.tx().exec_prepared("request_put", id, reply);
}

// -- the store -------------------------------------------------------------

pg_shard_store::pg_shard_store(int32_t shard, std::string dsn,
                               std::shared_ptr<db::standby_pool> standby)
    : dsn_(std::move(dsn)), standby_(std::move(standby)) {
  ctx_.shard = shard;
}

pg_shard_store::~pg_shard_store() {
  close();
}

void pg_shard_store::prepare(pqxx::connection_base& conn) {
  pg_users::prepare(conn);
  pg_parties::prepare(conn);
  pg_request_log::prepare(conn);
  pg_calendar::prepare(conn);
  pg_inbox::prepare(conn);
  pg_snapshot::prepare(conn);
  pg_outbox::prepare(conn);
  pg_analytics::prepare(conn);
}

namespace {

// What a new owner runs first: its relay's cursors and first read, a
// user's or a party's load, a points scan, the first writes. Prepared on
// the standby, whose session the owner keeps, so that a takeover's first
// batch does not parse them on a loaded machine.
constexpr const char* takeover_statements[]
  = {"event_cursors",     "events_after",
     "save_event_cursor", "load_user",
     "save_user",         "scan_points",
     "load_party",        "members_of",
     "add_member",        "save_party",
     "insert_party",      "request_get",
     "request_put",       "notification_insert_batch"};

} // namespace

void pg_shard_store::warm_up(pqxx::connection& conn) {
  {
    pqxx::read_transaction tx{conn};
    tx.exec("SELECT (SELECT epoch FROM shard_fence),"
            " EXISTS (SELECT 1 FROM users), EXISTS (SELECT 1 FROM parties),"
            " EXISTS (SELECT 1 FROM party_members),"
            " EXISTS (SELECT 1 FROM user_activity),"
            " EXISTS (SELECT 1 FROM request_log),"
            " EXISTS (SELECT 1 FROM outbox),"
            " EXISTS (SELECT 1 FROM notifications)");
    tx.commit();
  }
  // Every batch starts with lunch_fence(). Its first call in a session
  // loads PL/pgSQL and compiles it: ~5 ms on an idle machine, up to 40 ms
  // under a failover's load, measured on a takeover's first batch. Called
  // here with the current epoch and rolled back (its share lock with it).
  try {
    pqxx::work tx{conn};
    tx.exec("SELECT lunch_fence(epoch) FROM shard_fence");
    tx.abort();
  } catch (const pqxx::sql_error&) {
    // A takeover moved the epoch meanwhile: compiled all the same.
  }
  prepare(conn);
  for (const char* name : takeover_statements)
    conn.prepare_now(name);
  // A statement's first run in a session plans it with cold caches
  // (relations, indexes, statistics): 5-11 ms each on a takeover's first
  // batch, measured. The reads a new owner's first requests make (the
  // relay's start, an entity's load and points scan, a replayed request)
  // run once here, matching nothing.
  pqxx::read_transaction tx{conn};
  tx.exec_prepared("event_cursors");
  tx.exec_prepared("events_after", std::numeric_limits<int64_t>::max(), 1);
  tx.exec_prepared("load_user", "");
  tx.exec_prepared("scan_points", "");
  tx.exec_prepared("load_party", 0);
  tx.exec_prepared("members_of", 0);
  tx.exec_prepared("request_get", "");
  tx.commit();
}

void pg_shard_store::open(int64_t epoch, const std::string& node) {
  try {
    auto started = std::chrono::steady_clock::now();
    if (standby_)
      conn_ = standby_->take(ctx_.shard);
    bool standby = conn_ != nullptr;
    if (standby) {
      try {
        fence(epoch, node, std::chrono::steady_clock::now() - started, true);
      } catch (const pqxx::broken_connection&) {
        conn_.reset(); // it broke while it waited
        standby = false;
      }
    }
    if (!standby) {
      conn_ = db::open_connection(dsn_);
      fence(epoch, node, std::chrono::steady_clock::now() - started, false);
    }
    prepare(*conn_);
  } catch (...) {
    close();
    throw;
  }
}

// Writes our epoch into the shard's fence row (or finds it there after a
// restart). A stale owner whose open transaction holds the row (a paused
// node) is disconnected, so a takeover never waits for it. Throws a
// fenced domain_error when a newer epoch owns the shard.
void pg_shard_store::fence(int64_t epoch, const std::string& node,
                           std::chrono::steady_clock::duration connecting,
                           bool standby) {
  auto started = std::chrono::steady_clock::now();
  auto ms = [](std::chrono::steady_clock::duration d) {
    return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  auto& conn = *conn_;
  auto shard = std::to_string(ctx_.shard);
  auto e = std::to_string(epoch);
  // The session's name lets a successor find (and end) it; the epoch is
  // written into every row this owner creates. Both are set in the fence's
  // transaction (PostgreSQL folds statements before a BEGIN in one query
  // into it), so a takeover costs two round trips: this one and COMMIT.
  auto fence_sql = "SET application_name = 'lunchmesh-owner-" + shard
                   + "'; SET lunch.epoch = '" + e
                   + "'; BEGIN; SET LOCAL lock_timeout = '200ms';"
                     " UPDATE shard_fence SET epoch = "
                   + e + ", owner = " + conn.quote(node)
                   + ", fenced_at = now() WHERE epoch < " + e + " RETURNING 1";
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) {
      pqxx::nontransaction tx{conn};
      auto killed = tx.exec_params(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND application_name = $1",
        "lunchmesh-owner-" + shard);
      log::warn("shard.stale_owner_disconnected",
                {{"shard", shard},
                 {"backends", killed[0][0].as<std::string>()}});
    }
    pqxx::nontransaction tx{conn};
    auto rollback = [&] {
      try {
        tx.exec("ROLLBACK");
      } catch (const pqxx::sql_error&) {
        // not in a transaction: the failure came before the BEGIN
      }
    };
    try {
      auto moved = tx.exec(fence_sql);
      if (moved.empty()) {
        auto row = tx.exec("SELECT epoch, owner FROM shard_fence");
        if (row[0][0].as<int64_t>() != epoch) {
          rollback();
          throw db::domain_error(
            errc::fenced, "fenced: shard " + shard + " belongs to epoch "
                            + row[0][0].as<std::string>() + " ("
                            + row[0][1].as<std::string>() + "), not " + e);
        }
      }
      tx.exec("COMMIT");
      // How long a takeover took here: the connection, then the fence
      // (waiting for the row lock of a stale owner's open batch, if any).
      log::info("shard.fenced_in",
                {{"shard", shard},
                 {"epoch", e},
                 {"taken_over", moved.empty() ? "no" : "yes"},
                 {"connect_ms", ms(connecting)},
                 {"standby", standby ? "yes" : "no"},
                 {"fence_ms", ms(std::chrono::steady_clock::now() - started)},
                 {"attempts", std::to_string(attempt + 1)}});
      return;
    } catch (const pqxx::sql_error& err) {
      rollback();
      if (err.sqlstate() != "55P03" || attempt >= 20)
        throw;
      // A stale owner's open batch holds the row (a paused node): it is
      // disconnected before the next attempt.
    }
  }
}

bool pg_shard_store::is_open() const {
  return conn_ && conn_->is_open();
}

void pg_shard_store::close() noexcept {
  // Destroying a transaction on a dead connection must not throw out of
  // here; pqxx swallows errors in destructors.
  abandon_batch();
  conn_.reset();
}

pqxx::connection& pg_shard_store::connection() {
  if (!conn_)
    throw pqxx::broken_connection{"shard " + std::to_string(ctx_.shard)
                                  + " database connection is closed"};
  return *conn_;
}

// The batch is a transaction block of our own SQL, not a pqxx::work: its
// BEGIN goes in the first write's round trip, its COMMIT in the one that
// writes the outbox. Nothing is sent here. (A nontransaction never retries
// a statement on a new session after the connection broke: tested.)
void pg_shard_store::begin_batch() {
  batch_ = std::make_unique<pqxx::nontransaction>(connection(), "batch");
  ctx_.current = batch_.get();
  ctx_.deferring = true;
  ctx_.deferred.clear();
  begun_ = false;
  savepoint_set_ = false;
}

// At most one round trip, none for a write in the middle of a batch without
// a savepoint. A batch starts with the fence check: its share lock on the
// fence row holds any takeover until this batch has committed. Savepoints
// are explicit SQL: libpqxx 6.4's subtransaction never sends SAVEPOINT for
// prepared statements, and committing a transaction that a failed statement
// aborted silently rolls back every write in the batch.
void pg_shard_store::begin_write(int64_t epoch, bool first_in_batch,
                                 bool savepoint) {
  write_events_from_ = ctx_.deferred.size();
  std::string sql;
  if (!begun_) {
    sql = "BEGIN;";
    begun_ = true; // a failure from here on needs a ROLLBACK
  }
  if (first_in_batch)
    sql += "SELECT lunch_fence(" + std::to_string(epoch) + ");";
  if (savepoint) {
    if (savepoint_set_)
      sql += "RELEASE SAVEPOINT op;";
    sql += "SAVEPOINT op";
    savepoint_set_ = true;
  }
  if (!sql.empty())
    batch_->exec(sql);
}

// The write's events go with it.
void pg_shard_store::undo_write() {
  batch_->exec("ROLLBACK TO SAVEPOINT op");
  auto& events = ctx_.deferred;
  events.erase(events.begin() + static_cast<std::ptrdiff_t>(write_events_from_),
               events.end());
}

// One round trip: the batch's events into the outbox, then COMMIT. Should
// the INSERT fail, PostgreSQL skips the COMMIT and the batch is abandoned.
void pg_shard_store::commit_batch() {
  if (begun_)
    batch_->exec(ctx_.take_deferred_insert(connection()) + "COMMIT");
  batch_.reset();
  begun_ = false;
  ctx_.current = nullptr;
  ctx_.deferring = false;
}

void pg_shard_store::abandon_batch() noexcept {
  if (batch_ && begun_) {
    try {
      batch_->exec("ROLLBACK");
    } catch (const std::exception&) {
      // A broken connection: the server rolls the transaction back.
    }
  }
  begun_ = false;
  batch_.reset();
  ctx_.current = nullptr;
  ctx_.deferring = false;
  ctx_.deferred.clear();
}

void pg_shard_store::read_alone(int64_t epoch,
                                const std::function<void()>& body) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{connection()};
  // lunch_fence() locks the row, which a read-only transaction may not.
  auto current = tx.exec("SELECT epoch FROM shard_fence")[0][0].as<int64_t>();
  if (current != epoch)
    throw db::domain_error(errc::fenced,
                           "fenced: shard " + std::to_string(ctx_.shard)
                             + " belongs to epoch " + std::to_string(current)
                             + ", not " + std::to_string(epoch));
  struct unbind {
    pg_context& ctx;
    ~unbind() {
      ctx.current = nullptr;
    }
  } guard{ctx_};
  ctx_.current = &tx;
  body();
  tx.commit();
}

bool pg_shard_store::take_events_written() {
  bool out = ctx_.events_written;
  ctx_.events_written = false;
  return out;
}

} // namespace lunch
