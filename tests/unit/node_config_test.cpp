#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "config/node_config.hpp"

using namespace lunch::config;

namespace {

const std::string minimal = R"({
  "node": "node0",
  "catalog": "dbname=lunch_catalog",
  "shards": ["dbname=lunch_shard0", "dbname=lunch_shard1"]
})";

// The message of the config_error that parsing `text` throws.
std::string error_of(const std::string& text) {
  try {
    parse_node_config(text, "node.json");
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST_CASE("a minimal config parses with defaults", "[node_config]") {
  auto cfg = parse_node_config(minimal, "node.json");
  CHECK(cfg.node == "node0");
  CHECK(cfg.catalog == "dbname=lunch_catalog");
  CHECK(
    cfg.shards
    == std::vector<std::string>{"dbname=lunch_shard0", "dbname=lunch_shard1"});
  CHECK(cfg.listen.host == "127.0.0.1");
  CHECK(cfg.listen.port == 4710);
  CHECK(cfg.log_level == "info");
  CHECK(cfg.request_timeout_ms == 5000);
  CHECK(cfg.passivate_after_ms == 60000);
  CHECK(cfg.threads == 0);
}

TEST_CASE("a full config parses", "[node_config]") {
  auto cfg = parse_node_config(R"({
    "node": "node-1_a",
    "listen": {"host": "0.0.0.0", "port": 5000},
    "catalog": "host=db dbname=cat",
    "shards": ["host=db dbname=s0"],
    "log_level": "debug",
    "request_timeout_ms": 10,
    "passivate_after_ms": 100,
    "threads": 4
  })",
                               "node.json");
  CHECK(cfg.node == "node-1_a");
  CHECK(cfg.listen.host == "0.0.0.0");
  CHECK(cfg.listen.port == 5000);
  CHECK(cfg.shards.size() == 1);
  CHECK(cfg.log_level == "debug");
  CHECK(cfg.request_timeout_ms == 10);
  CHECK(cfg.passivate_after_ms == 100);
  CHECK(cfg.threads == 4);
}

TEST_CASE("config errors name the file and the field", "[node_config]") {
  SECTION("unknown keys") {
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],"shard":1})")
          == "node.json: shard: unknown key");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "listen":{"port":1,"hots":"x"}})")
          == "node.json: listen.hots: unknown key");
  }
  SECTION("shards") {
    CHECK(starts_with(error_of(R"({"node":"n","catalog":"c"})"),
                      "node.json: shards: missing"));
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":[]})")
          == "node.json: shards: must be a non-empty list of DSN strings");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":"s"})")
          == "node.json: shards: must be a non-empty list of DSN strings");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s0", 1]})")
          == "node.json: shards[1]: must be a non-empty libpq connection "
             "string");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s0", ""]})")
          == "node.json: shards[1]: must be a non-empty libpq connection "
             "string");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s0","s1","s0"]})")
          == "node.json: shards[2]: duplicates another shard's DSN");
  }
  SECTION("required strings") {
    CHECK(error_of(R"({"catalog":"c","shards":["s"]})")
          == "node.json: node: missing");
    CHECK(error_of(R"({"node":"","catalog":"c","shards":["s"]})")
          == "node.json: node: must be a non-empty string");
    CHECK(error_of(R"({"node":"a b","catalog":"c","shards":["s"]})")
          == "node.json: node: may contain only letters, digits, - and _");
    CHECK(error_of(R"({"node":"n","shards":["s"]})")
          == "node.json: catalog: missing");
  }
  SECTION("listen port") {
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "listen":{"port":0}})")
          == "node.json: listen.port: must be between 1 and 65535");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "listen":{"port":65536}})")
          == "node.json: listen.port: must be between 1 and 65535");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "listen":{"port":"4710"}})")
          == "node.json: listen.port: must be an integer");
  }
  SECTION("request_timeout_ms out of range") {
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "request_timeout_ms":9})")
          == "node.json: request_timeout_ms: must be between 10 and 600000");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "request_timeout_ms":600001})")
          == "node.json: request_timeout_ms: must be between 10 and 600000");
    CHECK(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                       "request_timeout_ms":1.5})")
          == "node.json: request_timeout_ms: must be an integer");
  }
  SECTION("log level") {
    CHECK(starts_with(error_of(R"({"node":"n","catalog":"c","shards":["s"],
                                   "log_level":"trace"})"),
                      "node.json: log_level: "));
  }
  SECTION("invalid JSON and non-objects") {
    CHECK(starts_with(error_of(R"({"node": "n",)"),
                      "node.json: (file): invalid JSON: "));
    CHECK(starts_with(error_of(""), "node.json: (file): invalid JSON: "));
    CHECK(error_of("[1, 2]") == "node.json: (file): must be a JSON object");
  }
}

