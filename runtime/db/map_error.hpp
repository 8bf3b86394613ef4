#pragma once

#include <exception>
#include <stdexcept>
#include <string>

#include "messages/errc.hpp"

namespace lunch::db {

/// Thrown by stores for a domain outcome (not found, conflict, …); the
/// shard owner turns it into the request's error.
struct domain_error : std::runtime_error {
  domain_error(errc code, const std::string& what)
      : std::runtime_error(what), code(code) {
    // nop
  }
  errc code;
};

/// The single translation table from a pqxx exception to our codes.
outcome map_error(const std::exception& e);

} // namespace lunch::db
