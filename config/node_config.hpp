#pragma once

// The node config file (JSON) read by `lunchd --config FILE`.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace lunch::config {

struct listen_address {
  std::string host = "127.0.0.1";
  uint16_t port = 4710;
};

struct node_config {
  std::string node;                // unique node name, e.g. "node0"
  listen_address listen;           // where the gateway is published
  std::string catalog;             // libpq DSN of the catalog database
  std::vector<std::string> shards; // libpq DSNs, one per shard database
  std::string log_level = "info";  // debug | info | warn | error
  int64_t request_timeout_ms = 5000;
  int64_t passivate_after_ms = 60000; // idle entity actors stop after this
  int32_t threads = 0;                // scheduler threads; 0 = one per core
};

/// Reads and validates a config file. Throws `config_error` whose message is
/// one line naming the file and the field, e.g.
/// "node.json: shards[2]: must be a non-empty libpq connection string".
node_config load_node_config(const std::string& path);

/// Parses and validates JSON text (`origin` prefixes error messages).
node_config parse_node_config(const std::string& text,
                              const std::string& origin);

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace lunch::config
