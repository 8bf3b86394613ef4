#include "tests/integration/pg_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <caf/all.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "actors/node/node_databases.hpp"
#include "runtime/system_config.hpp"

#include <unistd.h>

namespace lunch::test {

namespace {

std::string base_dsn() {
  const char* base = std::getenv("LUNCH_TEST_PG");
  if (base == nullptr || *base == '\0')
    throw std::runtime_error("LUNCH_TEST_PG is not set: run the suite with "
                             "scripts/test.sh, which starts PostgreSQL");
  return base;
}

void admin(const std::string& base, const std::string& sql) {
  pqxx::connection conn{base + " dbname=postgres"};
  pqxx::nontransaction tx{conn};
  tx.exec(sql);
}

} // namespace

scratch_databases::scratch_databases(int shards) : base_(base_dsn()) {
  static std::atomic<int> counter{0};
  auto prefix = "lunch_it_" + std::to_string(getpid()) + "_"
                + std::to_string(counter++);
  names_.push_back(prefix + "_catalog");
  for (int i = 0; i < shards; ++i)
    names_.push_back(prefix + "_shard_" + std::to_string(i));
  for (const auto& name : names_)
    admin(base_, "CREATE DATABASE " + name);
}

scratch_databases::~scratch_databases() {
  for (const auto& name : names_) {
    try {
      admin(base_, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception&) {
      // A leftover scratch database is harmless; test.sh wipes the cluster.
    }
  }
}

config::node_config scratch_databases::node_config() const {
  config::node_config cfg;
  cfg.node = "it";
  cfg.catalog = base_ + " dbname=" + names_[0];
  for (size_t i = 1; i < names_.size(); ++i)
    cfg.shards.push_back(base_ + " dbname=" + names_[i]);
  cfg.request_timeout_ms = 10000;
  return cfg;
}

std::string scratch_databases::shard_dsn(int i) const {
  return base_ + " dbname=" + names_.at(i + 1);
}

node_fixture::node_fixture(int shards, int64_t passivate_after_ms,
                           std::function<void(config::node_config&)> tweak)
    : dbs(shards), cfg(dbs.node_config()) {
  cfg.passivate_after_ms = passivate_after_ms;
  if (tweak)
    tweak(cfg);
  runtime::configure(sys_cfg, 2);
  sys = std::make_unique<caf::actor_system>(sys_cfg);
  start();
}

void node_fixture::start() {
  node = start_node(*sys, cfg, prepare_databases(cfg), false);
  std::string error;
  gateway = await_gateway(node, std::chrono::seconds(10), error);
  if (!gateway)
    throw std::runtime_error("node did not start: " + error);
}

void node_fixture::restart_node() {
  stop_node(*sys, node);
  start();
}

node_fixture::~node_fixture() {
  stop_node(*sys, node);
  sys.reset();
}

int64_t query_int(const std::string& dsn, const std::string& sql) {
  pqxx::connection conn{dsn};
  pqxx::nontransaction tx{conn};
  return tx.exec1(sql)[0].as<int64_t>();
}

} // namespace lunch::test
