#include "runtime/node.hpp"

#include <caf/all.hpp>

#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/db/migrate.hpp"

namespace lunch::runtime {

namespace {

[[noreturn]] void reject(const std::string& field, const std::string& why) {
  throw config::config_error(field + ": " + why);
}

std::unique_ptr<pqxx::connection> connect(const std::string& field,
                                          const std::string& dsn) {
  try {
    return db::open_connection(dsn);
  } catch (const std::exception& e) {
    reject(field, "cannot connect: " + db::first_line(e.what()));
  }
}

} // namespace

std::vector<int32_t> prepare_databases(const config::node_config& cfg) {
  auto shards = static_cast<int32_t>(cfg.shards.size());
  std::vector<int32_t> table;
  {
    auto conn = connect("catalog", cfg.catalog);
    try {
      table = db::migrate_catalog(*conn, shards);
    } catch (const db::domain_error& e) {
      reject("shards", e.what());
    } catch (const std::exception& e) {
      reject("catalog", "migration failed: " + db::first_line(e.what()));
    }
  }
  for (int32_t i = 0; i < shards; ++i) {
    auto field = "shards[" + std::to_string(i) + "]";
    auto conn = connect(field, cfg.shards[i]);
    try {
      db::migrate_shard(*conn, i);
    } catch (const db::domain_error& e) {
      reject(field, e.what());
    } catch (const std::exception& e) {
      reject(field, "migration failed: " + db::first_line(e.what()));
    }
  }
  return table;
}

gateway_settings make_gateway_settings(const config::node_config& cfg,
                                       std::vector<int32_t> slot_table) {
  gateway_settings s;
  s.node = cfg.node;
  s.host = cfg.listen.host;
  s.port = cfg.listen.port;
  s.shard_dsns = cfg.shards;
  s.slot_table = std::move(slot_table);
  s.timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  s.passivate_after = std::chrono::milliseconds(cfg.passivate_after_ms);
  return s;
}

void stop_gateway(caf::actor_system& sys, const gateway_actor& gateway) {
  caf::scoped_actor self{sys};
  self->send_exit(gateway, caf::exit_reason::user_shutdown);
  self->wait_for(gateway);
}

} // namespace lunch::runtime
