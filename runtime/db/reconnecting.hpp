#pragma once

// A connection of its own, (re)opened on demand, for the detached actors
// that talk to a database by themselves (the catalog actor, the job
// database actor, the scheduler). Each request is one transaction; a
// failure is an error reply; a broken connection is dropped and opened
// again by the next request.

#include <memory>
#include <string>
#include <utility>

#include <caf/result.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "messages/errors.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/log.hpp"

namespace lunch::db {

class reconnecting_connection {
public:
  reconnecting_connection() = default;

  /// Connects to `dsn` (when first needed) with `statement_timeout_ms`, for
  /// a statement and for a transaction idle between two statements.
  /// Errors are logged as `<label>.error`; `prefix` is put before their
  /// messages.
  reconnecting_connection(std::string dsn, int statement_timeout_ms,
                          std::string label, std::string prefix = "")
      : dsn_(std::move(dsn)),
        statement_timeout_ms_(statement_timeout_ms),
        label_(std::move(label)),
        prefix_(std::move(prefix)) {
    // nop
  }

  /// Runs `fn(tx)` in one transaction and answers its result or the error.
  template <class T, class F>
  caf::result<T> run(F fn) {
    try {
      if (!conn_ || !conn_->is_open()) {
        conn_ = open_connection(dsn_);
        pqxx::nontransaction setup{*conn_};
        // A transaction left open (this process paused or cut off between
        // two statements) ends after as long, its locks with it: a paused
        // node's heartbeat must not hold the majority's catalog changes.
        setup.exec("SET statement_timeout = "
                   + std::to_string(statement_timeout_ms_)
                   + "; SET idle_in_transaction_session_timeout = "
                   + std::to_string(statement_timeout_ms_));
      }
      pqxx::work tx{*conn_};
      T result = fn(tx);
      tx.commit();
      return result;
    } catch (const std::exception& e) {
      auto failure = map_error(e);
      // A refusal of ours (a domain_error) leaves a sound connection.
      bool lost = failure.code == errc::unavailable
                  && dynamic_cast<const domain_error*>(&e) == nullptr;
      if (lost || !conn_ || !conn_->is_open())
        conn_.reset();
      if (failure.code == errc::internal)
        failure.code = errc::unavailable;
      log::warn(label_ + ".error", {{"error", failure.message}});
      return make_error(failure.code, prefix_ + failure.message);
    }
  }

private:
  std::string dsn_;
  int statement_timeout_ms_ = 5000;
  std::string label_;
  std::string prefix_;
  std::unique_ptr<pqxx::connection> conn_;
};

} // namespace lunch::db