TEST_CASE("load_node_config reads a file", "[node_config]") {
  auto path = std::string{"lunch_unit_node_config_test.json"};
  {
    std::ofstream out{path};
    out << minimal;
  }
  auto cfg = load_node_config(path);
  CHECK(cfg.node == "node0");
  std::remove(path.c_str());
  try {
    load_node_config(path);
    FAIL("expected config_error");
  } catch (const config_error& e) {
    CHECK(std::string{e.what()} == path + ": (file): cannot be read");
  }
}

TEST_CASE("debug and supervision keys", "[node_config]") {
  auto plain = parse_node_config(minimal, "node.json");
  CHECK_FALSE(plain.fault_injection);
  CHECK(plain.supervision.shard.intensity.max_restarts == 5);
  CHECK(plain.supervision.shard.backoff.min.count() == 50);
  CHECK(plain.supervision.entities.max_restarts == 20);
  auto cfg = parse_node_config(R"({
    "node": "n", "catalog": "c", "shards": ["s"],
    "debug": {"fault_injection": true},
    "supervision": {
      "shard": {"max_restarts": 1000, "within_ms": 1000, "backoff_min_ms": 0,
                "backoff_max_ms": 5, "backoff_factor": 1.5,
                "backoff_jitter": 0, "reset_after_ms": 20},
      "entities": {"max_restarts": 7, "within_ms": 100}
    }
  })",
                               "node.json");
  CHECK(cfg.fault_injection);
  auto& shard = cfg.supervision.shard;
  CHECK(shard.intensity.max_restarts == 1000);
  CHECK(shard.intensity.period.count() == 1000);
  CHECK(shard.backoff.min.count() == 0);
  CHECK(shard.backoff.max.count() == 5);
  CHECK(shard.backoff.factor == 1.5);
  CHECK(shard.backoff.jitter == 0);
  CHECK(shard.backoff.reset_after.count() == 20);
  CHECK(cfg.supervision.entities.max_restarts == 7);
  CHECK(cfg.supervision.root.intensity.max_restarts == 3); // untouched
  auto base = std::string{R"({"node":"n","catalog":"c","shards":["s"],)"};
  CHECK(error_of(base + R"("debug":{"fault_injection":"yes"}})")
        == "node.json: debug.fault_injection: must be true or false");
  CHECK(error_of(base + R"("debug":{"faults":true}})")
        == "node.json: debug.faults: unknown key");
  CHECK(error_of(base + R"("supervision":{"owner":{}}})")
        == "node.json: supervision.owner: unknown key");
  CHECK(error_of(base + R"("supervision":{"shard":{"max_restarts":-1}}})")
        == "node.json: supervision.shard.max_restarts: must be between 0 and "
           "100000");
  CHECK(error_of(base + R"("supervision":{"shard":{"backoff_min_ms":9,
                                              "backoff_max_ms":8}}})")
        == "node.json: supervision.shard.backoff_min_ms: must not exceed "
           "backoff_max_ms");
  CHECK(error_of(base + R"("supervision":{"entities":{"backoff_min_ms":1}}})")
        == "node.json: supervision.entities.backoff_min_ms: unknown key");
}

