#include "runtime/db/map_error.hpp"

#include <pqxx/except>

#include "runtime/db/connection.hpp"

namespace lunch::db {

outcome map_error(const std::exception& e) {
  if (auto x = dynamic_cast<const domain_error*>(&e))
    return fail(x->code, x->what());
  if (dynamic_cast<const pqxx::broken_connection*>(&e)
      || dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return fail(errc::unavailable,
                "database connection lost: " + first_line(e.what()));
  if (auto x = dynamic_cast<const pqxx::sql_error*>(&e);
      x && x->sqlstate() == "LF001")
    return fail(errc::fenced, first_line(e.what()));
  if (dynamic_cast<const pqxx::unique_violation*>(&e))
    return fail(errc::already_exists, first_line(e.what()));
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e))
    return fail(errc::not_found, first_line(e.what()));
  if (dynamic_cast<const pqxx::check_violation*>(&e)
      || dynamic_cast<const pqxx::data_exception*>(&e))
    return fail(errc::invalid_argument, first_line(e.what()));
  return fail(errc::internal, first_line(e.what()));
}

} // namespace lunch::db
