#pragma once

// One transaction on a connection that is (re)opened on demand: for the
// detached actors that own a connection of their own (the catalog actor,
// the job database actor). A failure is an error reply; a broken
// connection is dropped and opened again by the next request.

#include <memory>
#include <string>

#include <caf/result.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "messages/errors.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/log.hpp"

namespace lunch::db {

/// Runs `fn(tx)` in one transaction on `conn` (opened from `dsn` with
/// `statement_timeout_ms` if needed). Errors are logged as
/// `<label>.error`; `prefix` is put before their messages.
template <class T, class F>
caf::result<T> run_reconnecting(std::unique_ptr<pqxx::connection>& conn,
                                const std::string& dsn,
                                int statement_timeout_ms, const char* label,
                                const std::string& prefix, F fn) {
  try {
    if (!conn || !conn->is_open()) {
      conn = open_connection(dsn);
      pqxx::nontransaction setup{*conn};
      setup.exec("SET statement_timeout = "
                 + std::to_string(statement_timeout_ms));
    }
    pqxx::work tx{*conn};
    T result = fn(tx);
    tx.commit();
    return result;
  } catch (const std::exception& e) {
    auto failure = map_error(e);
    if (failure.code == errc::unavailable || !conn || !conn->is_open())
      conn.reset();
    if (failure.code == errc::internal)
      failure.code = errc::unavailable;
    log::warn(std::string{label} + ".error", {{"error", failure.message}});
    return make_error(failure.code, prefix + failure.message);
  }
}

} // namespace lunch::db