TEST_CASE("cluster keys", "[node_config]") {
  auto defaults = parse_node_config(minimal, "node.json").cluster;
  CHECK(defaults.seeds.empty());
  CHECK(defaults.heartbeat_ms == 250);
  CHECK(defaults.heartbeat_timeout_ms == 1000);
  CHECK(defaults.catalog_interval_ms == 500);
  CHECK(defaults.allowed_shards.empty());
  auto with = [](const std::string& cluster) {
    return R"({"node": "n", "catalog": "c", "shards": ["a", "b", "c"],
               "cluster": )"
           + cluster + "}";
  };
  auto cfg = parse_node_config(
    with(R"({"seeds": ["127.0.0.1:4710", "db-host:4711"], "heartbeat_ms": 100,
             "heartbeat_timeout_ms": 300, "catalog_interval_ms": 50,
             "shards": [2, 0]})"),
    "node.json");
  REQUIRE(cfg.cluster.seeds.size() == 2);
  CHECK(cfg.cluster.seeds[1].host == "db-host");
  CHECK(cfg.cluster.seeds[1].port == 4711);
  CHECK(cfg.cluster.heartbeat_ms == 100);
  CHECK(cfg.cluster.heartbeat_timeout_ms == 300);
  CHECK(cfg.cluster.catalog_interval_ms == 50);
  CHECK(cfg.cluster.allowed_shards == std::vector<int32_t>{2, 0});
  CHECK(error_of(with(R"({"seeds": ["nohost"]})"))
        == "node.json: cluster.seeds[0]: must be \"HOST:PORT\"");
  CHECK(error_of(with(R"({"heartbeat_ms": 800})"))
        == "node.json: cluster.heartbeat_timeout_ms: must be at least 3 "
           "heartbeats (2400 ms), or a few late heartbeats would declare a "
           "live node dead");
  CHECK(error_of(with(R"({"shards": [3]})"))
        == "node.json: cluster.shards[0]: must be between 0 and 2");
  CHECK(error_of(with(R"({"shards": [1, 1]})"))
        == "node.json: cluster.shards[1]: listed twice");
  CHECK(error_of(with(R"({"shards": []})"))
        == "node.json: cluster.shards: must be a non-empty list of shard "
           "indexes");
  CHECK(error_of(with(R"({"gossip": true})"))
        == "node.json: cluster.gossip: unknown key");
  CHECK(error_of(with("[]")) == "node.json: cluster: must be an object");
}

TEST_CASE("jobs keys", "[node_config]") {
  auto defaults = parse_node_config(minimal, "node.json").jobs;
  CHECK(defaults.workers == 256);
  CHECK(defaults.poll_ms == 100);
  CHECK(defaults.lease_ms == 5000);
  CHECK(defaults.kinds.empty());
  auto with = [](const std::string& jobs) {
    return R"({"node": "n", "catalog": "c", "shards": ["a"], "jobs": )" + jobs
           + "}";
  };
  auto cfg
    = parse_node_config(with(R"({"workers": 4, "poll_ms": 50, "lease_ms": 2000,
             "kinds": {"notify": {"soft_limit_ms": 100, "hard_limit_ms": 200,
                                  "max_attempts": 5, "retry_backoff_ms": 10}}})"),
                        "node.json");
  CHECK(cfg.jobs.workers == 4);
  CHECK(cfg.jobs.poll_ms == 50);
  CHECK(cfg.jobs.lease_ms == 2000);
  REQUIRE(cfg.jobs.kinds.count("notify") == 1);
  CHECK(cfg.jobs.kinds.at("notify").soft_limit_ms == 100);
  CHECK(cfg.jobs.kinds.at("notify").hard_limit_ms == 200);
  CHECK(cfg.jobs.kinds.at("notify").max_attempts == 5);
  CHECK(cfg.jobs.kinds.at("notify").retry_backoff_ms == 10);
  CHECK(error_of(with(R"({"workers": 0})"))
        == "node.json: jobs.workers: must be between 1 and 4096");
  CHECK(error_of(with(R"({"kinds": {"celery": {}}})"))
        == "node.json: jobs.kinds.celery: unknown kind (recommendations, "
           "user-analytics, cleanup, notify, noop)");
  CHECK(error_of(with(R"({"kinds": {"noop": {"soft_limit_ms": 500,
                                             "hard_limit_ms": 100}}})"))
        == "node.json: jobs.kinds.noop.hard_limit_ms: must be at least the "
           "soft limit");
  CHECK(error_of(with(R"({"kinds": {"noop": {"retries": 1}}})"))
        == "node.json: jobs.kinds.noop.retries: unknown key");
  CHECK(error_of(with(R"({"queue": 1})"))
        == "node.json: jobs.queue: unknown key");
}

TEST_CASE("scheduler keys", "[node_config]") {
  auto defaults = parse_node_config(minimal, "node.json").scheduler;
  CHECK(defaults.timezone == "Asia/Seoul");
  CHECK(defaults.tick_ms == 500);
  CHECK(defaults.lease_ms == 3000);
  REQUIRE(defaults.schedules.size() == 3);
  CHECK(defaults.schedules[0].name == "daily-recommendation-cache");
  CHECK(defaults.cache_refresh_ms == 1000);
  CHECK(defaults.cache_refresh_batch == 256);
  auto with = [](const std::string& s) {
    return R"({"node": "n", "catalog": "c", "shards": ["a"], "scheduler": )" + s
           + "}";
  };
  auto cfg = parse_node_config(
    with(R"({"timezone": "Europe/Berlin", "tick_ms": 100, "lease_ms": 1000,
             "schedules": {"weekly": {"kind": "cleanup", "at": "03:15:30",
                                      "days": ["sat", "Sunday"]},
                           "tick": {"kind": "noop", "every_s": 10,
                                    "args": {"sleep_ms": 5}}},
             "cache_refresh": {"interval_ms": 0, "batch": 8}})"),
    "node.json");
  auto& s = cfg.scheduler;
  CHECK(s.timezone == "Europe/Berlin");
  CHECK(s.tick_ms == 100);
  CHECK(s.lease_ms == 1000);
  REQUIRE(s.schedules.size() == 2); // the defaults replaced
  CHECK(s.schedules[0].name == "tick");
  CHECK(s.schedules[0].every_s == 10);
  CHECK(s.schedules[0].args == R"({"sleep_ms":5})");
  CHECK(s.schedules[1].name == "weekly");
  CHECK(s.schedules[1].hour == 3);
  CHECK(s.schedules[1].minute == 15);
  CHECK(s.schedules[1].second == 30);
  CHECK(s.schedules[1].weekdays == std::vector<int32_t>{6, 0});
  CHECK(s.cache_refresh_ms == 0);
  CHECK(s.cache_refresh_batch == 8);
  CHECK(error_of(with(R"({"timezone": "Mars/Olympus"})"))
        == "node.json: scheduler.timezone: must be a time zone name of the "
           "tz database, e.g. Asia/Seoul");
  CHECK(
    error_of(with(R"({"schedules": {"x": {"kind": "celery", "at": "00:00"}}})"))
    == "node.json: scheduler.schedules.x.kind: unknown kind "
       "(recommendations, user-analytics, cleanup, notify, noop)");
  CHECK(
    error_of(with(R"({"schedules": {"x": {"kind": "noop", "at": "25:00"}}})"))
    == "node.json: scheduler.schedules.x.at: must be HH:MM or HH:MM:SS "
       "(00:00 to 23:59:59)");
  CHECK(error_of(with(R"({"schedules": {"x": {"kind": "noop", "at": "01:00",
                                              "days": ["someday"]}}})"))
        == "node.json: scheduler.schedules.x.days: must be \"daily\" or a "
           "list of weekdays (sun … sat)");
  CHECK(error_of(with(R"({"schedules": {"x": {"kind": "noop", "every_s": 5,
                                              "at": "01:00"}}})"))
        == "node.json: scheduler.schedules.x.every_s: an interval schedule "
           "has no \"at\" or \"days\"");
  CHECK(
    error_of(with(R"({"schedules": {"x y": {"kind": "noop", "at": "01:00"}}})"))
    == "node.json: scheduler.schedules.x y: a name may contain only "
       "letters, digits, - and _");
  CHECK(error_of(with(R"({"tick_ms": 1000, "lease_ms": 1500})"))
        == "node.json: scheduler.lease_ms: must be at least twice tick_ms");
  CHECK(starts_with(error_of(with(R"({"schedules": {"x": {"kind": "noop",
                    "every_s": 5, "args": {"sleep_ms": -1}}}})")),
                    "node.json: scheduler.schedules.x.args: sleep_ms: "));
}
